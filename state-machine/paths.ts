/**
 * Typed JSONPath references: every path between states is built from the type of the payload it
 * reads, and every result is stored only in a field whose type the producing step's output fits,
 * so wiring a state to a field that does not exist, was renamed or holds something else fails to
 * compile.
 */
import { JsonPath } from 'aws-cdk-lib/aws-stepfunctions';
import type { StepDefinition, StepOutput } from '../core/step';

type Leaf = string | number | boolean | null | undefined | readonly unknown[];

/** The key sequences of `T` down to its leaves (arrays are leaves), at most four levels deep. */
export type KeyPath<T, Depth extends unknown[] = []> = Depth['length'] extends 4
  ? never
  : T extends Leaf
    ? never
    : {
        [K in keyof T & string]-?: [K] | (NonNullable<T[K]> extends Leaf ? never : [K, ...KeyPath<NonNullable<T[K]>, [...Depth, unknown]>]);
      }[keyof T & string];

/**
 * The JSONPath of a field of the payload `T`.
 * @example path<ExtractItemsOutput>('cursor', 'offset') // '$.cursor.offset'
 */
export const path = <T>(...keys: KeyPath<T>): string => ['$', ...keys].join('.');

/** The current Map item itself (`$$.Map.Item.Value`), e.g. a playlist id of a list of ids. */
export const mapItemValue = '$$.Map.Item.Value';

/**
 * A field of the current Map item of type `T`.
 * @example mapItem<PlannedDate>('date') // '$$.Map.Item.Value.date'
 */
export const mapItem = <T>(...keys: KeyPath<T>): string => [mapItemValue, ...keys].join('.');

/**
 * A payload template that fills every field of the input `T` from a JSONPath: a missing or
 * unknown field fails to compile. Renders as `{"field.$": "<path>"}`.
 * @example inputOf<PollCrawlerInput>({ polls: path<RunState>('crawl', 'polls') }) // { 'polls.$': '$.crawl.polls' }
 */
export const inputOf = <T>(fields: { readonly [K in keyof T]-?: string }): Record<string, string> =>
  Object.fromEntries(Object.entries<string>(fields).map(([key, at]) => [key, JsonPath.stringAt(at)]));

declare const accepts: unique symbol;

/**
 * A ResultPath: a field of a state's payload that can hold a value of type `O`. Only
 * {@link resultPathsIn} makes one, so a step's result can only be put where the state's type
 * says such a value lives (the function type makes it contravariant: a field of type `X` holds
 * any `O` assignable to `X`).
 */
export type ResultPath<O> = string & { readonly [accepts]: (value: O) => void };

/**
 * The ResultPaths of the payload `S`: `resultPathsIn<RunState>()('plan')` is `$.plan`, typed as a
 * place for a `RunState['plan']`.
 * @example const into = resultPathsIn<RunState>(); into('crawl') // '$.crawl'
 */
export const resultPathsIn =
  <S>() =>
  <K extends keyof S & string>(field: K): ResultPath<S[K]> =>
    `$.${field}` as ResultPath<S[K]>;

/**
 * The JSONPath where `step`'s result goes: compiles only when the step's output type fits the
 * field, so renaming or retyping an output field of a step contract (or pointing a result at
 * the wrong field) fails to compile where the machine stores it.
 * @example resultOf(steps.pollCrawler, into('crawl')) // '$.crawl'
 */
export const resultOf = <S extends StepDefinition>(_step: S, at: ResultPath<StepOutput<S>>): string => at;
