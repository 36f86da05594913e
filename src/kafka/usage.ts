import { createRequire } from 'node:module';
import type { ObservedCluster, TopicUsage } from '../plan/observed.js';
import type { KafkaConnection } from './client.js';
import { requestFailed } from './errors.js';
import { brokerRequest, type KafkajsProtocol } from './internals.js';

// What topics hold, for the safety lint: sizes from DescribeLogDirs (kafkajs has no such request, so it is
// framed here on kafkajs' encoder) and the oldest message's timestamp from ListOffsets by timestamp.

const require = createRequire(import.meta.url);
type Encoder = {
  writeInt32(n: number): Encoder;
  writeString(s: string): Encoder;
  writeArray(items: unknown[], type?: 'int32' | 'object'): Encoder;
};
type Decoder = {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readString(): string;
  readBoolean(): boolean;
  readArray<T>(reader: (d: Decoder) => T): T[];
};
const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => Encoder;
const DecoderClass = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => Decoder;

/** DescribeLogDirs' API key; version 1 is the oldest Kafka 4 still serves and needs no tagged fields. */
const DESCRIBE_LOG_DIRS = 35;
/** ListOffsets timestamp 0: the earliest message whose timestamp is ≥ 0, i.e. the oldest one held. */
const OLDEST = 0;

interface InternalBroker {
  listOffsets(a: {
    replicaId?: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; timestamp: string; offset: string }[] }[] }>;
}
interface InternalCluster {
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findBroker(a: { nodeId: number }): Promise<InternalBroker>;
}

/** One partition's size on one broker, as DescribeLogDirs reports it. */
interface LogDirPartition {
  topic: string;
  partition: number;
  size: number;
}

/**
 * Measures what `topics` hold with a constant number of requests whatever their count: one DescribeLogDirs
 * per broker (sizes of every replica there) and one ListOffsets per partition leader (oldest timestamps).
 * A partition's size is its largest replica. Nothing is sent when `topics` is empty.
 */
export async function observeUsage(conn: KafkaConnection, cluster: ObservedCluster, topics: string[]): Promise<Record<string, TopicUsage>> {
  if (topics.length === 0) return {};
  const wanted = new Set(topics);
  const layout = cluster.topics.filter((t) => wanted.has(t.name));
  try {
    const internal = await conn.internal<InternalCluster>();
    await internal.addMultipleTargetTopics(topics);
    conn.count('Metadata'); // the internal cluster's refresh for these topics
    const [sizes, oldest] = await Promise.all([logDirSizes(conn, internal, cluster, layout), oldestTimestamps(conn, internal, layout)]);
    const usage: Record<string, TopicUsage> = {};
    for (const t of layout) {
      const partitionBytes: Record<number, number> = {};
      for (const p of t.partitions) partitionBytes[p.partition] = sizes.get(`${t.name}:${p.partition}`) ?? 0;
      usage[t.name] = { partitionBytes, oldestMs: oldest.get(t.name) ?? null };
    }
    return usage;
  } catch (err) {
    throw requestFailed('measure topic data', null, err);
  }
}

/** Largest replica size per "topic:partition", from one DescribeLogDirs per broker. */
async function logDirSizes(
  conn: KafkaConnection,
  internal: InternalCluster,
  cluster: ObservedCluster,
  layout: ObservedCluster['topics'],
): Promise<Map<string, number>> {
  const request = describeLogDirs(layout.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) })));
  const answers = await Promise.all(
    cluster.brokers.map(async (b) => {
      const broker = await internal.findBroker({ nodeId: b.nodeId });
      conn.count('DescribeLogDirs');
      return (await brokerRequest(broker, request)) as LogDirPartition[];
    }),
  );
  const sizes = new Map<string, number>();
  for (const p of answers.flat()) {
    const key = `${p.topic}:${p.partition}`;
    sizes.set(key, Math.max(sizes.get(key) ?? 0, p.size));
  }
  return sizes;
}

/** Oldest message timestamp per topic (absent: empty), from one ListOffsets per partition leader. */
async function oldestTimestamps(conn: KafkaConnection, internal: InternalCluster, layout: ObservedCluster['topics']): Promise<Map<string, number>> {
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const t of layout) {
    for (const p of t.partitions) {
      if (p.leader < 0) continue; // leaderless: nothing to ask; its data is still counted by size
      const topics = byLeader.get(p.leader) ?? new Map<string, number[]>();
      topics.set(t.name, [...(topics.get(t.name) ?? []), p.partition]);
      byLeader.set(p.leader, topics);
    }
  }
  const oldest = new Map<string, number>();
  await Promise.all(
    [...byLeader].map(async ([leader, topics]) => {
      const broker = await internal.findBroker({ nodeId: leader });
      conn.count('ListOffsets');
      const { responses } = await broker.listOffsets({
        isolationLevel: 0,
        topics: [...topics].map(([topic, partitions]) => ({ topic, partitions: partitions.map((partition) => ({ partition, timestamp: OLDEST })) })),
      });
      for (const r of responses) {
        for (const p of r.partitions) {
          const ts = Number(p.timestamp);
          if (p.offset === '-1' || ts < 0) continue; // no message with a timestamp: empty
          oldest.set(r.topic, Math.min(oldest.get(r.topic) ?? Infinity, ts));
        }
      }
    }),
  );
  return oldest;
}

/** DescribeLogDirs v1 for these partitions; the response is flattened to one entry per replica on the broker. */
export function describeLogDirs(topics: { topic: string; partitions: number[] }[]): KafkajsProtocol {
  return {
    request: {
      apiKey: DESCRIBE_LOG_DIRS,
      apiVersion: 1,
      apiName: 'DescribeLogDirs',
      encode: async () =>
        new EncoderClass().writeArray(
          topics.map((t) => new EncoderClass().writeString(t.topic).writeArray(t.partitions, 'int32')),
          'object',
        ),
    },
    response: {
      decode: async (raw: Buffer) => decodeLogDirs(new DecoderClass(raw)),
      parse: async (data: unknown) => data,
    },
  };
}

/** Reads a DescribeLogDirs v1 response; a log dir with an error (offline disk) contributes nothing. */
function decodeLogDirs(d: Decoder): LogDirPartition[] {
  d.readInt32(); // throttle_time_ms
  const out: LogDirPartition[] = [];
  const dirs = d.readArray((dir) => {
    const errorCode = dir.readInt16();
    dir.readString(); // log_dir
    const topics = dir.readArray((t) => {
      const topic = t.readString();
      const parts = t.readArray((p) => {
        const partition = p.readInt32();
        const size = Number(p.readInt64().toString());
        p.readInt64(); // offset_lag
        const future = p.readBoolean();
        return { partition, size, future };
      });
      return { topic, parts };
    });
    return { errorCode, topics };
  });
  for (const dir of dirs) {
    if (dir.errorCode !== 0) continue;
    for (const t of dir.topics) for (const p of t.parts) if (!p.future) out.push({ topic: t.topic, partition: p.partition, size: p.size });
  }
  return out;
}
