import type { Action, Diagnostic, Plan } from './types.js';

/** A lint finding as shown under the change it is about: its code, message and opt-in state. */
export interface LintNote {
  code: string;
  /** The field or config key it is about. */
  key?: string;
  text: string;
  /** True when it blocks the apply (an error not opted into). */
  blocked: boolean;
}

/**
 * Lint notes per action index: each lint diagnostic goes under the first action of its topic that changes
 * its key (a create changes every key), else under the topic's first action. Plain data for the renderers.
 */
export function lintNotesByAction(plan: Plan): Map<number, LintNote[]> {
  const out = new Map<number, LintNote[]>();
  for (const d of plan.diagnostics) {
    if (!d.code.startsWith('L') || d.subject === undefined) continue;
    const mine = plan.actions.map((a, i) => [a, i] as const).filter(([a]) => 'topic' in a && a.topic === d.subject);
    const hit = mine.find(([a]) => covers(a, d)) ?? mine[0];
    if (!hit) continue;
    const list = out.get(hit[1]) ?? [];
    list.push(note(d));
    out.set(hit[1], list);
  }
  return out;
}

/** True when the action changes the diagnostic's key. */
function covers(a: Action, d: Diagnostic): boolean {
  switch (a.kind) {
    case 'topic.create':
      return true;
    case 'topic.alterConfig':
      return a.changes.some((c) => c.key === d.key);
    case 'topic.addPartitions':
      return d.key === 'partitions';
    case 'topic.reassign':
      return d.key === 'replicationFactor' || d.key === 'min.insync.replicas';
    default:
      return false;
  }
}

/** "L001 blocked: needs --allow L001 …" / "L001 allowed by --allow L001" / "L007 warning". */
function note(d: Diagnostic): LintNote {
  const base = { code: d.code, ...(d.key !== undefined ? { key: d.key } : {}) };
  if (d.severity === 'error') return { ...base, text: `${d.code} blocked: ${d.hint ?? d.message}`, blocked: true };
  if (d.allowedBy) return { ...base, text: `${d.code} allowed by ${d.allowedBy}`, blocked: false };
  return { ...base, text: `${d.code} warning (see below)`, blocked: false };
}

/** Notes for each display line of an action: a config change's notes under its own line, the rest under the last. */
export function notesPerLine(action: Action, lines: number, notes: LintNote[]): LintNote[][] {
  const out: LintNote[][] = Array.from({ length: lines }, () => []);
  for (const n of notes) {
    const j = action.kind === 'topic.alterConfig' ? action.changes.findIndex((c) => c.key === n.key) : -1;
    out[j >= 0 && j < lines ? j : lines - 1]?.push(n);
  }
  return out;
}
