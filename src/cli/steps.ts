import pc from 'picocolors';
import { formatDuration, resultLines } from './render-report.js';
import type { ActionResult } from '../plan/types.js';

/** Prints each applied step once as it finishes, in the report's format; failures are left to the report. */
export interface StepPrinter {
  result(r: ActionResult): void;
  /** Prints what is held back (a batch in progress); call before other output and at the end. */
  flush(): void;
}

/**
 * On a terminal every step gets its line as it finishes. Without one, consecutive applied steps of one
 * kind (a batch: apply sends them in one request) give one line, so 1,000 topics are one line, not 1,000.
 */
export function createStepPrinter(opts: { tty: boolean; color: boolean; write: (line: string) => void }): StepPrinter {
  const c = pc.createColors(opts.color);
  let held: ActionResult[] = [];
  const flush = (): void => {
    if (held.length === 1) for (const l of resultLines(held[0]!, c.green('✓'), c, false)) opts.write(l);
    else if (held.length > 1) opts.write(batchLine(held, c));
    held = [];
  };
  return {
    result: (r) => {
      if (r.status !== 'applied') return flush();
      if (opts.tty) {
        for (const l of resultLines(r, c.green('✓'), c, false)) opts.write(l);
        return;
      }
      if (held.length > 0 && held[0]!.action.kind !== r.action.kind) flush();
      held.push(r);
    },
    flush,
  };
}

/** "  ✓ 1000 × topic.create: a, b, c and 997 more (2.1s)": one line for a batch of one kind. */
function batchLine(rs: ActionResult[], c: ReturnType<typeof pc.createColors>): string {
  const subjects = rs.map((r) => ('topic' in r.action ? r.action.topic : 'name' in r.action ? r.action.name : r.action.kind));
  const shown = subjects.slice(0, 3).join(', ') + (subjects.length > 3 ? ` and ${subjects.length - 3} more` : '');
  // A batch's steps finish together, each carrying the batch's time: the longest is the batch's.
  const ms = Math.max(...rs.map((r) => r.durationMs));
  return `  ${c.green('✓')} ${rs.length} × ${rs[0]!.action.kind}: ${shown}${c.dim(` (${formatDuration(ms)})`)}`;
}
