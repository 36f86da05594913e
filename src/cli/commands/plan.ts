import { hasErrors } from '../../plan/planner.js';
import { renderPlanText } from '../../plan/render-text.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../main.js';
import { openSession, observeAndPlan } from '../session.js';
import { createProgress } from '../terminal.js';

/** Flags of `kafkaform plan`. */
export interface PlanFlags {
  json: boolean;
  detailedExitcode: boolean;
  allowDelete: boolean;
  reseed: boolean;
  verbose: boolean;
}

/** `kafkaform plan`: prints the plan (text rendered from the same object --json prints). */
export async function runPlan(g: GlobalOptions, f: PlanFlags): Promise<number> {
  // plan never produces: seed messages are checked and hashed, not kept.
  const session = await openSession(g, { allowDelete: f.allowDelete, reseed: f.reseed }, false);
  const progress = createProgress({ quiet: f.json, color: g.color });
  try {
    progress.update('observing Docker and the cluster');
    const { plan } = await observeAndPlan(session);
    progress.stop();
    if (f.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else process.stdout.write(`${renderPlanText(plan, { color: g.color, verbose: f.verbose })}\n`);
    if (hasErrors(plan)) return ExitCode.ERROR;
    if (f.detailedExitcode && plan.actions.length > 0) return ExitCode.CHANGES;
    return ExitCode.OK;
  } finally {
    progress.stop();
    await session.close();
  }
}
