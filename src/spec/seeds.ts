import { posix } from 'node:path';
import { definitionHash } from '../seed/hash.js';
import { asList, asMap, scalarString, specPath, type SpecContext } from './context.js';
import { DEFAULT_SEED_COMPRESSION } from './defaults.js';
import { didYouMean } from './suggest.js';
import { describeValue, formatPath, quote } from './text.js';
import type { SeedEntrySpec, SeedMessageSpec, SeedSpec, TopicSpec } from './types.js';

type Path = (string | number)[];

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

// A zone is required: a local time would mean different instants on different machines.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** Epoch ms of a seed timestamp (ISO 8601 with a zone, a date, or epoch ms), or an error sentence. */
export function parseTimestamp(v: unknown): { ok: true; value: number } | { ok: false; error: string } {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return { ok: true, value: v };
  if (typeof v === 'string' && ISO_TIME.test(v.trim())) {
    const ms = Date.parse(v.trim());
    if (Number.isFinite(ms)) return { ok: true, value: ms };
  }
  const noZone = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v) ? '; add Z or an offset such as +02:00' : '';
  return { ok: false, error: `expected an ISO 8601 time with a zone such as 2024-01-01T00:00:00Z, or epoch milliseconds, got ${describeValue(v)}${noZone}` };
}

