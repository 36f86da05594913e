import { formatPos, type SourcePos } from '../errors.js';
import type { TopicSpec } from '../spec/types.js';
import { formatBytes, formatCount, formatDuration, plural } from '../words.js';
import { LintCodes, LintLimits, TOPIC_OPT_IN_CODES, type LintCode } from './lint-codes.js';
import type { Desired, PlanOptions } from './desired.js';
import type { Observed, ObservedCluster, ObservedTopic, TopicUsage } from './observed.js';
import { isReservedTopic } from './state-topic.js';
import type { Action, Diagnostic, TopicReassignAction } from './types.js';

/**
 * The safety lint: a pure pass over desired and observed state (plus the planned actions, for what is
 * created and reassigned) that finds changes which destroy data or hurt the cluster. Values are compared as
 * the spec declares them against what the broker reports, never through the config action's shape.
 * Refusals are errors unless opted into (then warnings that say by what); the rest are warnings.
 * Only what the plan creates or changes is judged: an existing topic left as it is raises nothing.
 */
export function lint(desired: Desired, observed: Observed, options: PlanOptions, actions: Action[]): Diagnostic[] {
  const cluster = observed.cluster;
  const ctx: LintContext = {
    cluster,
    brokers: cluster ? cluster.brokers.length : (desired.spec.containers?.kafka?.nodes ?? null),
    allow: new Set(options.allow ?? []),
    out: [],
  };
  const existing = new Map((cluster?.topics ?? []).map((t) => [t.name, t]));
  const created = new Set(actions.filter((a) => a.kind === 'topic.create').map((a) => a.topic));
  const reassigns = new Map(actions.filter((a): a is TopicReassignAction => a.kind === 'topic.reassign').map((a) => [a.topic, a]));

  for (const topic of desired.spec.topics) {
    if (isReservedTopic(topic.name)) continue;
    const current = existing.get(topic.name);
    if (!current && !created.has(topic.name)) continue; // refused by the planner: nothing to judge
    lintTopic(ctx, topic, current ?? null);
    const r = reassigns.get(topic.name);
    if (r && current) lintReassign(ctx, topic, current, r);
  }
  lintClusterCapacity(ctx, desired, existing, actions);
  return ctx.out;
}

/** The highest cap `maxPartitions` may set (the schema's maximum). */
const MAX_CAP = 100_000;

/** Facts shared by every check. */
interface LintContext {
  cluster: ObservedCluster | null;
  /** Brokers of the cluster, or the declared node count before it exists. */
  brokers: number | null;
  /** Codes opted into with --allow. */
  allow: Set<LintCode>;
  out: Diagnostic[];
}

