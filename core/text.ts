/** Text cut to a length for a message: a module of its own, so that every Lambda bundle may use it without the codecs. */

/** The most characters of a value a message quotes, so that a 1 MB field still makes a readable line. */
export const maxQuotedLength = 80;

/**
 * `text` cut to `length` characters ({@link maxQuotedLength} unless told), ending in an ellipsis
 * when it was cut, never splitting a surrogate pair.
 * @example cut('x'.repeat(100)) // 'xxx…' (80 characters)
 */
export const cut = (text: string, length: number = maxQuotedLength): string => {
  if (text.length <= length) return text;
  const head = text.slice(0, length - 1);
  return `${/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head}…`;
};
