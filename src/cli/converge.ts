import { apply } from '../apply/apply.js';
import type { Observed } from '../plan/observed.js';
import { hasErrors } from '../plan/planner.js';
import { PLAN_FORMAT_VERSION, type ActionResult, type ApplyReport, type Plan } from '../plan/types.js';
import { observeAndPlan, replan, type Session } from './session.js';

/** Where a run's plan comes from: observe and plan now (the default), or a saved plan checked against a fresh observation. */
export type PlanSource = () => Promise<{ observed: Observed; plan: Plan }>;

/** How a caller (the CLI's terminal, the library API) watches and gates one converge run. */
export interface ConvergeHooks {
  /** The plan to run; default: observeAndPlan(session). A saved plan's source throws PLAN_STALE instead of returning a stale plan. */
  source?: PlanSource;
  /** The plan, once observed; called before anything is executed. */
  onPlan?: (plan: Plan) => void;
  /** Asked only when the plan has changes and no errors; throws (ABORTED, CONFIRMATION_REQUIRED) to stop. */
  confirm: (plan: Plan) => Promise<void>;
  onProgress?: (message: string) => void;
  onResult?: (result: ActionResult) => void;
}

/** What one converge run did: the plan it started from, and the report (executed: false when nothing ran). */
export interface ConvergeResult {
  plan: Plan;
  report: ApplyReport;
  executed: boolean;
}

/**
 * The one engine behind `apply`, `destroy`, and the library's up/apply/down: observe, plan, stop on errors or
 * no changes, confirm, execute, re-observe. Printing is the caller's business, through the hooks.
 */
export async function converge(session: Session, hooks: ConvergeHooks): Promise<ConvergeResult> {
  hooks.onProgress?.('observing Docker and the cluster');
  // Waits while observing (an open transaction on the state topic) are shown with their cause; an apply
  // aborts its own project's stuck seed transactions instead of waiting for them (src/seed/fence.ts).
  // Only the first observation fences: the re-observation after executing must not abort the open
  // transaction of another apply of this project that is seeding right now.
  session.deps.onProgress = hooks.onProgress;
  session.deps.fenceSeeds = true;
  let first: { observed: Observed; plan: Plan };
  try {
    first = await (hooks.source ?? (() => observeAndPlan(session)))();
  } finally {
    session.deps.fenceSeeds = false;
  }
  const { observed, plan } = first;
  hooks.onPlan?.(plan);
  if (hasErrors(plan)) return { plan, report: emptyReport(plan, false), executed: false };
  if (plan.actions.length === 0) return { plan, report: emptyReport(plan, true), executed: false };
  await hooks.confirm(plan);
  const report = await apply(plan, applyContext(session, observed, hooks));
  return { plan, report, executed: true };
}

/** The apply context of a session: its connections, seeds, and replanning with its options. */
function applyContext(session: Session, observed: Observed, hooks: ConvergeHooks): Parameters<typeof apply>[1] {
  return {
    ...session.deps,
    observed,
    seeds: session.seeds,
    replan: (o) => replan(session, o),
    onProgress: hooks.onProgress,
    onResult: hooks.onResult,
  };
}

/** The report of a run that executed nothing. */
function emptyReport(plan: Plan, converged: boolean): ApplyReport {
  return { formatVersion: PLAN_FORMAT_VERSION, project: plan.project, applied: [], failed: [], pending: plan.actions, converged, after: plan };
}
