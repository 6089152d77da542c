/**
 * Spotify's `fields` query filter: `id,name,owner(id,display_name),items(total)`; a dot selects
 * one field of an object (`owner.id`), parentheses several (applied to each element of an array).
 * Exclusions (`!name`) are not emulated.
 */

/** A parsed selection: each selected field, with the selection inside it or `true` for all of it. */
export type Selection = ReadonlyMap<string, Selection | true>;

/** Why a `fields` value could not be parsed. */
export class FieldsSyntaxError extends Error {}

/**
 * Parses a `fields` value.
 * @example parseFields('id,owner(id)') // Map { 'id' => true, 'owner' => Map { 'id' => true } }
 */
export const parseFields = (text: string): Selection => {
  let at = 0;
  const fail = (what: string): never => {
    throw new FieldsSyntaxError(`Invalid fields filter "${text}": ${what} at character ${at + 1}`);
  };
  const name = (): string => {
    const match = /^[A-Za-z0-9_]+/.exec(text.slice(at));
    if (!match) return text[at] === '!' ? fail('exclusions are not supported by the emulator') : fail('a field name was expected');
    at += match[0].length;
    return match[0];
  };
  const merge = (into: Map<string, Selection | true>, field: string, inner: Selection | true): void => {
    const existing = into.get(field);
    if (existing === undefined || inner === true || existing === true) into.set(field, existing === undefined ? inner : true);
    else into.set(field, new Map([...existing, ...inner]));
  };
  const field = (): [string, Selection | true] => {
    const key = name();
    if (text[at] === '.') {
      at += 1;
      const [inner, selection] = field();
      return [key, new Map([[inner, selection]])];
    }
    if (text[at] === '(') {
      at += 1;
      const inner = list();
      if (text[at] !== ')') fail('")" was expected');
      at += 1;
      return [key, inner];
    }
    return [key, true];
  };
  const list = (): Selection => {
    const selection = new Map<string, Selection | true>();
    for (;;) {
      const [key, inner] = field();
      merge(selection, key, inner);
      if (text[at] !== ',') return selection;
      at += 1;
    }
  };
  const selection = list();
  if (at !== text.length) fail('unexpected text');
  return selection;
};

/** The part of `value` the selection keeps. */
export const applyFields = (value: unknown, selection: Selection): unknown => {
  if (Array.isArray(value)) return value.map((element) => applyFields(element, selection));
  if (typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of selection) {
    if (!(key in value)) continue;
    const field = (value as Record<string, unknown>)[key];
    kept[key] = inner === true ? field : applyFields(field, inner);
  }
  return kept;
};
