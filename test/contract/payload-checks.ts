/**
 * Checks on step payloads that decoding alone cannot make: fields a contract does not declare
 * (io-ts `t.type` keeps them on decode and encode, so a field dropped from a contract would
 * still round-trip), and values that look like a token or a secret (DESIGN §3: none may travel
 * in a state payload).
 */
import * as t from 'io-ts';

type Props = Readonly<Record<string, t.Mixed>>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields a codec declares for an object, through exact, readonly, refinement and intersection; undefined for a non-object codec. */
const propsOf = (codec: t.Mixed): Props | undefined => {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return codec.props as Props;
  if (codec instanceof t.ExactType || codec instanceof t.ReadonlyType || codec instanceof t.RefinementType) {
    return propsOf(codec.type as t.Mixed);
  }
  if (codec instanceof t.IntersectionType) {
    const members = (codec.types as t.Mixed[]).map(propsOf);
    return members.every((props) => props !== undefined) ? Object.assign({}, ...members) : undefined;
  }
  return undefined;
};

/**
 * The JSON paths of the fields in `value` that `codec` does not declare, at any depth.
 * @example undeclaredFields(t.type({ a: t.number }), { a: 1, b: 2 }) // ['$.b']
 */
export const undeclaredFields = (codec: t.Mixed, value: unknown, path = '$'): string[] => {
  const props = propsOf(codec);
  if (props !== undefined && isRecord(value)) {
    return Object.entries(value).flatMap(([key, field]) => {
      const declared = props[key];
      return declared === undefined ? [`${path}.${key}`] : undeclaredFields(declared, field, `${path}.${key}`);
    });
  }
  if ((codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) && Array.isArray(value)) {
    return value.flatMap((item, index) => undeclaredFields(codec.type as t.Mixed, item, `${path}[${index}]`));
  }
  if (codec instanceof t.ReadonlyType || codec instanceof t.RefinementType) return undeclaredFields(codec.type as t.Mixed, value, path);
  if (codec instanceof t.UnionType) {
    const member = (codec.types as t.Mixed[]).find((type) => type.is(value));
    return member === undefined ? [] : undeclaredFields(member, value, path);
  }
  return [];
};

/** Keys under which a string value can only be a secret; `token` alone holds FetchToken's `{ expiresAt }` object, which passes. */
const secretKey = /token|secret|password|passwd|credential|api[-_]?key|authori[sz]ation|cookie|private[-_]?key/i;

/** What a secret written into text looks like, each with the finding it reports. */
const secretText: readonly (readonly [RegExp, string])[] = [
  [/\b(?:bearer|basic)\s+[\w.~+/=-]{8,}/i, 'an Authorization header value'],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/, 'a JSON Web Token'],
  [/(?:access|refresh)[-_]?token["']?\s*[:=]|client[-_]?secret["']?\s*[:=]/i, 'a token or client secret written as key=value'],
];

/** Spotify's access and refresh tokens run to 130–300 base64url characters; snapshot ids stay under 64. */
const longOpaque = /[A-Za-z0-9+/_-]{100,}={0,2}/g;
const isMixed = (run: string): boolean => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run);

/** A value described without repeating it, so the report of a leak is not a leak itself. */
const described = (value: string): string => `a string of ${value.length} characters`;

const parsedJson = (text: string): unknown => {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * Everything in a payload that looks like a token or a secret, one line per finding naming its
 * JSON path and why, never the value. Strings holding JSON (a Catch's `Cause`) are searched too.
 * @example secretLookalikes({ token: { expiresAt: '2026-11-21T03:00:00Z' } }) // []
 * @example secretLookalikes({ accessToken: 'BQDx…' }) // ['$.accessToken: a key named like a secret holds a string of 212 characters']
 */
export const secretLookalikes = (value: unknown, path = '$'): string[] => {
  if (Array.isArray(value)) return value.flatMap((item, index) => secretLookalikes(item, `${path}[${index}]`));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, field]) => [
      ...(secretKey.test(key) && typeof field === 'string' && field !== ''
        ? [`${path}.${key}: a key named like a secret holds ${described(field)}`]
        : []),
      ...secretLookalikes(field, `${path}.${key}`),
    ]);
  }
  if (typeof value !== 'string') return [];
  const json = parsedJson(value);
  if (json !== undefined) return secretLookalikes(json, `${path}(json)`);
  return [
    ...secretText.filter(([pattern]) => pattern.test(value)).map(([, what]) => `${path}: holds ${what}`),
    ...[...value.matchAll(longOpaque)]
      .filter(([run]) => isMixed(run))
      .map(([run]) => `${path}: holds ${described(run)} in base64 letters, as long as an OAuth token`),
  ];
};
