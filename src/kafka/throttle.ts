import type { PartitionMetadata } from 'kafkajs';
import type { TopicReassignAction } from '../plan/types.js';
import type { KafkaConnection } from './client.js';
import { TOPIC_RESOURCE } from './client.js';
import type { ConfigEntry, InternalBroker } from './kafkajs-internals.js';
import { waitForOverrides } from './verify.js';
import { allTopicMetadata } from './wait.js';

// The replication throttle around a reassignment, as Kafka's own reassignment tool sets it: a rate on every
// broker involved (leader/follower.replication.throttled.rate) and, per topic, which replicas it applies to
// (leader.* = the current replicas that send, follower.* = the new replicas that copy). Configs go through
// AlterConfigs, which replaces a resource's whole dynamic set, so each write reads the set first and merges.

/** Bytes per second each broker may spend copying reassigned replicas. */
export const REPLICATION_THROTTLE_BYTES_PER_SEC = 50 * 1024 * 1024;

const BROKER_RESOURCE = 4;
/** DescribeConfigs' configSource of a per-topic override and of a per-broker dynamic config. */
const TOPIC_OVERRIDE = 1;
const DYNAMIC_BROKER = 2;
const RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'];
const REPLICA_KEYS = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

/** What setThrottle added, so clearThrottle removes exactly that and nothing an operator set. */
export interface AppliedThrottle {
  topics: string[];
  brokers: number[];
}


/**
 * Throttles the replication of these reassignments. A topic or broker that already has throttle configs (an
 * operator's) or an unreadable (sensitive) dynamic value is left as it is: its set could not be written back.
 */
export async function setThrottle(conn: KafkaConnection, actions: TopicReassignAction[], rate = REPLICATION_THROTTLE_BYTES_PER_SEC): Promise<AppliedThrottle> {
  const applied: AppliedThrottle = { topics: [], brokers: [] };
  const metadata = await allTopicMetadata(conn);
  const brokers = new Set<number>();
  for (const a of actions) {
    const lists = replicaLists(metadata.get(a.topic) ?? [], a);
    for (const b of lists.brokers) brokers.add(b);
    if (lists.follower.length === 0) continue; // nothing is copied: no throttle needed
    const overrides = await topicOverrides(conn, a.topic);
    if (overrides === null || REPLICA_KEYS.some((k) => k in overrides)) continue;
    await writeTopic(conn, a.topic, { ...overrides, [REPLICA_KEYS[0]!]: lists.leader.join(','), [REPLICA_KEYS[1]!]: lists.follower.join(',') });
    applied.topics.push(a.topic);
  }
  if (applied.topics.length === 0) return applied;
  const internal = await conn.internal();
  for (const id of [...brokers].sort((x, y) => x - y)) {
    const broker = await internal.findBroker({ nodeId: id });
    const dynamic = await brokerDynamic(conn, broker, id);
    if (dynamic === null || RATE_KEYS.some((k) => k in dynamic)) continue;
    conn.count('AlterConfigs');
    await broker.alterConfigs({
      validateOnly: false,
      resources: [{ type: BROKER_RESOURCE, name: String(id), configEntries: entries({ ...dynamic, [RATE_KEYS[0]!]: String(rate), [RATE_KEYS[1]!]: String(rate) }) }],
    });
    applied.brokers.push(id);
  }
  return applied;
}

/** Removes what setThrottle added; safe to call twice (a key already gone is skipped). */
export async function clearThrottle(conn: KafkaConnection, applied: AppliedThrottle): Promise<void> {
  for (const topic of applied.topics) {
    const overrides = await topicOverrides(conn, topic);
    if (overrides === null || !REPLICA_KEYS.some((k) => k in overrides)) continue;
    const kept = Object.fromEntries(Object.entries(overrides).filter(([k]) => !REPLICA_KEYS.includes(k)));
    await writeTopic(conn, topic, kept);
    await waitForOverrides(conn, [{ topic, overrides: kept }], 10_000);
  }
  if (applied.brokers.length === 0) return;
  const internal = await conn.internal();
  for (const id of applied.brokers) {
    const broker = await internal.findBroker({ nodeId: id });
    const dynamic = await brokerDynamic(conn, broker, id);
    if (dynamic === null || !RATE_KEYS.some((k) => k in dynamic)) continue;
    const kept = Object.fromEntries(Object.entries(dynamic).filter(([k]) => !RATE_KEYS.includes(k)));
    conn.count('AlterConfigs');
    await broker.alterConfigs({ validateOnly: false, resources: [{ type: BROKER_RESOURCE, name: String(id), configEntries: entries(kept) }] });
  }
}

/**
 * "partition:broker" lists of a reassignment: leader = current replicas of partitions that gain a replica,
 * follower = the replicas they gain; brokers = every broker in either.
 */
export function replicaLists(current: PartitionMetadata[], a: TopicReassignAction): { leader: string[]; follower: string[]; brokers: number[] } {
  const leader: string[] = [];
  const follower: string[] = [];
  const brokers = new Set<number>();
  for (const t of a.assignments) {
    const had = current.find((p) => p.partitionId === t.partition)?.replicas ?? [];
    const gained = t.replicas.filter((b) => !had.includes(b));
    if (gained.length === 0) continue;
    for (const b of had) leader.push(`${t.partition}:${b}`);
    for (const b of gained) follower.push(`${t.partition}:${b}`);
    for (const b of [...had, ...gained]) brokers.add(b);
  }
  return { leader, follower, brokers: [...brokers] };
}

/** A topic's overrides; null when one is unreadable (sensitive), so the set cannot be written back whole. */
async function topicOverrides(conn: KafkaConnection, topic: string): Promise<Record<string, string> | null> {
  const admin = await conn.admin();
  const { resources } = await admin.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: topic }], includeSynonyms: false });
  return readable((resources[0]?.configEntries ?? []).filter((e) => e.configSource === TOPIC_OVERRIDE));
}

/** Writes a topic's complete override set. */
async function writeTopic(conn: KafkaConnection, topic: string, overrides: Record<string, string>): Promise<void> {
  const admin = await conn.admin();
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC_RESOURCE, name: topic, configEntries: entries(overrides) }] });
}

/** A broker's per-broker dynamic configs, asked of that broker itself; null when one is unreadable. */
async function brokerDynamic(conn: KafkaConnection, broker: InternalBroker, id: number): Promise<Record<string, string> | null> {
  conn.count('DescribeConfigs');
  const { resources } = await broker.describeConfigs({ resources: [{ type: BROKER_RESOURCE, name: String(id) }], includeSynonyms: false });
  return readable((resources[0]?.configEntries ?? []).filter((e) => e.configSource === DYNAMIC_BROKER));
}

/** Entries as a record, or null when any value is hidden. */
function readable(list: ConfigEntry[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const e of list) {
    if (e.configValue === null) return null;
    out[e.configName] = e.configValue;
  }
  return out;
}

/** AlterConfigs entries of a record. */
function entries(record: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}
