import { plural } from '../words.js';
import type { SourcePos } from '../errors.js';
import type { TopicSpec } from '../spec/types.js';
import { assignReplicas, clusterLoad, emptyLoad, type BrokerLoad } from './assign.js';
import { brokerRefusalDiagnostics } from './broker-refusals.js';
import { checkConfigNames } from './config-names.js';
import { diffConfigs, sortKeys } from './configs.js';
import type { Desired, PlanOptions } from './desired.js';
import type { Observed, ObservedCluster, ObservedTopic } from './observed.js';
import { isReservedTopic, STATE_TOPIC } from './state-topic.js';
import {
  DiagnosticCodes,
  type Diagnostic,
  type NoopNote,
  type TopicAddPartitionsAction,
  type TopicAdoptAction,
  type TopicAlterConfigAction,
  type TopicCreateAction,
  type TopicDeleteAction,
  type TopicReassignAction,
} from './types.js';

/** Everything the planner decided about topics, unordered (order.ts orders it). */
export interface TopicsPlan {
  creates: TopicCreateAction[];
  adopts: TopicAdoptAction[];
  addPartitions: TopicAddPartitionsAction[];
  alterConfigs: TopicAlterConfigAction[];
  reassigns: TopicReassignAction[];
  deletes: TopicDeleteAction[];
  diagnostics: Diagnostic[];
  noops: NoopNote[];
  /** Sorted names of topics in the cluster that are neither declared nor this project's. */
  unmanaged: string[];
}

/** Facts shared by every topic's decision. */
interface Context {
  project: string;
  cluster: ObservedCluster | null;
  /** Brokers a replication factor must fit in: observed ones, or the declared node count before the cluster exists. */
  brokerCount: number | null;
  load: BrokerLoad;
  options: PlanOptions;
  out: TopicsPlan;
}

/**
 * Diffs declared topics against the cluster. A null cluster means it is created by this plan,
 * so every declared topic is a create. Undeclared topics are deleted only when this project
 * created them and deletion was opted into; anything else in the cluster is left alone.
 */
export function planTopics(desired: Desired, observed: Observed, options: PlanOptions): TopicsPlan {
  const { spec } = desired;
  const cluster = observed.cluster;
  const out: TopicsPlan = {
    creates: [],
    adopts: [],
    addPartitions: [],
    alterConfigs: [],
    reassigns: [],
    deletes: [],
    diagnostics: [],
    noops: [],
    unmanaged: [],
  };
  const ctx: Context = {
    project: spec.project,
    cluster,
    brokerCount: cluster ? cluster.brokers.length : (spec.containers?.kafka?.nodes ?? null),
    load: cluster ? clusterLoad(cluster) : emptyLoad(),
    options,
    out,
  };
  const existing = new Map((cluster?.topics ?? []).map((t) => [t.name, t]));

  // Name order keeps diagnostics and the shared broker load (hence assignments) deterministic.
  for (const topic of [...spec.topics].sort((a, b) => compare(a.name, b.name))) {
    if (isReservedTopic(topic.name)) {
      out.diagnostics.push(reservedName(topic));
      continue;
    }
    out.diagnostics.push(...checkConfigNames([topic], cluster));
    const current = existing.get(topic.name);
    if (current) planExisting(ctx, topic, current);
    else planCreate(ctx, topic);
  }
  // What the broker said of this plan's creates and config changes when asked without changing anything.
  out.diagnostics.push(...brokerRefusalDiagnostics(spec.topics, cluster));

  if (cluster) {
    const declared = new Set(spec.topics.map((t) => t.name));
    const allowDelete = options.allowDelete || spec.allowDelete;
    for (const t of cluster.topics) {
      if (declared.has(t.name) || isReservedTopic(t.name)) continue;
      if (cluster.owners[t.name] !== spec.project) {
        out.unmanaged.push(t.name);
      } else if (allowDelete) {
        out.deletes.push({ kind: 'topic.delete', topic: t.name, reason: `created by project ${spec.project}, no longer in the spec` });
      } else {
        out.diagnostics.push({
          code: DiagnosticCodes.DELETE_NOT_ALLOWED,
          severity: 'warning',
          subject: t.name,
          message: `topic ${t.name} was created by project ${spec.project} and is no longer in the spec; it is kept`,
          hint: 'it would be deleted with --allow-delete or allowDelete: true',
        });
      }
    }
    out.unmanaged.sort(compare);
  }
  return out;
}

