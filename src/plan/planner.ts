import { planContainers, type ContainersPlan } from './containers.js';
import type { Desired, PlanOptions } from './desired.js';
import { lint, moveBytes } from './lint.js';
import type { Observed } from './observed.js';
import { orderActions } from './order.js';
import { planSeeds } from './seeds.js';
import { isClusterStep, summarize } from './summary.js';
import { planTopics } from './topics.js';
import { DiagnosticCodes, PLAN_FORMAT_VERSION, type Diagnostic, type NoopNote, type Plan } from './types.js';

/** The plan: a pure function of what is wanted and what exists; once applied, planning again from the re-observed state yields no actions. */
export function plan(desired: Desired, observed: Observed, options: PlanOptions): Plan {
  return planWithContainers(desired, observed, options, planContainers(desired, observed, options));
}

/**
 * plan() with the container part given: the topic and seed core, kept separate so it can be
 * tested and golden-checked without depending on how containers are planned.
 */
export function planWithContainers(desired: Desired, observed: Observed, options: PlanOptions, containers: ContainersPlan): Plan {
  const { spec } = desired;
  const diagnostics: Diagnostic[] = [...containers.diagnostics];

  if (options.destroy) {
    // destroy removes what the project runs; topics vanish with the cluster's containers or stay on a cluster it does not own.
    const actions = containers.actions.filter((a) => a.kind === 'container.remove');
    return { formatVersion: PLAN_FORMAT_VERSION, project: spec.project, actions, diagnostics, noops: [], unmanaged: [], summary: summarize(actions) };
  }

  if (observed.cluster === null && !spec.containers?.kafka) {
    diagnostics.push({
      code: DiagnosticCodes.CLUSTER_UNKNOWN,
      severity: 'error',
      message: 'the cluster could not be observed and the spec declares no containers.kafka to create it',
      hint: 'check cluster.bootstrapServers, or declare containers.kafka so kafkaform runs the cluster',
    });
  }

  const topics = planTopics(desired, observed, options);
  for (const r of topics.reassigns) {
    const current = observed.cluster?.topics.find((t) => t.name === r.topic);
    const bytes = current ? moveBytes(current, r, observed.cluster?.usage?.[r.topic]) : null;
    if (bytes !== null) r.moveBytes = bytes;
  }
  const seeds = planSeeds(desired, observed, options);
  diagnostics.push(...topics.diagnostics, ...seeds.diagnostics);

  const actions = orderActions({
    containers: containers.actions,
    topicCreates: topics.creates,
    adopts: topics.adopts,
    addPartitions: topics.addPartitions,
    alterConfigs: topics.alterConfigs,
    reassigns: topics.reassigns,
    seeds: seeds.actions,
    topicDeletes: topics.deletes,
  });
  // The safety lint is a separate pass over the same inputs; it only adds diagnostics.
  diagnostics.push(...lint(desired, observed, options, actions));
  const guessed = observed.cluster === null && actions.some(isClusterStep);
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    project: spec.project,
    actions,
    diagnostics,
    noops: sortNoops(topics.noops),
    unmanaged: topics.unmanaged,
    summary: summarize(actions),
    ...(guessed ? { provisional: { reason: 'the cluster could not be observed (it is down or not created yet), so its topics and seed records are unknown; apply plans these steps again once it is up' } } : {}),
  };
}

/** True when the plan has an error diagnostic, so it must not be applied. */
export function hasErrors(plan: Plan): boolean {
  return plan.diagnostics.some((d) => d.severity === 'error');
}

/** Noops by topic then key, for stable output. */
function sortNoops(noops: NoopNote[]): NoopNote[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...noops].sort((a, b) => cmp(a.topic, b.topic) || cmp(a.key, b.key));
}
