import { observeCluster } from '../kafka/observe-cluster.js';
import type { Observed } from '../plan/observed.js';
import type { Spec } from '../spec/types.js';
import { mergeAfter, type AfterScope } from './after-scope.js';
import { measureStakes, observe, type ObserveDeps } from './observe-docker-and-cluster.js';

/**
 * The observation after apply: everything again when the scope is full; else only the touched topics in full
 * (one all-topics Metadata still lists every topic's partitions), merged into `base`, the observation the run
 * was planned from, which also gives Docker (no container step ran). See after-scope.ts for why that is sound.
 */
export async function observeAfter(spec: Spec, deps: ObserveDeps, base: Observed, scope: AfterScope): Promise<Observed> {
  if (scope.full || base.cluster === null) return observe(spec, deps);
  const fresh = await observeCluster(deps.link.connection(), { topics: scope.topics, state: scope.state, project: spec.project });
  const cluster = mergeAfter(base.cluster, fresh, scope);
  await measureStakes(spec, cluster, deps.link);
  return { cluster, docker: base.docker };
}
