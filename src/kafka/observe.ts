import type { DescribeConfigResponse, PartitionMetadata } from 'kafkajs';
import type { ConfigSource, ObservedBroker, ObservedCluster, ObservedConfig, ObservedTopic } from '../plan/observed.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName, requestFailed } from './errors.js';
import { TOPIC_RESOURCE } from './protocol.js';
import { liveOwners, noteStateTopicExists, readState, type ClusterState, type ReadStateOptions } from './state.js';
import { fetchTopicIds } from './topic-ids.js';

/** Attempts when a topic vanishes between the metadata and the config request (a concurrent delete). */
const ATTEMPTS = 3;

/**
 * Observes the cluster with a constant number of round trips whatever the topic count: one describeCluster,
 * one all-topics Metadata, one DescribeConfigs for every topic, one ListPartitionReassignments, and the state
 * topic read (ListOffsets + Fetch) with a Metadata v10+ for topic IDs. Internal topics are included; the planner decides what to ignore.
 */
export async function observeCluster(conn: KafkaConnection, opts: ReadStateOptions = {}): Promise<ObservedCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await observeOnce(conn, opts);
    } catch (err) {
      if (attempt >= ATTEMPTS || kafkaErrorName(err) !== 'UNKNOWN_TOPIC_OR_PARTITION') {
        throw requestFailed('observe cluster', null, err);
      }
    }
  }
}

/** One observation; throws UNKNOWN_TOPIC_OR_PARTITION when a topic disappeared meanwhile (the caller retries). */
async function observeOnce(conn: KafkaConnection, opts: ReadStateOptions): Promise<ObservedCluster> {
  const admin = await conn.admin();
  const [cluster, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata()]);
  const names = metadata.topics.map((t) => t.name).sort();
  const hasState = names.includes(STATE_TOPIC);
  if (hasState) noteStateTopicExists(conn);

  const [configs, reassigning, state, ids] = await Promise.all([
    names.length === 0
      ? Promise.resolve<DescribeConfigResponse['resources']>([])
      : admin
          .describeConfigs({
            resources: names.map((name) => ({ type: TOPIC_RESOURCE, name })),
            includeSynonyms: false,
          })
          .then((r) => r.resources),
    admin.listPartitionReassignments({}).then((r) =>
      r.topics.filter((t) => t.partitions.length > 0).map((t) => t.topic),
    ),
    hasState ? readState(conn, opts) : Promise.resolve<ClusterState>({ owners: {}, ownerships: [], seeds: [] }),
    hasState ? fetchTopicIds(conn) : Promise.resolve(new Map<string, string>()),
  ]);

  const configsByTopic = new Map(configs.map((r) => [r.resourceName, r.configEntries]));
  const partitionsByTopic = new Map(metadata.topics.map((t) => [t.name, t.partitions]));
  const topics: ObservedTopic[] = names.map((name) => ({
    name,
    partitions: observedPartitions(partitionsByTopic.get(name) ?? []),
    configs: observedConfigs(configsByTopic.get(name) ?? []),
  }));
  const brokers: ObservedBroker[] = cluster.brokers
    .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
    .sort((a, b) => a.nodeId - b.nodeId);
  // Ownership follows the topic, not its name: only a live topic whose ID a record holds is owned.
  return { brokers, topics, owners: liveOwners(state, ids), seeds: state.seeds, reassigning: [...new Set(reassigning)].sort() };
}

/** Partitions sorted by id, with copies of the replica lists. */
function observedPartitions(parts: PartitionMetadata[]): ObservedTopic['partitions'] {
  return parts
    .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
    .sort((a, b) => a.partition - b.partition);
}

/** Config entries keyed by name; sorted so equal clusters observe to equal JSON. */
function observedConfigs(
  entries: DescribeConfigResponse['resources'][number]['configEntries'],
): Record<string, ObservedConfig> {
  const sorted = [...entries].sort((a, b) => (a.configName < b.configName ? -1 : a.configName > b.configName ? 1 : 0));
  const out: Record<string, ObservedConfig> = {};
  for (const e of sorted) {
    out[e.configName] = { value: e.configValue ?? null, source: configSource(e.configSource), sensitive: e.isSensitive };
  }
  return out;
}

/**
 * DescribeConfigs' configSource as ours. isDefault is not used: it is true only for source 5, so a value from
 * the broker's static config (4) would look like an override if we went by it.
 */
export function configSource(source: number | undefined): ConfigSource {
  switch (source) {
    case 1:
      return 'topic';
    case 2:
    case 3:
    case 4:
      return 'broker';
    case 5:
      return 'default';
    default:
      return 'other';
  }
}