/** Checks of one declared topic; `current` is null when the plan creates it. */
function lintTopic(ctx: LintContext, topic: TopicSpec, current: ObservedTopic | null): void {
  const usage = current ? ctx.cluster?.usage?.[topic.name] : undefined;
  const changed = (key: string): { from: string | null; to: string } | null => {
    const to = topic.config[key];
    if (to === undefined) return null;
    const from = current?.configs[key]?.value ?? null;
    return from === to ? null : { from, to };
  };

  if (current) {
    for (const key of ['retention.ms', 'retention.bytes']) {
      const c = changed(key);
      if (c && c.from !== null && lowered(c.from, c.to)) retentionLowered(ctx, topic, key, c.from, c.to, usage);
    }
    const policy = changed('cleanup.policy');
    if (policy && !policies(policy.from ?? 'delete').has('compact') && policies(policy.to).has('compact')) {
      refuse(ctx, topic, LintCodes.COMPACTION_ADDED, 'cleanup.policy', {
        message: `topic ${topic.name}: cleanup.policy ${policy.from ?? 'delete'} → ${policy.to} compacts the log: older messages with the same key are deleted${held(usage)}`,
        fix: 'keep cleanup.policy as it is, or copy the data elsewhere first',
      });
    }
    const mmb = changed('max.message.bytes');
    if (mmb && mmb.from !== null && lowered(mmb.from, mmb.to)) {
      const empty = usage !== undefined && totalBytes(usage) === 0;
      refuse(ctx, topic, LintCodes.MAX_MESSAGE_BYTES_LOWERED, 'max.message.bytes', {
        message: `topic ${topic.name}: max.message.bytes ${mmb.from} → ${mmb.to}: batches already held that are larger cannot be re-produced or mirrored, and producers sending them fail${held(usage)}`,
        fix: 'keep max.message.bytes at least as large as the largest batch the topic holds',
        harmless: empty ? 'the topic is empty' : undefined,
      });
    }
  }

  const unclean = changed('unclean.leader.election.enable');
  if (unclean && unclean.to === 'true') {
    refuse(ctx, topic, LintCodes.UNCLEAN_LEADER_ELECTION, 'unclean.leader.election.enable', {
      message: `topic ${topic.name}: unclean.leader.election.enable true lets an out-of-sync replica become leader, losing the messages it lacks`,
      fix: 'leave unclean.leader.election.enable false (the default)',
    });
  }

  const cap = topic.maxPartitions ?? LintLimits.PARTITIONS_PER_TOPIC;
  const before = current?.partitions.length ?? 0;
  if (topic.partitions !== null && topic.partitions > cap && topic.partitions > before) {
    ctx.out.push({
      code: LintCodes.PARTITIONS_ABOVE_CAP,
      severity: 'error',
      subject: topic.name,
      key: 'partitions',
      message: `topic ${topic.name}: ${formatCount(topic.partitions)} partitions exceed the cap of ${formatCount(cap)} per topic; a count the controller cannot handle takes a cluster down, so it is never sent`,
      hint:
        topic.partitions <= MAX_CAP
          ? `lower partitions, or raise the cap with maxPartitions: ${topic.partitions} on the topic`
          : `lower partitions: even a raised cap (maxPartitions) is at most ${formatCount(MAX_CAP)}`,
      at: topic.pos.partitions ?? topic.pos.name,
    });
  }

  for (const [key, min, unit] of [
    ['segment.ms', LintLimits.MIN_SEGMENT_MS, (n: number) => formatDuration(n)],
    ['segment.bytes', LintLimits.MIN_SEGMENT_BYTES, (n: number) => formatBytes(n)],
  ] as const) {
    const c = changed(key);
    if (c && Number(c.to) < min) {
      refuse(ctx, topic, LintCodes.SEGMENT_TOO_SMALL, key, {
        message: `topic ${topic.name}: ${key} ${c.to} (${unit(Number(c.to))}) makes the broker roll a new segment constantly (open files, index memory, slow recovery); the floor is ${unit(min)}`,
        fix: `set ${key} to at least ${min}`,
      });
    }
  }

  const multi = ctx.brokers !== null && ctx.brokers > 1;
  const currentRf = current ? Math.max(0, ...current.partitions.map((p) => p.replicas.length)) : null;
  const rf = topic.replicationFactor ?? currentRf;
  const rfChanged = topic.replicationFactor !== null && topic.replicationFactor !== currentRf;
  if (multi && rfChanged && topic.replicationFactor === 1) {
    ctx.out.push({
      code: LintCodes.REPLICATION_FACTOR_ONE,
      severity: 'warning',
      subject: topic.name,
      key: 'replicationFactor',
      message: `topic ${topic.name}: replicationFactor 1 on a cluster of ${plural(ctx.brokers as number, 'broker')}: losing one broker loses the topic's data`,
      hint: 'use replicationFactor 3 (or the broker count, when smaller)',
      at: topic.pos.replicationFactor ?? topic.pos.name,
    });
  }
  const isrChange = changed('min.insync.replicas');
  const minIsr = Number(topic.config['min.insync.replicas'] ?? current?.configs['min.insync.replicas']?.value ?? 1);
  if (multi && rf !== null && rf > 1 && (rfChanged || isrChange) && minIsr >= rf) {
    ctx.out.push({
      code: LintCodes.MIN_ISR_NOT_BELOW_RF,
      severity: 'warning',
      subject: topic.name,
      key: 'min.insync.replicas',
      message: `topic ${topic.name}: min.insync.replicas ${minIsr} with replicationFactor ${rf}: producers with acks=all fail whenever one broker is down`,
      hint: `set min.insync.replicas to at most ${rf - 1}`,
      at: topic.pos.config['min.insync.replicas'] ?? topic.pos.replicationFactor ?? topic.pos.name,
    });
  }
}

