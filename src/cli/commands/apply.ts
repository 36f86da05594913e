import pc from 'picocolors';
import { apply } from '../../apply/apply.js';
import { hasErrors } from '../../plan/planner.js';
import { renderPlanText } from '../../plan/render-text.js';
import { renderReportText } from '../../plan/render-report.js';
import { PLAN_FORMAT_VERSION, type ApplyReport, type Plan } from '../../plan/types.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../main.js';
import { openSession, observeAndPlan, replan, type Session } from '../session.js';
import { confirm, createProgress } from '../terminal.js';

/** Flags of `kafkaform apply` (and of destroy, which applies a destroy plan). */
export interface ApplyFlags {
  autoApprove: boolean;
  json: boolean;
  allowDelete: boolean;
  reseed: boolean;
}

/** `kafkaform apply`: plan, confirm, execute, re-observe; exit 1 unless the cluster converged. */
export async function runApply(g: GlobalOptions, f: ApplyFlags): Promise<number> {
  const session = await openSession(g, { allowDelete: f.allowDelete, reseed: f.reseed });
  try {
    return await planConfirmApply(session, g, f, 'Do you want to perform these actions?');
  } finally {
    await session.close();
  }
}

/** Shared by apply and destroy: show the plan, stop on errors or no changes, ask, execute, report. */
export async function planConfirmApply(
  session: Session,
  g: GlobalOptions,
  f: { autoApprove: boolean; json: boolean },
  question: string,
  verb: 'Apply' | 'Destroy' = 'Apply',
): Promise<number> {
  const progress = createProgress({ quiet: f.json, color: g.color });
  const out = (text: string): void => {
    if (!f.json) process.stdout.write(`${text}\n`);
  };
  try {
    progress.update('observing Docker and the cluster');
    // Waits while observing (another run's open transaction on the state topic) are shown, with their cause.
    session.deps.onProgress = (m) => progress.update(m);
    const { observed, plan } = await observeAndPlan(session);
    progress.stop();
    out(renderPlanText(plan, { color: g.color }));
    if (hasErrors(plan)) {
      if (f.json) printJson(emptyReport(plan, false));
      return ExitCode.ERROR;
    }
    if (plan.actions.length === 0) {
      if (f.json) printJson(emptyReport(plan, true));
      return ExitCode.OK;
    }
    await confirm(`\n${question}`, f.autoApprove);
    const c = pc.createColors(g.color);
    const report = await apply(plan, {
      ...session.deps,
      observed,
      seeds: session.seeds,
      replan: (o) => replan(session, o),
      onProgress: (m) => progress.update(m),
      onResult: (r) => {
        const label = r.action.kind.replace('.', ' ');
        const subject = 'topic' in r.action ? r.action.topic : 'name' in r.action ? r.action.name : '';
        if (r.status === 'applied') progress.succeed(`${label} ${subject} ${c.dim(`(${(r.durationMs / 1000).toFixed(1)} s)`)}`);
        else progress.fail(`${label} ${subject}: ${r.error?.message ?? 'failed'}`);
      },
    });
    progress.stop();
    if (f.json) printJson(report);
    else out(`\n${renderReportText(report, { color: g.color, verb })}`);
    return report.failed.length === 0 && report.converged ? ExitCode.OK : ExitCode.ERROR;
  } finally {
    progress.stop();
  }
}

/** The report of an apply that executed nothing. */
function emptyReport(plan: Plan, converged: boolean): ApplyReport {
  return { formatVersion: PLAN_FORMAT_VERSION, project: plan.project, applied: [], failed: [], pending: plan.actions, converged, after: plan };
}

/** Prints a JSON document on stdout. */
function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
