import pc from 'picocolors';
import { hasErrors } from '../../plan/planner.js';
import { renderPlanText } from '../../plan/render-text.js';
import { renderReportText } from '../../plan/render-report.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../main.js';
import { converge } from '../converge.js';
import { openSession, type Session } from '../session.js';
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
    const c = pc.createColors(g.color);
    const { plan, report, executed } = await converge(session, {
      onPlan: (p) => {
        progress.stop();
        out(renderPlanText(p, { color: g.color }));
      },
      confirm: () => confirm(`\n${question}`, f.autoApprove),
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
    else if (executed) out(`\n${renderReportText(report, { color: g.color, verb })}`);
    if (hasErrors(plan)) return ExitCode.ERROR;
    return report.failed.length === 0 && report.converged ? ExitCode.OK : ExitCode.ERROR;
  } finally {
    progress.stop();
  }
}

/** Prints a JSON document on stdout. */
function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
