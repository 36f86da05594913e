import { describe, expect, it } from 'vitest';
import { LINT_CODES, type LintCode } from '../../../src/plan/lint-codes.js';
import { stakeTopics } from '../../../src/plan/lint.js';
import type { PlanOptions } from '../../../src/plan/desired.js';
import type { Observed, TopicUsage } from '../../../src/plan/observed.js';
import { plan } from '../../../src/plan/planner.js';
import { renderPlanText } from '../../../src/plan/render-text.js';
import type { Diagnostic } from '../../../src/plan/types.js';
import type { TopicSpec } from '../../../src/spec/types.js';
import { cluster, desired, kafkaContainers, observed, observedTopic, options, pos, spec, topic } from './builders.js';

const NOW = Date.UTC(2026, 0, 10);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A cluster of `brokers` nodes holding `orders` with the given overrides and, when given, measured usage. */
function withOrders(o: { brokers?: number; rf?: number; partitions?: number; overrides?: Record<string, string>; usage?: TopicUsage } = {}): Observed {
  const brokers = o.brokers ?? 1;
  const t = observedTopic('orders', {
    partitions: o.partitions ?? 3,
    rf: o.rf ?? 1,
    brokers: Array.from({ length: brokers }, (_, i) => i + 1),
    overrides: o.overrides ?? {},
  });
  return observed(cluster({ brokerCount: brokers, topics: [t], ...(o.usage ? { usage: { orders: o.usage }, observedAtMs: NOW } : {}) }));
}

/** Usage of 3 partitions of `bytes` each whose oldest message is `age` ms old. */
function usage(bytes: number, age: number | null): TopicUsage {
  return { partitionBytes: { 0: bytes, 1: bytes, 2: bytes }, oldestMs: age === null ? null : NOW - age };
}

/** The lint diagnostics (L-codes) of planning `t` against `obs`. */
function lintOf(t: TopicSpec | TopicSpec[], obs: Observed, opts: Partial<PlanOptions> = {}, nodes?: number): Diagnostic[] {
  const s = spec({ topics: Array.isArray(t) ? t : [t], ...(nodes ? { containers: kafkaContainers(nodes) } : {}) });
  return plan(desired(s), obs, options(opts)).diagnostics.filter((d) => d.code.startsWith('L'));
}

interface Case {
  name: string;
  topic: TopicSpec | TopicSpec[];
  observed: Observed;
  opts?: Partial<PlanOptions>;
  /** Expected [code, severity] pairs, in order; [] for nothing. */
  expect: [LintCode, Diagnostic['severity']][];
  /** Text the first diagnostic's message must contain. */
  says?: string;
  nodes?: number;
}

