import type { LintCode } from '../../plan/lint-codes.js';
import { ErrorCodes, KafkaformError } from '../../errors.js';
import { hasErrors } from '../../plan/planner.js';
import { renderPlanText } from '../../plan/render-text.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../global-options.js';
import { openSession, observeAndPlan } from '../session.js';
import { createProgress } from '../terminal.js';

/** Flags of `kafkaform plan`. */
export interface PlanFlags {
  json: boolean;
  detailedExitcode: boolean;
  allowDelete: boolean;
  reseed: boolean;
  verbose: boolean;
  /** --allow: lint codes opted into for every topic. */
  allow?: LintCode[];
  /** text (default), json (same as --json) or markdown (for a pull-request comment). */
  format?: string;
  /** -o FILE: save the plan for `kafkaform apply FILE`. */
  out?: string;
  noAdopt?: boolean;
  takeOwnership?: boolean;
  /** --rotate-passwords: set every declared SCRAM user's password again. */
  rotatePasswords?: boolean;
}

/** `kafkaform plan`: prints the plan (text rendered from the same object --json prints), and saves it with -o. */
export async function runPlan(g: GlobalOptions, f: PlanFlags): Promise<number> {
  const format = f.json ? 'json' : (f.format ?? 'text');
  if (!['text', 'json', 'markdown'].includes(format)) {
    throw new KafkaformError(ErrorCodes.USAGE, `unknown plan format "${format}"`, { hint: 'use --format text, json or markdown' });
  }
  // plan never produces: seed messages are checked and hashed, not kept.
  const session = await openSession(g, { allowDelete: f.allowDelete, reseed: f.reseed, allow: f.allow ?? [], noAdopt: f.noAdopt, takeOwnership: f.takeOwnership, rotatePasswords: f.rotatePasswords });
  const progress = createProgress({ quiet: format !== 'text', color: g.color });
  try {
    progress.update('observing Docker and the cluster');
    const { plan, observed } = await observeAndPlan(session);
    progress.stop();
    if (format === 'json') process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else if (format === 'markdown') process.stdout.write((await import('../../plan/render-markdown.js')).renderPlanMarkdown(plan));
    else process.stdout.write(`${renderPlanText(plan, { color: g.color, verbose: f.verbose })}\n`);
    if (hasErrors(plan)) return ExitCode.ERROR;
    if (f.out !== undefined) {
      const { savePlan, writeSavedPlan } = await import('../../apply/saved-plan.js');
      await writeSavedPlan(f.out, savePlan(plan, observed, session.spec, session.options, g.environment ?? null));
      if (format === 'text') process.stdout.write(`Saved the plan to ${f.out}. Apply exactly these actions with: kafkaform apply ${f.out}\n`);
    }
    // Warnings count like changes: a run that only warns still has something to look at.
    if (f.detailedExitcode && (plan.actions.length > 0 || plan.diagnostics.some((d) => d.severity !== 'note'))) return ExitCode.CHANGES;
    return ExitCode.OK;
  } finally {
    progress.stop();
    await session.close();
  }
}
