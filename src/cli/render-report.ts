import pc from 'picocolors';
import { describeAction, describeDetails } from '../plan/render-action.js';
import { plural } from '../words.js';
import { paint, renderActions, type Colors, type RenderOptions } from '../plan/render-text.js';
import { countAdopts, SUMMARY_BUCKET } from '../plan/summary.js';
import type { Action, ActionResult, ApplyReport } from '../plan/types.js';

/**
 * The human view of an apply report: what was applied (✓, unless `stepsShown`), what failed (✗ with its error and fix), what was
 * not attempted, and whether the re-observed cluster converged, ending Terraform-style.
 */
export function renderReportText(report: ApplyReport, opts: RenderOptions & { verb?: 'Apply' | 'Destroy'; stepsShown?: boolean }): string {
  const c = pc.createColors(opts.color);
  const verb = opts.verb ?? 'Apply';
  const verbose = opts.verbose ?? false;
  const out: string[] = [];

  // Steps already printed as they finished (apply's live output) are not listed twice.
  if (!opts.stepsShown) for (const r of report.applied) out.push(...resultLines(r, c.green('✓'), c, verbose));
  for (const r of report.failed) {
    out.push(...resultLines(r, c.red('✗'), c, verbose));
    if (r.error) out.push(`      ${c.red(`${r.error.code}:`)} ${r.error.message}`);
    if (r.error?.hint) out.push(`      ${c.cyan('fix:')} ${r.error.hint}`);
  }
  if (report.pending.length) {
    if (out.length) out.push('');
    out.push(`Not applied (${plural(report.pending.length, 'action')}):`);
    for (const a of report.pending) out.push(...actionLines(a, c.dim('○'), c));
  }

  const counts = tally(report.applied);
  const adopted = countAdopts(report.applied.map((r) => r.action));
  const done = `${counts.create} added, ${counts.change} changed, ${counts.delete} destroyed${adopted ? `, ${adopted} adopted` : ''}`;
  if (out.length) out.push('');
  if (report.failed.length) {
    // The closing line carries a code and a fix too, so a run's last lines always say what happened and what to do.
    const codes = [...new Set(report.failed.map((r) => r.error?.code).filter((x): x is string => x !== undefined))];
    out.push(c.red(c.bold(`[KF401] ${verb} failed: ${plural(report.failed.length, 'action')} failed${codes.length ? ` (${codes.join(', ')})` : ''}. ${done}.`)));
    out.push(`  ${c.cyan('fix:')} every step is safe to repeat: fix the cause shown above and run it again to finish.`);
  } else if (!report.converged) {
    out.push(c.yellow(c.bold(`[KF402] ${verb} finished but did not converge: ${done}.`)));
    if (report.after && report.after.actions.length) {
      out.push('The cluster still differs from the spec:');
      out.push(...renderActions(report.after, c, false));
    } else {
      out.push('The cluster could not be observed again to confirm the result.');
      out.push(`  ${c.cyan('fix:')} check that the cluster is up (\`kafkaform status\`), then \`kafkaform plan\` shows what is left; apply again finishes it.`);
    }
  } else {
    out.push(c.green(c.bold(`${verb} complete! ${done}.`)));
  }
  return out.join('\n') + '\n';
}

/** An action's lines behind a status mark, with its duration on the first line (apply prints them live too). */
export function resultLines(r: ActionResult, mark: string, c: Colors, verbose: boolean): string[] {
  const lines = actionLines(r.action, mark, c);
  if (lines.length) lines[0] += c.dim(` (${formatDuration(r.durationMs)})`);
  if (verbose) for (const d of describeDetails(r.action)) lines.push(c.dim(`      ${d}`));
  return lines;
}

/** "  ✓ + topic x (...)": the status mark, then the plan's symbol and text. */
function actionLines(a: Action, mark: string, c: Colors): string[] {
  return describeAction(a).map((l) => `  ${mark} ${paint(l.symbol, c)} ${l.text}`);
}

/** Counts applied actions in the plan summary's buckets. */
function tally(results: ActionResult[]): { create: number; change: number; delete: number } {
  const t = { create: 0, change: 0, delete: 0 };
  for (const r of results) {
    const bucket = SUMMARY_BUCKET[r.action.kind];
    if (bucket) t[bucket] += 1;
  }
  return t;
}

/** "850ms", "12.3s", "2m05s": the one duration format of apply's output. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