const cases: Case[] = [
  // L001 retention lowered
  { name: 'L001 retention.ms lowered: error', topic: topic('orders', { config: { 'retention.ms': String(DAY) } }), observed: withOrders({ overrides: { 'retention.ms': String(7 * DAY) } }), expect: [['L001', 'error']] },
  { name: 'L001 retention.ms from unlimited: error', topic: topic('orders', { config: { 'retention.ms': String(DAY) } }), observed: withOrders({ overrides: { 'retention.ms': '-1' } }), expect: [['L001', 'error']] },
  { name: 'L001 from the broker default (not an override): error', topic: topic('orders', { config: { 'retention.ms': String(DAY) } }), observed: withOrders(), expect: [['L001', 'error']] },
  { name: 'L001 retention.ms raised: nothing', topic: topic('orders', { config: { 'retention.ms': String(14 * DAY) } }), observed: withOrders(), expect: [] },
  { name: 'L001 retention.ms to unlimited: nothing', topic: topic('orders', { config: { 'retention.ms': '-1' } }), observed: withOrders(), expect: [] },
  { name: 'L001 allowed by --allow: warning', topic: topic('orders', { config: { 'retention.ms': String(DAY) } }), observed: withOrders(), opts: { allow: ['L001'] }, expect: [['L001', 'warning']] },
  {
    name: 'L001 allowed by the topic allow list: warning',
    topic: { ...topic('orders', { config: { 'retention.ms': String(DAY) } }), allow: ['L001'] },
    observed: withOrders(),
    expect: [['L001', 'warning']],
  },
  { name: 'L001 another code allowed: still an error', topic: topic('orders', { config: { 'retention.ms': String(DAY) } }), observed: withOrders(), opts: { allow: ['L002'] }, expect: [['L001', 'error']] },
  {
    name: 'L001 with old messages at stake: error with the amount',
    topic: topic('orders', { config: { 'retention.ms': String(DAY) } }),
    observed: withOrders({ usage: usage(1024 * 1024, 3 * DAY) }),
    expect: [['L001', 'error']],
    says: 'it holds 3.0 MiB in 3 partitions, oldest message 3 d old',
  },
  {
    name: 'L001 measured and nothing older than the new limit: warning without opt-in',
    topic: topic('orders', { config: { 'retention.ms': String(DAY) } }),
    observed: withOrders({ usage: usage(1024, HOUR) }),
    expect: [['L001', 'warning']],
    says: 'nothing is lost now',
  },
  { name: 'L001 measured empty topic: warning', topic: topic('orders', { config: { 'retention.ms': String(DAY) } }), observed: withOrders({ usage: usage(0, null) }), expect: [['L001', 'warning']] },
  {
    name: 'L001 retention.bytes below a partition size: error',
    topic: topic('orders', { config: { 'retention.bytes': '1000' } }),
    observed: withOrders({ overrides: { 'retention.bytes': '-1' }, usage: usage(5000, HOUR) }),
    expect: [['L001', 'error']],
    says: '3 partitions above',
  },
  { name: 'L001 retention.bytes above every partition: warning', topic: topic('orders', { config: { 'retention.bytes': '10000' } }), observed: withOrders({ overrides: { 'retention.bytes': '-1' }, usage: usage(5000, HOUR) }), expect: [['L001', 'warning']] },
  { name: 'L001 not for a new topic', topic: topic('fresh', { config: { 'retention.ms': '1000' } }), observed: withOrders(), expect: [] },

  // L002 compaction
  { name: 'L002 delete → compact: error', topic: topic('orders', { config: { 'cleanup.policy': 'compact' } }), observed: withOrders(), expect: [['L002', 'error']] },
  { name: 'L002 delete → delete,compact: error', topic: topic('orders', { config: { 'cleanup.policy': 'delete,compact' } }), observed: withOrders(), expect: [['L002', 'error']] },
  { name: 'L002 compact → delete,compact: nothing', topic: topic('orders', { config: { 'cleanup.policy': 'compact,delete' } }), observed: withOrders({ overrides: { 'cleanup.policy': 'compact' } }), expect: [] },
  { name: 'L002 allowed', topic: topic('orders', { config: { 'cleanup.policy': 'compact' } }), observed: withOrders(), opts: { allow: ['L002'] }, expect: [['L002', 'warning']] },
  { name: 'L002 not for a new compacted topic', topic: topic('fresh', { config: { 'cleanup.policy': 'compact' } }), observed: withOrders(), expect: [] },

  // L003 max.message.bytes
  { name: 'L003 lowered: error', topic: topic('orders', { config: { 'max.message.bytes': '1000' } }), observed: withOrders({ overrides: { 'max.message.bytes': '1048588' } }), expect: [['L003', 'error']] },
  { name: 'L003 raised: nothing', topic: topic('orders', { config: { 'max.message.bytes': '2097152' } }), observed: withOrders({ overrides: { 'max.message.bytes': '1048588' } }), expect: [] },
  {
    name: 'L003 lowered on a measured empty topic: warning',
    topic: topic('orders', { config: { 'max.message.bytes': '1000' } }),
    observed: withOrders({ overrides: { 'max.message.bytes': '1048588' }, usage: usage(0, null) }),
    expect: [['L003', 'warning']],
  },

  // L004 unclean leader election
  { name: 'L004 enabled on an existing topic: error', topic: topic('orders', { config: { 'unclean.leader.election.enable': 'true' } }), observed: withOrders(), expect: [['L004', 'error']] },
  { name: 'L004 enabled on a new topic: error', topic: topic('fresh', { config: { 'unclean.leader.election.enable': 'true' } }), observed: withOrders(), expect: [['L004', 'error']] },
  { name: 'L004 false: nothing', topic: topic('orders', { config: { 'unclean.leader.election.enable': 'false' } }), observed: withOrders(), expect: [] },
  { name: 'L004 allowed', topic: topic('fresh', { config: { 'unclean.leader.election.enable': 'true' } }), observed: withOrders(), opts: { allow: ['L004'] }, expect: [['L004', 'warning']] },

  // L005 partition cap
  { name: 'L005 2147483647 partitions: error (and far beyond the cluster)', topic: topic('fresh', { partitions: 2_147_483_647 }), observed: withOrders(), expect: [['L005', 'error'], ['L009', 'error']] },
  { name: 'L005 increase above the cap: error', topic: topic('orders', { partitions: 10_001 }), observed: withOrders({ brokers: 3 }), expect: [['L005', 'error']] },
  { name: 'L005 at the cap: nothing', topic: topic('fresh', { partitions: 10_000, replicationFactor: 2 }), observed: withOrders({ brokers: 3 }), expect: [] },
  { name: 'L005 raised cap: nothing', topic: { ...topic('fresh', { partitions: 20_000, replicationFactor: null }), maxPartitions: 20_000 }, observed: withOrders({ brokers: 3 }), expect: [] },
  { name: 'L005 --allow does not lift it', topic: topic('fresh', { partitions: 20_000, replicationFactor: null }), observed: withOrders({ brokers: 3 }), opts: { allow: ['L001', 'L002', 'L003', 'L004', 'L006', 'L009', 'L010'] }, expect: [['L005', 'error']] },

  // L006 tiny segments
  { name: 'L006 segment.ms 1 s: error', topic: topic('fresh', { config: { 'segment.ms': '1000' } }), observed: withOrders(), expect: [['L006', 'error']] },
  { name: 'L006 segment.bytes 1 MiB: error', topic: topic('orders', { config: { 'segment.bytes': '1048576' } }), observed: withOrders(), expect: [['L006', 'error']] },
  { name: 'L006 segment.ms 1 h: nothing', topic: topic('fresh', { config: { 'segment.ms': String(HOUR) } }), observed: withOrders(), expect: [] },
  { name: 'L006 unchanged tiny value: nothing', topic: topic('orders', { config: { 'segment.ms': '1000' } }), observed: withOrders({ overrides: { 'segment.ms': '1000' } }), expect: [] },
  { name: 'L006 allowed per topic', topic: { ...topic('fresh', { config: { 'segment.ms': '1000' } }), allow: ['L006'] }, observed: withOrders(), expect: [['L006', 'warning']] },

  // L007 RF 1 on several brokers
  { name: 'L007 new RF-1 topic on 3 brokers: warning', topic: topic('fresh', { replicationFactor: 1 }), observed: withOrders({ brokers: 3 }), expect: [['L007', 'warning']] },
  { name: 'L007 RF 1 on one broker: nothing', topic: topic('fresh', { replicationFactor: 1 }), observed: withOrders(), expect: [] },
  { name: 'L007 existing RF-1 topic left alone: nothing', topic: topic('orders', { replicationFactor: 1 }), observed: withOrders({ brokers: 3 }), expect: [] },
  { name: 'L007 before the cluster exists, from the declared nodes', topic: topic('fresh', { replicationFactor: 1 }), observed: observed(null), nodes: 3, expect: [['L007', 'warning']] },

  // L008 min.insync.replicas >= RF
  { name: 'L008 min ISR 3 with RF 3: warning', topic: topic('fresh', { replicationFactor: 3, config: { 'min.insync.replicas': '3' } }), observed: withOrders({ brokers: 3 }), expect: [['L008', 'warning']] },
  { name: 'L008 min ISR 2 with RF 3: nothing', topic: topic('fresh', { replicationFactor: 3, config: { 'min.insync.replicas': '2' } }), observed: withOrders({ brokers: 3 }), expect: [] },
  {
    name: 'L008 RF lowered to an existing min ISR: warning',
    topic: topic('orders', { replicationFactor: 2 }),
    observed: withOrders({ brokers: 3, rf: 3, overrides: { 'min.insync.replicas': '2' } }),
    expect: [['L008', 'warning']],
  },

  // L009 cluster capacity
  {
    name: 'L009 far beyond what one broker holds: error',
    topic: Array.from({ length: 9 }, (_, i) => topic(`big-${i}`, { partitions: 1000 })),
    observed: withOrders(),
    expect: [['L009', 'error']],
  },
  { name: 'L009 allowed', topic: Array.from({ length: 9 }, (_, i) => topic(`big-${i}`, { partitions: 1000 })), observed: withOrders(), opts: { allow: ['L009'] }, expect: [['L009', 'warning']] },
  { name: 'L009 within capacity: nothing', topic: Array.from({ length: 7 }, (_, i) => topic(`big-${i}`, { partitions: 1000 })), observed: withOrders(), expect: [] },

  // L010 reassignment bytes
  {
    name: 'L010 RF 1 → 3 copying 2 × 3 × 400 MiB: error',
    topic: topic('orders', { replicationFactor: 3 }),
    observed: withOrders({ brokers: 3, usage: usage(400 * 1024 * 1024, HOUR) }),
    expect: [['L010', 'error']],
    says: 'copies 2.3 GiB',
  },
  { name: 'L010 small reassignment: nothing', topic: topic('orders', { replicationFactor: 3 }), observed: withOrders({ brokers: 3, usage: usage(1024, HOUR) }), expect: [] },
  { name: 'L010 allowed', topic: topic('orders', { replicationFactor: 3 }), observed: withOrders({ brokers: 3, usage: usage(400 * 1024 * 1024, HOUR) }), opts: { allow: ['L010'] }, expect: [['L010', 'warning']] },
  { name: 'L010 RF lowered copies nothing', topic: topic('orders', { replicationFactor: 2 }), observed: withOrders({ brokers: 3, rf: 3, usage: usage(4 * 1024 * 1024 * 1024, HOUR) }), expect: [] },
];

