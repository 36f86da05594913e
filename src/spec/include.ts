import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { SourcePos } from '../errors.js';
import { formatPos } from '../errors.js';
import { asMap, type SpecContext } from './context.js';
import { interpolateTree, type Substitutions } from './interpolate-tree.js';
import { ProblemList } from './problems.js';
import { checkSchema } from './schema-check.js';
import { quote } from './text.js';
import { normaliseTopics } from './topics.js';
import type { TopicSpec } from './types.js';
import { readYaml } from './yaml-source.js';

/** How the loader reaches included files; absent in pure parsing, where an `include:` finds nothing. */
export interface IncludeIO {
  /** The file's text, or null when it cannot be read. */
  readFile(absPath: string): string | null;
  /** Names in a directory, or null when it is not one. */
  listDir(absDir: string): string[] | null;
}

/** Keys a topics-only (included) file may hold. */
const INCLUDED_KEYS = new Set(['$schema', 'topics']);

/** A glob segment as a regular expression: `*` is any run of characters except "/", `?` one character. */
function segmentRegex(seg: string): RegExp {
  const body = seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Files matching a pattern relative to `dir` (wildcards in any segment), sorted; a plain path is returned as is. */
export function expandGlob(dir: string, pattern: string, io: IncludeIO): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(dir, pattern);
  if (!/[*?]/.test(pattern)) return [abs];
  const segs = abs.split('/').filter((s, i) => s !== '' || i === 0);
  let current = ['/'];
  for (const seg of segs.slice(1)) {
    const next: string[] = [];
    for (const base of current) {
      if (!/[*?]/.test(seg)) next.push(join(base, seg));
      else for (const name of io.listDir(base) ?? []) if (!name.startsWith('.') && segmentRegex(seg).test(name)) next.push(join(base, name));
    }
    current = next;
  }
  return current.filter((p) => io.readFile(p) !== null).sort();
}

/**
 * Adds the topics of the files named by the root's `include:` (paths or globs, relative to the root spec) to
 * the root's own. Each file is checked against the topics-only schema, with positions in that file; a topic
 * declared twice (in two files, or a file and the root) is a problem naming both places.
 */
export function withIncludedTopics(ctx: SpecContext & { include?: IncludeIO; displayFile?: string; substituted?: Substitutions }, own: TopicSpec[], raw: unknown): TopicSpec[] {
  const patterns = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  if (patterns.length === 0) return own;
  const all = [...own];
  const where = new Map<string, SourcePos>(own.map((t) => [t.name, t.pos.name]));
  const seen = new Set<string>();
  patterns.forEach((pattern, i) => {
    const files = ctx.include ? expandGlob(ctx.dir, pattern, ctx.include) : [];
    if (files.length === 0 || (files.length === 1 && ctx.include?.readFile(files[0]!) === null)) {
      ctx.problems.add(Array.isArray(raw) ? ['include', i] : ['include'], `include ${quote(pattern)} matches no readable file`, 'paths and globs are relative to the root spec, e.g. topics/*.yaml');
      return;
    }
    for (const abs of files) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      for (const t of topicsOfFile(ctx, abs)) {
        const first = where.get(t.name);
        if (first) {
          ctx.problems.addRaw({
            message: `topic ${quote(t.name)} is declared twice: here and at ${formatPos(first)}`,
            at: t.pos.name,
            path: `topics.${t.name}`,
            hint: 'declare each topic in one file only (per-environment differences go under environments:)',
          });
          continue;
        }
        where.set(t.name, t.pos.name);
        all.push(t);
      }
    }
  });
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Reads, checks and normalises one included file; its problems carry its own file:line:col. */
function topicsOfFile(ctx: SpecContext & { include?: IncludeIO; displayFile?: string; substituted?: Substitutions }, abs: string): TopicSpec[] {
  const text = ctx.include!.readFile(abs) ?? '';
  const shown = ctx.displayFile ? join(dirname(ctx.displayFile), relative(ctx.dir, abs)) : abs;
  const yaml = readYaml(text.replace(/^\uFEFF/, ''), shown);
  const problems = new ProblemList(yaml.source);
  const flush = (): void => {
    for (const p of problems.sorted()) ctx.problems.addRaw(p);
  };
  for (const p of yaml.problems) problems.addRaw(p);
  if (yaml.fatal) {
    flush();
    return [];
  }
  const data = asMap(interpolateTree(yaml.data, yaml.source, ctx.env, problems, ctx.substituted)) ?? {};
  for (const key of Object.keys(data)) {
    if (!INCLUDED_KEYS.has(key)) problems.add([key], `an included file holds topics only; ${quote(key)} belongs in the root spec`, 'move it to the root spec, or remove it', 'key');
  }
  // The topics-only schema is the root schema's topics part: checked through it, positions stay in this file.
  checkSchema({ version: 1, project: 'included', topics: data.topics ?? {} }, problems);
  const topics = normaliseTopics({ ...ctx, source: yaml.source, problems, dir: dirname(abs) }, data.topics);
  flush();
  return topics;
}
