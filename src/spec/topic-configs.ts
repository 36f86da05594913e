import { DEFAULT_KAFKA_VERSION } from '../kafka/versions.js';
import { didYouMean } from './suggest.js';
import { describeValue, quote } from './text.js';
import { checkDuration, checkSize, type Parsed } from './units.js';

/** How a topic config's value is written and checked; decides the string Kafka stores and reports back. */
export type TopicConfigKind = 'duration-ms' | 'size-bytes' | 'int' | 'ratio' | 'boolean' | 'enum' | 'list';

/**
 * One topic-level config Kafka 4.4 accepts (the topic ConfigDef of org.apache.kafka.storage.internals.log.LogConfig,
 * printed by scripts/topic-configs.sh; older versions: src/kafka/versions.ts).
 */
export interface TopicConfigDef {
  name: string;
  kind: TopicConfigKind;
  /** One line: what it controls (editors show it through the JSON Schema). */
  doc: string;
  /** Kafka's default as DescribeConfigs reports it when nothing overrides it. */
  kafkaDefault: string;
  /** Inclusive bounds of integer kinds (duration-ms, size-bytes, int) in ms/bytes/units; `also` lists extra allowed values. */
  range?: { min: bigint; max: bigint; also?: readonly bigint[] };
  /** Allowed values of `enum`, or allowed items of the cleanup.policy list. */
  values?: readonly string[];
  /** Item rule of `list` kinds. */
  item?: 'cleanup-policy' | 'throttled-replica';
}

const INT_MAX = 2_147_483_647n;
const LONG_MAX = 9_223_372_036_854_775_807n;

const int = (min: bigint, max: bigint = INT_MAX, also?: bigint[]) => ({ min, max, ...(also ? { also } : {}) });
const long = (min: bigint) => ({ min, max: LONG_MAX });

