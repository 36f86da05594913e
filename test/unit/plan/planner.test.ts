import { describe, expect, it } from 'vitest';
import { hasErrors, plan, planWithContainers } from '../../../src/plan/planner.js';
import type { Action } from '../../../src/plan/types.js';
import {
  seedDigest,
  cluster,
  desired,
  kafkaContainers,
  observed,
  observedFromDesired,
  observedTopic,
  options,
  seedRecord,
  seedSpec,
  spec,
  topic,
} from './builders.js';

/** Container actions as planContainers would return them (its removals first, wait after the Kafka node). */
const containerActions: Action[] = [
  { kind: 'container.remove', name: 'shop-old', role: 'service', volumes: [], reason: 'no longer declared in the spec' },
  { kind: 'container.create', name: 'shop-kafka-1', role: 'kafka', image: 'apache/kafka:4.1.1', configHash: 'abc', pull: false, reason: 'not found' },
  { kind: 'cluster.wait', bootstrapServers: ['127.0.0.1:19092'], nodes: 1, reason: '1 Kafka node (re)started' },
  { kind: 'container.start', name: 'shop-connect', role: 'service', reason: 'stopped' },
];

/** "kind topic-or-name" for compact order assertions. */
function labels(actions: Action[]): string[] {
  return actions.map((a) => `${a.kind} ${'topic' in a ? a.topic : 'name' in a ? a.name : ''}`.trim());
}

describe('ordering', () => {
  it('runs containers, then topic creates, partitions, configs, reassigns, seeds, deletes, container removals', () => {
    const s = spec({
      containers: kafkaContainers(3),
      allowDelete: true,
      topics: [
        topic('z-new'),
        topic('a-new'),
        topic('grow', { partitions: 6 }),
        topic('conf', { config: { 'retention.ms': '1' } }),
        topic('rf', { replicationFactor: 2 }),
        topic('all', { partitions: 4, replicationFactor: 2, config: { 'retention.ms': '1' } }),
      ],
      seeds: [seedSpec('z-new', ['s1']), seedSpec('a-new', ['s2'])],
    });
    const c = cluster({
      brokerCount: 3,
      topics: ['grow', 'conf', 'rf', 'all', 'gone-b', 'gone-a'].map((n) => observedTopic(n, { brokers: [1, 2, 3] })),
      owners: { 'gone-a': 'shop', 'gone-b': 'shop' },
    });
    const p = planWithContainers(desired(s, [seedDigest('z-new', 's1'), seedDigest('a-new', 's2')]), observed(c), options(), { actions: containerActions, diagnostics: [] });
    expect(labels(p.actions)).toEqual([
      'container.create shop-kafka-1',
      'cluster.wait',
      'container.start shop-connect',
      'topic.create a-new',
      'topic.create z-new',
      'topic.addPartitions all',
      'topic.addPartitions grow',
      'topic.alterConfig all',
      'topic.alterConfig conf',
      'topic.reassign all',
      'topic.reassign rf',
      'seed.produce a-new',
      'seed.produce z-new',
      'topic.delete gone-a',
      'topic.delete gone-b',
      'container.remove shop-old',
    ]);
    // cluster.wait is not counted.
    expect(p.summary).toEqual({ create: 5, change: 7, delete: 3 });
  });

  it('is deterministic whatever the order of its inputs', () => {
    const topics = [topic('b', { partitions: 6 }), topic('a', { partitions: 6 }), topic('c')];
    const obs = (ts: string[]) => observed(cluster({ topics: ts.map((n) => observedTopic(n)) }));
    const p1 = plan(desired(spec({ topics })), obs(['a', 'b']), options());
    const p2 = plan(desired(spec({ topics: [...topics].reverse() })), obs(['b', 'a']), options());
    expect(JSON.stringify(p1)).toEqual(JSON.stringify(p2));
  });
});

