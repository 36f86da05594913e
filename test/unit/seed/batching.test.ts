import { describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';
import { groupRequests, messageSize, planBatches } from '../../../src/seed/batching.js';
import { partitionForKey } from '../../../src/seed/partitioner.js';
import type { SeedMessage } from '../../../src/seed/types.js';

const msg = (key: string | null, value: string, partition: number | null = null): SeedMessage => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers: {},
  partition,
  timestamp: null,
});
const layout = (count: number, stickyStart = 0) => ({ count, available: Array.from({ length: count }, (_, i) => i), stickyStart });
const big = { maxBytes: 1 << 30, maxMessages: 1 << 30 };

describe('planBatches', () => {
  it('keeps explicit partitions, hashes keys like Kafka, and fills one partition with keyless messages', () => {
    const messages = [msg('user-1', 'a'), msg(null, 'b', 2), msg(null, 'c'), msg(null, 'd'), msg('user-2', 'e')];
    const lists = planBatches(messages, layout(3, 1), big);
    const where = new Map(lists.flatMap((l, p) => l.flatMap((b) => b.indices.map((i) => [i, p] as const))));
    expect(where.get(0)).toBe(partitionForKey(Buffer.from('user-1'), 3));
    expect(where.get(1)).toBe(2);
    expect(where.get(2)).toBe(1);
    expect(where.get(3)).toBe(1);
    expect(where.get(4)).toBe(partitionForKey(Buffer.from('user-2'), 3));
    expect([...where.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('cuts batches at the byte and count limits, continuing sequence numbers per partition', () => {
    const messages = Array.from({ length: 10 }, (_, i) => msg('same-key', `v${i}`));
    const size = messageSize(messages[0]!);
    const p = partitionForKey(Buffer.from('same-key'), 2);
    const bySize = planBatches(messages, layout(2), { maxBytes: size * 4, maxMessages: 100 });
    expect(bySize[p]!.map((b) => [b.indices.length, b.baseSequence])).toEqual([
      [4, 0],
      [4, 4],
      [2, 8],
    ]);
    expect(bySize[1 - p]).toEqual([]);
    const byCount = planBatches(messages, layout(2), { maxBytes: 1 << 20, maxMessages: 3 });
    expect(byCount[p]!.map((b) => b.indices)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  it('moves keyless messages to the next partition when a batch is full, and only to partitions with a leader', () => {
    const messages = Array.from({ length: 9 }, (_, i) => msg(null, `v${i}`));
    const size = messageSize(messages[0]!);
    const lists = planBatches(messages, { count: 3, available: [0, 2], stickyStart: 0 }, { maxBytes: size * 3, maxMessages: 100 });
    expect(lists[0]!.map((b) => b.indices)).toEqual([[0, 1, 2], [6, 7, 8]]);
    expect(lists[1]).toEqual([]);
    expect(lists[2]!.map((b) => b.indices)).toEqual([[3, 4, 5]]);
    expect(lists[0]![1]!.baseSequence).toBe(3);
  });

  it('refuses a partition the topic does not have', () => {
    let err: unknown;
    try {
      planBatches([msg(null, 'x', 5)], layout(3), big, 'inline:0');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KafkaformError);
    expect((err as KafkaformError).code).toBe(ErrorCodes.SEED_INVALID);
    expect((err as KafkaformError).message).toBe('seed entry inline:0 names partition 5, but the topic has 3');
  });
});

describe('groupRequests', () => {
  it('puts the k-th batch of every partition in request k, one request per leader', () => {
    const b = (partition: number, n: number) => ({ partition, indices: [n], baseSequence: n });
    const lists = [[b(0, 0), b(0, 1)], [b(1, 0)], [b(2, 0), b(2, 1), b(2, 2)]];
    const leaders = [1, 2, 1];
    const requests = groupRequests(lists, (p) => leaders[p]!);
    expect(requests.map((r) => `${r.leader}:${r.batches.map((x) => `${x.partition}.${x.baseSequence}`).join(',')}`)).toEqual([
      '1:0.0,2.0',
      '2:1.0',
      '1:0.1,2.1',
      '1:2.2',
    ]);
  });
});
