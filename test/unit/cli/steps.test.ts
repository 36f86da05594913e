import { describe, expect, it } from 'vitest';
import { createStepPrinter } from '../../../src/cli/steps.js';
import { renderReportText } from '../../../src/cli/render-report.js';
import { PLAN_FORMAT_VERSION, type Action, type ActionResult, type ApplyReport } from '../../../src/plan/types.js';

const create = (topic: string): Action => ({ kind: 'topic.create', topic, partitions: 1, replicationFactor: 1, config: {}, reason: 'r' });
const seed: Action = { kind: 'seed.produce', topic: 't0', entryId: 'generate:g', hash: 'h', count: 5, source: 'generated', reason: 'r' };
const ok = (action: Action, durationMs = 1200): ActionResult => ({ action, status: 'applied', durationMs });

function printed(tty: boolean, results: ActionResult[]): string[] {
  const lines: string[] = [];
  const p = createStepPrinter({ tty, color: false, write: (l) => lines.push(l) });
  for (const r of results) p.result(r);
  p.flush();
  return lines;
}

describe('apply step output', () => {
  const thousand = Array.from({ length: 1000 }, (_, i) => ok(create(`t${i}`)));

  it('without a TTY prints one line per batch', () => {
    expect(printed(false, [...thousand, ok(seed, 300)])).toEqual([
      '  ✓ 1000 × topic.create: t0, t1, t2 and 997 more (1.2s)',
      '  ✓ + seed t0: 5 messages (generate:g) (300ms)',
    ]);
  });

  it('on a TTY prints each step once as it finishes, in the report format', () => {
    const lines = printed(true, thousand.slice(0, 2));
    expect(lines).toEqual(['  ✓ + topic t0 (partitions: 1, replicationFactor: 1) (1.2s)', '  ✓ + topic t1 (partitions: 1, replicationFactor: 1) (1.2s)']);
  });

  it('leaves failures to the report, which does not repeat the steps already shown and gives the fix', () => {
    const failed: ActionResult = { action: seed, status: 'failed', durationMs: 5, error: { code: 'KF302', message: 'image x missing', hint: 'load it with docker load' } };
    expect(printed(false, [ok(create('a')), failed])).toEqual(['  ✓ + topic a (partitions: 1, replicationFactor: 1) (1.2s)']);
    const report: ApplyReport = { formatVersion: PLAN_FORMAT_VERSION, project: 'p', applied: [ok(create('a'))], failed: [failed], pending: [], converged: false, after: null };
    const text = renderReportText(report, { color: false, stepsShown: true });
    expect(text).not.toContain('topic a');
    expect(text.match(/image x missing/g)).toHaveLength(1);
    expect(text).toContain('      KF302: image x missing\n      fix: load it with docker load\n');
  });
});
