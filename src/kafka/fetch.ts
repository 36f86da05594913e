import type { IHeaders } from 'kafkajs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaConnection } from './client.js';
import { isBrokerError, kafkaErrorName } from './errors.js';
import { decodeFetchedPartition, type InternalCluster } from './kafkajs-internals.js';

// kafkajs only fetches through consumer groups. Reading without joining a group (peek, the state topic)
// uses its internal cluster's brokers and its record-batch filtering, both through src/kafka/kafkajs-internals.ts.

/** A record read from a topic, headers as raw buffers. */
export interface FetchedMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Epoch ms as a string, like kafkajs. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer[]>;
}

/** What to read. Offsets are decimal strings; `end: 'latest'` stops at the high watermark seen at the start. */
export interface ReadOptions {
  topic: string;
  /** Partitions to read; all when absent. */
  partitions?: number[];
  /** First offset per partition: 'earliest' or an explicit offset (clamped to the log start). */
  from?: 'earliest' | string;
  /** 'latest': stop when caught up with the end seen at the start; 'follow': keep reading until `signal` aborts. */
  end?: 'latest' | 'follow';
  /** Stop after this many messages in total. */
  limit?: number;
  /** With an explicit `from`: read up to this offset (exclusive) without asking for the ends first. */
  to?: string;
  signal?: AbortSignal;
}


/**
 * Reads a topic without a consumer group: nothing is joined and no offsets are committed. Isolation is
 * read_committed, like the default of Kafka's own consumers: aborted transactions are never shown.
 * Messages of one partition come in offset order; partitions are read round-robin.
 */
export async function* readTopic(conn: KafkaConnection, opts: ReadOptions): AsyncGenerator<FetchedMessage> {
  for await (const batch of readBatches(conn, opts)) yield* batch;
}

/** readTopic's messages a fetched partition at a time: one await per batch instead of one per message. */
async function* readBatches(conn: KafkaConnection, opts: ReadOptions): AsyncGenerator<FetchedMessage[]> {
  const cluster = await conn.internal();
  try {
    await cluster.addTargetTopic(opts.topic);
  } catch (err) {
    throw topicNotFound(opts.topic, err);
  }
  const meta = cluster.findTopicPartitionMetadata(opts.topic);
  if (meta.length === 0) throw topicNotFound(opts.topic);
  const known = new Set(meta.map((p) => p.partitionId));
  const wanted = opts.partitions ?? [...known].sort((a, b) => a - b);
  for (const p of wanted) {
    if (!known.has(p)) {
      throw new KafkaformError(ErrorCodes.TOPIC_NOT_FOUND, `topic "${opts.topic}" has no partition ${p}`, {
        hint: `partitions are 0..${known.size - 1}`,
      });
    }
  }
  const explicit = opts.to !== undefined && opts.from !== undefined && opts.from !== 'earliest';
  const offsets = explicit ? wanted.map((partition) => ({ partition, low: opts.from!, high: opts.to! })) : await topicOffsets(conn, cluster, opts.topic);
  const position = new Map<number, bigint>();
  const endOf = new Map<number, bigint>();
  for (const o of offsets) {
    if (!wanted.includes(o.partition)) continue;
    const low = BigInt(o.low);
    const start = opts.from === undefined || opts.from === 'earliest' ? low : BigInt(opts.from);
    position.set(o.partition, start < low ? low : start);
    endOf.set(o.partition, BigInt(o.high));
  }
  const follow = opts.end === 'follow';
  let remaining = opts.limit ?? Number.POSITIVE_INFINITY;
  const done = (p: number): boolean => !follow && (position.get(p) ?? 0n) >= (endOf.get(p) ?? 0n);

  while (remaining > 0 && !opts.signal?.aborted) {
    const active = wanted.filter((p) => !done(p));
    if (active.length === 0) break;
    const byLeader = new Map<number, number[]>();
    for (const p of active) {
      const leader = meta.find((m) => m.partitionId === p)?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    let progressed = false;
    for (const [leader, partitions] of byLeader) {
      const broker = await cluster.findBroker({ nodeId: leader });
      conn.count('Fetch');
      const response = await broker.fetch({
        replicaId: -1,
        isolationLevel: 1,
        maxWaitTime: follow ? 500 : 0,
        minBytes: 1,
        maxBytes: 50 * 1024 * 1024,
        topics: [
          {
            topic: opts.topic,
            partitions: partitions.map((p) => ({ partition: p, fetchOffset: String(position.get(p)), maxBytes: 8 * 1024 * 1024 })),
          },
        ],
      });
      for (const r of response.responses) {
        for (const part of r.partitions.sort((a, b) => a.partition - b.partition)) {
          const from = String(position.get(part.partition));
          const batch = decodeFetchedPartition(opts.topic, from, part);
          if (follow) endOf.set(part.partition, BigInt(part.highWatermark));
          if (batch.empty) {
            // Nothing at or after our position: caught up, or the end was a trailing control record.
            if (!follow && BigInt(part.highWatermark) <= BigInt(from)) endOf.set(part.partition, BigInt(from));
            continue;
          }
          progressed = true;
          const messages: FetchedMessage[] = [];
          for (const m of batch.messages) {
            if (remaining <= 0) break;
            if (!follow && BigInt(m.offset) >= (endOf.get(part.partition) ?? 0n)) break;
            remaining -= 1;
            messages.push({
              topic: opts.topic,
              partition: part.partition,
              offset: m.offset,
              timestamp: m.timestamp,
              key: m.key,
              value: m.value,
              headers: normaliseHeaders(m.headers),
            });
          }
          if (messages.length > 0) yield messages;
          position.set(part.partition, BigInt(batch.lastOffset) + 1n);
        }
      }
    }
    if (!progressed && !follow) {
      // The log ends below the end we saw (e.g. aborted or compacted records): nothing more to read.
      for (const p of active) endOf.set(p, position.get(p) ?? 0n);
    }
  }
}

/**
 * The log start (low) and last stable (high) offset of every partition of a topic, as kafkajs' admin
 * fetchTopicOffsets answers them, but asked on the connection's internal cluster: its socket is not the admin's,
 * so the reads are not queued behind a large admin request (a plan's DescribeConfigs of every topic).
 */
async function topicOffsets(conn: KafkaConnection, cluster: InternalCluster, topic: string): Promise<{ partition: number; low: string; high: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
      const ask = (fromBeginning: boolean): Promise<Map<number, string>> => {
        conn.count('ListOffsets');
        return cluster
          .fetchTopicsOffset([{ topic, partitions, fromBeginning }])
          .then((r) => new Map((r.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset])));
      };
      const [high, low] = await Promise.all([ask(false), ask(true)]);
      return [...high].map(([partition, offset]) => ({ partition, high: offset, low: low.get(partition) ?? '0' }));
    } catch (err) {
      // As kafkajs' admin did: a topic the metadata does not know yet is looked up again.
      if (attempt >= 3 || kafkaErrorName(err) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await cluster.refreshMetadata();
    }
  }
}