/** A message key as produced: strings as written, anything else as JSON; null/absent means no key. */
function keyOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function headers(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asMap(raw) ?? {})) {
    const s = scalarString(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function entryId(raw: unknown, fallback: string | number): string {
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : String(fallback);
}

/** Seed file paths as identities: posix separators and no "./", so "./a.jsonl" and "a.jsonl" are one entry. */
export function normaliseSeedPath(p: string): string {
  return posix.normalize(p.replace(/\\/g, '/'));
}

function inline(ctx: SpecContext, base: Path, raw: unknown, i: number, topic: TopicSpec): SeedEntrySpec {
  const m = asMap(raw) ?? {};
  const path = [...base, 'messages', i];
  let timestamp: number | null = null;
  if (m.timestamp !== undefined && m.timestamp !== null) {
    const t = parseTimestamp(m.timestamp);
    if (t.ok) timestamp = t.value;
    else ctx.problems.add([...path, 'timestamp'], t.error, 'write 2024-01-01T00:00:00Z or epoch milliseconds');
  }
  const partition = typeof m.partition === 'number' && Number.isSafeInteger(m.partition) ? m.partition : null;
  if (partition !== null && topic.partitions !== null && partition >= topic.partitions) {
    ctx.problems.add([...path, 'partition'], `partition ${partition} does not exist: topic ${quote(topic.name)} has ${topic.partitions} partition(s)`, `use a partition from 0 to ${topic.partitions - 1}`);
  }
  const message: SeedMessageSpec = { key: keyOf(m.key), value: m.value ?? null, headers: headers(m.headers), partition, timestamp };
  const explicit = typeof m.id === 'string' || typeof m.id === 'number';
  const id = explicit ? `inline:${entryId(m.id, i)}` : contentId(message);
  return { kind: 'inline', id, message, pos: ctx.source.pos(path) };
}

/** Prefix of the ids of inline entries written without an `id`: they are identified by their content. */
export const CONTENT_ID_PREFIX = 'inline:#';

/**
 * The identity of an inline entry without an `id`: the first 12 hex digits of its content hash, so inserting,
 * removing or reordering entries never changes another entry's identity. Editing such an entry makes it a new
 * entry (the old messages stay); entries meant to be edited take an explicit `id`, whose edit is P006.
 * The n-th repeat of the same content in one topic gets ".n" (n >= 2), so identical messages stay distinct.
 */
function contentId(message: SeedMessageSpec): string {
  return `${CONTENT_ID_PREFIX}${definitionHash({ kind: 'inline', id: '', message, pos: { file: '', line: 0, col: 0 } }).slice(0, 12)}`;
}

/** Numbers repeats of content ids in declaration order: the second identical id-less message gets ".2". */
function numberRepeats(entries: SeedEntrySpec[]): void {
  const seen = new Map<string, number>();
  for (const e of entries) {
    if (!e.id.startsWith(CONTENT_ID_PREFIX)) continue;
    const n = (seen.get(e.id) ?? 0) + 1;
    seen.set(e.id, n);
    if (n > 1) e.id = `${e.id}.${n}`;
  }
}

function file(ctx: SpecContext, base: Path, raw: unknown, i: number): SeedEntrySpec | null {
  const m = asMap(raw);
  const written = typeof raw === 'string' ? raw : typeof m?.path === 'string' ? m.path : null;
  if (written === null || written === '') return null;
  const pathAt: Path = typeof raw === 'string' ? [...base, 'files', i] : [...base, 'files', i, 'path'];
  const rel = normaliseSeedPath(written);
  if (ctx.fileExists && !ctx.fileExists(specPath(ctx, rel))) {
    ctx.problems.add(pathAt, `seed file not found: ${written}`, `seed paths are relative to the spec's directory (${ctx.dir}); create the file or fix the path`);
  }
  const format = m?.format === 'jsonl' || m?.format === 'text' ? m.format : /\.(jsonl|ndjson)$/i.test(rel) ? 'jsonl' : 'text';
  return { kind: 'file', id: `file:${m?.id !== undefined ? entryId(m.id, rel) : rel}`, path: rel, format, pos: ctx.source.pos(pathAt) };
}

function generated(ctx: SpecContext, base: Path, raw: unknown, i: number): SeedEntrySpec {
  const m = asMap(raw) ?? {};
  const path = [...base, 'generate', i];
  return {
    kind: 'generate',
    id: `generate:${entryId(m.id, i)}`,
    count: typeof m.count === 'number' && Number.isSafeInteger(m.count) ? m.count : 0,
    key: typeof m.key === 'string' ? m.key : null,
    value: m.value ?? null,
    headers: headers(m.headers),
    seed: typeof m.seed === 'number' && Number.isSafeInteger(m.seed) ? m.seed : null,
    pos: ctx.source.pos(path),
  };
}

function topicSeed(ctx: SpecContext, topic: TopicSpec, raw: unknown): SeedSpec {
  const base: Path = ['seed', topic.name];
  const m = asMap(raw) ?? {};
  const entries: SeedEntrySpec[] = [];
  const paths: Path[] = [];
  const push = (e: SeedEntrySpec | null, path: Path) => {
    if (!e) return;
    entries.push(e);
    paths.push(path);
  };
  asList(m.messages).forEach((msg, i) => push(inline(ctx, base, msg, i, topic), [...base, 'messages', i]));
  asList(m.files).forEach((f, i) => push(file(ctx, base, f, i), [...base, 'files', i]));
  asList(m.generate).forEach((g, i) => push(generated(ctx, base, g, i), [...base, 'generate', i]));
  numberRepeats(entries);
  // Ids are the exactly-once identity of an entry, so two entries may not share one.
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.id)) {
      ctx.problems.add(paths[i]!, `duplicate seed entry id ${quote(e.id)} in ${formatPath(base)}`, 'give each entry its own id (generate entries default to their index, inline entries to their content)');
    }
    seen.add(e.id);
  });
  const compression = COMPRESSIONS.find((c) => c === m.compression) ?? DEFAULT_SEED_COMPRESSION;
  return { topic: topic.name, compression, entries, pos: ctx.source.pos(base, 'key') };
}

/** Normalises `seed`: every seeded topic must be declared; entries get stable ids; sorted by topic. */
export function normaliseSeeds(ctx: SpecContext, raw: unknown, topics: readonly TopicSpec[]): SeedSpec[] {
  const byName = new Map(topics.map((t) => [t.name, t]));
  const seeds: SeedSpec[] = [];
  for (const [name, value] of Object.entries(asMap(raw) ?? {})) {
    const topic = byName.get(name);
    if (!topic) {
      ctx.problems.add(['seed', name], `seed for undeclared topic ${quote(name)}${didYouMean(name, byName.keys())}`, 'declare the topic under topics, or fix the name here', 'key');
      continue;
    }
    seeds.push(topicSeed(ctx, topic, value));
  }
  return seeds.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}
