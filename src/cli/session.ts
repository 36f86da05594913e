import type { ClusterLink } from '../apply/link.js';
import type { ObserveDeps } from '../apply/observe.js';
import type { PlanOptions } from '../plan/desired.js';
import type { Observed } from '../plan/observed.js';
import { plan } from '../plan/planner.js';
import type { Plan } from '../plan/types.js';
import { materialiseSeeds, toSeedBatches } from '../seed/materialise.js';
import type { MaterialisedSeed } from '../seed/types.js';
import { loadSpec } from '../spec/load.js';
import type { Spec } from '../spec/types.js';
import type { GlobalOptions } from './main.js';

/** The spec and its seed entries read from disk; nothing else is contacted. */
export interface LoadedDesired {
  spec: Spec;
  seeds: MaterialisedSeed[];
}

/**
 * Loads and validates the spec, then reads its seed sources (errors carry file:line:col). Without
 * `keepMessages` (validate, plan) seeds are checked, hashed and sized, but their messages are not kept.
 */
export async function loadDesired(
  file: string,
  environment?: string,
  env?: Record<string, string | undefined>,
  keepMessages = true,
): Promise<LoadedDesired> {
  const spec = await loadSpec(file, env ?? process.env, { environment });
  const seeds = await materialiseSeeds(spec, { keepMessages });
  return { spec, seeds };
}

/** One command run: the desired state, plan options, and the connections made on demand. */
export interface Session extends LoadedDesired {
  options: PlanOptions;
  deps: ObserveDeps & { link: ClusterLink };
  close(): Promise<void>;
}

/** Opens a run; the spec's allowDelete counts as the --allow-delete opt-in. */
export async function openSession(g: GlobalOptions, flags: Partial<PlanOptions>, keepMessages = true): Promise<Session> {
  const desired = await loadDesired(g.file, g.environment, g.env, keepMessages);
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
  const { ClusterLink } = await import('../apply/link.js');
  const link = new ClusterLink(desired.spec, { debug: g.debug });
  const deps = { link, options };
  return { ...desired, options, deps, close: () => link.close() };
}

/** Observes Docker and the cluster, and plans: the pure planner sees only plain data. */
export async function observeAndPlan(s: Session): Promise<{ observed: Observed; plan: Plan }> {
  const { observe } = await import('../apply/observe.js');
  const observed = await observe(s.spec, s.deps);
  return { observed, plan: replan(s, observed) };
}

/** Plans from an observation with the session's desired state and options. */
export function replan(s: Session, observed: Observed): Plan {
  return plan({ spec: s.spec, seeds: toSeedBatches(s.seeds) }, observed, s.options);
}
