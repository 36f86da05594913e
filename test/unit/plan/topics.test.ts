import type { PlanOptions } from '../../../src/plan/desired.js';
import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/planner.js';
import { STATE_TOPIC } from '../../../src/plan/state-topic.js';
import type { Action, Plan, TopicAlterConfigAction } from '../../../src/plan/types.js';
import { cfg, cluster, desired, kafkaContainers, observed, observedTopic, options, spec, topic } from './builders.js';

/** Actions of one kind, typed. */
function ofKind<K extends Action['kind']>(p: Plan, kind: K): Extract<Action, { kind: K }>[] {
  return p.actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}

describe('topic create', () => {
  it('plans a create with partitions, RF and config for an absent topic', () => {
    const p = plan(desired(spec({ topics: [topic('purchases', { partitions: 6, replicationFactor: 1, config: { 'retention.ms': '86400000' } })] })), observed(cluster()), options());
    expect(p.actions).toEqual([
      { kind: 'topic.create', topic: 'purchases', partitions: 6, replicationFactor: 1, config: { 'retention.ms': '86400000' }, reason: 'not in the cluster' },
    ]);
    expect(p.summary).toEqual({ create: 1, change: 0, delete: 0 });
    expect(p.diagnostics).toEqual([]);
  });

  it('keeps null partitions and replicationFactor as broker defaults', () => {
    const p = plan(desired(spec({ topics: [topic('t', { partitions: null, replicationFactor: null })] })), observed(cluster()), options());
    expect(ofKind(p, 'topic.create')[0]).toMatchObject({ partitions: null, replicationFactor: null });
  });

  it('refuses a create whose RF exceeds the observed brokers, at the RF position', () => {
    const t = topic('t', { replicationFactor: 3 });
    const p = plan(desired(spec({ topics: [t] })), observed(cluster({ brokerCount: 2 })), options());
    expect(p.actions).toEqual([]);
    expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'P002', severity: 'error', subject: 't', at: t.pos.replicationFactor })]);
  });

  it('checks RF against the declared node count when the cluster is not there yet', () => {
    const s = spec({ containers: kafkaContainers(1), topics: [topic('t', { replicationFactor: 2 })] });
    const p = plan(desired(s), observed(null), options());
    expect(p.diagnostics.map((d) => d.code)).toEqual(['P002']);
  });
});

describe('partitions', () => {
  const cases: { name: string; want: number | null; have: number; action?: { from: number; to: number }; error?: boolean }[] = [
    { name: 'increase', want: 6, have: 3, action: { from: 3, to: 6 } },
    { name: 'equal', want: 3, have: 3 },
    { name: 'decrease is an error', want: 2, have: 3, error: true },
    { name: 'null is never compared', want: null, have: 12 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = topic('orders', { partitions: c.want });
      const p = plan(desired(spec({ topics: [t] })), observed(cluster({ topics: [observedTopic('orders', { partitions: c.have })] })), options());
      const adds = ofKind(p, 'topic.addPartitions');
      expect(adds).toEqual(c.action ? [expect.objectContaining({ topic: 'orders', ...c.action })] : []);
      if (c.error) {
        expect(p.diagnostics).toEqual([
          expect.objectContaining({ code: 'P001', severity: 'error', at: t.pos.partitions, hint: expect.stringContaining('Kafka cannot remove partitions') }),
        ]);
      } else {
        expect(p.diagnostics).toEqual([]);
      }
    });
  }
});

