import type { SourcePos } from '../errors.js';
import type { Spec } from '../spec/types.js';
import type { Desired, PlanOptions, SeedDigest } from './desired.js';
import type { Observed, SeedRecord } from './observed.js';
import { seedLimitDiagnostics } from './seed-limits.js';
import { isReservedTopic } from './state-topic.js';
import { DiagnosticCodes, type Diagnostic, type SeedProduceAction } from './types.js';

/** The seed part of a plan, in desired.seeds order. */
export interface SeedsPlan {
  actions: SeedProduceAction[];
  diagnostics: Diagnostic[];
}

/**
 * Decides which seed entries to produce. An entry is produced once: the state topic records its
 * hash, and an entry whose content changed is produced again only with --reseed (the old messages
 * stay in the topic either way, so doing it silently would duplicate data).
 */
export function planSeeds(desired: Desired, observed: Observed, options: PlanOptions): SeedsPlan {
  const { spec } = desired;
  const out: SeedsPlan = { actions: [], diagnostics: [] };
  const topics = new Set([...spec.topics.map((t) => t.name), ...(observed.cluster?.topics ?? []).map((t) => t.name)]);
  // A topic the cluster does not hold (deleted since; this plan creates it) holds none of the messages its records name.
  const present = new Set((observed.cluster?.topics ?? []).map((t) => t.name));
  const own = (observed.cluster?.seeds ?? []).filter((r) => r.project === spec.project);
  const seeded = latestRecords(own.filter((r) => present.has(r.topic)));
  const gone = latestRecords(own.filter((r) => !present.has(r.topic)));
  const reported = new Set<string>();
  const legacy = legacyInlineRecords(seeded);

  for (const digest of desired.seeds) {
    if (isReservedTopic(digest.topic) || !topics.has(digest.topic)) {
      if (!reported.has(digest.topic)) out.diagnostics.push(badTopic(spec, digest));
      reported.add(digest.topic);
      continue;
    }
    const record = seeded.get(key(digest.topic, digest.entryId)) ?? takeLegacy(legacy, digest);
    const stale = gone.get(key(digest.topic, digest.entryId));
    if (stale) {
      out.actions.push({ ...produce(digest, 'topic is new: what was produced before went with the deleted topic'), supersedes: stale.producedAt });
    } else if (!record) {
      out.actions.push(produce(digest, 'not seeded yet'));
    } else if (record.hash === digest.hash) {
      continue;
    } else if (options.reseed) {
      out.actions.push(produce(digest, 'content changed; --reseed'));
    } else {
      out.diagnostics.push({
        code: DiagnosticCodes.SEED_CHANGED,
        severity: 'warning',
        subject: digest.topic,
        message: `seed ${digest.entryId} of topic ${digest.topic} changed since it was produced (${record.producedAt}); it is not produced again`,
        hint: 'run apply --reseed to produce the edited entry again (existing messages stay)',
        ...withPos(entryPos(spec, digest)),
      });
    }
  }
  out.diagnostics.push(...seedLimitDiagnostics(desired, observed, options, out.actions));
  return out;
}

/** The action for one seed entry. */
function produce(digest: SeedDigest, reason: string): SeedProduceAction {
  return { kind: 'seed.produce', topic: digest.topic, entryId: digest.entryId, hash: digest.hash, count: digest.count, source: digest.source, reason };
}

/** The most recent record per entry: what is in the topic now is what was produced last. */
function latestRecords(records: SeedRecord[]): Map<string, SeedRecord> {
  const out = new Map<string, SeedRecord>();
  for (const r of records) {
    const k = key(r.topic, r.entryId);
    const prev = out.get(k);
    // ISO timestamps compare as strings; on a tie the later record in the state topic wins.
    if (!prev || r.producedAt >= prev.producedAt) out.set(k, r);
  }
  return out;
}

/**
 * Records of inline entries identified by position ("inline:0", from before content ids), by topic and hash.
 * An id-less entry (content id "inline:#…") whose content was produced under such an id counts as produced,
 * so upgrading does not produce every id-less inline entry again. Each record vouches for one entry.
 */
function legacyInlineRecords(seeded: Map<string, SeedRecord>): Map<string, SeedRecord[]> {
  const out = new Map<string, SeedRecord[]>();
  for (const r of seeded.values()) {
    if (!/^inline:\d+$/.test(r.entryId)) continue;
    const k = key(r.topic, r.hash);
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

/** A legacy record for a content-identified entry with the same content, used up once taken. */
function takeLegacy(legacy: Map<string, SeedRecord[]>, digest: SeedDigest): SeedRecord | undefined {
  if (!digest.entryId.startsWith('inline:#')) return undefined;
  return legacy.get(key(digest.topic, digest.hash))?.shift();
}

/** Map key of an entry; NUL cannot occur in a topic name. */
function key(topic: string, entryId: string): string {
  return `${topic}\u0000${entryId}`;
}

/** SEED_TOPIC_UNKNOWN, or INTERNAL_TOPIC for a seed aimed at a reserved topic. */
function badTopic(spec: Spec, digest: SeedDigest): Diagnostic {
  const pos = spec.seeds.find((s) => s.topic === digest.topic)?.pos;
  if (isReservedTopic(digest.topic)) {
    return {
      code: DiagnosticCodes.INTERNAL_TOPIC,
      severity: 'error',
      subject: digest.topic,
      message: `seeds target ${digest.topic}, a topic reserved for Kafka or kafkaform`,
      hint: 'seed a topic of your own',
      ...withPos(pos),
    };
  }
  return {
    code: DiagnosticCodes.SEED_TOPIC_UNKNOWN,
    severity: 'error',
    subject: digest.topic,
    message: `seeds target topic ${digest.topic}, which is neither declared in the spec nor in the cluster`,
    hint: `declare ${digest.topic} under topics, or fix the seed's topic name`,
    ...withPos(pos),
  };
}

/** Where the entry is written (its id is the digest's entryId), else its topic's seeds block. */
function entryPos(spec: Spec, digest: SeedDigest): SourcePos | undefined {
  const seeds = spec.seeds.find((s) => s.topic === digest.topic);
  return seeds?.entries.find((e) => e.id === digest.entryId)?.pos ?? seeds?.pos;
}

/** `at` only when known, so the JSON carries no `"at": undefined` noise. */
function withPos(pos: SourcePos | undefined): { at?: SourcePos } {
  return pos ? { at: pos } : {};
}
