import { interpolate } from './interpolate.js';
import type { ProblemList } from './problems.js';
import { isSecretPath } from './schema-check.js';
import { formatPath, type DocPath } from './text.js';
import type { SourceMap } from './yaml-source.js';

/** Values that came from the environment, by file and document path: problems there show them as written. */
export type Substitutions = Map<string, { written: string; value: string }>;

/**
 * A problem with every value from the environment at its path replaced by the reference as written, so a
 * message such as "expected an integer, got …" never shows what a variable holds.
 */
export function scrubProblem<P extends { message: string; hint?: string; path?: string; at?: { file: string } }>(p: P, subs: Substitutions): P {
  const s = p.path !== undefined && p.at ? subs.get(`${p.at.file}\u0000${p.path}`) : undefined;
  if (!s || s.value === '') return p;
  const hide = (text: string): string =>
    s.value.length >= 3 ? text.split(s.value).join(s.written) : text.split(JSON.stringify(s.value)).join(JSON.stringify(s.written));
  return { ...p, message: hide(p.message), ...(p.hint !== undefined ? { hint: hide(p.hint) } : {}) };
}

/** Keys whose values are whole numbers or booleans: a value that is one `${VAR}` reference takes that type. */
const NUMERIC_KEYS = new Set(['partitions', 'replicationFactor', 'nodes', 'port', 'controllerPort']);
const BOOLEAN_KEYS = new Set(['allowDelete', 'rejectUnauthorized']);

/** True where the section normalisers interpolate themselves (credentials, service env) or never should (seed data). */
function handledElsewhere(path: DocPath): boolean {
  if (path[0] === 'seed') return true;
  const inner = path[0] === 'environments' ? path.slice(2) : path;
  return isSecretPath(inner);
}

/**
 * Resolves `${VAR}` and `${VAR:-default}` in every string scalar of the parsed spec (not in keys, seed data, or
 * the secret fields their normalisers resolve). A missing variable is a problem naming it at its own line and
 * column; values are never put in messages.
 */
export function interpolateTree(
  data: unknown,
  source: SourceMap,
  env: Record<string, string | undefined>,
  problems: ProblemList,
  substituted: Substitutions = new Map(),
): unknown {
  const walk = (v: unknown, path: DocPath): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        // A scalar without "$" stays as it is: no path is built for it (most of a large spec).
        if (x === null || (typeof x !== 'object' && (typeof x !== 'string' || !x.includes('$')))) {
          out[k] = x;
          continue;
        }
        const at = [...path, k];
        out[k] = handledElsewhere(at) ? x : walk(x, at);
      }
      return out;
    }
    if (typeof v !== 'string' || !v.includes('$')) return v;
    const r = interpolate(v, env);
    // The first bad reference covers the value, so checks of the half-resolved text add no noise.
    for (const err of r.errors) problems.addCovering(path, err.message, err.hint, source.posOfText(path, err.token));
    if (r.errors.length) return v;
    if (r.value !== v) substituted.set(`${source.file}\u0000${formatPath(path)}`, { written: v, value: r.value });
    return typed(r.value, v, path);
  };
  return walk(data, []);
}

/** The interpolated text, as a number or boolean where the key takes one and the value was a single reference. */
function typed(value: string, written: string, path: DocPath): unknown {
  const key = String(path[path.length - 1]);
  if (!/^\$\{[^}]*\}$/.test(written)) return value;
  if (NUMERIC_KEYS.has(key) && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  if (BOOLEAN_KEYS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
