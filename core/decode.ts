/**
 * Decoding at the boundaries: every io-ts failure becomes one readable line per problem,
 * naming the JSON path and the type of the value found there.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';

/**
 * A codec that also accepts null.
 * @example nullable(t.string).is(null) // true
 */
export const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** The JSON type of a value as a person would name it: null, array, object, string, … */
export const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** The JSON path of a failed check, `$.items[3].track.album`; union branches are not path steps. */
const pathOf = (context: t.Context): string =>
  context.reduce((path, entry, index) => {
    if (index === 0 || entry.key === '') return path;
    const parent = context[index - 1]?.type;
    if (parent instanceof t.UnionType || parent instanceof t.IntersectionType) return path;
    return /^\d+$/.test(entry.key) && parent instanceof t.ArrayType ? `${path}[${entry.key}]` : `${path}.${entry.key}`;
  }, '$');

/**
 * What a codec accepts, as a reader names it: the members of a union one by one, and `object`
 * or `array` instead of a structure's whole generated name (which can run to a page).
 */
const expectedNames = (type: t.Decoder<unknown, unknown>): string[] => {
  if (type instanceof t.UnionType) return (type.types as t.Decoder<unknown, unknown>[]).flatMap(expectedNames);
  if (!type.name.includes('{')) return [type.name];
  return [type instanceof t.ArrayType ? 'array' : 'object'];
};

/**
 * One line per distinct failing path: `$.items[0].added_at: expected string | null, got number`.
 * A failure at a path with deeper failures below it is left out: the value had the right shape
 * for some union branch, so the deeper lines say what is wrong (not "expected null").
 * @example describeErrors(...) // ['$.total: expected number, got string']
 */
export const describeErrors = (errors: t.Errors): string[] => {
  const found = new Map<string, { expected: Set<string>; got: string }>();
  for (const error of errors) {
    const path = pathOf(error.context);
    const type = error.context[error.context.length - 1]?.type;
    const line = found.get(path) ?? { expected: new Set<string>(), got: jsonTypeOf(error.value) };
    for (const name of type === undefined ? ['unknown'] : expectedNames(type)) line.expected.add(name);
    found.set(path, line);
  }
  const paths = [...found.keys()];
  const hasDeeper = (path: string) => paths.some((other) => other.startsWith(`${path}.`) || other.startsWith(`${path}[`));
  return [...found]
    .filter(([path]) => !hasDeeper(path))
    .map(([path, { expected, got }]) => `${path}: expected ${[...expected].join(' | ')}, got ${got}`);
};

/** Decodes `value` or throws the error `fail` builds from the problem lines. */
export const decodeOrThrow = <C extends t.Mixed>(
  codec: C,
  value: unknown,
  fail: (problems: string[]) => Error,
): t.TypeOf<C> => {
  const result = codec.decode(value);
  if (isLeft(result)) throw fail(describeErrors(result.left));
  return result.right;
};

/** Decodes `value`, returning the problem lines instead of throwing. */
export const tryDecode = <C extends t.Mixed>(
  codec: C,
  value: unknown,
): { ok: true; value: t.TypeOf<C> } | { ok: false; problems: string[] } => {
  const result = codec.decode(value);
  return isLeft(result) ? { ok: false, problems: describeErrors(result.left) } : { ok: true, value: result.right };
};