/** L001 for one lowered retention key, with what is held and whether it would be deleted. */
function retentionLowered(ctx: LintContext, topic: TopicSpec, key: string, from: string, to: string, usage: TopicUsage | undefined): void {
  const now = ctx.cluster?.observedAtMs;
  let stake = '';
  let harmless: string | undefined;
  if (usage) {
    const parts = Object.entries(usage.partitionBytes);
    stake = `; it holds ${formatBytes(totalBytes(usage))} in ${plural(parts.length, 'partition')}`;
    if (usage.oldestMs !== null && now !== undefined) stake += `, oldest message ${formatDuration(now - usage.oldestMs)} old`;
    const limit = Number(to);
    if (key === 'retention.ms') {
      if (usage.oldestMs === null) harmless = 'the topic holds no messages';
      else if (now !== undefined && now - usage.oldestMs < limit) harmless = `no message held is older than ${formatDuration(limit)}`;
    } else {
      const over = parts.filter(([, b]) => b > limit).length;
      if (over === 0) harmless = `no partition holds more than ${formatBytes(limit)}`;
      else stake += `; ${plural(over, 'partition')} above ${formatBytes(limit)}`;
    }
  }
  const what = key === 'retention.ms' ? `${from === '-1' ? 'unlimited' : formatDuration(Number(from))} → ${formatDuration(Number(to))}` : `${from === '-1' ? 'unlimited' : formatBytes(Number(from))} → ${formatBytes(Number(to))} per partition`;
  refuse(ctx, topic, LintCodes.RETENTION_LOWERED, key, {
    message: `topic ${topic.name}: ${key} ${from} → ${to} (${what}) deletes the messages beyond the new limit${stake}`,
    fix: `keep ${key} at ${from}, or lower it in steps`,
    harmless,
  });
}

/** L010 when the new replicas of a reassignment copy more than the threshold. */
function lintReassign(ctx: LintContext, topic: TopicSpec, current: ObservedTopic, r: TopicReassignAction): void {
  const bytes = moveBytes(current, r, ctx.cluster?.usage?.[topic.name]);
  if (bytes === null || bytes <= LintLimits.REASSIGN_BYTES) return;
  refuse(ctx, topic, LintCodes.REASSIGNMENT_MOVES_BYTES, 'replicationFactor', {
    message: `topic ${topic.name}: the reassignment copies ${formatBytes(bytes)} to new replicas (above ${formatBytes(LintLimits.REASSIGN_BYTES)}); apply throttles replication while it runs`,
    fix: 'run it at a quiet time and opt in, or keep the replication factor',
  });
}

/**
 * Bytes the new replicas of a reassignment copy: each partition's size times the replicas it gains;
 * null when the sizes were not observed.
 */
export function moveBytes(current: ObservedTopic, r: TopicReassignAction, usage: TopicUsage | undefined): number | null {
  if (!usage) return null;
  const before = new Map(current.partitions.map((p) => [p.partition, p.replicas]));
  let total = 0;
  for (const a of r.assignments) {
    const had = before.get(a.partition) ?? [];
    const gained = a.replicas.filter((b) => !had.includes(b)).length;
    total += gained * (usage.partitionBytes[a.partition] ?? 0);
  }
  return total;
}

/** L009 when the replicas after the plan exceed what the brokers hold by a wide margin. */
function lintClusterCapacity(ctx: LintContext, desired: Desired, existing: Map<string, ObservedTopic>, actions: Action[]): void {
  if (!ctx.brokers) return;
  let before = 0;
  for (const t of existing.values()) for (const p of t.partitions) before += p.replicas.length;
  let after = before;
  for (const a of actions) {
    if (a.kind === 'topic.create') after += (a.partitions ?? 1) * (a.replicationFactor ?? 1);
    if (a.kind === 'topic.addPartitions') {
      const t = existing.get(a.topic);
      after += (a.to - a.from) * Math.max(1, ...(t?.partitions.map((p) => p.replicas.length) ?? [1]));
    }
    if (a.kind === 'topic.reassign') {
      const t = existing.get(a.topic);
      const had = t?.partitions.reduce((n, p) => n + p.replicas.length, 0) ?? 0;
      after += a.assignments.reduce((n, p) => n + p.replicas.length, 0) - had;
    }
  }
  const capacity = ctx.brokers * LintLimits.REPLICAS_PER_BROKER;
  if (after <= before || after <= capacity * LintLimits.CLUSTER_MARGIN) return;
  const allowed = ctx.allow.has(LintCodes.CLUSTER_PARTITIONS_EXCEEDED);
  ctx.out.push({
    code: LintCodes.CLUSTER_PARTITIONS_EXCEEDED,
    severity: allowed ? 'warning' : 'error',
    message: `the plan brings the cluster to ${formatCount(after)} partition replicas, over ${LintLimits.CLUSTER_MARGIN}× what ${plural(ctx.brokers, 'broker')} hold (${formatCount(LintLimits.REPLICAS_PER_BROKER)} each)`,
    hint: allowed ? 'allowed by --allow L009' : 'declare fewer partitions, run more brokers, or opt in with --allow L009',
    at: desired.spec.topics[0]?.pos.name,
    ...(allowed ? { allowedBy: '--allow L009' } : {}),
  });
}

