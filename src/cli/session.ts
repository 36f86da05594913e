import type { LazyKafkaConnection } from '../kafka/lazy-connection.js';
import type { ObserveDeps } from '../apply/observe-docker-and-cluster.js';
import type { PlanOptions, SeedDigest } from '../plan/desired.js';
import type { Observed } from '../plan/observed.js';
import { plan } from '../plan/planner.js';
import type { Plan } from '../plan/types.js';
import { loadSpec } from '../spec/load.js';
import type { Spec } from '../spec/types.js';
import type { GlobalOptions } from './global-options.js';

/** The spec and the digests of its seed entries read from disk; nothing else is contacted. */
export interface LoadedDesired {
  spec: Spec;
  seeds: SeedDigest[];
}

/**
 * Loads and validates the spec, then checks and digests its seed sources by streaming them (errors carry
 * file:line:col). No command keeps seed messages here: apply reads them again while it produces each entry.
 */
export async function loadDesired(file: string, environment?: string, env?: Record<string, string | undefined>, opts: { seeds?: boolean } = {}): Promise<LoadedDesired> {
  const spec = await loadSpec(file, env ?? process.env, { environment });
  // The seed modules load only for a spec with seeds.
  const seeds = opts.seeds === false || spec.seeds.length === 0 ? [] : await (await import('../seed/digest.js')).digestSeeds(spec);
  return { spec, seeds };
}

/** One command run: the desired state, plan options, and the connections made on demand. */
export interface Session extends LoadedDesired {
  options: PlanOptions;
  deps: ObserveDeps & { link: LazyKafkaConnection };
  close(): Promise<void>;
}

/** Opens a run; the spec's allowDelete counts as the --allow-delete opt-in. A destroy run reads no seed source: its plan has no seeds. */
export async function openSession(g: GlobalOptions, flags: Partial<PlanOptions>): Promise<Session> {
  const desired = await loadDesired(g.file, g.environment, g.env, { seeds: !flags.destroy });
  const options: PlanOptions = {
    allowDelete: Boolean(flags.allowDelete) || desired.spec.allowDelete,
    reseed: Boolean(flags.reseed),
    destroy: Boolean(flags.destroy),
    removeVolumes: Boolean(flags.removeVolumes),
    allow: flags.allow ?? [],
    noAdopt: Boolean(flags.noAdopt),
    takeOwnership: Boolean(flags.takeOwnership),
    rotatePasswords: Boolean(flags.rotatePasswords),
    now: Date.now(),
  };
  // The Kafka and Docker sides are imported here, not at the top, so `validate` never loads kafkajs or dockerode.
  const { LazyKafkaConnection } = await import('../kafka/lazy-connection.js');
  const link = new LazyKafkaConnection(desired.spec, { debug: g.debug });
  const deps = { link, options };
  return { ...desired, options, deps, close: () => link.close() };
}

/**
 * Observes Docker and the cluster, and plans: the pure planner sees only plain data. When the plan creates topics
 * or changes configs on a running cluster, the broker is asked (validate_only, nothing changes) whether it accepts
 * them, and the plan is made again with its refusals, which become plan errors at their spec lines.
 */
export async function observeAndPlan(s: Session): Promise<{ observed: Observed; plan: Plan }> {
  const { observe } = await import('../apply/observe-docker-and-cluster.js');
  const observed = await observe(s.spec, s.deps);
  const first = replan(s, observed);
  if (!observed.cluster || first.provisional) return { observed, plan: first };
  // Only creates and config changes are asked about; a plan without them does not load the broker check.
  if (!first.actions.some((a) => a.kind === 'topic.create' || a.kind === 'topic.alterConfig')) return { observed, plan: first };
  const { brokerRefusals } = await import('../kafka/broker-check.js');
  const refusals = await brokerRefusals(s.deps.link.connection(), first);
  if (!refusals || refusals.length === 0) return { observed, plan: first };
  const checked: Observed = { ...observed, cluster: { ...observed.cluster, refusals } };
  return { observed: checked, plan: replan(s, checked) };
}

/** Plans from an observation with the session's desired state and options. */
export function replan(s: Session, observed: Observed): Plan {
  return plan({ spec: s.spec, seeds: s.seeds }, observed, s.options);
}
