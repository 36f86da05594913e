import type { SourcePos } from '../errors.js';
import type { Spec } from '../spec/types.js';
import type { Desired, PlanOptions, SeedDigest } from './desired.js';
import type { Observed } from './observed.js';
import { DiagnosticCodes, type Diagnostic, type SeedProduceAction } from './types.js';

/** Kafka's own defaults, used when neither the spec nor the cluster says otherwise. */
const KAFKA_DEFAULTS: Record<string, string> = {
  'max.message.bytes': '1048588',
  'retention.ms': '604800000',
  'cleanup.policy': 'delete',
  'message.timestamp.type': 'CreateTime',
};

/** Broker property behind each topic config, for a cluster that is planned but not running yet. */
const BROKER_PROPERTY: Record<string, string> = {
  'max.message.bytes': 'message.max.bytes',
  'retention.ms': 'log.retention.ms',
  'cleanup.policy': 'log.cleanup.policy',
  'message.timestamp.type': 'log.message.timestamp.type',
};

/**
 * The value a topic will have for `key`: the spec's, else the cluster's for this topic, else the broker's
 * (what any topic without an override reports, or containers.kafka.properties), else Kafka's default.
 */
export function effectiveTopicConfig(spec: Spec, observed: Observed, topic: string, key: string): string {
  const declared = spec.topics.find((t) => t.name === topic)?.config[key];
  if (declared !== undefined && declared !== null) return declared;
  const topics = observed.cluster?.topics ?? [];
  const live = topics.find((t) => t.name === topic)?.configs[key]?.value;
  if (live !== undefined && live !== null) return live;
  const broker = topics.map((t) => t.configs[key]).find((c) => c && c.source !== 'topic' && c.value !== null)?.value;
  if (broker) return broker;
  const property = spec.containers?.kafka?.properties[BROKER_PROPERTY[key] ?? ''];
  return property ?? KAFKA_DEFAULTS[key] ?? '';
}

/**
 * Findings about seed entries about to be produced that Kafka would refuse or delete: a message larger than
 * the topic's effective max.message.bytes (P020, an error: apply would fail midway), and timestamps older than
 * the topic's retention (P021, a warning: the broker deletes them soon after apply). Only uncompressed seeds
 * are size-checked (a compressed digest may fit); the retention check needs `options.now`.
 */
export function seedLimitDiagnostics(desired: Desired, observed: Observed, options: PlanOptions, produce: SeedProduceAction[]): Diagnostic[] {
  const { spec } = desired;
  const out: Diagnostic[] = [];
  for (const action of produce) {
    const digest = desired.seeds.find((b) => b.topic === action.topic && b.entryId === action.entryId);
    if (!digest) continue;
    const compression = spec.seeds.find((s) => s.topic === digest.topic)?.compression ?? 'none';
    const limit = Number(effectiveTopicConfig(spec, observed, digest.topic, 'max.message.bytes'));
    if (compression === 'none' && digest.largestMessageBytes !== undefined && Number.isFinite(limit) && digest.largestMessageBytes > limit) {
      out.push({
        code: DiagnosticCodes.SEED_MESSAGE_TOO_LARGE,
        severity: 'error',
        subject: digest.topic,
        message: `seed ${digest.entryId} of topic ${digest.topic} has a message of ${digest.largestMessageBytes} bytes (as a record digest), above the topic's max.message.bytes of ${limit}; Kafka would refuse it`,
        hint: `raise max.message.bytes of topic ${digest.topic} (and the broker's message.max.bytes), make the message smaller, or set compression: gzip on the seed`,
        ...withPos(entryPos(spec, digest)),
      });
    }
    const retention = retentionMs(spec, observed, digest.topic);
    if (options.now !== undefined && retention !== null && digest.oldestTimestampMs !== undefined && digest.oldestTimestampMs !== null) {
      const age = options.now - digest.oldestTimestampMs;
      if (age > retention) {
        out.push({
          code: DiagnosticCodes.SEED_OLDER_THAN_RETENTION,
          severity: 'warning',
          subject: digest.topic,
          message: `seed ${digest.entryId} of topic ${digest.topic} has timestamps from ${new Date(digest.oldestTimestampMs).toISOString()}, older than the topic's retention.ms of ${retention}: the broker deletes those messages soon after apply`,
          hint: `use recent timestamps (or none), or raise retention.ms of topic ${digest.topic} (-1 keeps messages forever)`,
          ...withPos(entryPos(spec, digest)),
        });
      }
    }
  }
  return out;
}

/** The topic's time retention in ms, or null when time does not delete messages (-1, compact-only, LogAppendTime). */
function retentionMs(spec: Spec, observed: Observed, topic: string): number | null {
  const policy = effectiveTopicConfig(spec, observed, topic, 'cleanup.policy');
  if (!policy.split(',').map((p) => p.trim()).includes('delete')) return null;
  if (effectiveTopicConfig(spec, observed, topic, 'message.timestamp.type') === 'LogAppendTime') return null;
  const ms = Number(effectiveTopicConfig(spec, observed, topic, 'retention.ms'));
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Where the entry is written, else its topic's seeds block. */
function entryPos(spec: Spec, digest: SeedDigest): SourcePos | undefined {
  const seeds = spec.seeds.find((s) => s.topic === digest.topic);
  return seeds?.entries.find((e) => e.id === digest.entryId)?.pos ?? seeds?.pos;
}

function withPos(pos: SourcePos | undefined): { at?: SourcePos } {
  return pos ? { at: pos } : {};
}
