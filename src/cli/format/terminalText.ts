/**
 * Text from the queue (job names, commands, errors, worker names) is written by whoever submitted it,
 * so before it reaches a terminal every control character is shown as an escape: a name like
 * `"\u001b]0;pwned\u0007"` must print as `\x1b]0;pwned\x07`, not retitle the user's terminal.
 * Bidirectional overrides are escaped too, so a name cannot reorder the text around it.
 */
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// Backslashes stay as they are, so escaping is idempotent: text escaped twice reads the same.
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text made safe for a terminal; newlines and tabs become `\n`, `\t`. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** The same, keeping line breaks: for multi-line text printed as lines (a table, an error message). */
export function escapeControlKeepLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
}

// Hand-written rather than a dependency: the CLI ships as one bundle that must start fast, and the
// rule below (UAX #11 wide and fullwidth blocks, emoji, zero-width marks) is all a table needs.
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|\p{Cf})+$/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x1f300, 0x1f64f], // pictographs and emoticons
  [0x1f900, 0x1f9ff], // supplemental symbols and pictographs
  [0x20000, 0x3fffd], // CJK extensions B and beyond
];

function isWide(codePoint: number): boolean {
  return WIDE.some(([from, to]) => codePoint >= from && codePoint <= to);
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  const first = grapheme.codePointAt(0) ?? 0;
  return isWide(first) || EMOJI.test(grapheme) ? 2 : 1;
}

/** Columns a string takes in a terminal: CJK and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** Cuts text to at most `maxWidth` columns, ending in `…` when cut, never splitting a character. */
export function truncateToWidth(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = '';
  let width = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = graphemeWidth(segment);
    if (width + w > maxWidth - 1) break;
    out += segment;
    width += w;
  }
  return `${out}…`;
}

/** Pads to `width` columns, on the right or (for numbers) on the left. */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify escapes C0 controls but not C1 or bidi controls; these become `\uXXXX`, still valid JSON. */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
