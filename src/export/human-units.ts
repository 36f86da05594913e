// The reverse of src/spec/units.ts: a Kafka value in ms or bytes written in the largest unit that is exact.
// Every result parses back to the same number through checkDuration/checkSize (tested both ways).

const DURATIONS: [string, bigint][] = [
  ['d', 86_400_000n],
  ['h', 3_600_000n],
  ['m', 60_000n],
  ['s', 1_000n],
];

const BINARY_SIZES: [string, bigint][] = [
  ['TiB', 1024n ** 4n],
  ['GiB', 1024n ** 3n],
  ['MiB', 1024n ** 2n],
  ['KiB', 1024n],
];

const DECIMAL_SIZES: [string, bigint][] = [
  ['TB', 1_000_000_000_000n],
  ['GB', 1_000_000_000n],
  ['MB', 1_000_000n],
  ['KB', 1_000n],
];

/** Largest unit dividing n exactly, as "<n/unit><unit>"; null for 0, negatives (-1/-2 mean "unlimited"/"same as") and non-multiples. */
function inUnits(n: bigint, units: [string, bigint][]): string | null {
  if (n <= 0n) return null;
  for (const [unit, factor] of units) if (n % factor === 0n) return `${n / factor}${unit}`;
  return null;
}

/** "604800000" → "7d", "90000" → "90s"; null when no unit is exact or the value is special (0, -1, Long.MAX). */
export function humanDuration(ms: string): string | null {
  if (!/^-?\d+$/.test(ms) || ms === '9223372036854775807') return null;
  return inUnits(BigInt(ms), DURATIONS);
}

/** "536870912" → "512MiB", "1000000" → "1MB"; binary units first; null when none is exact or the value is special. */
export function humanSize(bytes: string): string | null {
  if (!/^-?\d+$/.test(bytes) || bytes === '9223372036854775807') return null;
  const n = BigInt(bytes);
  return inUnits(n, BINARY_SIZES) ?? inUnits(n, DECIMAL_SIZES);
}
