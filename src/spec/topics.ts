import type { SourcePos } from '../errors.js';
import { isLintCode } from '../plan/lint-codes.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import { asMap, type SpecContext } from './context.js';
import { quote } from './text.js';
import {
  normaliseTopicConfigValue,
  REMOVED_TOPIC_CONFIGS,
  TOPIC_CONFIGS,
  uncataloguedTopicConfigMessage,
  uncataloguedValue,
  unknownTopicConfigMessage,
  type TopicConfigKind,
} from './topic-configs.js';
import type { TopicSpec } from './types.js';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Why a topic name is invalid for Kafka, or null when it is fine. */
export function topicNameProblem(name: string): string | null {
  if (name === STATE_TOPIC) return `topic name ${quote(name)} is reserved: kafkaform keeps its own state (ownership, seed records) there`;
  if (name.startsWith('__')) return `topic name ${quote(name)} is reserved: names starting with "__" belong to Kafka's internal topics`;
  if (name === '.' || name === '..') return `topic name ${quote(name)} is not allowed by Kafka`;
  if (!TOPIC_NAME.test(name)) return `invalid topic name ${quote(name)}: use 1 to 249 letters, digits, ".", "_" or "-"`;
  return null;
}

function int(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? v : null;
}

function normaliseConfig(ctx: SpecContext, topic: string, raw: unknown, pos: Record<string, SourcePos>): Record<string, string> {
  const config: Record<string, string> = {};
  const map = asMap(raw);
  if (!map) return config;
  for (const [name, value] of Object.entries(map)) {
    const path = ['topics', topic, 'config', name];
    pos[name] = ctx.source.pos(path, 'key');
    const def = TOPIC_CONFIGS.get(name);
    // Integers beyond 2^53 lose digits in JS numbers; the source text keeps them exact.
    let exact: unknown = value;
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      const src = ctx.source.plainSource(path);
      if (src !== undefined && /^[+-]?\d+$/.test(src)) exact = BigInt(src);
    }
    if (!def) {
      if (REMOVED_TOPIC_CONFIGS[name] !== undefined) {
        ctx.problems.add(path, unknownTopicConfigMessage(name), 'topic configs are listed at https://kafka.apache.org/44/configuration/topic-configs', 'key');
        continue;
      }
      // Newer Kafka versions and Kafka-compatible brokers have configs the catalogue lacks: plan asks the broker.
      const r = uncataloguedValue(exact);
      if (!r.ok) {
        ctx.problems.add(path, r.error, 'write the value as Kafka expects it, e.g. a string');
        continue;
      }
      ctx.problems.warn(path, uncataloguedTopicConfigMessage(name), 'if it is a typo, rename it; otherwise `kafkaform plan` checks it against the live broker', 'key');
      config[name] = r.value;
      continue;
    }
    const r = normaliseTopicConfigValue(def, exact);
    if (r.ok) config[name] = r.value;
    else ctx.problems.add(path, r.error, `${configExample(def.kind)} — ${name}: ${def.doc}`);
  }
  // Kafka refuses a topic whose compaction may not start before it must have started.
  const min = config['min.compaction.lag.ms'];
  const max = config['max.compaction.lag.ms'];
  if (min !== undefined && max !== undefined && BigInt(min) > BigInt(max)) {
    ctx.problems.add(['topics', topic, 'config', 'min.compaction.lag.ms'], `min.compaction.lag.ms (${min}) is above max.compaction.lag.ms (${max}); Kafka refuses the topic`, 'make min.compaction.lag.ms at most max.compaction.lag.ms');
  }
  return config;
}

/** Normalises `topics`: names checked (reserved, charset, "."/"_" collisions), configs in Kafka's units; sorted by name. */
export function normaliseTopics(ctx: SpecContext, raw: unknown): TopicSpec[] {
  const map = asMap(raw);
  if (!map) return [];
  const collisions = new Map<string, string>();
  const topics: TopicSpec[] = [];
  for (const [name, value] of Object.entries(map)) {
    const path = ['topics', name];
    const bad = topicNameProblem(name);
    if (bad) ctx.problems.add(path, bad, 'rename the topic', 'key');
    // Kafka maps "." and "_" to the same metric name, so it refuses topics that differ only there.
    const metricName = name.replace(/\./g, '_');
    const clash = collisions.get(metricName);
    if (clash !== undefined) {
      ctx.problems.add(path, `topic ${quote(name)} collides with ${quote(clash)}: Kafka treats "." and "_" alike in topic names`, 'rename one of them', 'key');
    } else collisions.set(metricName, name);

    const t = asMap(value) ?? {};
    const configPos: Record<string, SourcePos> = {};
    const spec: TopicSpec = {
      name,
      partitions: int(t.partitions),
      replicationFactor: int(t.replicationFactor),
      config: normaliseConfig(ctx, name, t.config, configPos),
      pos: { name: ctx.source.pos(path, 'key'), config: configPos },
    };
    if (t.partitions !== undefined) spec.pos.partitions = ctx.source.pos([...path, 'partitions']);
    if (t.replicationFactor !== undefined) spec.pos.replicationFactor = ctx.source.pos([...path, 'replicationFactor']);
    // The schema already checked both (codes, range); only valid values are carried.
    if (Array.isArray(t.allow)) {
      spec.allow = t.allow.filter((c): c is NonNullable<TopicSpec['allow']>[number] => typeof c === 'string' && isLintCode(c));
      spec.pos.allow = ctx.source.pos([...path, 'allow']);
    }
    const cap = int(t.maxPartitions);
    if (cap !== null) {
      spec.maxPartitions = cap;
      spec.pos.maxPartitions = ctx.source.pos([...path, 'maxPartitions']);
    }
    topics.push(spec);
  }
  return topics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An example of a valid value of a config kind, so the fix says what to write. */
function configExample(kind: TopicConfigKind): string {
  switch (kind) {
    case 'duration-ms':
      return 'write milliseconds or a duration such as 500ms, 30s, 5m, 2h, 7d, 1w';
    case 'size-bytes':
      return 'write bytes or a size such as 1048576, 512KiB, 64MiB, 1GB';
    case 'boolean':
      return 'write true or false';
    case 'ratio':
      return 'write a number such as 0.5';
    case 'int':
      return 'write a whole number in the range given';
    case 'enum':
    case 'list':
      return 'write one of the values listed';
  }
}
