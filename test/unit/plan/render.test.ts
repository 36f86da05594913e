import { describe, expect, it } from 'vitest';
import { formatCount } from '../../../src/words.js';
import { renderReportText } from '../../../src/cli/render-report.js';
import { renderPlanText } from '../../../src/plan/render-text.js';
import { summarize } from '../../../src/plan/summary.js';
import { PLAN_FORMAT_VERSION, type Action, type ApplyReport, type Plan } from '../../../src/plan/types.js';

/** A plan around the given actions. */
function planOf(actions: Action[], over: Partial<Plan> = {}): Plan {
  return { formatVersion: PLAN_FORMAT_VERSION, project: 'shop', actions, diagnostics: [], noops: [], unmanaged: [], summary: summarize(actions), ...over };
}

const create: Action = { kind: 'topic.create', topic: 'purchases', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000' }, reason: 'not in the cluster' };
const grow: Action = { kind: 'topic.addPartitions', topic: 'orders', from: 3, to: 6, reason: 'r' };
const del: Action = { kind: 'topic.delete', topic: 'old', reason: 'created by project shop, no longer in the spec' };
const reassign: Action = {
  kind: 'topic.reassign',
  topic: 'orders',
  from: 1,
  to: 3,
  assignments: [{ partition: 0, replicas: [1, 2, 3] }],
  reason: 'r',
};

describe('formatCount', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-1000, '-1,000'],
  ];
  for (const [n, s] of cases) it(`${n} → ${s}`, () => expect(formatCount(n)).toBe(s));
});

describe('renderPlanText', () => {
  it('writes one line per change with its symbol and the summary', () => {
    const text = renderPlanText(planOf([create, grow, reassign, del]), { color: false });
    expect(text).toContain('  + topic purchases (partitions: 3, replicationFactor: 1, retention.ms=604800000)\n');
    expect(text).toContain('  ~ topic orders: partitions 3 → 6\n');
    expect(text).toContain('  ± topic orders: replicationFactor 1 → 3 (reassign 1 partition)\n');
    expect(text).toContain('  - topic old (created by project shop, no longer in the spec)\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 2 to change, 1 to delete.');
  });

  it('says so when there is nothing to do', () => {
    expect(renderPlanText(planOf([]), { color: false })).toBe('No changes. The cluster matches the spec.\n');
  });

  it('does not claim "no changes" when errors block the plan', () => {
    const text = renderPlanText(planOf([], { diagnostics: [{ code: 'P001', severity: 'error', message: 'topic x: partitions cannot decrease', at: { file: 'kafka.config.yaml', line: 12, col: 7 }, hint: 'h' }] }), { color: false });
    expect(text).not.toContain('No changes');
    expect(text).toContain('Error [P001] topic x: partitions cannot decrease at kafka.config.yaml:12:7\n  hint: h\n');
    expect(text).toContain('The plan cannot be applied: 1 error above.');
  });

  it('colours symbols only when asked', () => {
    const plain = renderPlanText(planOf([create, grow, reassign, del]), { color: false });
    const coloured = renderPlanText(planOf([create, grow, reassign, del]), { color: true });
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[32m+\u001b[39m'); // green
    expect(coloured).toContain('\u001b[33m~\u001b[39m'); // yellow
    expect(coloured).toContain('\u001b[31m-\u001b[39m'); // red
    expect(coloured).toContain('\u001b[35m±\u001b[39m'); // magenta
  });

  it('hides values it was not given and shows unset overrides', () => {
    const alter: Action = {
      kind: 'topic.alterConfig',
      topic: 'orders',
      method: 'replace',
      changes: [
        { key: 'secret', op: 'set', from: null, to: 'x', source: 'topic' },
        { key: 'cleanup.policy', op: 'unset', from: 'compact', to: null, source: 'topic' },
        { key: 'retention.ms', op: 'set', from: '604800000', to: '1', source: 'broker' },
      ],
      overrides: { secret: 'x', 'retention.ms': '1' },
      reason: 'r',
    };
    const text = renderPlanText(planOf([alter]), { color: false });
    expect(text).toContain('  ~ topic orders: config secret (hidden) → x (topic override)\n');
    expect(text).toContain('  ~ topic orders: config unset cleanup.policy (was compact, topic override)\n');
    expect(text).toContain('  ~ topic orders: config retention.ms 604800000 → 1 (broker config)\n');
  });

  it('shows noops dimmed and uncounted, and caps the unmanaged list', () => {
    const unmanaged = Array.from({ length: 11 }, (_, i) => `t${i}`);
    const text = renderPlanText(planOf([], { noops: [{ topic: 'p', key: 'retention.ms', value: '1', source: 'default' }], unmanaged }), { color: false });
    expect(text).toContain('  = topic p: retention.ms already 1 (broker default)\n');
    expect(text).toContain('Unmanaged topics (left alone, 11): t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, and 1 more\n');
    expect(text).toContain('No changes. The cluster matches the spec.');
  });

  it('adds reasons and reassignment targets in verbose mode only', () => {
    expect(renderPlanText(planOf([reassign]), { color: false })).not.toContain('partition 0:');
    const verbose = renderPlanText(planOf([reassign]), { color: false, verbose: true });
    expect(verbose).toContain('      why: r\n');
    expect(verbose).toContain('      partition 0: replicas 1, 2, 3\n');
  });
});

describe('renderReportText', () => {
  const base: ApplyReport = { formatVersion: PLAN_FORMAT_VERSION, project: 'shop', applied: [], failed: [], pending: [], converged: true, after: null };

  it('lists applied actions and ends like Terraform when converged', () => {
    const text = renderReportText(
      { ...base, applied: [{ action: create, status: 'applied', durationMs: 1200 }, { action: grow, status: 'applied', durationMs: 40 }, { action: del, status: 'applied', durationMs: 65_000 }] },
      { color: false },
    );
    expect(text).toContain('  ✓ + topic purchases (partitions: 3, replicationFactor: 1, retention.ms=604800000) (1.2s)\n');
    expect(text).toContain('  ✓ ~ topic orders: partitions 3 → 6 (40ms)\n');
    expect(text).toContain('(1m05s)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Apply complete! 1 added, 1 changed, 1 destroyed.');
  });

  it('shows the failure, its error and what was not attempted', () => {
    const text = renderReportText(
      {
        ...base,
        applied: [{ action: create, status: 'applied', durationMs: 5 }],
        failed: [{ action: grow, status: 'failed', durationMs: 7, error: { code: 'KF202', message: 'broker said no' } }],
        pending: [del],
        converged: false,
      },
      { color: false },
    );
    expect(text).toContain('  ✗ ~ topic orders: partitions 3 → 6 (7ms)\n      KF202: broker said no\n');
    expect(text).toContain('Not applied (1 action):\n  ○ - topic old (created by project shop, no longer in the spec)\n');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual([
      '[KF401] Apply failed: 1 action failed (KF202). 1 added, 0 changed, 0 destroyed.',
      '  fix: every step is safe to repeat: fix the cause shown above and run it again to finish.',
    ]);
    expect(text).not.toContain('Apply complete');
  });

  it('says when the cluster did not converge and what still differs', () => {
    const text = renderReportText({ ...base, applied: [{ action: grow, status: 'applied', durationMs: 5 }], converged: false, after: planOf([grow]) }, { color: false });
    expect(text).toContain('Apply finished but did not converge: 0 added, 1 changed, 0 destroyed.\nThe cluster still differs from the spec:\n  ~ topic orders: partitions 3 → 6\n');
  });
});