/** A declared topic that does not exist yet. */
function planCreate(ctx: Context, topic: TopicSpec): void {
  if (topic.replicationFactor !== null && ctx.brokerCount !== null && topic.replicationFactor > ctx.brokerCount) {
    ctx.out.diagnostics.push(tooManyReplicas(topic, topic.replicationFactor, ctx.brokerCount));
    return;
  }
  ctx.out.creates.push({
    kind: 'topic.create',
    topic: topic.name,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    config: sortKeys(topic.config),
    reason: ctx.cluster ? 'not in the cluster' : 'the cluster is created by this plan',
  });
}

/** A declared topic that exists: partitions, configs, replication factor, in that order. */
function planExisting(ctx: Context, topic: TopicSpec, current: ObservedTopic): void {
  const { out } = ctx;
  const cluster = ctx.cluster as ObservedCluster;
  const actual = current.partitions.length;
  const added: number[] = [];

  // A null spec value means "the broker's default", which says nothing about an existing topic.
  if (topic.partitions !== null && topic.partitions > actual) {
    for (let p = actual; p < topic.partitions; p++) added.push(p);
    out.addPartitions.push({ kind: 'topic.addPartitions', topic: topic.name, from: actual, to: topic.partitions, reason: `the spec asks for ${topic.partitions} partitions` });
  } else if (topic.partitions !== null && topic.partitions < actual) {
    out.diagnostics.push({
      code: DiagnosticCodes.PARTITION_DECREASE,
      severity: 'error',
      subject: topic.name,
      message: `topic ${topic.name}: partitions cannot decrease from ${actual} to ${topic.partitions}`,
      hint: 'Kafka cannot remove partitions; recreate the topic (delete + create) if its data can be lost',
      at: at(topic.pos.partitions, topic),
    });
  }

  const method = cluster.incrementalAlterConfigs === false ? 'replace' : 'incremental';
  const config = diffConfigs(topic.name, topic.config, current.configs, method);
  out.noops.push(...config.noops);
  if (config.action) out.alterConfigs.push(config.action);
  if (config.action?.method === 'replace') out.diagnostics.push(fullReplace(topic));

  if (topic.replicationFactor !== null) planReplication(ctx, topic, current, added);

  planOwnership(ctx, topic, cluster.owners[topic.name]);
}

/**
 * Who owns a declared, existing topic. No owner: adopted (unless --no-adopt), so removing it from the spec later
 * deletes it with the usual opt-in. Another project: an error, never a silent takeover, unless --take-ownership.
 */
function planOwnership(ctx: Context, topic: TopicSpec, owner: string | undefined): void {
  if (owner === ctx.project) return;
  if (owner === undefined) {
    if (!ctx.options.noAdopt) ctx.out.adopts.push({ kind: 'topic.adopt', topic: topic.name, from: null, reason: 'exists, created outside kafkaform' });
    return;
  }
  if (ctx.options.takeOwnership) {
    ctx.out.adopts.push({ kind: 'topic.adopt', topic: topic.name, from: owner, reason: `owned by project ${owner}, taken over with --take-ownership` });
    return;
  }
  ctx.out.diagnostics.push({
    code: DiagnosticCodes.OWNED_BY_OTHER_PROJECT,
    severity: 'error',
    subject: topic.name,
    message: `topic ${topic.name} is owned by project ${owner}, but project ${ctx.project} declares it too`,
    hint: `remove it from one of the two specs, or pass --take-ownership to make ${ctx.project} its owner (${owner} would then see it as unmanaged)`,
    at: topic.pos.name,
  });
}

