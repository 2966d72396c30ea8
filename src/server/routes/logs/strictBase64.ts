/**
 * Strict base64: Node's decoder silently skips bad characters, which would corrupt logs without a
 * trace. A single character class and a length check, no repeated group: a backtracking pattern
 * over a multi-megabyte string overflowed the regex stack (a 500 instead of a 400).
 */
const ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

export function isStrictBase64(text: string): boolean {
  if (text.length % 4 !== 0 || !ALPHABET.test(text)) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  // '=' may only close the last quantum.
  return text.indexOf('=') === -1 || text.indexOf('=') >= text.length - padding;
}
