/**
 * Decoding at the boundaries: every io-ts failure becomes one readable line per problem,
 * naming the JSON path and the type of the value found there.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';

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
 * One line per distinct failing path: `$.items[0].added_at: expected string | null, got number`.
 * @example describeErrors(...) // ['$.total: expected number, got string']
 */
export const describeErrors = (errors: t.Errors): string[] => {
  const lines = new Map<string, string>();
  for (const error of errors) {
    const path = pathOf(error.context);
    const expected = error.context[error.context.length - 1]?.type.name ?? 'unknown';
    if (!lines.has(path)) lines.set(path, `${path}: expected ${expected}, got ${jsonTypeOf(error.value)}`);
  }
  return [...lines.values()];
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