describe('safety lint', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ds = lintOf(c.topic, c.observed, c.opts, c.nodes);
      expect(ds.map((d) => [d.code, d.severity])).toEqual(c.expect);
      if (c.says) expect(ds[0]?.message).toContain(c.says);
    });
  }

  it('every code has at least one case that raises it', () => {
    const raised = new Set(cases.flatMap((c) => c.expect.map(([code]) => code)));
    expect([...raised].sort()).toEqual([...LINT_CODES]);
  });

  it('a refusal names the spec line, the reason and the opt-in', () => {
    const t = topic('orders', { config: { 'retention.ms': String(DAY) } });
    const [d] = lintOf(t, withOrders());
    expect(d).toMatchObject({ code: 'L001', subject: 'orders', key: 'retention.ms', at: t.pos.config['retention.ms'] });
    expect(d?.hint).toContain('--allow L001');
    expect(d?.hint).toContain('allow: [L001] on topic orders');
  });

  it('an allowed refusal says what allowed it, with the allow list position', () => {
    const t: TopicSpec = { ...topic('orders', { config: { 'retention.ms': String(DAY) } }), allow: ['L001'] };
    t.pos.allow = pos(40, 12);
    const [d] = lintOf(t, withOrders());
    expect(d?.allowedBy).toBe('allow: [L001] at kafka.config.yaml:40:12');
  });

  it('errors block the plan; the text shows the note under the change', () => {
    const s = spec({ topics: [topic('orders', { config: { 'retention.ms': String(DAY) } })] });
    const p = plan(desired(s), withOrders(), options());
    const text = renderPlanText(p, { color: false });
    expect(text).toMatch(/config retention\.ms 604800000 → 86400000 \(broker default\)\n {6}! L001 blocked: keep retention\.ms/);
    expect(text).toContain('Error [L001]');
    expect(text).toContain('The plan cannot be applied: 1 error above.');
    const allowed = renderPlanText(plan(desired(s), withOrders(), options({ allow: ['L001'] })), { color: false });
    expect(allowed).toContain('! L001 allowed by --allow L001');
  });

  it('a reassignment shows the bytes it copies', () => {
    const s = spec({ topics: [topic('orders', { replicationFactor: 2 })] });
    const p = plan(desired(s), withOrders({ brokers: 3, usage: usage(1024, HOUR) }), options());
    expect(p.actions[0]).toMatchObject({ kind: 'topic.reassign', moveBytes: 3072 });
    expect(renderPlanText(p, { color: false })).toContain('copies 3.0 KiB, throttled');
  });
});

describe('stakeTopics', () => {
  it('names only existing topics whose retention, max.message.bytes or RF drops or whose compaction starts', () => {
    const c = cluster({
      brokerCount: 3,
      topics: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => observedTopic(n, { rf: 1, brokers: [1, 2, 3], overrides: { 'max.message.bytes': '1048588' } })),
    });
    const s = spec({
      topics: [
        topic('a', { config: { 'retention.ms': '1000' } }),
        topic('b', { config: { 'retention.ms': String(30 * DAY) } }),
        topic('c', { config: { 'cleanup.policy': 'compact' } }),
        topic('d', { replicationFactor: 3 }),
        topic('e'),
        topic('f', { config: { 'max.message.bytes': '100' } }),
        topic('new', { config: { 'retention.ms': '1000' } }),
      ],
    });
    expect(stakeTopics(s, c)).toEqual(['a', 'c', 'd', 'f']);
  });
});
