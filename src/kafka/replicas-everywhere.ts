import type { PartitionMetadata } from 'kafkajs';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName } from './errors.js';
import { sleep, type WaitOptions } from './wait.js';

/** The replica set one partition is to end with (order aside). */
export interface TargetReplicas {
  topic: string;
  partition: number;
  replicas: number[];
}

/** A target partition one broker does not yet show with exactly its target replicas, all in sync. */
export interface LaggingPartition extends TargetReplicas {
  /** The broker whose own metadata lags. */
  broker: number;
  /** What that broker shows; null when it answered with an error or lists no such partition. */
  seen: { replicas: number[]; isr: number[] } | null;
}

/**
 * Polls each broker's own metadata until every broker shows every target partition with exactly its target
 * replicas, all of them in the ISR. A reassignment is done in the controller before each broker has replayed
 * it (seen on 3-node Kafka 3.9 and 4.0 clusters), and kafkajs asks a random broker, so a check on one broker
 * lets the next plan read the old replicas. A broker that cannot be reached serves no client and does not hold
 * the wait. Returns what still lags at the deadline; empty when every broker agrees.
 */
export async function waitForReplicasOnEveryBroker(
  conn: KafkaConnection,
  targets: TargetReplicas[],
  opts: WaitOptions,
): Promise<LaggingPartition[]> {
  if (targets.length === 0) return [];
  const admin = await conn.admin();
  const { brokers } = await admin.describeCluster();
  const cluster = await conn.internal();
  const topics = [...new Set(targets.map((t) => t.topic))];
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const lagging: LaggingPartition[] = [];
    for (const { nodeId } of brokers) {
      let shown: Map<string, PartitionMetadata[]>;
      try {
        const md = await (await cluster.findBroker({ nodeId })).metadata(topics);
        conn.count('Metadata');
        shown = new Map(md.topicMetadata.map((t) => [t.topic, t.partitionMetadata as PartitionMetadata[]]));
      } catch (err) {
        // A protocol error (kafkajs throws on the first topic or partition error, e.g. LEADER_NOT_AVAILABLE while
        // leadership moves) or a broker kafkajs has not listed yet means "not yet"; a connection failure does not.
        if (kafkaErrorName(err) === null && (err as Error).name !== 'KafkaJSBrokerNotFound') continue;
        shown = new Map();
      }
      for (const t of targets) {
        const p = shown.get(t.topic)?.find((x) => x.partitionId === t.partition);
        const seen = p ? { replicas: [...p.replicas], isr: [...p.isr] } : null;
        if (!seen || !sameSet(seen.replicas, t.replicas) || !sameSet(seen.isr, t.replicas)) lagging.push({ ...t, broker: nodeId, seen });
      }
    }
    if (lagging.length === 0 || Date.now() >= deadline) return lagging;
    await sleep(opts.intervalMs ?? 100);
  }
}

/** One line per lagging partition, e.g. "broker 2 shows partition 0 with replicas [1] (in sync [1]), target [1,2,3]". */
export function describeLagging(lagging: LaggingPartition[]): string[] {
  return lagging.map((l) => {
    const target = `target [${sorted(l.replicas)}]`;
    if (!l.seen) return `broker ${l.broker} does not show partition ${l.partition}, ${target}`;
    return `broker ${l.broker} shows partition ${l.partition} with replicas [${sorted(l.seen.replicas)}] (in sync [${sorted(l.seen.isr)}]), ${target}`;
  });
}

/** True when both lists hold the same broker ids. */
function sameSet(a: number[], b: number[]): boolean {
  return sorted(a) === sorted(b);
}

/** Broker ids sorted ascending, comma-joined. */
function sorted(ids: number[]): string {
  return [...ids].sort((x, y) => x - y).join(',');
}
