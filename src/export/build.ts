import type { ObservedCluster, ObservedTopic } from '../plan/observed.js';
import { isReservedTopic } from '../plan/state-topic.js';
import { normaliseTopicConfigValue, TOPIC_CONFIGS } from '../spec/topic-configs.js';
import { humanDuration, humanSize } from './human-units.js';

/** What to export: a project name, where the cluster is, and which topics. */
export interface ExportOptions {
  project: string;
  /** Written as cluster.bootstrapServers; empty: no cluster section. */
  bootstrapServers: string[];
  /** A topic is exported when it matches any include (all when none) and no exclude. */
  include: RegExp[];
  exclude: RegExp[];
  /** Set when the source spec authenticates: the exported cluster section says the credentials were left out. */
  credentialsLeftOut?: boolean;
}

/** One exported config entry: a value to write, or a key left out with the reason (never the value). */
export type ExportedConfig = { key: string; value: string | number | boolean } | { key: string; leftOut: string };

/** One exported topic, in the spec's shape. */
export interface ExportedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: ExportedConfig[];
}

/** The exported spec as data; render.ts writes it as YAML. */
export interface ExportedSpec {
  project: string;
  bootstrapServers: string[];
  credentialsLeftOut: boolean;
  /** Sorted by name. */
  topics: ExportedTopic[];
  /** Topics that matched no include or an exclude, for the summary. */
  skipped: number;
}

/**
 * The spec that declares a cluster's topics as they are: partitions, replication factor and the topic's own
 * overrides (configSource TOPIC_CONFIG; inherited broker or default values never). Internal topics (`__*`) and
 * kafkaform's state topic are never exported. Pure: a function of one observation.
 */
export function buildExport(cluster: ObservedCluster, opts: ExportOptions): ExportedSpec {
  const topics: ExportedTopic[] = [];
  let skipped = 0;
  for (const t of cluster.topics) {
    if (isReservedTopic(t.name)) continue;
    const included = opts.include.length === 0 || opts.include.some((r) => r.test(t.name));
    if (!included || opts.exclude.some((r) => r.test(t.name))) {
      skipped++;
      continue;
    }
    topics.push(exportTopic(t));
  }
  topics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { project: opts.project, bootstrapServers: opts.bootstrapServers, credentialsLeftOut: !!opts.credentialsLeftOut, topics, skipped };
}

/** One topic: RF is the largest replica count (the planner makes uneven partitions uniform at it). */
function exportTopic(t: ObservedTopic): ExportedTopic {
  const config: ExportedConfig[] = [];
  for (const key of Object.keys(t.configs).sort()) {
    const c = t.configs[key]!;
    if (c.source !== 'topic') continue;
    if (c.sensitive || c.value === null) config.push({ key, leftOut: 'sensitive: Kafka does not return its value' });
    else config.push(exportValue(key, c.value));
  }
  return {
    name: t.name,
    partitions: t.partitions.length,
    replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
    config,
  };
}

/**
 * A value as a person would write it, kept only when the spec loader reads it back to exactly Kafka's value:
 * human units where exact, numbers and booleans as such, anything else as Kafka reports it.
 */
export function exportValue(key: string, kafka: string): ExportedConfig {
  const def = TOPIC_CONFIGS.get(key);
  if (!def) return { key, leftOut: `kafkaform does not know this topic config (value ${kafka})` };
  const candidates: (string | number | boolean)[] = [];
  const human = def.kind === 'duration-ms' ? humanDuration(kafka) : def.kind === 'size-bytes' ? humanSize(kafka) : null;
  if (human) candidates.push(human);
  const integer = ['int', 'duration-ms', 'size-bytes'].includes(def.kind) && /^-?\d+$/.test(kafka) && Number.isSafeInteger(Number(kafka));
  if (integer) candidates.push(Number(kafka));
  if (def.kind === 'ratio' && Number.isFinite(Number(kafka))) candidates.push(Number(kafka));
  if (def.kind === 'boolean' && (kafka === 'true' || kafka === 'false')) candidates.push(kafka === 'true');
  candidates.push(kafka);
  for (const v of candidates) {
    const back = normaliseTopicConfigValue(def, v);
    if (back.ok && back.value === kafka) return { key, value: v };
  }
  return { key, leftOut: `its value ${kafka} would not read back exactly` };
}
