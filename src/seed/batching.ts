import { ErrorCodes, KafkaformError } from '../errors.js';
import { partitionForKey } from './partitioner.js';
import type { SeedMessage } from './types.js';
import type { ValueRanges, ValueRun } from '../kafka/record-batch.js';

/** Per-record framing estimate (length, deltas, attributes) on top of key, value and headers. */
const RECORD_OVERHEAD = 24;

/** Messages of one partition that go into one record batch, and the producer sequence number of the first. */
export interface BatchPlan {
  partition: number;
  /** Indices into the entry's messages, in production order. */
  indices: number[];
  baseSequence: number;
}

/** Limits of one record batch. */
export interface BatchLimits {
  maxBytes: number;
  maxMessages: number;
}

/** A topic's partitions as the batcher needs them: ids 0..count-1 and those with a leader now. */
export interface PartitionLayout {
  count: number;
  /** Partitions with a leader, ascending; keyless messages go only there. */
  available: number[];
  /** Where keyless messages start (any number; taken modulo available.length). */
  stickyStart: number;
}

/** Where the next window of an entry's messages continues: each partition's next sequence number and the sticky partition. */
export interface BatchCarry {
  /** Producer sequence number of the next message per partition (index = partition id). */
  sequences: number[];
  /** Keyless messages go to available[sticky % available.length]. */
  sticky: number;
}

/** The carry of an entry's first window. */
export function startCarry(layout: PartitionLayout): BatchCarry {
  return { sequences: new Array<number>(layout.count).fill(0), sticky: layout.stickyStart };
}

/**
 * Assigns each message a partition and cuts every partition's messages into batches, in order.
 * A message's partition: its explicit one, else Kafka's default for its key (murmur2), else "sticky":
 * keyless messages fill one partition's batch, then move on to the next available partition, so
 * batches stay large. Returns the batches of each partition (index = partition id). With `carry`, the messages
 * continue an entry whose earlier windows were planned with the same carry (sequence numbers run on), and
 * the carry is advanced.
 */
export function planBatches(messages: SeedMessage[], layout: PartitionLayout, limits: BatchLimits, entryId = '', carry: BatchCarry = startCarry(layout)): BatchPlan[][] {
  const { count, available } = layout;
  const lists: BatchPlan[][] = Array.from({ length: count }, () => []);
  const open: (BatchPlan | null)[] = new Array<BatchPlan | null>(count).fill(null);
  const openBytes = new Float64Array(count);
  const full = (p: number, size: number): boolean => {
    const b = open[p];
    return !b || openBytes[p]! + size > limits.maxBytes || b.indices.length >= limits.maxMessages;
  };
  let sticky = carry.sticky;
  const keyless = (): number => (available.length === 0 ? 0 : available[sticky % available.length]!);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const size = messageSize(m);
    let p: number;
    if (m.partition !== null) {
      if (m.partition >= count) {
        throw new KafkaformError(ErrorCodes.SEED_INVALID, `seed entry ${entryId} names partition ${m.partition}, but the topic has ${count}`, {
          hint: `use partitions 0..${count - 1}, or raise the topic's partitions`,
        });
      }
      p = m.partition;
    } else if (m.key !== null) {
      p = partitionForKey(m.key, count);
    } else {
      p = keyless();
      if (open[p] && full(p, size)) {
        sticky++;
        p = keyless();
      }
    }
    let b = open[p] ?? null;
    if (b === null || full(p, size)) {
      b = { partition: p, indices: [], baseSequence: b === null ? carry.sequences[p]! : b.baseSequence + b.indices.length };
      lists[p]!.push(b);
      open[p] = b;
      openBytes[p] = 0;
    }
    b.indices.push(i);
    openBytes[p] = openBytes[p]! + size;
  }
  carry.sticky = sticky;
  for (let p = 0; p < count; p++) {
    const b = open[p];
    if (b) carry.sequences[p] = b.baseSequence + b.indices.length;
  }
  return lists;
}

/** A record batch of verbatim values: runs of value ranges, their number, and the producer sequence number of the first. */
export interface RunsPlan {
  partition: number;
  runs: ValueRun[];
  count: number;
  baseSequence: number;
}

/**
 * planBatches for a window of verbatim values (keyless, no partition, no headers) given as byte ranges: sticky
 * partitioning and the same limits, without a message object per value. Advances `carry` the same way.
 */
export function planValueBatches(window: readonly ValueRanges[], layout: PartitionLayout, limits: BatchLimits, carry: BatchCarry): RunsPlan[][] {
  const { count, available } = layout;
  const lists: RunsPlan[][] = Array.from({ length: count }, () => []);
  let sticky = carry.sticky;
  let batch: RunsPlan | null = null;
  let bytes = 0;
  const close = (b: RunsPlan): void => {
    carry.sequences[b.partition] = b.baseSequence + b.count;
  };
  for (const ranges of window) {
    const { starts, ends } = ranges;
    let runStart = 0;
    for (let i = 0; i < ranges.count; i++) {
      const size = valueSize(ends[i]! - starts[i]!);
      if (batch !== null && (bytes + size > limits.maxBytes || batch.count >= limits.maxMessages)) {
        if (i > runStart) batch.runs.push({ ranges, from: runStart, to: i });
        runStart = i;
        close(batch);
        batch = null;
        sticky++;
      }
      if (batch === null) {
        const p = available.length === 0 ? 0 : available[sticky % available.length]!;
        batch = { partition: p, runs: [], count: 0, baseSequence: carry.sequences[p]! };
        lists[p]!.push(batch);
        bytes = 0;
      }
      batch.count++;
      bytes += size;
    }
    if (batch !== null && ranges.count > runStart) batch.runs.push({ ranges, from: runStart, to: ranges.count });
  }
  if (batch !== null) close(batch);
  carry.sticky = sticky;
  return lists;
}

/**
 * Groups batches into Produce requests: request k carries the k-th batch of every partition, one
 * request per leader, so each request holds at most one batch per partition and order is kept.
 */
export function groupRequests<B extends { partition: number }>(lists: B[][], leaderOf: (partition: number) => number): { leader: number; batches: B[] }[] {
  const rounds = lists.reduce((n, l) => Math.max(n, l.length), 0);
  const requests: { leader: number; batches: B[] }[] = [];
  for (let r = 0; r < rounds; r++) {
    const byLeader = new Map<number, B[]>();
    for (const list of lists) {
      const plan = list[r];
      if (!plan) continue;
      const leader = leaderOf(plan.partition);
      const group = byLeader.get(leader);
      if (group) group.push(plan);
      else byLeader.set(leader, [plan]);
    }
    for (const [leader, batches] of byLeader) requests.push({ leader, batches });
  }
  return requests;
}

/** Estimated encoded size of a record of `length` value bytes and no key or headers, for batch limits. */
export function valueSize(length: number): number {
  return RECORD_OVERHEAD + length;
}

/** Estimated encoded size of one record, for batch limits. */
export function messageSize(m: SeedMessage): number {
  let size = RECORD_OVERHEAD + (m.key === null ? 0 : m.key.length) + (m.value === null ? 0 : m.value.length);
  for (const k in m.headers) size += k.length + Buffer.byteLength(m.headers[k]!) + 4;
  return size;
}
