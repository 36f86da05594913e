import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, encodeValueRuns, type ValueRanges } from '../../../src/kafka/record-batch.js';
import { planBatches, planValueBatches, startCarry } from '../../../src/seed/batching.js';
import type { SeedMessage } from '../../../src/seed/types.js';

const writer = { producerId: 77n, producerEpoch: 2, transactional: true };

/** Values laid out in one buffer with a newline between them, as a chunk of a file holds them. */
function rangesOf(values: string[]): ValueRanges {
  const parts = values.map((v) => Buffer.from(v));
  const buf = Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let pos = 0;
  parts.forEach((p, i) => {
    starts[i] = pos;
    ends[i] = pos + p.length;
    pos += p.length + 1;
  });
  return { buf, starts, ends, count: values.length };
}

const plain = (v: string): SeedMessage => ({ key: null, value: Buffer.from(v), headers: {}, partition: null, timestamp: null });
const values = Array.from({ length: 300 }, (_, i) => `{"n":${i},"t":"${'é'.repeat(i % 90)}"}`);

describe('encodeValueRuns', () => {
  it('writes the same batch bytes as encodeRecordBatch for the same keyless values, across runs of several chunks', async () => {
    const a = rangesOf(values.slice(0, 120));
    const b = rangesOf(values.slice(120));
    const now = 1_704_067_200_000;
    const runs = [
      { ranges: a, from: 5, to: 120 },
      { ranges: b, from: 0, to: 150 },
    ];
    const expected = values.slice(5, 270).map(plain);
    const indices = expected.map((_, i) => i);
    const ours = await encodeValueRuns(runs, writer, 40, 0, null, now);
    expect(ours.equals(await encodeRecordBatch(expected, indices, writer, 40, 0, null, now))).toBe(true);
    const gzip = (r: Buffer): Buffer => gzipSync(r);
    expect((await encodeValueRuns(runs, writer, 40, 1, gzip, now)).equals(await encodeRecordBatch(expected, indices, writer, 40, 1, gzip, now))).toBe(true);
  });
});

describe('planValueBatches', () => {
  it('cuts values like planBatches cuts keyless messages: same limits, sticky partitions, sequences that run on', () => {
    const window = [rangesOf(values.slice(0, 100)), rangesOf(values.slice(100))];
    const layout = { count: 3, available: [0, 1, 2], stickyStart: 1 };
    const limits = { maxBytes: 2_000, maxMessages: 25 };
    const carry = startCarry(layout);
    const lists = planValueBatches(window, layout, limits, carry);
    const flat = lists.flat();
    // Every value exactly once, each batch within the limits, each partition's batches in file order with contiguous sequences.
    expect(flat.reduce((n, b) => n + b.count, 0)).toBe(300);
    for (const b of flat) {
      expect(b.count).toBeLessThanOrEqual(25);
      const bytes = b.runs.reduce((n, r) => n + Array.from({ length: r.to - r.from }, (_, k) => 24 + r.ranges.ends[r.from + k]! - r.ranges.starts[r.from + k]!).reduce((x, y) => x + y, 0), 0);
      expect(bytes).toBeLessThanOrEqual(2_000);
      expect(b.runs.reduce((n, r) => n + r.to - r.from, 0)).toBe(b.count);
    }
    for (const [p, list] of lists.entries()) {
      let seq = 0;
      for (const b of list) {
        expect(b.partition).toBe(p);
        expect(b.baseSequence).toBe(seq);
        seq += b.count;
      }
      expect(carry.sequences[p]).toBe(seq);
    }
    // Sticky: batches in file order fill up (the next value would not fit) and then move to the next partition, from the sticky start.
    const position = (b: (typeof flat)[number]): number => window.indexOf(b.runs[0]!.ranges) * 1000 + b.runs[0]!.from;
    const inOrder = [...flat].sort((x, y) => position(x) - position(y));
    expect(inOrder.map((b) => b.partition)).toEqual(inOrder.map((_, k) => (1 + k) % 3));
    const size = (v: string): number => 24 + Buffer.byteLength(v);
    for (const [k, b] of inOrder.slice(0, -1).entries()) {
      const first = position(b) >= 1000 ? 100 + (position(b) - 1000) : position(b);
      const used = values.slice(first, first + b.count).reduce((n, v) => n + size(v), 0);
      expect(b.count === 25 || used + size(values[first + b.count]!) > 2_000, `batch ${k}`).toBe(true);
    }
    // As messages, the same values give as many batches.
    const messages = planBatches(values.map(plain), layout, limits, 'e', startCarry(layout));
    expect(messages.flat().length).toBe(flat.length);
    // The next window continues the sequences and the sticky partition.
    const next = planValueBatches([rangesOf(['{"more":1}'])], layout, limits, carry);
    const continued = next.flat()[0]!;
    expect(continued.baseSequence).toBe(lists[continued.partition]!.reduce((n, b) => n + b.count, 0));
  });
});