const DEFS: TopicConfigDef[] = [
  { name: 'cleanup.policy', kind: 'list', item: 'cleanup-policy', values: ['compact', 'delete'], kafkaDefault: 'delete',
    doc: 'What happens to old segments: "delete" drops them after retention, "compact" keeps the latest value per key; both may be combined.' },
  { name: 'compression.gzip.level', kind: 'int', range: int(1n, 9n, [-1n]), kafkaDefault: '-1',
    doc: 'gzip level when compression.type is gzip; -1 is the codec default.' },
  { name: 'compression.lz4.level', kind: 'int', range: int(1n, 17n), kafkaDefault: '9',
    doc: 'lz4 level when compression.type is lz4.' },
  { name: 'compression.type', kind: 'enum', values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], kafkaDefault: 'producer',
    doc: 'Codec the broker stores batches with; "producer" keeps whatever the producer used.' },
  { name: 'compression.zstd.level', kind: 'int', range: int(-131072n, 22n), kafkaDefault: '3',
    doc: 'zstd level when compression.type is zstd.' },
  { name: 'delete.retention.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '86400000',
    doc: 'How long tombstones of a compacted topic stay readable.' },
  { name: 'errors.deadletterqueue.group.enable', kind: 'boolean', kafkaDefault: 'false',
    doc: 'Share groups may write undeliverable records to this topic as a dead-letter queue (Kafka 4.4+).' },
  { name: 'file.delete.delay.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '60000',
    doc: 'Delay before a deleted segment file is removed from disk.' },
  { name: 'flush.messages', kind: 'int', range: long(1n), kafkaDefault: '9223372036854775807',
    doc: 'Force an fsync after this many messages; normally left to replication and the OS.' },
  { name: 'flush.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '9223372036854775807',
    doc: 'Force an fsync after this much time; normally left to replication and the OS.' },
  { name: 'follower.replication.throttled.replicas', kind: 'list', item: 'throttled-replica', kafkaDefault: '',
    doc: 'Replicas throttled on the follower side, as partition:broker pairs, or "*" for all.' },
  { name: 'index.interval.bytes', kind: 'size-bytes', range: int(0n), kafkaDefault: '4096',
    doc: 'Bytes between entries of the offset index.' },
  { name: 'leader.replication.throttled.replicas', kind: 'list', item: 'throttled-replica', kafkaDefault: '',
    doc: 'Replicas throttled on the leader side, as partition:broker pairs, or "*" for all.' },
  { name: 'local.retention.bytes', kind: 'size-bytes', range: long(-2n), kafkaDefault: '-2',
    doc: 'Tiered storage: bytes kept on local disk per partition; -2 follows retention.bytes.' },
  { name: 'local.retention.ms', kind: 'duration-ms', range: long(-2n), kafkaDefault: '-2',
    doc: 'Tiered storage: time segments stay on local disk; -2 follows retention.ms.' },
  { name: 'max.compaction.lag.ms', kind: 'duration-ms', range: long(1n), kafkaDefault: '9223372036854775807',
    doc: 'Longest a message may stay ineligible for compaction.' },
  { name: 'max.decompressed.message.bytes', kind: 'size-bytes', range: int(1n, 2_147_483_639n), kafkaDefault: '2147483639',
    doc: 'Largest decompressed size of a single record the broker accepts (Kafka 4.4+).' },
  { name: 'max.message.bytes', kind: 'size-bytes', range: int(0n), kafkaDefault: '1048588',
    doc: 'Largest record batch the topic accepts (after compression).' },
  { name: 'message.timestamp.after.max.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '3600000',
    doc: 'How far in the future a CreateTime timestamp may be.' },
  { name: 'message.timestamp.before.max.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '9223372036854775807',
    doc: 'How far in the past a CreateTime timestamp may be.' },
  { name: 'message.timestamp.type', kind: 'enum', values: ['CreateTime', 'LogAppendTime'], kafkaDefault: 'CreateTime',
    doc: 'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s (LogAppendTime).' },
  { name: 'min.cleanable.dirty.ratio', kind: 'ratio', kafkaDefault: '0.5',
    doc: 'Share of uncompacted log (0..1) that makes a partition eligible for compaction.' },
  { name: 'min.compaction.lag.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '0',
    doc: 'Shortest time a message stays uncompacted.' },
  { name: 'min.insync.replicas', kind: 'int', range: int(1n), kafkaDefault: '1',
    doc: 'Replicas that must acknowledge a write with acks=all.' },
  { name: 'preallocate', kind: 'boolean', kafkaDefault: 'false',
    doc: 'Preallocate segment files on disk.' },
  { name: 'remote.copy.lag.bytes', kind: 'size-bytes', range: long(-1n), kafkaDefault: '-1',
    doc: 'Tiered storage: newer local bytes after which a segment may be uploaded; -1 follows local.retention.bytes (Kafka 4.4+).' },
  { name: 'remote.copy.lag.ms', kind: 'duration-ms', range: long(-1n), kafkaDefault: '0',
    doc: 'Tiered storage: time after its last record when a segment may be uploaded; -1 follows local.retention.ms (Kafka 4.4+).' },
  { name: 'remote.log.copy.disable', kind: 'boolean', kafkaDefault: 'false',
    doc: 'Tiered storage: stop copying segments to remote storage (remote data becomes read-only).' },
  { name: 'remote.log.delete.on.disable', kind: 'boolean', kafkaDefault: 'false',
    doc: 'Tiered storage: delete remote data when remote storage is disabled for the topic.' },
  { name: 'remote.storage.enable', kind: 'boolean', kafkaDefault: 'false',
    doc: 'Tiered storage: enable remote storage for the topic.' },
  { name: 'retention.bytes', kind: 'size-bytes', range: long(-1n), kafkaDefault: '-1',
    doc: 'Largest size a partition may grow to before old segments are deleted; -1 means no limit.' },
  { name: 'retention.ms', kind: 'duration-ms', range: long(-1n), kafkaDefault: '604800000',
    doc: 'How long messages are kept before old segments are deleted; -1 means forever.' },
  { name: 'segment.bytes', kind: 'size-bytes', range: int(1_048_576n), kafkaDefault: '1073741824',
    doc: 'Size of a log segment file (at least 1MiB).' },
  { name: 'segment.index.bytes', kind: 'size-bytes', range: int(4n), kafkaDefault: '10485760',
    doc: 'Size of the offset index of a segment.' },
  { name: 'segment.jitter.ms', kind: 'duration-ms', range: long(0n), kafkaDefault: '0',
    doc: 'Random jitter subtracted from segment.ms so segments do not all roll at once.' },
  { name: 'segment.ms', kind: 'duration-ms', range: long(1n), kafkaDefault: '604800000',
    doc: 'Roll a new segment after this time even if the current one is not full.' },
  { name: 'unclean.leader.election.enable', kind: 'boolean', kafkaDefault: 'false',
    doc: 'Allow an out-of-sync replica to become leader as a last resort (may lose data).' },
];

