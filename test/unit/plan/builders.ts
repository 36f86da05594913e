// State builders for planner tests: every field has a sensible default, tests state only what matters.
import type { SourcePos } from '../../../src/errors.js';
import type { Desired, PlanOptions, SeedDigest } from '../../../src/plan/desired.js';
import type {
  ConfigSource,
  Observed,
  ObservedCluster,
  ObservedConfig,
  ObservedDocker,
  ObservedPartition,
  ObservedTopic,
  SeedRecord,
} from '../../../src/plan/observed.js';
import type { ContainersSpec, KafkaClusterSpec, SeedSpec, Spec, TopicSpec } from '../../../src/spec/types.js';

/** The spec file positions point into. */
export const SPEC_FILE = 'kafka.config.yaml';

/** A position in the spec file. */
export function pos(line: number, col = 3): SourcePos {
  return { file: SPEC_FILE, line, col };
}

/** A line derived from the name: deterministic whatever order builders run in, and distinct enough to tell topics apart. */
function lineOf(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 997;
  return 10 + (h % 90) * 5;
}

/** A declared topic: 3 partitions, RF 1, no config, positions on every field unless overridden. */
export function topic(name: string, over: Partial<Omit<TopicSpec, 'name' | 'pos'>> = {}): TopicSpec {
  const line = lineOf(name);
  const config = over.config ?? {};
  return {
    name,
    partitions: 3,
    replicationFactor: 1,
    config,
    ...over,
    pos: {
      name: pos(line, 3),
      partitions: pos(line + 1, 17),
      replicationFactor: pos(line + 2, 24),
      config: Object.fromEntries(Object.keys(config).map((k, i) => [k, pos(line + 4 + i, 9)])),
    },
  };
}

/** A containers.kafka section of `nodes` nodes. */
export function kafkaContainers(nodes = 1): ContainersSpec {
  const kafka: KafkaClusterSpec = {
    image: 'apache/kafka:4.1.1',
    nodes,
    network: 'host',
    port: 19092,
    controllerPort: 19192,
    heap: '384m',
    properties: {},
    persistence: 'none',
    clusterId: 'shop-cluster-id',
    security: null,
    pos: pos(3),
  };
  return { kafka, services: [] };
}

/** A spec for project "shop" targeting an existing cluster, unless containers are given. */
export function spec(over: Partial<Spec> = {}): Spec {
  return {
    version: 1,
    project: 'shop',
    file: `/work/project/${SPEC_FILE}`,
    cluster: {
      bootstrapServers: ['127.0.0.1:19092'],
      clientId: 'kafkaform',
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 10000,
      tls: null,
      sasl: null,
    },
    topics: [],
    containers: null,
    seeds: [],
    allowDelete: false,
    ...over,
  };
}

/** A seeds block for a topic whose entries have the given ids (file entries). */
export function seedSpec(topicName: string, entryIds: string[], line = 80): SeedSpec {
  return {
    topic: topicName,
    compression: 'none',
    pos: pos(line, 3),
    entries: entryIds.map((id, i) => ({ kind: 'file' as const, id, path: `seeds/${topicName}-${i}.jsonl`, format: 'jsonl' as const, pos: pos(line + 1 + i, 7) })),
  };
}

/** One materialised seed entry. */
export function seedDigest(topicName: string, entryId: string, hash = 'h1', count = 10): SeedDigest {
  return { topic: topicName, entryId, hash, count, source: entryId.replace(/^file:/, '') };
}

/** Desired state from a spec and its seed digests. */
export function desired(s: Spec, seeds: SeedDigest[] = []): Desired {
  return { spec: s, seeds };
}

/** A config entry as DescribeConfigs reports it. */
export function cfg(value: string | null, source: ConfigSource = 'topic', sensitive = false): ObservedConfig {
  return { value, source, sensitive };
}

/** Options of observedTopic. */
export interface ObservedTopicOptions {
  partitions?: number;
  rf?: number;
  /** Node ids replicas are spread over, round-robin. */
  brokers?: number[];
  /** Topic overrides (source topic). */
  overrides?: Record<string, string>;
  /** Other entries, e.g. broker defaults. */
  configs?: Record<string, ObservedConfig>;
  /** Explicit partitions; wins over partitions/rf/brokers. */
  layout?: ObservedPartition[];
}

/** A topic in the cluster: replicas round-robin over the brokers, all in sync, first replica leads. */
export function observedTopic(name: string, o: ObservedTopicOptions = {}): ObservedTopic {
  const brokers = o.brokers ?? [1];
  const rf = o.rf ?? 1;
  const count = o.partitions ?? 3;
  const partitions =
    o.layout ??
    Array.from({ length: count }, (_, p) => {
      const replicas = Array.from({ length: rf }, (_, r) => brokers[(p + r) % brokers.length] as number);
      return { partition: p, leader: replicas[0] as number, replicas, isr: [...replicas] };
    });
  const configs: Record<string, ObservedConfig> = {
    'retention.ms': cfg('604800000', 'default'),
    'cleanup.policy': cfg('delete', 'default'),
    ...o.configs,
  };
  for (const [k, v] of Object.entries(o.overrides ?? {})) configs[k] = cfg(v, 'topic');
  return { name, partitions, configs };
}

/** A cluster of `brokers` nodes (ids 1..n) holding the given topics. */
export function cluster(over: Partial<ObservedCluster> & { brokerCount?: number } = {}): ObservedCluster {
  const { brokerCount = 1, ...rest } = over;
  return {
    brokers: Array.from({ length: brokerCount }, (_, i) => ({ nodeId: i + 1, host: '127.0.0.1', port: 19092 + i })),
    topics: [],
    owners: {},
    seeds: [],
    reassigning: [],
    ...rest,
  };
}

/** Observed state; Docker unobserved unless given. */
export function observed(c: ObservedCluster | null, docker: ObservedDocker | null = null): Observed {
  return { cluster: c, docker };
}

/** A seed record of project shop. */
export function seedRecord(topicName: string, entryId: string, hash = 'h1', over: Partial<SeedRecord> = {}): SeedRecord {
  return { project: 'shop', topic: topicName, entryId, hash, count: 10, producedAt: '2025-01-01T00:00:00.000Z', ...over };
}

/** Plan options: nothing opted into. */
export function options(over: Partial<PlanOptions> = {}): PlanOptions {
  // noAdopt by default: tests of other rules observe unowned topics and would otherwise all show adoptions.
  return { allowDelete: false, reseed: false, destroy: false, removeVolumes: false, noAdopt: true, ...over };
}

/**
 * The cluster state that applying `d` would leave: declared topics with their partitions, RF and
 * config overrides, owned by the project, every seed recorded. Null partitions/RF use the broker
 * defaults given here.
 */
export function observedFromDesired(d: Desired, o: { brokerCount?: number; defaultPartitions?: number; defaultRf?: number } = {}): Observed {
  const brokerCount = o.brokerCount ?? 3;
  const brokers = Array.from({ length: brokerCount }, (_, i) => i + 1);
  const topics = d.spec.topics.map((t) =>
    observedTopic(t.name, {
      partitions: t.partitions ?? o.defaultPartitions ?? 1,
      rf: t.replicationFactor ?? o.defaultRf ?? 1,
      brokers,
      overrides: t.config,
    }),
  );
  return observed(
    cluster({
      brokerCount,
      topics,
      owners: Object.fromEntries(d.spec.topics.map((t) => [t.name, d.spec.project])),
      seeds: d.seeds.map((b) => seedRecord(b.topic, b.entryId, b.hash, { project: d.spec.project, count: b.count })),
    }),
  );
}
