/**
 * Optimal-string-alignment distance (Damerau-Levenshtein restricted to non-overlapping transpositions):
 * insertions, deletions, substitutions and swaps of two adjacent characters each cost 1.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows keep memory linear; the transposition step needs the row before the previous one.
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/** Largest distance still worth suggesting for an input of this length: max(2, ⌊len/3⌋). */
export function suggestionThreshold(input: string): number {
  return Math.max(2, Math.floor(input.length / 3));
}

/**
 * The candidate closest to `input` (case-insensitive) within suggestionThreshold edits, or undefined.
 * Ties go to the earliest candidate, so callers control preference by order.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  const limit = suggestionThreshold(input);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    // Length difference is a lower bound of the distance: skip the quadratic work when it cannot win.
    if (Math.abs(c.length - needle.length) >= bestDistance) continue;
    const d = editDistance(needle, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean "x"?` when a candidate is close, else the empty string: appended to "unknown …" messages. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s === undefined ? '' : `; did you mean ${JSON.stringify(s)}?`;
}
