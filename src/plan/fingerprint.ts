import { createHash } from 'node:crypto';
import { aclKey } from './acl-binding.js';
import type { Observed, ObservedCluster, ObservedTopic } from './observed.js';
import type { Action, Plan } from './types.js';

/**
 * Subject → digest of the observed state a plan's actions depend on. Two observations with equal fingerprints
 * for a plan's subjects would give that plan the same meaning; a saved plan is stale when they differ.
 */
export type Fingerprint = Record<string, string>;

/** The subjects one action depends on: its topic, container or seed entry, and the brokers a reassignment targets. */
function subjects(a: Action): string[] {
  switch (a.kind) {
    case 'container.create':
    case 'container.start':
    case 'container.recreate':
    case 'container.remove':
      return [`container:${a.name}`];
    case 'cluster.wait':
      return [];
    case 'seed.produce':
      return [`topic:${a.topic}`, `seed:${a.topic}/${a.entryId}`];
    case 'topic.reassign':
      return [`topic:${a.topic}`, 'brokers'];
    case 'acl.create':
    case 'acl.delete':
      return [`acl:${aclKey(a.binding)}`];
    case 'user.create':
    case 'user.update':
    case 'user.delete':
      return [`user:${a.user}`];
    default:
      return [`topic:${a.topic}`];
  }
}

/**
 * The fingerprint of `observed` restricted to what `plan` touches. A topic's digest covers its partitions and
 * replica lists (not leaders or ISR, which move on their own), its topic overrides and its owner; absence is a
 * value too, so a topic created out of band makes a planned create stale. Secrets are never in it: sensitive
 * overrides contribute their names only.
 */
export function fingerprint(plan: Plan, observed: Observed): Fingerprint {
  const keys = new Set<string>(['cluster']);
  for (const a of plan.actions) for (const s of subjects(a)) keys.add(s);
  const out: Fingerprint = {};
  const topics = new Map((observed.cluster?.topics ?? []).map((t) => [t.name, t]));
  for (const key of [...keys].sort()) out[key] = digest(subjectState(key, observed, topics, plan.project));
  return out;
}

/** The subjects whose digest differs between a saved and a fresh fingerprint, sorted. */
export function staleSubjects(saved: Fingerprint, now: Fingerprint): string[] {
  return Object.keys(saved)
    .filter((k) => saved[k] !== now[k])
    .sort();
}

/** The plain data a subject's digest is taken of. */
function subjectState(key: string, observed: Observed, topics: Map<string, ObservedTopic>, project: string): unknown {
  const cluster = observed.cluster;
  if (key === 'cluster') return cluster === null ? 'absent' : 'present';
  if (key === 'brokers') return cluster?.brokers.map((b) => b.nodeId) ?? null;
  const [kind, rest = ''] = splitOnce(key, ':');
  if (kind === 'topic') return cluster ? topicState(cluster, topics.get(rest), rest) : 'no cluster';
  if (kind === 'seed') {
    const [topic, entryId] = splitOnce(rest, '/');
    return cluster?.seeds.find((s) => s.topic === topic && s.entryId === entryId && s.project === project)?.hash ?? null;
  }
  if (kind === 'acl') {
    return { present: cluster?.acls?.some((b) => aclKey(b) === rest) ?? false, owner: cluster?.aclOwners?.[rest] ?? null };
  }
  if (kind === 'user') return { credentials: cluster?.scramUsers?.[rest] ?? [], record: cluster?.userOwners?.[rest] ?? null };
  if (kind === 'container') {
    const c = observed.docker?.containers.find((x) => x.name === rest);
    return c ? { state: c.state === 'running' ? 'running' : 'stopped', configHash: c.configHash, project: c.project } : 'absent';
  }
  return null;
}

/** A topic as far as plans care: partitions with replicas, overrides, owner; 'absent' when it does not exist. */
function topicState(cluster: ObservedCluster, t: ObservedTopic | undefined, name: string): unknown {
  const owner = cluster.owners[name] ?? null;
  if (!t) return { absent: true, owner };
  const overrides = Object.entries(t.configs)
    .filter(([, c]) => c.source === 'topic')
    .map(([k, c]) => [k, c.sensitive ? '(sensitive)' : c.value]);
  return { partitions: t.partitions.map((p) => p.replicas), overrides, owner };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function digest(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
}
