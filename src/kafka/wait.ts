import { setTimeout as sleep } from 'node:timers/promises';
import type { PartitionMetadata } from 'kafkajs';
import type { KafkaConnection } from './client.js';
import { isBrokerError, kafkaErrorName } from './errors.js';

/** Options of the metadata polls. */
export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
}

/** Partitions of every topic, from one Metadata request for all topics. */
export async function allTopicMetadata(conn: KafkaConnection): Promise<Map<string, PartitionMetadata[]>> {
  const admin = await conn.admin();
  const { topics } = await admin.fetchTopicMetadata();
  return new Map(topics.map((t) => [t.name, t.partitions]));
}

/**
 * Polls metadata until each topic exists with at least the expected partitions (null: any) and every partition
 * has a leader. Metadata errors while a topic is being born (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE)
 * mean "not yet"; connection failures are thrown. Returns the topics still not ready at the deadline.
 */
export async function waitForTopics(
  conn: KafkaConnection,
  expected: Map<string, number | null>,
  opts: WaitOptions,
): Promise<{ pending: string[] }> {
  const deadline = Date.now() + opts.timeoutMs;
  const first = await poll(conn, opts, (md) =>
    [...expected].filter(([topic, count]) => {
      const parts = md.get(topic);
      if (!parts || parts.length === 0) return true;
      if (count !== null && parts.length < count) return true;
      return parts.some((p) => p.leader < 0);
    }).map(([topic]) => topic),
  );
  if (first.pending.length > 0) return first;
  return waitOnEveryBroker(conn, expected, { ...opts, timeoutMs: Math.max(0, deadline - Date.now()) });
}

/**
 * Polls each broker's own metadata until every broker lists each topic with at least the expected partitions.
 * A new client may bootstrap from any broker, and a broker can lag the controller by a moment (seen on 3-node
 * Kafka 3.9 and 4.0 clusters): without this, apply followed at once by plan could list a created topic as missing.
 */
async function waitOnEveryBroker(conn: KafkaConnection, expected: Map<string, number | null>, opts: WaitOptions): Promise<{ pending: string[] }> {
  const admin = await conn.admin();
  const { brokers } = await admin.describeCluster();
  if (brokers.length < 2) return { pending: [] };
  const cluster = await conn.internal();
  const topics = [...expected.keys()];
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const pending = new Set<string>();
    for (const { nodeId } of brokers) {
      try {
        const md = await (await cluster.findBroker({ nodeId })).metadata(topics);
        conn.count('Metadata');
        const seen = new Map(md.topicMetadata.filter((t) => t.topicErrorCode === 0).map((t) => [t.topic, t.partitionMetadata.length]));
        for (const [topic, count] of expected) {
          const parts = seen.get(topic);
          if (parts === undefined || parts === 0 || (count !== null && parts < count)) pending.add(topic);
        }
      } catch (err) {
        // kafkajs refreshes its broker list after a miss, so the next round finds a broker that joined late.
        if ((err as Error).name === 'KafkaJSBrokerNotFound') {
          for (const topic of topics) pending.add(topic);
          continue;
        }
        // kafkajs throws on the first topic or partition error; only an unknown topic means "not there yet"
        // (leaders were checked above, and a replica down elsewhere must not hold the wait). A broker that cannot
        // be reached serves no client either, so it does not hold the wait.
        if (kafkaErrorName(err) === 'UNKNOWN_TOPIC_OR_PARTITION') for (const topic of topics) pending.add(topic);
      }
    }
    if (pending.size === 0 || Date.now() >= deadline) return { pending: [...pending] };
    await sleep(opts.intervalMs ?? 100);
  }
}

/** Polls metadata until none of `topics` is listed any more; returns those still listed at the deadline. */
export async function waitForTopicsGone(conn: KafkaConnection, topics: string[], opts: WaitOptions): Promise<{ pending: string[] }> {
  return poll(conn, opts, (md) => topics.filter((t) => md.has(t)));
}

/** Runs `notReady` against fresh metadata until it returns nothing or time is up. */
async function poll(
  conn: KafkaConnection,
  opts: WaitOptions,
  notReady: (md: Map<string, PartitionMetadata[]>) => string[],
): Promise<{ pending: string[] }> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 100;
  let pending: string[] | null = null;
  for (;;) {
    try {
      pending = notReady(await allTopicMetadata(conn));
      if (pending.length === 0) return { pending };
    } catch (err) {
      if (!isBrokerError(err)) throw err;
    }
    if (Date.now() >= deadline) return { pending: pending ?? notReady(new Map()) };
    await sleep(interval);
  }
}

/** Resolves after the given milliseconds (Node's promise timer). */
export { sleep };