/** Every topic-level config of Kafka 4.4 (internal.* testing knobs aside), by name. */
export const TOPIC_CONFIGS: ReadonlyMap<string, TopicConfigDef> = new Map(DEFS.map((d) => [d.name, d]));

/** Names of TOPIC_CONFIGS, sorted: candidates for "did you mean". */
export const TOPIC_CONFIG_NAMES: readonly string[] = DEFS.map((d) => d.name);

/** Topic configs older Kafka versions had and 4.x rejects, with what to do instead. */
export const REMOVED_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'message.downconversion.enable': 'was removed in Kafka 4.0 (brokers no longer down-convert); delete it',
  'message.format.version': 'was removed in Kafka 4.0 (only the v2 record format exists); delete it',
  'message.timestamp.difference.max.ms':
    'was removed in Kafka 4.0; use message.timestamp.before.max.ms and message.timestamp.after.max.ms',
};

/** Why a topic config name is not accepted: removed in 4.x, or unknown with the nearest valid name. */
export function unknownTopicConfigMessage(name: string): string {
  const removed = REMOVED_TOPIC_CONFIGS[name];
  if (removed !== undefined) return `topic config ${quote(name)} ${removed}`;
  return `unknown topic config ${quote(name)}${didYouMean(name, TOPIC_CONFIG_NAMES)}`;
}

/** Whether a topic config name is a Kafka 4.4 one kafkaform checks offline; any other name is left to the broker. */
export function isCatalogued(name: string): boolean {
  return TOPIC_CONFIGS.has(name);
}

/** The warning for a name the catalogue lacks: accepted offline, the live broker decides at plan time. */
export function uncataloguedTopicConfigMessage(name: string): string {
  return `topic config ${quote(name)} is not in kafkaform's catalogue of Kafka ${DEFAULT_KAFKA_VERSION} topic configs${didYouMean(name, TOPIC_CONFIG_NAMES)}; the broker will decide at plan time`;
}

/** A value of a config the catalogue lacks: scalars as Kafka strings (a list as comma-separated items); anything else fails. */
export function uncataloguedValue(value: unknown): Parsed<string> {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return { ok: true, value: String(value) };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: String(value) };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return { ok: true, value: value.map(String).join(',') };
  return { ok: false, error: `expected a string, number, boolean or list, got ${describeValue(value)}` };
}

/** Human form of a range, e.g. "from 1 to 17", "≥ 0", "≥ 1, or -1". */
export function describeRange(r: NonNullable<TopicConfigDef['range']>): string {
  const base = r.max === INT_MAX || r.max === LONG_MAX ? `≥ ${r.min}` : `from ${r.min} to ${r.max}`;
  return r.also?.length ? `${base}, or ${r.also.join(', ')}` : base;
}

function inRange(v: bigint, r: NonNullable<TopicConfigDef['range']>): boolean {
  return (v >= r.min && v <= r.max) || (r.also ?? []).includes(v);
}

function checkInt(input: unknown): Parsed<bigint> {
  if (typeof input === 'bigint') return { ok: true, value: input };
  if (typeof input === 'number' && Number.isSafeInteger(input)) return { ok: true, value: BigInt(input) };
  if (typeof input === 'string' && /^\s*[+-]?\d+\s*$/.test(input)) return { ok: true, value: BigInt(input.trim()) };
  return { ok: false, error: `expected an integer, got ${describeValue(input)}` };
}

