import { ErrorCodes, KafkaformError } from '../errors.js';
import { describeValue, quote } from './text.js';

/** The outcome of checking a user-written value: the value, or one sentence saying what is wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const DURATION_UNITS = new Map<string, bigint>([
  ['ms', 1n],
  ['s', 1_000n],
  ['m', 60_000n],
  ['h', 3_600_000n],
  ['d', 86_400_000n],
  ['w', 604_800_000n],
]);

// Sizes: decimal units are powers of 1000 and binary units powers of 1024, as in IEC 80000-13.
const SIZE_UNITS = new Map<string, bigint>([
  ['b', 1n],
  ['kb', 1_000n],
  ['mb', 1_000_000n],
  ['gb', 1_000_000_000n],
  ['tb', 1_000_000_000_000n],
  ['kib', 1024n],
  ['mib', 1024n ** 2n],
  ['gib', 1024n ** 3n],
  ['tib', 1024n ** 4n],
]);

const NUMBER_WITH_UNIT = /^([+-]?)(\d+)(?:\.(\d+))?\s*([A-Za-z]*)$/;

/** What a duration looks like, for messages. */
export const DURATION_EXPECTED = 'a duration such as 500ms, 30s, 5m, 2h, 7d or 1w (a bare number is milliseconds)';

/** What a size looks like, for messages. */
export const SIZE_EXPECTED = 'a size such as 1024, 64KiB, 512MiB or 1GB (a bare number is bytes; KB=1000, KiB=1024)';

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

/** Numbers from YAML that are not exact integers cannot stand for ms or bytes. */
function fromNumber(n: number, what: string): Parsed<bigint> {
  if (!Number.isFinite(n)) return fail(`expected ${what}, got ${n}`);
  if (!Number.isInteger(n)) return fail(`a number without a unit must be whole, got ${n}`);
  if (!Number.isSafeInteger(n)) return fail(`${n} is too large to be represented exactly; quote it as a string`);
  return ok(BigInt(n));
}

/** Exact value of intPart.frac × factor, or null when it is not a whole number. */
function scale(intPart: string, frac: string, factor: bigint): bigint | null {
  const denom = 10n ** BigInt(frac.length);
  const scaled = BigInt(intPart + frac) * factor;
  return scaled % denom === 0n ? scaled / denom : null;
}

function checkWithUnits(
  input: unknown,
  units: Map<string, bigint>,
  expected: string,
  unitWord: string,
  unitList: string,
  normaliseUnit: (u: string) => string,
  ambiguous: (u: string) => string | null,
): Parsed<bigint> {
  if (typeof input === 'bigint') return ok(input);
  if (typeof input === 'number') return fromNumber(input, expected);
  if (typeof input !== 'string') return fail(`expected ${expected}, got ${describeValue(input)}`);
  const text = input.trim();
  const m = NUMBER_WITH_UNIT.exec(text);
  if (!m) return fail(`expected ${expected}, got ${quote(input)}`);
  const [, sign = '', intPart = '', frac = '', rawUnit = ''] = m;
  if (rawUnit === '') {
    if (frac !== '') return fail(`a number without a unit must be whole, got ${quote(input)}`);
    return ok(BigInt(sign + intPart));
  }
  const problem = ambiguous(rawUnit);
  if (problem) return fail(problem.replace('%s', quote(input)));
  const factor = units.get(normaliseUnit(rawUnit));
  if (factor === undefined) return fail(`unknown ${unitWord} unit ${quote(rawUnit)} in ${quote(input)}; use ${unitList}`);
  if (sign === '-') return fail(`${quote(input)} is negative; only a bare -1 (or -2 where Kafka allows it) may be negative`);
  const value = scale(intPart, frac, factor);
  if (value === null) return fail(`${quote(input)} is not a whole number of ${unitWord === 'duration' ? 'milliseconds' : 'bytes'}`);
  return ok(value);
}

/** Checks a duration (number of ms, or "500ms", "30s", "5m", "2h", "7d", "1w", decimals allowed if exact) → ms. */
export function checkDuration(input: unknown): Parsed<bigint> {
  return checkWithUnits(
    input,
    DURATION_UNITS,
    DURATION_EXPECTED,
    'duration',
    'ms, s, m, h, d or w',
    (u) => u,
    () => null,
  );
}

/** Checks a size (number of bytes, or "B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"; case-insensitive) → bytes. */
export function checkSize(input: unknown): Parsed<bigint> {
  return checkWithUnits(
    input,
    SIZE_UNITS,
    SIZE_EXPECTED,
    'size',
    'B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)',
    (u) => u.toLowerCase(),
    (u) =>
      /^[kmgt]$/i.test(u)
        ? `%s is ambiguous: write ${u.toUpperCase()}B (powers of 1000) or ${u.toUpperCase()}iB (powers of 1024)`
        : null,
  );
}

function toNumber(p: Parsed<bigint>, what: string): number {
  if (!p.ok) throw new KafkaformError(ErrorCodes.USAGE, p.error, { hint: `write ${what}` });
  if (p.value > BigInt(Number.MAX_SAFE_INTEGER) || p.value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new KafkaformError(ErrorCodes.USAGE, `${p.value} is too large`, { hint: `write ${what}` });
  }
  return Number(p.value);
}

/** Parses a duration to ms for command-line values; throws KafkaformError USAGE with a clear message. */
export function parseDuration(input: string | number): number {
  return toNumber(checkDuration(input), DURATION_EXPECTED);
}

/** Parses a size to bytes for command-line values; throws KafkaformError USAGE with a clear message. */
export function parseSize(input: string | number): number {
  return toNumber(checkSize(input), SIZE_EXPECTED);
}