/** Plans a reassignment when the replication factor differs or partitions disagree among themselves. */
function planReplication(ctx: Context, topic: TopicSpec, current: ObservedTopic, added: number[]): void {
  const target = topic.replicationFactor as number;
  const cluster = ctx.cluster as ObservedCluster;
  const sizes = current.partitions.map((p) => p.replicas.length);
  const actual = sizes.length ? Math.max(...sizes) : 0;
  const uniform = sizes.every((s) => s === actual);
  if (target === actual && uniform) return;

  if (cluster.reassigning.includes(topic.name)) {
    ctx.out.diagnostics.push({
      code: DiagnosticCodes.REASSIGNMENT_IN_PROGRESS,
      severity: 'warning',
      subject: topic.name,
      message: `topic ${topic.name} has a partition reassignment in progress; its replication factor is left as is for now`,
      hint: 'plan again once the reassignment has finished',
      at: at(topic.pos.replicationFactor, topic),
    });
    return;
  }
  if (ctx.brokerCount !== null && target > ctx.brokerCount) {
    ctx.out.diagnostics.push(tooManyReplicas(topic, target, ctx.brokerCount));
    return;
  }
  const assignments = assignReplicas({
    partitions: current.partitions,
    added,
    target,
    brokers: cluster.brokers.map((b) => b.nodeId),
    load: ctx.load,
  });
  ctx.out.reassigns.push({
    kind: 'topic.reassign',
    topic: topic.name,
    from: actual,
    to: target,
    assignments,
    reason: uniform
      ? `the spec asks for replicationFactor ${target}`
      : `partitions have between ${Math.min(...sizes)} and ${actual} replicas; all get ${target}`,
  });
}

/** CONFIG_FULL_REPLACE: without IncrementalAlterConfigs, apply sends the topic's whole override set. */
function fullReplace(topic: TopicSpec): Diagnostic {
  return {
    code: DiagnosticCodes.CONFIG_FULL_REPLACE,
    severity: 'warning',
    subject: topic.name,
    message: `topic ${topic.name}: the broker lacks IncrementalAlterConfigs, so apply replaces the whole override set; an override set by someone else after this plan is lost`,
    hint: 'upgrade the brokers to Kafka 2.3 or later for per-key config changes',
    at: topic.pos.name,
  };
}

/** REPLICATION_EXCEEDS_BROKERS for a topic. */
function tooManyReplicas(topic: TopicSpec, rf: number, brokers: number): Diagnostic {
  return {
    code: DiagnosticCodes.REPLICATION_EXCEEDS_BROKERS,
    severity: 'error',
    subject: topic.name,
    message: `topic ${topic.name}: replicationFactor ${rf} exceeds the ${plural(brokers, 'broker')} of the cluster`,
    hint: `lower replicationFactor to at most ${brokers}, or run more Kafka nodes (containers.kafka.nodes)`,
    at: at(topic.pos.replicationFactor, topic),
  };
}

/** INTERNAL_TOPIC for a declared name kafkaform must not manage. */
function reservedName(topic: TopicSpec): Diagnostic {
  const why = topic.name === STATE_TOPIC ? 'is kafkaform\'s own state topic' : 'starts with "__", which Kafka reserves for internal topics';
  return {
    code: DiagnosticCodes.INTERNAL_TOPIC,
    severity: 'error',
    subject: topic.name,
    message: `topic ${topic.name} ${why}; kafkaform does not manage it`,
    hint: 'rename the topic',
    at: topic.pos.name,
  };
}

/** The field's position, else the topic's. */
function at(pos: SourcePos | undefined, topic: TopicSpec): SourcePos {
  return pos ?? topic.pos.name;
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
