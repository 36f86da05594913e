import { describe, expect, it } from 'vitest';
import { isKafkaformError } from '../../../src/errors.js';
import { checkDuration, checkSize, parseDuration, parseSize } from '../../../src/spec/units.js';

describe('checkDuration', () => {
  it.each([
    [0, 0n],
    [1500, 1500n],
    ['250', 250n],
    ['-1', -1n],
    [-1, -1n],
    ['500ms', 500n],
    ['30s', 30_000n],
    ['5m', 300_000n],
    ['2h', 7_200_000n],
    ['7d', 604_800_000n],
    ['1w', 604_800_000n],
    ['1.5h', 5_400_000n],
    [' 10 s ', 10_000n],
    [9_223_372_036_854_775_807n, 9_223_372_036_854_775_807n],
  ])('%s → %s ms', (input, ms) => {
    expect(checkDuration(input)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['7 days', /unknown duration unit "days" in "7 days"; use ms, s, m, h, d or w/],
    ['5min', /unknown duration unit "min"/],
    ['1.5', /must be whole/],
    [1.5, /must be whole/],
    ['0.5ms', /not a whole number of milliseconds/],
    ['-1d', /negative/],
    ['soon', /expected a duration such as 500ms/],
    [true, /expected a duration .* got true/],
    [2 ** 60, /too large to be represented exactly/],
  ])('%j is rejected', (input, error) => {
    const r = checkDuration(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('checkSize', () => {
  it.each([
    [1024, 1024n],
    ['-1', -1n],
    ['10B', 10n],
    ['1KB', 1000n],
    ['1kb', 1000n],
    ['64KiB', 65_536n],
    ['512MiB', 536_870_912n],
    ['1GB', 1_000_000_000n],
    ['1GiB', 1_073_741_824n],
    ['2TiB', 2_199_023_255_552n],
    ['1.5KiB', 1536n],
    ['512 MiB', 536_870_912n],
  ])('%j → %s bytes', (input, bytes) => {
    expect(checkSize(input)).toEqual({ ok: true, value: bytes });
  });

  it.each([
    ['512m', /"512m" is ambiguous: write MB \(powers of 1000\) or MiB/],
    ['1PB', /unknown size unit "PB"/],
    ['1.1B', /not a whole number of bytes/],
    ['-5MiB', /negative/],
    ['big', /expected a size such as/],
  ])('%j is rejected', (input, error) => {
    const r = checkSize(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('parseDuration / parseSize', () => {
  it('return numbers', () => {
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseSize('1MiB')).toBe(1_048_576);
  });

  it('throw a KafkaformError USAGE with a hint', () => {
    let caught: unknown;
    try {
      parseDuration('ten seconds');
    } catch (e) {
      caught = e;
    }
    expect(isKafkaformError(caught) && caught.code).toBe('KF500');
    expect(isKafkaformError(caught) && caught.hint).toMatch(/500ms/);
  });
});
