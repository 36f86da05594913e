import type { Action, ActionKind } from '../plan/types.js';
import type { Observed, ObservedCluster } from '../plan/observed.js';

// After apply, the proof of convergence (plan again, expect no actions) observes in full only what the run's
// plan touched; every other topic keeps what was observed moments before, when the plan had no action for it.
// That is sound because the plan is a per-topic function of the spec and of that topic's observation, plus
// cluster-wide facts that are observed afresh (brokers, every topic's partitions, the state topic's owners
// and seeds when the run wrote them): an untouched topic matched the spec then, and nothing in this run
// changed it. What a scoped re-plan cannot see is a change someone else made to an untouched topic during the
// apply; a full re-observation would only narrow that window, never close it (the next plan sees it).
// Container and cluster steps change what every topic reports (a broker's defaults, a new cluster), so a run
// with any of them is observed again in full.

/** What the observation after apply covers: everything, or the named topics (the rest comes from before). */
export type AfterScope =
  | { full: true }
  | {
      full: false;
      /** Topics some action of the run named: observed in full (configs, reassignments) again. */
      topics: string[];
      /** True when the run wrote the state topic (ownership or seed records), so it is read again. */
      state: boolean;
    };

/** Kinds whose executors write the state topic: creates and adopts record owners, deletes tombstone them, seeds record the ledger. */
const STATE_WRITING: ReadonlySet<ActionKind> = new Set<ActionKind>(['topic.create', 'topic.adopt', 'topic.delete', 'seed.produce']);

/**
 * The scope of the observation after apply, from the actions of the run (approved and re-planned, applied or
 * not) and the observation they were planned from. Full when that observation had no cluster (nothing to
 * reuse) or when any action is not a topic or seed step.
 */
export function afterScope(ran: readonly Action[], base: Observed): AfterScope {
  if (base.cluster === null) return { full: true };
  const topics = new Set<string>();
  let state = false;
  for (const a of ran) {
    if (!a.kind.startsWith('topic.') && a.kind !== 'seed.produce') return { full: true };
    topics.add((a as Extract<Action, { topic: string }>).topic);
    if (STATE_WRITING.has(a.kind)) state = true;
  }
  return { full: false, topics: [...topics].sort(), state };
}

/**
 * The cluster after apply: the fresh, scoped observation for the touched topics and every cluster-wide fact,
 * the earlier observation's configs and reassignment status for the others. `fresh` lists every topic with
 * its partitions (one Metadata request) but configs only for the touched ones. When the state topic was not
 * read again (`state` false: the run wrote none), owners and seeds are the earlier ones.
 */
export function mergeAfter(base: ObservedCluster, fresh: ObservedCluster, scope: Extract<AfterScope, { full: false }>): ObservedCluster {
  const touched = new Set(scope.topics);
  const before = new Map(base.topics.map((t) => [t.name, t]));
  const topics = fresh.topics.map((t) => (touched.has(t.name) ? t : { ...t, configs: before.get(t.name)?.configs ?? t.configs }));
  const reassigning = [...new Set([...fresh.reassigning, ...base.reassigning.filter((t) => !touched.has(t))])].sort();
  const out: ObservedCluster = {
    ...fresh,
    topics,
    reassigning,
    owners: scope.state ? fresh.owners : base.owners,
    seeds: scope.state ? fresh.seeds : base.seeds,
  };
  if (base.topicConfigNames !== undefined) out.topicConfigNames = base.topicConfigNames;
  delete out.refusals;
  return out;
}
