import type { ConfigSource, ObservedBroker, ObservedCluster, ObservedConfig, ObservedTopic } from '../plan/observed.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName, requestFailed } from './errors.js';
import { supportsIncrementalAlterConfigs } from './alter-configs.js';
import { observeAccess, type AccessScope } from './observe-access.js';
import { liveOwners, noteStateTopicExists, readState, type ClusterState } from './state.js';
import { describeTopicConfigs, type TopicConfigEntry, type TopicConfigs } from './describe-topic-configs.js';
import { errorCodeName, protocolError } from './kafkajs-internals.js';
import { ongoingReassignments } from './ongoing-reassignments.js';
import { fetchClusterMetadata, topicIds, type ClusterMetadata, type MetadataPartition } from './topic-ids.js';

/** Attempts when a topic vanishes between the metadata and the config request (a concurrent delete). */
const ATTEMPTS = 3;

/** Which topics to observe in full; every other topic is listed by name (and partitions, from the same Metadata). */
export interface ObserveScope extends AccessScope {
  /** Topics the spec declares. */
  topics: readonly string[];
  /** The spec's project: topics it owns (from the state topic) are observed in full too. */
  project?: string;
  /** Also report every topic config name the broker supports (the spec declares a key the catalogue lacks). */
  configNames?: boolean;
  /** Observe every topic in full (export reads the whole cluster); `topics` is then ignored. */
  all?: boolean;
  /** False: skip reading the state topic (owners and seeds come back empty); after an apply that wrote none. */
  state?: boolean;
  /** Progress lines while the state read waits (another run's open transaction on the project's state partition). */
  onProgress?: (message: string) => void;
  /** Aborts the project's own stuck seed transactions before the state read waits for them (apply only). */
  fence?: () => Promise<void>;
}

/**
 * Observes the cluster with a constant number of round trips whatever the topic count: one all-topics
 * Metadata v10+ (brokers, names, partitions and topic IDs), one DescribeConfigs for the declared topics, one
 * ListPartitionReassignments (every ongoing one), one more DescribeConfigs only when the project owns undeclared topics, the state
 * topic read (ListOffsets + Fetch), and ApiVersions of one broker. Nothing
 * per topic is asked about topics that are neither declared nor owned, so requests do not grow with the
 * cluster's other topics.
 */
export async function observeCluster(conn: KafkaConnection, scope: ObserveScope = { topics: [] }): Promise<ObservedCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await observeOnce(conn, scope);
    } catch (err) {
      if (attempt >= ATTEMPTS || kafkaErrorName(err) !== 'UNKNOWN_TOPIC_OR_PARTITION') {
        throw requestFailed('observe cluster', null, err);
      }
    }
  }
}

/** Attempts of the metadata request while a topic is still electing its leader (as kafkajs' admin retried it). */
const LEADER_ATTEMPTS = 3;

/**
 * Brokers, topics, partitions and topic IDs in one Metadata request (kafkajs' describeCluster and
 * fetchTopicMetadata each fetched every topic's metadata twice). As kafkajs did, any topic or partition error
 * fails it; LEADER_NOT_AVAILABLE (a topic born a moment ago) is asked again first.
 */
