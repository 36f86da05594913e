import { formatPos } from '../errors.js';
import { plural } from '../words.js';
import { describeAction } from './render-action.js';
import { countAdopts, isClusterStep } from './summary.js';
import type { Action, Plan } from './types.js';

/** Actions that lose data or take something away: flagged in pull-request comments. */
const DESTRUCTIVE = new Set<Action['kind']>(['topic.delete', 'container.remove']);

/** True when an action loses data or removes something. */
export function isDestructive(a: Action): boolean {
  return DESTRUCTIVE.has(a.kind);
}

/**
 * A plan as Markdown for a pull-request comment, rendered from the Plan object alone: a heading, a summary line,
 * a table of changes in plan order with destructive ones flagged, diagnostics, and the unmanaged topics collapsed
 * in <details>. No colour and no timestamps: the same plan always gives the same text, so a bot can update its
 * comment in place.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### kafkaform plan: project \`${code(plan.project)}\``, '', summaryLine(plan), ''];
  if (plan.actions.length) {
    out.push('| | Change | |', '|:-:|---|---|');
    for (const a of plan.actions) {
      for (const line of describeAction(a)) {
        out.push(`| \`${line.symbol}\` | ${cell(line.text)}${plan.provisional && isClusterStep(a) ? ' _(provisional)_' : ''} | ${isDestructive(a) ? '⚠️ **destructive**' : ''} |`);
      }
    }
    out.push('');
  }
  const errors = plan.diagnostics.filter((d) => d.severity === 'error');
  const warnings = plan.diagnostics.filter((d) => d.severity === 'warning');
  const notes = plan.diagnostics.filter((d) => d.severity === 'note');
  for (const [title, list] of [['Errors', errors], ['Warnings', warnings], ['Notes', notes]] as const) {
    if (!list.length) continue;
    out.push(`**${title}**`, '');
    for (const d of list) {
      out.push(`- \`${d.code}\` ${inline(d.message)}${d.at ? ` (\`${code(formatPos(d.at))}\`)` : ''}${d.hint ? `<br>fix: ${inline(d.hint)}` : ''}`);
    }
    out.push('');
  }
  if (plan.noops.length) {
    out.push(`<details><summary>${plural(plan.noops.length, 'spec value')} already in effect</summary>`, '');
    for (const n of plan.noops) out.push(`- topic \`${code(n.topic)}\`: \`${code(n.key)}\` already ${inline(n.value)}`);
    out.push('', '</details>', '');
  }
  if (plan.unmanaged.length) {
    out.push(`<details><summary>${plural(plan.unmanaged.length, 'unmanaged topic')} (left alone)</summary>`, '');
    for (const t of plan.unmanaged) out.push(`- \`${code(t)}\``);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

/** "**Plan:** 1 to create, …" plus the destructive count, "No changes." or the blocking error count. */
function summaryLine(plan: Plan): string {
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  const { create, change, delete: del } = plan.summary;
  const parts: string[] = [];
  if (plan.actions.length) {
    const adopts = countAdopts(plan.actions);
    const destructive = plan.actions.filter(isDestructive).length;
    parts.push(`**Plan:** ${create} to create, ${change} to change, ${del} to delete${adopts ? `, ${adopts} to adopt` : ''}.`);
    if (destructive) parts.push(`⚠️ ${plural(destructive, 'destructive change')}.`);
    if (plan.provisional) parts.push(`${plural(plan.actions.filter(isClusterStep).length, 'step')} marked provisional: ${plan.provisional.reason}.`);
  } else if (!errors) parts.push('**No changes.** The cluster matches the spec.');
  if (errors) parts.push(`❌ **The plan cannot be applied:** ${plural(errors, 'error')}.`);
  return parts.join(' ');
}

/** Text inside a table cell: pipes escaped, no line breaks. */
function cell(s: string): string {
  return inline(s).replace(/\|/g, '\\|');
}

/** Text in running Markdown: characters that would start HTML or emphasis are escaped. */
function inline(s: string): string {
  return s.replace(/[\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Text inside a code span: a backtick would end it, so it becomes a quote. */
function code(s: string): string {
  return s.replace(/`/g, "'");
}
