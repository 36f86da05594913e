import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_NETWORK } from './defaults.js';
import { interpolate, KAFKA_BOOTSTRAP_REF } from './interpolate.js';
import type { ProblemList } from './problems.js';
import type { DocPath } from './text.js';
import { checkDuration } from './units.js';
import type { NetworkMode } from './types.js';
import type { SourceMap } from './yaml-source.js';

/** Everything the section normalisers share: where the spec is, how to locate and report, and the environment. */
export interface SpecContext {
  /** Absolute directory of the spec file: relative paths in the spec resolve against it. */
  dir: string;
  source: SourceMap;
  problems: ProblemList;
  env: Record<string, string | undefined>;
  /** Tells whether a file exists; null skips existence checks (pure parsing). */
  fileExists: ((absPath: string) => boolean) | null;
}

/** The value as a mapping, or undefined when it is anything else (the schema reports wrong types). */
export function asMap(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The value as a list, or an empty list when it is anything else. */
export function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** An integer, or the fallback for absent/ill-typed values (the schema reports wrong types). */
export function asInt(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
}

/** A string, or the fallback. */
export function asString(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** A scalar rendered as the string Kafka and containers see (true → "true", 3 → "3"). */
export function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Resolves `${VAR}` references in a string at `path`, reporting each bad reference at its own column.
 * In a secret, a malformed reference is not quoted: the text around "${" may be the secret itself.
 */
export function interpolateAt(ctx: SpecContext, path: DocPath, value: string, secret = false): string {
  const r = interpolate(value, ctx.env);
  // ${kafka.bootstrap} means something only where a container's env is made: a service's env.
  const inServiceEnv = path[0] === 'containers' && path[1] === 'services' && path[3] === 'env';
  if (!inServiceEnv && value.includes(KAFKA_BOOTSTRAP_REF)) {
    ctx.problems.add(path, `${KAFKA_BOOTSTRAP_REF} can only be used in a service's env`, 'write the bootstrap servers here, or move the reference to containers.services.<name>.env', ctx.source.posOfText(path, KAFKA_BOOTSTRAP_REF));
  }
  for (const err of r.errors) {
    const message = secret && !err.message.startsWith('environment variable') ? 'malformed "${…}" reference (value not shown)' : err.message;
    ctx.problems.add(path, message, err.hint, ctx.source.posOfText(path, err.token));
  }
  return r.value;
}

/** The longest delay a Node.js timer takes (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration in ms (absent → fallback); strings are checked here, numbers by the schema. */
export function durationAt(ctx: SpecContext, path: DocPath, v: unknown, fallbackMs: number, minMs = 0, maxMs = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined || v === null) return fallbackMs;
  const p = checkDuration(v);
  if (!p.ok) {
    ctx.problems.add(path, p.error, 'for example 500ms, 30s, 5m or 1h');
    return fallbackMs;
  }
  if (p.value < BigInt(minMs) || p.value > BigInt(Number.MAX_SAFE_INTEGER)) {
    ctx.problems.add(path, `expected a duration of at least ${minMs}ms, got ${String(v)}`, 'for example 500ms, 30s, 5m or 1h');
    return fallbackMs;
  }
  if (p.value > BigInt(maxMs)) {
    ctx.problems.add(path, `expected a duration of at most ${maxMs}ms (about ${Math.floor(maxMs / 86_400_000)} days), got ${String(v)}`, 'for example 500ms, 30s, 5m or 1h');
    return fallbackMs;
  }
  return Number(p.value);
}

/** Absolute form of a path written in the spec (relative paths are relative to the spec's directory). */
export function specPath(ctx: SpecContext, p: string): string {
  return isAbsolute(p) ? p : resolve(ctx.dir, p);
}

/** A network mode, or the default for absent/ill-typed values. */
export function networkMode(v: unknown): NetworkMode {
  return v === 'host' || v === 'bridge' || v === 'auto' ? v : DEFAULT_NETWORK;
}

/** Keys of a mapping in the order written (plain objects put integer-like keys first). */
export function orderedEntries(ctx: SpecContext, path: DocPath, map: Record<string, unknown>): [string, unknown][] {
  const written = ctx.source.keys(path);
  if (!written) return Object.entries(map);
  const seen = new Set<string>();
  const out: [string, unknown][] = [];
  for (const k of written) {
    if (k in map && !seen.has(k)) {
      seen.add(k);
      out.push([k, map[k]]);
    }
  }
  // Keys merged in through "<<" are not in the source mapping itself.
  for (const [k, v] of Object.entries(map)) if (!seen.has(k)) out.push([k, v]);
  return out;
}
