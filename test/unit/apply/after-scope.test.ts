import { describe, expect, it } from 'vitest';
import { afterScope, mergeAfter } from '../../../src/apply/after-scope.js';
import { plan } from '../../../src/plan/planner.js';
import type { ObservedCluster } from '../../../src/plan/observed.js';
import type { Action } from '../../../src/plan/types.js';
import { cluster, desired, observed, observedFromDesired, observedTopic, options, seedRecord, spec, topic } from '../plan/builders.js';

// After apply, only what the run touched is observed again; the rest comes from the observation the plan was
// made from. These are the pure parts: which scope a run gets, and how the two observations are merged so the
// re-plan over the whole spec stays empty exactly when it should.

const alter = (name: string): Action => ({ kind: 'topic.alterConfig', topic: name, method: 'incremental', changes: [], reason: 'r' }) as Action;
const create = (name: string): Action => ({ kind: 'topic.create', topic: name, partitions: 3, replicationFactor: 1, config: {}, reason: 'r' }) as unknown as Action;
const seed = (name: string): Action => ({ kind: 'seed.produce', topic: name, entryId: 'e', hash: 'h', count: 1, source: 'inline', reason: 'r' }) as Action;
const start: Action = { kind: 'container.start', name: 'shop-kafka-1', role: 'kafka', reason: 'stopped' } as Action;

/** A fresh scoped observation: every topic's partitions, configs only for `scoped` (as observeCluster reports it). */
function scopedObservation(full: ObservedCluster, scoped: string[], over: Partial<ObservedCluster> = {}): ObservedCluster {
  return { ...full, topics: full.topics.map((t) => (scoped.includes(t.name) ? t : { ...t, configs: {} })), ...over };
}

describe('afterScope', () => {
  it('names the topics the run touched, sorted and once each, and reads the state only when the run wrote it', () => {
    const base = observed(cluster());
    expect(afterScope([alter('b'), alter('a'), alter('b')], base)).toEqual({ full: false, topics: ['a', 'b'], state: false });
    expect(afterScope([alter('a'), create('c')], base)).toEqual({ full: false, topics: ['a', 'c'], state: true });
    expect(afterScope([seed('s')], base)).toEqual({ full: false, topics: ['s'], state: true });
    expect(afterScope([], base)).toEqual({ full: false, topics: [], state: false });
  });

  it('is full after any container or cluster step, and when the plan was made without a cluster', () => {
    expect(afterScope([start, alter('a')], observed(cluster()))).toEqual({ full: true });
    expect(afterScope([{ kind: 'cluster.wait' } as Action], observed(cluster()))).toEqual({ full: true });
    expect(afterScope([alter('a')], observed(null))).toEqual({ full: true });
  });
});

describe('mergeAfter', () => {
  const s = spec({ topics: ['a', 'b', 'c'].map((n) => topic(n, { config: { 'retention.ms': '1000' } })) });
  const d = desired(s);

  it('re-plans empty after a one-topic change, though the fresh observation described only that topic', () => {
    const before = observedFromDesired(d).cluster!;
    // Before apply, a's retention differed: the plan changes only a.
    before.topics[0] = observedTopic('a', { overrides: { 'retention.ms': '2000' } });
    const planned = plan(d, observed(before), options());
    expect(planned.actions.map((a) => ('topic' in a ? a.topic : a.kind))).toEqual(['a']);
    const scope = afterScope(planned.actions, observed(before));
    if (scope.full) throw new Error('expected a scoped observation');
    const fresh = scopedObservation(observedFromDesired(d).cluster!, scope.topics);

    // The fresh observation alone lacks the untouched topics' configs: planned from it, they would look changed.
    expect(plan(d, observed(fresh), options()).actions.map((a) => ('topic' in a ? a.topic : a.kind))).toEqual(['b', 'c']);
    const merged = mergeAfter(before, fresh, scope);
    expect(plan(d, observed(merged), options()).actions).toEqual([]);
    expect(merged.topics.map((t) => t.configs['retention.ms']?.value)).toEqual(['1000', '1000', '1000']);
  });

  it('still finds a touched topic that did not converge', () => {
    const before = observedFromDesired(d).cluster!;
    before.topics[0] = observedTopic('a', { overrides: { 'retention.ms': '2000' } });
    // The change did not take: the fresh observation of a still says 2000.
    const fresh = scopedObservation(before, ['a']);
    const merged = mergeAfter(before, fresh, { full: false, topics: ['a'], state: false });
    expect(plan(d, observed(merged), options()).actions.map((a) => a.kind)).toEqual(['topic.alterConfig']);
  });

  it('takes partitions, brokers and topic existence from the fresh observation', () => {
    const before = observedFromDesired(d).cluster!;
    const full = observedFromDesired(d).cluster!;
    // Someone deleted c during the apply: the all-topics Metadata of the fresh observation no longer lists it.
    const fresh = scopedObservation({ ...full, topics: full.topics.filter((t) => t.name !== 'c') }, ['a']);
    const merged = mergeAfter(before, fresh, { full: false, topics: ['a'], state: false });
    expect(merged.topics.map((t) => t.name)).toEqual(['a', 'b']);
    expect(plan(d, observed(merged), options()).actions.map((a) => a.kind)).toEqual(['topic.create']);
  });

  it('keeps owners and seeds from before unless the run wrote the state topic, and drops broker refusals', () => {
    const before = cluster({ topics: [observedTopic('a')], owners: { a: 'shop' }, seeds: [seedRecord('a', 'e1')], refusals: [{ topic: 'a', change: 'alterConfig', error: 'INVALID_CONFIG', message: 'no' }] });
    const fresh = cluster({ topics: [observedTopic('a')], owners: {}, seeds: [] });
    const kept = mergeAfter(before, fresh, { full: false, topics: ['a'], state: false });
    expect(kept.owners).toEqual({ a: 'shop' });
    expect(kept.seeds).toEqual([seedRecord('a', 'e1')]);
    expect(kept.refusals).toBeUndefined();
    const reread = mergeAfter(before, { ...fresh, owners: { a: 'shop', b: 'shop' } }, { full: false, topics: ['a'], state: true });
    expect(reread.owners).toEqual({ a: 'shop', b: 'shop' });
    expect(reread.seeds).toEqual([]);
  });

  it('keeps the reassignment status of untouched topics and takes the touched ones afresh', () => {
    const before = cluster({ topics: [observedTopic('a'), observedTopic('b')], reassigning: ['a', 'b'], topicConfigNames: ['retention.ms'] });
    const fresh = cluster({ topics: [observedTopic('a'), observedTopic('b', { configs: {} })], reassigning: [] });
    const merged = mergeAfter(before, fresh, { full: false, topics: ['a'], state: false });
    expect(merged.reassigning).toEqual(['b']);
    expect(merged.topicConfigNames).toEqual(['retention.ms']);
  });
});
