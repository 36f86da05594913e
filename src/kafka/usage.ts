import type { ObservedCluster, TopicUsage } from '../plan/observed.js';
import type { KafkaConnection } from './client.js';
import { DESCRIBE_LOG_DIRS_KEY, DESCRIBE_LOG_DIRS_VERSION, decodeDescribeLogDirsResponse, encodeDescribeLogDirs } from './describe-log-dirs.js';
import { requestFailed } from './errors.js';
import { sendRaw, type InternalCluster } from './kafkajs-internals.js';

// What topics hold, for the safety lint: sizes from DescribeLogDirs (kafkajs has no such request; we frame
// it in src/kafka/describe-log-dirs.ts) and the oldest message's timestamp from ListOffsets by timestamp.

/** ListOffsets timestamp 0: the earliest message whose timestamp is ≥ 0, i.e. the oldest one held. */
const OLDEST = 0;

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
    const internal = await conn.internal();
    await internal.addMultipleTargetTopics(topics);
    conn.count('Metadata'); // the internal cluster's refresh for these topics
    const [sizes, oldest] = await Promise.all([logDirSizes(conn, cluster, layout), oldestTimestamps(conn, internal, layout)]);
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
  cluster: ObservedCluster,
  layout: ObservedCluster['topics'],
): Promise<Map<string, number>> {
  const body = encodeDescribeLogDirs(layout.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) })));
  const request = { apiKey: DESCRIBE_LOG_DIRS_KEY, apiVersion: DESCRIBE_LOG_DIRS_VERSION, apiName: 'DescribeLogDirs', body };
  const answers = await Promise.all(cluster.brokers.map(async (b) => decodeDescribeLogDirsResponse(await sendRaw(conn, request, b.nodeId))));
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
