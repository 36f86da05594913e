import type { Parsed } from './units.js';

/**
 * Splits a command string into words the way a POSIX shell would for simple cases: whitespace separates,
 * '…' is literal, "…" allows \" \\ \$ \` escapes, and a backslash outside quotes escapes the next character.
 * No expansion or operators: the result is an argv, not a script.
 */
export function splitShellWords(input: string): Parsed<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: 'unterminated single quote' };
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < input.length && '"\\$`'.includes(input[i + 1]!)) {
          word += input[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) return { ok: false, error: 'unterminated double quote' };
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < input.length) word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, value: words };
}
