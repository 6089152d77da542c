/**
 * Typed JSONPath references: every path between states is built from the type of the payload it
 * reads, so wiring a state to a field that does not exist (or was renamed) fails to compile.
 */
import { JsonPath } from 'aws-cdk-lib/aws-stepfunctions';

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
