import type { Problem, SourcePos } from '../errors.js';
import { formatPath, type DocPath } from './text.js';
import type { SourceMap } from './yaml-source.js';

function keyOf(path: DocPath): string {
  return path.map(String).join('\u0000');
}

/** Where to point: at the key of the path, at its value, or at an explicit position. */
export type ProblemAnchor = 'key' | 'value' | SourcePos;

/**
 * Collects every spec problem before failing, so one run reports them all.
 * Schema problems "cover" their path: a later semantic check of the same value (or anything inside it) is
 * dropped, which is how one real mistake is reported once.
 */
export class ProblemList {
  private readonly items: Problem[] = [];
  private readonly warningItems: Problem[] = [];
  private readonly covered = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(private readonly source: SourceMap) {}

  /** Number of problems so far. */
  get size(): number {
    return this.items.length;
  }

  /** True when the schema already reported this path or one of its ancestors. */
  isCovered(path: DocPath): boolean {
    for (let i = 0; i <= path.length; i++) if (this.covered.has(keyOf(path.slice(0, i)))) return true;
    return false;
  }

  /** Adds a problem found by the schema and marks its path covered. */
  addCovering(path: DocPath, message: string, hint: string | undefined, anchor: ProblemAnchor = 'value'): void {
    // One problem per value: a second schema error at the same path (an enum after a type error) is noise.
    const key = keyOf(path);
    if (this.covered.has(key)) return;
    this.push(path, message, hint, anchor);
    this.covered.add(key);
  }

  /** Adds a problem found by a semantic check, unless the schema already reported that path. */
  add(path: DocPath, message: string, hint?: string, anchor: ProblemAnchor = 'value'): void {
    if (this.isCovered(path)) return;
    this.push(path, message, hint, anchor);
  }

  /** Adds a warning: reported by validate, never makes the spec invalid. */
  warn(path: DocPath, message: string, hint?: string, anchor: ProblemAnchor = 'value'): void {
    this.warningItems.push(this.locate(path, message, hint, anchor));
  }

  /** The warnings in source order. */
  warnings(): Problem[] {
    return [...this.warningItems].sort((a, b) => (a.at?.line ?? 1e9) - (b.at?.line ?? 1e9) || (a.at?.col ?? 0) - (b.at?.col ?? 0));
  }

  /** Adds an already-located problem (YAML syntax errors). */
  addRaw(problem: Problem): void {
    this.items.push(problem);
  }

  private push(path: DocPath, message: string, hint: string | undefined, anchor: ProblemAnchor): void {
    const dedupe = `${keyOf(path)}\u0001${message}`;
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    this.items.push(this.locate(path, message, hint, anchor));
  }

  /** A problem with its source position and document path. */
  private locate(path: DocPath, message: string, hint: string | undefined, anchor: ProblemAnchor): Problem {
    const at = typeof anchor === 'string' ? this.source.pos(path, anchor) : anchor;
    const p: Problem = { message, at };
    if (path.length > 0) p.path = formatPath(path);
    if (hint !== undefined) p.hint = hint;
    return p;
  }

  /** The problems in source order (line, then column); stable for problems at the same place. */
  sorted(): Problem[] {
    return this.items
      .map((p, i) => ({ p, i }))
      .sort((a, b) => (a.p.at?.line ?? 1e9) - (b.p.at?.line ?? 1e9) || (a.p.at?.col ?? 0) - (b.p.at?.col ?? 0) || a.i - b.i)
      .map((x) => x.p);
  }
}
