import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/seed/partitioner.js';

// kafkajs' default partitioner hash is the independent reference (it matches the Java client's).
const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (b: Buffer) => number;

describe('seed partitioner', () => {
  it('hashes keys like the Java client partitioner', () => {
    for (const k of ['', 'a', 'ab', 'abc', 'abcd', 'user-1', 'ünïcödé key', 'x'.repeat(101)]) {
      expect(murmur2(Buffer.from(k))).toBe(kafkajsMurmur2(Buffer.from(k)));
    }
    expect(partitionForKey(Buffer.from('user-1'), 3)).toBe((kafkajsMurmur2(Buffer.from('user-1')) & 0x7fffffff) % 3);
  });
});
