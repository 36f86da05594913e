import type { LintCode } from '../../plan/lint-codes.js';
import { hasErrors } from '../../plan/planner.js';
import { renderPlanText } from '../../plan/render-text.js';
import { renderReportText } from '../render-report.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../global-options.js';
import { observe } from '../../apply/observe-docker-and-cluster.js';
import { checkSavedPlan, readSavedPlan } from '../../apply/saved-plan.js';
import { converge, type PlanSource } from '../converge.js';
import { openSession, type Session } from '../session.js';
import { createStepPrinter } from '../steps.js';
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
  source?: PlanSource,
): Promise<number> {
  const progress = createProgress({ quiet: f.json, color: g.color });
  const out = (text: string): void => {
    if (!f.json) process.stdout.write(`${text}\n`);
  };
  try {
    const steps = createStepPrinter({
      tty: Boolean(process.stderr.isTTY),
      color: g.color,
      write: (line) => {
        progress.stop();
        if (!f.json) process.stderr.write(`${line}\n`);
      },
    });
    const { plan, report, executed } = await converge(session, {
      source,
      onPlan: (p) => {
        progress.stop();
        out(renderPlanText(p, { color: g.color }));
      },
      confirm: () => confirm(`\n${question}`, f.autoApprove, verb === 'Destroy' ? 'destroy' : 'apply'),
      onProgress: (m) => {
        steps.flush();
        progress.update(m);
      },
      // Each step is printed once: applied steps as they finish, failures in the report below.
      onResult: (r) => steps.result(r),
    });
    steps.flush();
    progress.stop();
    if (f.json) printJson(report);
    else if (executed) out(`\n${renderReportText(report, { color: g.color, verb, stepsShown: true })}`);
    if (hasErrors(plan)) return ExitCode.ERROR;
    return report.failed.length === 0 && report.converged ? ExitCode.OK : ExitCode.ERROR;
  } finally {
    progress.stop();
  }
}

/**
 * `kafkaform apply FILE`: re-observes, refuses a stale saved plan (PLAN_STALE, nothing applied), else executes
 * exactly its actions through the same engine, without asking again (the plan was reviewed when it was saved).
 */
async function runSavedApply(g: GlobalOptions, f: ApplyFlags, file: string): Promise<number> {
  const saved = await readSavedPlan(file);
  const session = await openSession(g, saved.options);
  const source: PlanSource = async () => {
    const observed = await observe(session.spec, session.deps);
    checkSavedPlan(saved, { spec: session.spec, seeds: session.seeds, observed, environment: g.environment ?? null });
    return { observed, plan: saved.plan };
  };
  try {
    return await planConfirmApply(session, g, { ...f, autoApprove: true }, '', 'Apply', source);
  } finally {
    await session.close();
  }
}

/** Prints a JSON document on stdout. */
function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
