import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../../../src/spec/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['partitons', 'partitions', 1],
    ['retnetion.ms', 'retention.ms', 1], // one adjacent swap
    ['ca', 'abc', 3], // restricted transposition: no edit of a swapped pair
    ['same', 'same', 0],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('suggest', () => {
  const keys = ['partitions', 'replicationFactor', 'config'];
  it.each([
    ['partitons', 'partitions'],
    ['Partitions', 'partitions'],
    ['replicationfactor', 'replicationFactor'],
    ['replication', undefined], // too far
    ['confg', 'config'],
    ['xyz', undefined],
  ])('%s → %s', (input, expected) => {
    expect(suggest(input, keys)).toBe(expected);
  });

  it('prefers the closest and, on ties, the first candidate', () => {
    expect(suggest('retention.msx', ['retention.bytes', 'retention.ms'])).toBe('retention.ms');
    expect(suggest('ab', ['ac', 'ad'])).toBe('ac');
  });

  it('didYouMean renders the suffix of "unknown …" messages', () => {
    expect(didYouMean('partitons', keys)).toBe('; did you mean "partitions"?');
    expect(didYouMean('zzz', keys)).toBe('');
  });
});