/** A partition's two ends: records below lastStable are decided; those from there to highWatermark are in open transactions. */
export interface PartitionEnds {
  partition: number;
  highWatermark: bigint;
  lastStable: bigint;
}

/**
 * The high watermark and the last stable offset of each partition of `topic` (ListOffsets read_uncommitted and
 * read_committed, one request each per leader). lastStable < highWatermark means an open transaction.
 */
export async function partitionEnds(conn: KafkaConnection, topic: string, partitions?: number[]): Promise<PartitionEnds[]> {
  const cluster = await conn.internal();
  try {
    await cluster.addTargetTopic(topic);
  } catch (err) {
    // Only Kafka's own answer means "no such topic": a lost connection must not read as an empty state.
    if (kafkaErrorName(err) === 'UNKNOWN_TOPIC_OR_PARTITION') throw topicNotFound(topic, err);
    throw err;
  }
  // Leaders move (a topic born a moment ago, a restarted broker): on a stale leader, reload metadata once.
  for (let attempt = 1; ; attempt++) {
    try {
      if (cluster.findTopicPartitionMetadata(topic).some((p) => p.leader < 0)) await cluster.refreshMetadata();
      return await endsOnce(conn, cluster, topic, partitions);
    } catch (err) {
      if (attempt >= 3 || !isBrokerError(err)) throw err;
      await cluster.refreshMetadata();
    }
  }
}

/** One round of ListOffsets per leader for partitionEnds. */
async function endsOnce(conn: KafkaConnection, cluster: InternalCluster, topic: string, partitions?: number[]): Promise<PartitionEnds[]> {
  const all = cluster.findTopicPartitionMetadata(topic);
  if (all.length === 0) throw topicNotFound(topic);
  const meta = all.filter((p) => !partitions || partitions.includes(p.partitionId));
  const byLeader = new Map<number, number[]>();
  for (const p of meta) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partitionId]);
  const out: PartitionEnds[] = [];
  for (const [leader, ps] of byLeader) {
    const broker = await cluster.findBroker({ nodeId: leader });
    const ask = async (isolationLevel: number): Promise<Map<number, bigint>> => {
      conn.count('ListOffsets');
      const r = await broker.listOffsets({ isolationLevel, topics: [{ topic, partitions: ps.map((partition) => ({ partition, timestamp: -1 })) }] });
      return new Map(r.responses.flatMap((t) => t.partitions.map((p) => [p.partition, BigInt(p.offset)] as const)));
    };
    const [high, stable] = await Promise.all([ask(0), ask(1)]);
    for (const p of ps) out.push({ partition: p, highWatermark: high.get(p) ?? 0n, lastStable: stable.get(p) ?? 0n });
  }
  return out.sort((a, b) => a.partition - b.partition);
}

/** Reads every record of a topic up to its current end into memory (small topics: the state topic). */
export async function readAll(conn: KafkaConnection, topic: string): Promise<FetchedMessage[]> {
  const out: FetchedMessage[] = [];
  for await (const batch of readBatches(conn, { topic })) for (const m of batch) out.push(m);
  return out;
}

/** kafkajs headers as arrays of buffers, whatever shape they were decoded in. */
function normaliseHeaders(headers: IHeaders | undefined): Record<string, Buffer[]> {
  const out: Record<string, Buffer[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    out[k] = list.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(String(x))));
  }
  return out;
}

/** The TOPIC_NOT_FOUND error for a topic the cluster does not have. */
function topicNotFound(topic: string, cause?: unknown): KafkaformError {
  return new KafkaformError(ErrorCodes.TOPIC_NOT_FOUND, `topic "${topic}" does not exist in the cluster`, {
    hint: 'check the name (`kafkaform plan` lists managed and unmanaged topics)',
    cause,
  });
}