describe('configs', () => {
  /** Plans one topic with the given spec config against the given observed configs (a broker without IncrementalAlterConfigs with `replace`). */
  function configPlan(specConfig: Record<string, string>, configs: Parameters<typeof observedTopic>[1], method: 'incremental' | 'replace' = 'incremental') {
    const c = cluster({ topics: [observedTopic('orders', configs)], ...(method === 'replace' ? { incrementalAlterConfigs: false } : {}) });
    const p = plan(desired(spec({ topics: [topic('orders', { config: specConfig })] })), observed(c), options());
    return { p, alter: ofKind(p, 'topic.alterConfig')[0] as TopicAlterConfigAction | undefined };
  }

  it('changes only the key that differs, per key, without the override set', () => {
    const { alter } = configPlan(
      { 'retention.ms': '604800000', 'max.message.bytes': '2000000' },
      { overrides: { 'retention.ms': '86400000', 'max.message.bytes': '2000000' } },
    );
    expect(alter?.method).toBe('incremental');
    expect(alter?.changes).toEqual([{ key: 'retention.ms', op: 'set', from: '86400000', to: '604800000', source: 'topic' }]);
    expect(alter).not.toHaveProperty('overrides');
  });

  it('without IncrementalAlterConfigs: carries the complete override set and warns that it replaces it', () => {
    const { p, alter } = configPlan(
      { 'retention.ms': '604800000', 'max.message.bytes': '2000000' },
      { overrides: { 'retention.ms': '86400000', 'max.message.bytes': '2000000' } },
      'replace',
    );
    expect(alter?.method).toBe('replace');
    expect(alter?.overrides).toEqual({ 'max.message.bytes': '2000000', 'retention.ms': '604800000' });
    expect(alter?.reason).toContain('the whole override set is replaced');
    expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'P014', severity: 'warning', subject: 'orders' })]);
  });

  it('plans nothing when the override already equals the spec', () => {
    const { p } = configPlan({ 'retention.ms': '86400000' }, { overrides: { 'retention.ms': '86400000' } });
    expect(p.actions).toEqual([]);
    expect(p.noops).toEqual([]);
  });

  for (const source of ['default', 'broker'] as const) {
    it(`pins a spec value equal to the inherited ${source} value as a topic override`, () => {
      const { p, alter } = configPlan({ 'cleanup.policy': 'delete' }, { configs: { 'cleanup.policy': cfg('delete', source) } });
      expect(alter?.changes).toEqual([{ key: 'cleanup.policy', op: 'pin', from: 'delete', to: 'delete', source }]);
      expect(p.summary.change).toBe(1);
      expect(p.noops).toEqual([]);
    });

    it(`sets a value that differs from the ${source} value, with that source`, () => {
      const { alter } = configPlan({ 'cleanup.policy': 'compact' }, { configs: { 'cleanup.policy': cfg('delete', source) } });
      expect(alter?.changes).toEqual([{ key: 'cleanup.policy', op: 'set', from: 'delete', to: 'compact', source }]);
    });
  }

  it('once pinned, a changed broker default is no drift for the declared key', () => {
    const { p } = configPlan({ 'retention.ms': '604800000' }, { configs: { 'retention.ms': cfg('604800000', 'topic'), 'segment.ms': cfg('1', 'broker') } });
    expect(p.actions).toEqual([]);
  });

  it('sets a key the broker does not report at all, from null', () => {
    const { alter } = configPlan({ 'x.custom': '1' }, {});
    expect(alter?.changes).toEqual([{ key: 'x.custom', op: 'set', from: null, to: '1', source: 'default' }]);
  });

  it('unsets an override the spec no longer declares; with replace, drops it from the override set', () => {
    const overrides = { 'retention.ms': '1000', 'cleanup.policy': 'compact', 'segment.ms': '60000' };
    const unsets = [
      { key: 'cleanup.policy', op: 'unset', from: 'compact', to: null, source: 'topic' },
      { key: 'segment.ms', op: 'unset', from: '60000', to: null, source: 'topic' },
    ];
    expect(configPlan({ 'retention.ms': '1000' }, { overrides }).alter?.changes).toEqual(unsets);
    const { alter } = configPlan({ 'retention.ms': '1000' }, { overrides }, 'replace');
    expect(alter?.changes).toEqual(unsets);
    expect(alter?.overrides).toEqual({ 'retention.ms': '1000' });
  });

  it('with replace, carries every unrelated override in the complete override set', () => {
    const overrides = { a: '1', b: '2', c: '3', 'retention.ms': '5' };
    const { alter } = configPlan({ a: '1', b: '2', c: '3', 'retention.ms': '6' }, { overrides }, 'replace');
    expect(alter?.overrides).toEqual({ a: '1', b: '2', c: '3', 'retention.ms': '6' });
    expect(alter?.changes.map((c) => c.key)).toEqual(['retention.ms']);
  });

  it('never unsets an unreadable sensitive override on its own', () => {
    const { p } = configPlan({}, { configs: { secret: cfg(null, 'topic', true) } });
    expect(p.actions).toEqual([]);
  });

  it('keeps an unreadable override per key; with replace, shows rather than silently drops it', () => {
    expect(configPlan({ 'retention.ms': '1' }, { configs: { secret: cfg(null, 'topic', true) } }).alter?.changes.map((c) => c.key)).toEqual(['retention.ms']);
    const { alter } = configPlan({ 'retention.ms': '1' }, { configs: { secret: cfg(null, 'topic', true) } }, 'replace');
    expect(alter?.changes).toContainEqual({ key: 'secret', op: 'unset', from: null, to: null, source: 'topic' });
    expect(alter?.overrides).toEqual({ 'retention.ms': '1' });
  });

  it('sets an unreadable override the spec declares (it cannot be compared)', () => {
    const { alter } = configPlan({ secret: 'x' }, { configs: { secret: cfg(null, 'topic', true) } }, 'replace');
    expect(alter?.changes).toEqual([{ key: 'secret', op: 'set', from: null, to: 'x', source: 'topic' }]);
    expect(alter?.overrides).toEqual({ secret: 'x' });
  });

  it('sets a sensitive key the spec declares, never revealing the current value', () => {
    const { alter } = configPlan({ secret: 'new' }, { configs: { secret: cfg('old-secret', 'topic', true) } });
    expect(alter?.changes).toEqual([{ key: 'secret', op: 'set', from: null, to: 'new', source: 'topic' }]);
    expect(JSON.stringify(alter)).not.toContain('old-secret');
  });
});