function listItems(value: unknown): Parsed<string[]> {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return { ok: true, value: trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim()) };
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return { ok: true, value: value.map((v) => String(v).trim()) };
  }
  return { ok: false, error: `expected a comma-separated string or a list, got ${describeValue(value)}` };
}

function normaliseList(def: TopicConfigDef, value: unknown): Parsed<string> {
  const items = listItems(value);
  if (!items.ok) return items;
  if (def.item === 'cleanup-policy') {
    const allowed = def.values ?? [];
    if (items.value.length === 0) return { ok: false, error: 'cleanup.policy needs "delete", "compact" or both' };
    for (const it of items.value) {
      if (!allowed.includes(it)) {
        return { ok: false, error: `unknown cleanup policy ${quote(it)}; use delete, compact or both${didYouMean(it, allowed)}` };
      }
    }
    if (new Set(items.value).size !== items.value.length) return { ok: false, error: 'cleanup.policy lists a policy twice' };
    return { ok: true, value: items.value.join(',') };
  }
  // Throttled replicas: "*" alone, or partition:broker pairs.
  if (items.value.length === 1 && items.value[0] === '*') return { ok: true, value: '*' };
  for (const it of items.value) {
    if (!/^\d+:\d+$/.test(it)) {
      return { ok: false, error: `expected "*" or partition:broker pairs such as 0:1,1:2, got ${quote(it)}` };
    }
  }
  return { ok: true, value: items.value.join(',') };
}

/**
 * Checks a topic config value by its kind and normalises it to the string Kafka stores and DescribeConfigs
 * reports (7d → "604800000", 512MiB → "536870912", true → "true", [delete, compact] → "delete,compact").
 * Pass integers too large for a JS number as bigint (from the YAML source) so they stay exact.
 */
export function normaliseTopicConfigValue(def: TopicConfigDef, value: unknown): Parsed<string> {
  switch (def.kind) {
    case 'duration-ms':
    case 'size-bytes':
    case 'int': {
      const p = def.kind === 'duration-ms' ? checkDuration(value) : def.kind === 'size-bytes' ? checkSize(value) : checkInt(value);
      if (!p.ok) return p;
      const range = def.range!;
      if (!inRange(p.value, range)) {
        const unit = def.kind === 'duration-ms' ? ' (ms)' : def.kind === 'size-bytes' ? ' (bytes)' : '';
        // Java int/long ceilings are left out of describeRange, so name them when they are what was crossed.
        const bound = p.value > range.max && !range.also?.length ? `at most ${range.max}` : describeRange(range);
        return { ok: false, error: `${def.name} must be ${bound}${unit}, got ${describeValue(value)}` };
      }
      return { ok: true, value: p.value.toString() };
    }
    case 'ratio': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d*\.?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(n)) return { ok: false, error: `expected a number from 0 to 1, got ${describeValue(value)}` };
      if (n < 0 || n > 1) return { ok: false, error: `${def.name} must be from 0 to 1, got ${describeValue(value)}` };
      return { ok: true, value: javaDouble(n) };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value: String(value) };
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return { ok: true, value: value.trim().toLowerCase() };
      return { ok: false, error: `expected true or false, got ${describeValue(value)}` };
    }
    case 'enum': {
      const values = def.values ?? [];
      if (typeof value === 'string' && values.includes(value)) return { ok: true, value };
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      return { ok: false, error: `expected one of ${values.join(', ')}, got ${describeValue(value)}${hint}` };
    }
    case 'list':
      return normaliseList(def, value);
  }
}

/**
 * A double as Java's Double.toString writes it, which is how the broker reports a double config back ("0" is
 * shown as "0.0", 0.0001 as "1.0E-4"): the spec's value must be the same string, or the plan never converges.
 */
export function javaDouble(n: number): string {
  if (n !== 0 && Math.abs(n) < 1e-3) {
    const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
