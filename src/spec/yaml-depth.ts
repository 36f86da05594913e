/** Deepest nesting a spec may have: real specs need about 8 levels; the YAML parser overflows the stack near 1,000. */
export const MAX_YAML_DEPTH = 64;

/** Where nesting first goes beyond the limit: 1-based line and column, and the depth reached. */
export interface TooDeep {
  line: number;
  col: number;
  depth: number;
}

/**
 * Finds YAML nested deeper than `max` in one linear pass, before the recursive parser sees it: block nesting
 * by indentation and "- " items, plus flow nesting by brackets outside quotes. It over-counts rather than
 * under-counts (an indented block scalar counts its indentation), which only matters far above real specs.
 */
export function findTooDeep(text: string, max = MAX_YAML_DEPTH): TooDeep | null {
  const indents: number[] = [];
  let flow = 0;
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    line++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === 0x20) i++;
    if (i < end && text[i] !== '#' && text[i] !== '\r') {
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= i - start) indents.pop();
        indents.push(i - start);
        // "- - - x": every sequence marker on the line opens one more level.
        while (i + 1 < end && text[i] === '-' && text[i + 1] === ' ') {
          i += 2;
          while (i < end && text.charCodeAt(i) === 0x20) i++;
          indents.push(i - start);
        }
        if (indents.length > max) return { line, col: i - start + 1, depth: indents.length };
      }
      let quote = '';
      for (; i < end; i++) {
        const c = text[i]!;
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '#' && (i === start || text[i - 1] === ' ')) break;
        else if (c === '[' || c === '{') {
          flow++;
          if (indents.length + flow > max) return { line, col: i - start + 1, depth: indents.length + flow };
        } else if ((c === ']' || c === '}') && flow > 0) flow--;
      }
    }
    start = end + 1;
  }
  return null;
}