describe('replication factor', () => {
  it('plans a reassign to the new RF and refuses more replicas than brokers', () => {
    const up = plan(desired(spec({ topics: [topic('t', { replicationFactor: 3 })] })), observed(cluster({ brokerCount: 3, topics: [observedTopic('t', { rf: 1, brokers: [1, 2, 3] })] })), options());
    expect(ofKind(up, 'topic.reassign')).toEqual([expect.objectContaining({ from: 1, to: 3 })]);

    const t = topic('t', { replicationFactor: 4 });
    const tooMany = plan(desired(spec({ topics: [t] })), observed(cluster({ brokerCount: 3, topics: [observedTopic('t', { brokers: [1, 2, 3] })] })), options());
    expect(tooMany.actions).toEqual([]);
    expect(tooMany.diagnostics).toEqual([expect.objectContaining({ code: 'P002', at: t.pos.replicationFactor })]);
  });

  it('normalises partitions whose replica counts disagree even when the max equals the spec', () => {
    const layout = [
      { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2] },
      { partition: 1, leader: 2, replicas: [2], isr: [2] },
    ];
    const p = plan(desired(spec({ topics: [topic('t', { partitions: 2, replicationFactor: 2 })] })), observed(cluster({ brokerCount: 2, topics: [observedTopic('t', { layout })] })), options());
    expect(ofKind(p, 'topic.reassign')).toEqual([
      expect.objectContaining({ from: 2, to: 2, assignments: [{ partition: 0, replicas: [1, 2] }, { partition: 1, replicas: [2, 1] }] }),
    ]);
  });

  it('warns and plans no reassign while a reassignment is in progress', () => {
    const p = plan(
      desired(spec({ topics: [topic('t', { replicationFactor: 2 })] })),
      observed(cluster({ brokerCount: 2, topics: [observedTopic('t', { brokers: [1, 2] })], reassigning: ['t'] })),
      options(),
    );
    expect(p.actions).toEqual([]);
    expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'P005', severity: 'warning', subject: 't' })]);
  });

  it('never compares a null RF', () => {
    const p = plan(desired(spec({ topics: [topic('t', { replicationFactor: null })] })), observed(cluster({ brokerCount: 3, topics: [observedTopic('t', { rf: 2, brokers: [1, 2, 3] })] })), options());
    expect(p.actions).toEqual([]);
  });

  it('covers partitions added by the same plan in the reassignment', () => {
    const p = plan(
      desired(spec({ topics: [topic('t', { partitions: 3, replicationFactor: 2 })] })),
      observed(cluster({ brokerCount: 2, topics: [observedTopic('t', { partitions: 2, rf: 1, brokers: [1, 2] })] })),
      options(),
    );
    expect(p.actions.map((a) => a.kind)).toEqual(['topic.addPartitions', 'topic.reassign']);
    expect(ofKind(p, 'topic.reassign')[0]?.assignments.map((a) => a.partition)).toEqual([0, 1, 2]);
    expect(ofKind(p, 'topic.reassign')[0]?.assignments.every((a) => a.replicas.length === 2)).toBe(true);
  });
});

describe('deletes and unmanaged topics', () => {
  const inCluster = cluster({
    topics: [observedTopic('keep'), observedTopic('old-shop'), observedTopic('billing-topic'), observedTopic('handmade'), observedTopic('__consumer_offsets'), observedTopic(STATE_TOPIC)],
    owners: { keep: 'shop', 'old-shop': 'shop', 'billing-topic': 'billing', [STATE_TOPIC]: 'shop', __consumer_offsets: 'shop' },
  });
  const s = (allowDelete = false) => spec({ topics: [topic('keep')], allowDelete });

  const cases = [
    { name: 'without opt-in: warns, deletes nothing', spec: s(), opts: options(), deletes: [] as string[], warned: true },
    { name: '--allow-delete deletes own topics only', spec: s(), opts: options({ allowDelete: true }), deletes: ['old-shop'], warned: false },
    { name: 'allowDelete in the spec works too', spec: s(true), opts: options(), deletes: ['old-shop'], warned: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = plan(desired(c.spec), observed(inCluster), c.opts);
      expect(ofKind(p, 'topic.delete')).toEqual(c.deletes.map((t) => ({ kind: 'topic.delete', topic: t, reason: 'created by project shop, no longer in the spec' })));
      const warning = p.diagnostics.find((d) => d.code === 'P003');
      expect(Boolean(warning)).toBe(c.warned);
      if (warning) expect(warning).toMatchObject({ severity: 'warning', subject: 'old-shop', hint: expect.stringContaining('--allow-delete') });
      // Other projects' and nobody's topics are listed, never deleted; internal and state topics are invisible.
      expect(p.unmanaged).toEqual(['billing-topic', 'handmade']);
      expect(p.actions.every((a) => a.kind === 'topic.delete')).toBe(true);
    });
  }
});