/** What a refusal says; `harmless` (when measured) makes it a warning that needs no opt-in. */
interface Refusal {
  message: string;
  fix: string;
  harmless?: string;
}

/** An opt-in refusal: an error unless --allow or the topic's allow list names the code, or it is measured harmless. */
function refuse(ctx: LintContext, topic: TopicSpec, code: LintCode, key: string, r: Refusal): void {
  const at: SourcePos = topic.pos.config[key] ?? (key === 'replicationFactor' ? topic.pos.replicationFactor : undefined) ?? topic.pos.name;
  const optIn = `opt in with --allow ${code}, or allow: [${code}] on topic ${topic.name}`;
  const by = allowedBy(ctx, topic, code);
  const base = { code, subject: topic.name, key, at };
  if (r.harmless) {
    ctx.out.push({ ...base, severity: 'warning', message: `${r.message}; nothing is lost now: ${r.harmless}`, hint: `${r.fix}; a later apply would need the opt-in once data is at stake (${optIn})` });
  } else if (by) {
    ctx.out.push({ ...base, severity: 'warning', message: r.message, hint: `allowed by ${by}`, allowedBy: by });
  } else {
    ctx.out.push({ ...base, severity: 'error', message: r.message, hint: `${r.fix}; or ${optIn}` });
  }
}

/** The opt-in that allows `code` for the topic, in words; null when none does. */
function allowedBy(ctx: LintContext, topic: TopicSpec, code: LintCode): string | null {
  if (ctx.allow.has(code)) return `--allow ${code}`;
  if (topic.allow?.includes(code) && TOPIC_OPT_IN_CODES.includes(code)) {
    return `allow: [${code}]${topic.pos.allow ? ` at ${formatPos(topic.pos.allow)}` : ''}`;
  }
  return null;
}

/** True when a size or duration limit goes down; -1 means unlimited. */
function lowered(from: string, to: string): boolean {
  const f = Number(from);
  const t = Number(to);
  if (!Number.isFinite(f) || !Number.isFinite(t)) return false;
  if (t === -1) return false;
  return f === -1 || t < f;
}

/** The policies of a cleanup.policy value ("delete,compact"). */
function policies(value: string): Set<string> {
  return new Set(value.split(',').map((s) => s.trim()).filter(Boolean));
}

/** Bytes a topic holds (sum of its partitions' largest replicas). */
function totalBytes(u: TopicUsage): number {
  return Object.values(u.partitionBytes).reduce((a, b) => a + b, 0);
}

/** "; it holds 1.2 MiB" when measured. */
function held(u: TopicUsage | undefined): string {
  return u ? `; it holds ${formatBytes(totalBytes(u))}` : '';
}

/**
 * The declared existing topics whose data the lint weighs: a retention or max.message.bytes drop, compaction
 * added, or a replication factor change. The observer measures only these, so a plan that lowers nothing
 * costs no extra request.
 */
export function stakeTopics(spec: Desired['spec'], cluster: ObservedCluster): string[] {
  const existing = new Map(cluster.topics.map((t) => [t.name, t]));
  const out: string[] = [];
  for (const topic of spec.topics) {
    const current = existing.get(topic.name);
    if (!current || isReservedTopic(topic.name)) continue;
    const drops = (key: string) => {
      const to = topic.config[key];
      const from = current.configs[key]?.value ?? null;
      return to !== undefined && from !== null && lowered(from, to);
    };
    const to = topic.config['cleanup.policy'];
    const compacts = to !== undefined && policies(to).has('compact') && !policies(current.configs['cleanup.policy']?.value ?? 'delete').has('compact');
    const rf = topic.replicationFactor;
    const reassigns = rf !== null && current.partitions.some((p) => p.replicas.length !== rf);
    if (drops('retention.ms') || drops('retention.bytes') || drops('max.message.bytes') || compacts || reassigns) out.push(topic.name);
  }
  return out.sort();
}
