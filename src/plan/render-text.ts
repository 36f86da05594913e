import pc from 'picocolors';
import { formatPos } from '../errors.js';
import { describeAction, describeDetails, sourceLabel, type ChangeSymbol } from './render-action.js';
import { lintNotesByAction, notesPerLine } from './render-lint.js';
import { plural } from '../words.js';
import { countAdopts, isClusterStep } from './summary.js';
import type { Diagnostic, Plan } from './types.js';

/** Options of the human renderers: colour only when the caller decided the stream takes it. */
export interface RenderOptions {
  color: boolean;
  /** Adds each action's reason, reassignment targets and seed entry ids. */
  verbose?: boolean;
}

/** Picocolors bound to one decision about colour. */
export type Colors = ReturnType<typeof pc.createColors>;

/** How many unmanaged topic names to list before "and N more". */
const UNMANAGED_SHOWN = 10;

/**
 * The human view of a plan, rendered from the Plan object alone (the JSON view is the same object):
 * actions in execution order, noops, diagnostics, unmanaged topics, then the summary line.
 */
export function renderPlanText(plan: Plan, opts: RenderOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];

  if (plan.actions.length) {
    out.push(`kafkaform will perform the following actions for project ${c.bold(plan.project)}:`, '');
    out.push(...renderActions(plan, c, opts.verbose ?? false));
  }
  if (plan.noops.length) {
    if (out.length) out.push('');
    // Not changes and not counted: they say why a spec value is not written as an override.
    for (const n of plan.noops) out.push(c.dim(`  = topic ${n.topic}: ${n.key} already ${n.value} (${sourceLabel(n.source)})`));
  }
  if (plan.diagnostics.length) {
    if (out.length) out.push('');
    // Errors first: they are what blocks the apply.
    const sorted = [...plan.diagnostics.filter((d) => d.severity === 'error'), ...plan.diagnostics.filter((d) => d.severity !== 'error')];
    for (const d of sorted) out.push(...renderDiagnostic(d, c));
  }
  if (plan.unmanaged.length) {
    if (out.length) out.push('');
    const shown = plan.unmanaged.slice(0, UNMANAGED_SHOWN).join(', ');
    const more = plan.unmanaged.length > UNMANAGED_SHOWN ? `, and ${plan.unmanaged.length - UNMANAGED_SHOWN} more` : '';
    out.push(c.dim(`Unmanaged topics (left alone, ${plan.unmanaged.length}): ${shown}${more}`));
  }
  if (out.length) out.push('');
  out.push(...summaryLines(plan, c));
  return out.join('\n') + '\n';
}

/** One or more lines per action, in plan order. */
export function renderActions(plan: Plan, c: Colors, verbose: boolean): string[] {
  const out: string[] = [];
  const notes = lintNotesByAction(plan);
  plan.actions.forEach((action, i) => {
    const lines = describeAction(action);
    const mark = plan.provisional && isClusterStep(action) ? c.dim(' (provisional)') : '';
    // Safety-lint findings sit under the change they judge, with their opt-in state.
    const under = notesPerLine(action, lines.length, notes.get(i) ?? []);
    lines.forEach((line, j) => {
      out.push(`  ${paint(line.symbol, c)} ${line.text}${mark}`);
      for (const n of under[j] ?? []) out.push(`      ${n.blocked ? c.red(`! ${n.text}`) : c.yellow(`! ${n.text}`)}`);
    });
    if (verbose) for (const d of describeDetails(action)) out.push(c.dim(`      ${d}`));
  });
  return out;
}

/** The symbol in its colour: green +, yellow ~, red -, magenta ±, dim ·. */
export function paint(symbol: ChangeSymbol, c: Colors): string {
  switch (symbol) {
    case '+':
      return c.green(symbol);
    case '~':
      return c.yellow(symbol);
    case '-':
      return c.red(symbol);
    case '±':
      return c.magenta(symbol);
    case '⇢':
      return c.cyan(symbol);
    case '·':
      return c.dim(symbol);
  }
}

/** "Error [P001] message at file:line:col" and its hint. */
function renderDiagnostic(d: Diagnostic, c: Colors): string[] {
  const head =
    d.severity === 'error' ? c.red(c.bold(`Error [${d.code}]`)) : d.severity === 'warning' ? c.yellow(c.bold(`Warning [${d.code}]`)) : c.bold(`Note [${d.code}]`);
  const lines = [`${head} ${d.message}${d.at ? ` at ${formatPos(d.at)}` : ''}`];
  if (d.hint) lines.push(`  ${c.cyan('hint:')} ${d.hint}`);
  return lines;
}

/** The closing line(s): counts, "No changes.", and whether errors block the apply. */
function summaryLines(plan: Plan, c: Colors): string[] {
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  const { create, change, delete: del } = plan.summary;
  const lines: string[] = [];
  if (plan.actions.length) {
    const adopts = countAdopts(plan.actions);
    lines.push(`${c.bold('Plan:')} ${create} to create, ${change} to change, ${del} to delete${adopts ? `, ${adopts} to adopt` : ''}.`);
    if (plan.provisional) {
      const n = plan.actions.filter(isClusterStep).length;
      lines.push(c.dim(`${plural(n, 'step')} marked provisional: ${plan.provisional.reason}.`));
    }
  } else if (!errors) {
    lines.push(c.green('No changes. The cluster matches the spec.'));
  }
  if (errors) lines.push(c.red(`The plan cannot be applied: ${plural(errors, 'error')} above.`));
  return lines;
}