async function clusterMetadata(conn: KafkaConnection): Promise<ClusterMetadata> {
  for (let attempt = 1; ; attempt++) {
    const md = await fetchClusterMetadata(conn);
    const code = md.topics.find((t) => t.errorCode !== 0)?.errorCode ?? md.topics.flatMap((t) => t.partitions).find((p) => p.errorCode !== 0)?.errorCode ?? 0;
    if (code === 0) return md;
    if (attempt >= LEADER_ATTEMPTS || errorCodeName(code) !== 'LEADER_NOT_AVAILABLE') throw protocolError(code, null);
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

/** One observation; throws UNKNOWN_TOPIC_OR_PARTITION when a topic disappeared meanwhile (the caller retries). */
async function observeOnce(conn: KafkaConnection, scope: ObserveScope): Promise<ObservedCluster> {
  // kafkajs' admin client is not needed: every request here is framed through the raw-request door, so no
  // all-topics metadata refresh of kafkajs' own precedes them. The socket the DescribeConfigs will use
  // connects while the metadata is asked.
  if (scope.all || scope.topics.length > 0) conn.bulk().catch(() => undefined);
  const metadata = await clusterMetadata(conn);
  const names = metadata.topics.map((t) => t.name).sort();
  const existing = new Set(names);
  const hasState = existing.has(STATE_TOPIC);
  if (hasState) noteStateTopicExists(conn, metadata.topics.find((t) => t.name === STATE_TOPIC)?.partitions.length);
  const partitionsByTopic = new Map(metadata.topics.map((t) => [t.name, t.partitions]));

  const declared = scope.all ? names : [...new Set(scope.topics)].filter((t) => existing.has(t)).sort();
  // The broker's list of topic config names comes with any described topic; borrow one when none is declared.
  const probe = scope.configNames && declared.length === 0 ? (hasState ? STATE_TOPIC : names[0]) : undefined;
  const describe = (topics: string[]): Promise<TopicConfigs[]> => describeTopicConfigs(conn, topics);
  // Every ongoing reassignment in one small request, filtered here (see ongoing-reassignments.ts).
  let ongoing: Promise<Set<string>> | undefined;
  const reassignments = (topics: string[]): Promise<string[]> =>
    topics.length === 0 ? Promise.resolve([]) : (ongoing ??= ongoingReassignments(conn)).then((all) => topics.filter((t) => all.has(t)));

  const ids = hasState && scope.state !== false ? topicIds(metadata) : new Map<string, string>();
  const [configs, reassigning, state, incremental] = await Promise.all([
    describe(probe === undefined ? declared : [...declared, probe]),
    reassignments(declared),
    hasState && scope.state !== false
      ? readState(conn, { project: scope.project, onProgress: scope.onProgress, fence: scope.fence })
      : Promise.resolve<ClusterState>({ owners: {}, ownerships: [], seeds: [] }),
    supportsIncrementalAlterConfigs(conn),
  ]);
  // Ownership follows the topic, not its name: only a live topic whose ID a record holds is owned.
  const owners = liveOwners(state, ids);
  // Owned topics the spec no longer declares: planned for deletion or kept, so observed like declared ones.
  const scoped = new Set(declared);
  const owned = scope.project === undefined ? [] : names.filter((t) => owners[t] === scope.project && !scoped.has(t));
  const [ownedConfigs, ownedReassigning, access] = await Promise.all([describe(owned), reassignments(owned), observeAccess(conn, scope, state)]);

  const ownedSet = new Set(owned);
  const configsByTopic = new Map([...configs, ...ownedConfigs].map((r) => [r.resourceName, r.configEntries]));
  const topics: ObservedTopic[] = names.map((name) => ({
    name,
    partitions: observedPartitions(partitionsByTopic.get(name) ?? []),
    configs: scoped.has(name) || ownedSet.has(name) ? observedConfigs(configsByTopic.get(name) ?? []) : {},
  }));
  const brokers: ObservedBroker[] = metadata.brokers
    .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
    .sort((a, b) => a.nodeId - b.nodeId);
  const out: ObservedCluster = {
    brokers,
    topics,
    owners,
    seeds: state.seeds,
    reassigning: [...new Set([...reassigning, ...ownedReassigning])].sort(),
    incrementalAlterConfigs: incremental,
    ...access,
  };
  if (scope.configNames) {
    const any = configs[0];
    out.topicConfigNames = any ? any.configEntries.map((e) => e.configName).sort() : null;
  }
  return out;
}

/** Partitions sorted by id, with copies of the replica lists. */
function observedPartitions(parts: MetadataPartition[]): ObservedTopic['partitions'] {
  return parts
    .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
    .sort((a, b) => a.partition - b.partition);
}

/** Config entries keyed by name; sorted so equal clusters observe to equal JSON. */
function observedConfigs(entries: TopicConfigEntry[]): Record<string, ObservedConfig> {
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
