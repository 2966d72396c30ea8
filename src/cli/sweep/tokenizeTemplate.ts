import { usageError } from '../exitCodes';

/** Characters a shell would treat as operators; sweeps run without a shell, so unquoted they are almost surely a mistake. */
const OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '`']);

/**
 * Splits a template into argv the way a POSIX shell would split words: blanks separate,
 * '…' is literal, "…" keeps \" \\ \$ \` escapes, a backslash outside quotes escapes the next character.
 * Nothing is expanded ($VAR, globs, ~ stay literal) because the job is exec'd without a shell.
 * Hand-written because the only dependency candidates (shell-quote, string-argv) are not installed
 * and either expands variables or ignores backslashes; this grammar is a page long.
 */
export function tokenizeTemplate(template: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const fail = (what: string, at: number): never => {
    throw usageError(`template: ${what} at column ${at + 1}: ${template}`);
  };
  while (i < template.length) {
    const ch = template[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else if (ch === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) fail('unterminated single quote', i);
      word += template.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      const start = i;
      i += 1;
      for (;;) {
        if (i >= template.length) fail('unterminated double quote', start);
        const c = template[i];
        if (c === '"') break;
        if (c === '\\' && i + 1 < template.length && '"\\$`\n'.includes(template[i + 1])) {
          if (template[i + 1] !== '\n') word += template[i + 1];
          i += 2;
        } else {
          word += c;
          i += 1;
        }
      }
      inWord = true;
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 >= template.length) fail('trailing backslash', i);
      if (template[i + 1] !== '\n') {
        word += template[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (OPERATORS.has(ch)) {
      fail(`unquoted ${ch} (sweeps run without a shell; quote it to pass it literally)`, i);
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw usageError('template: empty command');
  return words;
}
