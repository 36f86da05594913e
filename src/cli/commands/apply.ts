import pc from 'picocolors';
import { apply } from '../../apply/apply.js';
import type { LintCode } from '../../plan/lint-codes.js';
import { hasErrors } from '../../plan/planner.js';
import { renderPlanText } from '../../plan/render-text.js';
import { renderReportText } from '../../plan/render-report.js';
import { PLAN_FORMAT_VERSION, type ApplyReport, type Plan } from '../../plan/types.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../main.js';
import { observe } from '../../apply/observe.js';
import { checkSavedPlan, readSavedPlan } from '../../apply/saved-plan.js';
import type { Observed } from '../../plan/observed.js';
import { toSeedBatches } from '../../seed/materialise.js';
import { openSession, observeAndPlan, replan, type Session } from '../session.js';
import { confirm, createProgress } from '../terminal.js';

/** Flags of `kafkaform apply` (and of destroy, which applies a destroy plan). */
export interface ApplyFlags {
  autoApprove: boolean;
  json: boolean;
  allowDelete: boolean;
  reseed: boolean;
  /** --allow: lint codes opted into for every topic. */
  allow?: LintCode[];
  noAdopt?: boolean;
  takeOwnership?: boolean;
  /** A plan saved with `plan -o`: apply exactly its actions, or refuse when it is stale. */
  planFile?: string;
}

/** `kafkaform apply`: plan, confirm, execute, re-observe; exit 1 unless the cluster converged. */
export async function runApply(g: GlobalOptions, f: ApplyFlags): Promise<number> {
  if (f.planFile !== undefined) return runSavedApply(g, f, f.planFile);
  const session = await openSession(g, { allowDelete: f.allowDelete, reseed: f.reseed, allow: f.allow ?? [], noAdopt: f.noAdopt, takeOwnership: f.takeOwnership });
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
    return await executePlan(session, g, f, plan, observed, verb, progress);
  } finally {
    progress.stop();
  }
}

/**
 * `kafkaform apply FILE`: re-observes, refuses a stale saved plan (PLAN_STALE, nothing applied), else executes
 * exactly its actions without asking again (the plan was reviewed when it was saved), then checks convergence.
 */
async function runSavedApply(g: GlobalOptions, f: ApplyFlags, file: string): Promise<number> {
  const saved = await readSavedPlan(file);
  const session = await openSession(g, saved.options);
  const progress = createProgress({ quiet: f.json, color: g.color });
  try {
    progress.update('observing Docker and the cluster');
    const observed = await observe(session.spec, session.deps);
    progress.stop();
    checkSavedPlan(saved, { spec: session.spec, seeds: toSeedBatches(session.seeds), observed, environment: g.environment ?? null });
    if (!f.json) process.stdout.write(`${renderPlanText(saved.plan, { color: g.color })}\n`);
    if (saved.plan.actions.length === 0 && !hasErrors(saved.plan)) {
      if (f.json) printJson(emptyReport(saved.plan, true));
      return ExitCode.OK;
    }
    return await executePlan(session, g, f, saved.plan, observed, 'Apply', progress);
  } finally {
    progress.stop();
    await session.close();
  }
}

/** Executes a plan the user agreed to and prints the report; exit 0 only when everything applied and converged. */
async function executePlan(
  session: Session,
  g: GlobalOptions,
  f: { json: boolean },
  plan: Plan,
  observed: Observed,
  verb: 'Apply' | 'Destroy',
  progress: ReturnType<typeof createProgress>,
): Promise<number> {
  const out = (text: string): void => {
    if (!f.json) process.stdout.write(`${text}\n`);
  };
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
}

/** The report of an apply that executed nothing. */
function emptyReport(plan: Plan, converged: boolean): ApplyReport {
  return { formatVersion: PLAN_FORMAT_VERSION, project: plan.project, applied: [], failed: [], pending: plan.actions, converged, after: plan };
}

/** Prints a JSON document on stdout. */
function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
