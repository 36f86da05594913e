import type { Action, ActionKind, PlanSummary } from './types.js';

/** Which summary bucket each action kind counts in; null for steps that change nothing (cluster.wait). */
export const SUMMARY_BUCKET: Record<ActionKind, keyof PlanSummary | null> = {
  'container.create': 'create',
  'topic.create': 'create',
  'seed.produce': 'create',
  'container.start': 'change',
  'container.recreate': 'change',
  'topic.addPartitions': 'change',
  'topic.alterConfig': 'change',
  'topic.reassign': 'change',
  'topic.delete': 'delete',
  'container.remove': 'delete',
  'cluster.wait': null,
  // Adoption changes no topic, only who owns it: counted on its own ("N to adopt"), see countAdopts.
  'topic.adopt': null,
  'acl.create': 'create',
  'acl.delete': 'delete',
  'user.create': 'create',
  'user.update': 'change',
  'user.delete': 'delete',
};

/** Adoptions in a plan, for the "N to adopt" part of the summary line. */
export function countAdopts(actions: Action[]): number {
  return actions.filter((a) => a.kind === 'topic.adopt').length;
}

/** Counts actions for "Plan: N to create, N to change, N to delete"; cluster.wait is not counted. */
export function summarize(actions: Action[]): PlanSummary {
  const s: PlanSummary = { create: 0, change: 0, delete: 0 };
  for (const a of actions) {
    const bucket = SUMMARY_BUCKET[a.kind];
    if (bucket) s[bucket] += 1;
  }
  return s;
}

/** Topic, seed, ACL and user steps: the ones that depend on what the cluster holds (provisional while it is down). */
export function isClusterStep(a: { kind: string }): boolean {
  return a.kind.startsWith('topic.') || a.kind === 'seed.produce' || a.kind.startsWith('acl.') || a.kind.startsWith('user.');
}
