import { setTimeout as sleep } from 'node:timers/promises';
import type { PartitionMetadata } from 'kafkajs';
import type { KafkaConnection } from './client.js';
import { isBrokerError } from './errors.js';

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
  return poll(conn, opts, (md) =>
    [...expected].filter(([topic, count]) => {
      const parts = md.get(topic);
      if (!parts || parts.length === 0) return true;
      if (count !== null && parts.length < count) return true;
      return parts.some((p) => p.leader < 0);
    }).map(([topic]) => topic),
  );
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