describe('reserved names', () => {
  for (const name of ['__consumer_offsets', '__mine', STATE_TOPIC]) {
    it(`refuses to manage ${name}`, () => {
      const t = topic(name);
      const p = plan(desired(spec({ topics: [t] })), observed(cluster()), options());
      expect(p.actions).toEqual([]);
      expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'P010', severity: 'error', at: t.pos.name })]);
    });
  }
});

describe('ownership: adopt and take over', () => {
  const shared = (over: Partial<PlanOptions> = {}, owners: Record<string, string> = { shared: 'billing' }) =>
    plan(
      desired(spec({ topics: [topic('shared', { partitions: 6 })] })),
      observed(cluster({ topics: [observedTopic('shared')], owners })),
      options(over),
    );

  it('adopts a declared topic created outside kafkaform, before changing it', () => {
    const p = shared({ noAdopt: false }, {});
    expect(p.actions).toEqual([
      { kind: 'topic.adopt', topic: 'shared', from: null, reason: 'exists, created outside kafkaform' },
      expect.objectContaining({ kind: 'topic.addPartitions', topic: 'shared' }),
    ]);
    expect(p.summary).toEqual({ create: 0, change: 1, delete: 0 });
    expect(p.diagnostics).toEqual([]);
  });

  it('keeps today\'s behaviour with --no-adopt: managed, never owned', () => {
    expect(shared({ noAdopt: true }, {}).actions.map((a) => a.kind)).toEqual(['topic.addPartitions']);
  });

  it('does not adopt what this project already owns', () => {
    expect(shared({ noAdopt: false }, { shared: 'shop' }).actions.map((a) => a.kind)).toEqual(['topic.addPartitions']);
  });

  it('refuses a topic owned by another project, naming both and the fix', () => {
    for (const noAdopt of [false, true]) {
      const p = shared({ noAdopt });
      expect(p.diagnostics).toEqual([
        expect.objectContaining({
          code: 'P012',
          severity: 'error',
          subject: 'shared',
          message: 'topic shared is owned by project billing, but project shop declares it too',
          hint: expect.stringContaining('--take-ownership'),
        }),
      ]);
    }
  });

  it('takes it over with --take-ownership', () => {
    const p = shared({ takeOwnership: true });
    expect(p.diagnostics).toEqual([]);
    expect(p.actions[0]).toEqual({ kind: 'topic.adopt', topic: 'shared', from: 'billing', reason: 'owned by project billing, taken over with --take-ownership' });
  });
});

describe('topic configs the catalogue lacks', () => {
  const withKey = (key: string) => spec({ topics: [topic('orders', { config: { [key]: '1' } })] });

  it('accepts a key the broker lists and plans it like any other', () => {
    const c = cluster({ topics: [observedTopic('orders', {})], topicConfigNames: ['retention.ms', 'vendor.tier'] });
    const p = plan(desired(withKey('vendor.tier')), observed(c), options());
    expect(p.diagnostics).toEqual([]);
    expect(ofKind(p, 'topic.alterConfig')[0]?.changes).toEqual([{ key: 'vendor.tier', op: 'set', from: null, to: '1', source: 'default' }]);
  });

  it('refuses a key the broker does not list, suggesting from the broker\'s list', () => {
    const c = cluster({ topicConfigNames: ['retention.ms', 'vendor.tier'] });
    const s = withKey('vendor.teir');
    const p = plan(desired(s), observed(c), options());
    expect(p.diagnostics).toEqual([
      expect.objectContaining({ code: 'P013', severity: 'error', subject: 'orders', message: 'topic orders: the broker does not support topic config "vendor.teir"; did you mean "vendor.tier"?', at: s.topics[0]?.pos.config['vendor.teir'] ?? s.topics[0]?.pos.name }),
    ]);
  });

  it('warns when the broker\'s list is unknown (cluster created by this plan)', () => {
    const p = plan(desired(spec({ topics: [topic('orders', { config: { 'vendor.tier': '1' } })], containers: kafkaContainers() })), observed(null), options());
    expect(p.diagnostics.filter((d) => d.code === 'P013')).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  it('never asks about catalogued keys', () => {
    const p = plan(desired(spec({ topics: [topic('orders', { config: { 'retention.ms': '1' } })] })), observed(cluster({ topicConfigNames: [] })), options());
    expect(p.diagnostics).toEqual([]);
  });
});