describe('cluster not there yet', () => {
  const s = spec({ containers: kafkaContainers(1), topics: [topic('a'), topic('b', { replicationFactor: null })], seeds: [seedSpec('a', ['e'])] });

  it('plans every topic as a create and every seed as a produce, without errors', () => {
    const p = plan(desired(s, [seedDigest('a', 'e')]), observed(null), options());
    expect(labels(p.actions)).toEqual(['topic.create a', 'topic.create b', 'seed.produce a']);
    expect(p.actions[0]).toMatchObject({ reason: 'the cluster is created by this plan' });
    expect(p.diagnostics).toEqual([]);
    expect(p.unmanaged).toEqual([]);
  });

  it('is an error when nothing would create the cluster', () => {
    const p = plan(desired(spec({ topics: [topic('a')] })), observed(null), options());
    expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'P011', severity: 'error' })]);
    expect(hasErrors(p)).toBe(true);
  });
});

describe('destroy', () => {
  it('keeps only the container removals: no topic or seed actions', () => {
    const s = spec({ containers: kafkaContainers(1), topics: [topic('new')], seeds: [seedSpec('new', ['e'])], allowDelete: true });
    const c = cluster({ topics: [observedTopic('gone')], owners: { gone: 'shop' } });
    const p = planWithContainers(desired(s, [seedDigest('new', 'e')]), observed(c), options({ destroy: true }), { actions: containerActions, diagnostics: [] });
    expect(labels(p.actions)).toEqual(['container.remove shop-old']);
    expect(p.summary).toEqual({ create: 0, change: 0, delete: 1 });
    expect(p.noops).toEqual([]);
    expect(p.unmanaged).toEqual([]);
  });
});

describe('diagnostics from containers', () => {
  it('are kept, first', () => {
    const d = { code: 'P009' as const, severity: 'error' as const, message: 'name taken', subject: 'shop-kafka-1' };
    const p = planWithContainers(desired(spec({ topics: [topic('__x')] })), observed(cluster()), options(), { actions: [], diagnostics: [d] });
    expect(p.diagnostics.map((x) => x.code)).toEqual(['P009', 'P010']);
  });
});

describe('idempotence: a cluster built from the spec plans nothing', () => {
  const cases = [
    { name: 'plain topics', spec: spec({ topics: [topic('a'), topic('b', { partitions: 12, replicationFactor: 3 })] }), seeds: [] },
    {
      name: 'configs and seeds',
      spec: spec({ topics: [topic('a', { config: { 'cleanup.policy': 'compact', 'retention.ms': '1000' } })], seeds: [seedSpec('a', ['file:x', 'inline:0'])] }),
      seeds: [seedDigest('a', 'file:x', 'h1', 5), seedDigest('a', 'inline:0', 'h2', 1)],
    },
    { name: 'broker defaults', spec: spec({ topics: [topic('a', { partitions: null, replicationFactor: null })] }), seeds: [] },
    { name: 'allowDelete with nothing to delete', spec: spec({ topics: [topic('a')], allowDelete: true }), seeds: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = desired(c.spec, c.seeds);
      const p = plan(d, observedFromDesired(d), options({ allowDelete: true }));
      expect(p.actions).toEqual([]);
      expect(p.diagnostics).toEqual([]);
      expect(p.summary).toEqual({ create: 0, change: 0, delete: 0 });
    });
  }

  it('applying the planned topic actions to the observed state converges', () => {
    // A from-scratch plan's creates, turned into observed topics, plan to nothing.
    const s = spec({ topics: [topic('a', { config: { 'retention.ms': '5' } }), topic('b', { partitions: 2 })], seeds: [seedSpec('a', ['e'])] });
    const d = desired(s, [seedDigest('a', 'e')]);
    const first = plan(d, observed(cluster({ brokerCount: 3 })), options());
    const created = first.actions.flatMap((a) =>
      a.kind === 'topic.create' ? [observedTopic(a.topic, { partitions: a.partitions ?? 1, rf: a.replicationFactor ?? 1, brokers: [1, 2, 3], overrides: a.config })] : [],
    );
    const seeded = first.actions.flatMap((a) => (a.kind === 'seed.produce' ? [seedRecord(a.topic, a.entryId, a.hash)] : []));
    const again = plan(d, observed(cluster({ brokerCount: 3, topics: created, owners: { a: 'shop', b: 'shop' }, seeds: seeded })), options());
    expect(first.actions.length).toBe(3);
    expect(again.actions).toEqual([]);
  });
});
