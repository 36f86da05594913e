import { describe, expect, it } from 'vitest';
import { checkSavedPlan, savePlan } from '../../../src/apply/saved-plan.js';
import { KafkaformError } from '../../../src/errors.js';
import { fingerprint, staleSubjects } from '../../../src/plan/fingerprint.js';
import type { Observed } from '../../../src/plan/observed.js';
import { plan } from '../../../src/plan/planner.js';
import { cfg, cluster, desired, observed, observedTopic, options, spec, topic } from './builders.js';

// Saved plans: which observed changes make a saved plan stale, and which do not.

const wanted = spec({ topics: [topic('orders', { partitions: 6, config: { 'retention.ms': '2000' } }), topic('fresh'), topic('quiet')] });
const before = (): Observed =>
  observed(
    cluster({
      brokerCount: 3,
      topics: [observedTopic('orders', { partitions: 3, brokers: [1, 2, 3] }), observedTopic('quiet'), observedTopic('other')],
      owners: { orders: 'shop', quiet: 'shop' },
    }),
  );
const saved = plan(desired(wanted), before(), options());

/** The stale subjects after `change` is made to a fresh copy of the observation the plan was made from. */
function staleAfter(change: (o: Observed) => void): string[] {
  const now = before();
  change(now);
  return staleSubjects(fingerprint(saved, before()), fingerprint(saved, now));
}

describe('fingerprint of a saved plan', () => {
  it('covers the subjects the actions touch', () => {
    expect(saved.actions.map((a) => `${a.kind} ${'topic' in a ? a.topic : ''}`)).toEqual(['topic.create fresh', 'topic.addPartitions orders', 'topic.alterConfig orders']);
    expect(Object.keys(fingerprint(saved, before()))).toEqual(['cluster', 'topic:fresh', 'topic:orders']);
  });

  it('is stale when a touched topic changes: overrides, partitions, replicas, owner, or a create made out of band', () => {
    expect(staleAfter((o) => (o.cluster!.topics[0]!.configs['retention.ms'] = cfg('1000')))).toEqual(['topic:orders']);
    expect(staleAfter((o) => o.cluster!.topics[0]!.partitions.push({ partition: 3, leader: 1, replicas: [1], isr: [1] }))).toEqual(['topic:orders']);
    expect(staleAfter((o) => (o.cluster!.topics[0]!.partitions[0]!.replicas = [2]))).toEqual(['topic:orders']);
    expect(staleAfter((o) => (o.cluster!.owners.orders = 'billing'))).toEqual(['topic:orders']);
    expect(staleAfter((o) => o.cluster!.topics.push(observedTopic('fresh')))).toEqual(['topic:fresh']);
  });

  it('is not stale for what the plan does not depend on: other topics, leaders, ISR, inherited values', () => {
    expect(staleAfter((o) => (o.cluster!.topics[2]!.configs['retention.ms'] = cfg('1')))).toEqual([]);
    expect(staleAfter((o) => (o.cluster!.topics[1]!.configs['retention.ms'] = cfg('1')))).toEqual([]);
    expect(staleAfter((o) => (o.cluster!.topics[0]!.partitions[0]!.leader = 9))).toEqual([]);
    expect(staleAfter((o) => (o.cluster!.topics[0]!.partitions[0]!.isr = []))).toEqual([]);
    expect(staleAfter((o) => (o.cluster!.topics[0]!.configs['segment.ms'] = cfg('1', 'broker')))).toEqual([]);
  });

  it('never carries a sensitive value', () => {
    const a = before();
    a.cluster!.topics[0]!.configs['x.secret'] = cfg('hunter2', 'topic', true);
    const b = before();
    b.cluster!.topics[0]!.configs['x.secret'] = cfg('other', 'topic', true);
    expect(fingerprint(saved, a)).toEqual(fingerprint(saved, b));
  });
});

describe('checkSavedPlan', () => {
  const doc = savePlan(saved, before(), wanted, options(), null);
  const check = (over: Partial<Parameters<typeof checkSavedPlan>[1]>) => () =>
    checkSavedPlan(doc, { spec: wanted, seeds: [], observed: before(), environment: null, ...over });

  it('accepts an unchanged world', () => {
    expect(check({})).not.toThrow();
  });

  it('refuses (KF405) a changed spec, another environment, or an out-of-band change, naming what changed', () => {
    const changed = before();
    changed.cluster!.topics[0]!.configs['retention.ms'] = cfg('1000');
    const cases: [Partial<Parameters<typeof checkSavedPlan>[1]>, string][] = [
      [{ spec: spec({ topics: [topic('orders', { partitions: 9 })] }) }, 'the spec changed since the plan was saved'],
      [{ environment: 'prod' }, 'the saved plan was made for no environment, this run selects environment prod'],
      [{ observed: changed }, 'the saved plan is stale: 1 thing it would touch changed since it was made (topic orders)'],
    ];
    for (const [over, message] of cases) {
      let err: unknown;
      try {
        check(over)();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KafkaformError);
      expect((err as KafkaformError).code).toBe('KF405');
      expect((err as KafkaformError).message).toBe(message);
    }
  });
});
