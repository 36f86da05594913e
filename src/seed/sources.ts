import { randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import type { SeedEntrySpec, Spec } from '../spec/types.js';
import { SeedFileParser, toBytes, type VerbatimSink } from './files.js';
import type { ValueRanges } from '../kafka/record-batch.js';
import { fileHasher } from './hash.js';
import { createRng } from './prng.js';
import { compileString, compileValue, renderString, renderValue, type CompiledString, type CompiledValue } from './template.js';
import type { SeedMessage } from './types.js';

/** {{timestamp}} of the first generated message when the entry has a seed, so seeded output is identical on every run. */
export const SEEDED_BASE_TIME_MS = Date.UTC(2024, 0, 1);

/** Bytes read from a seed file at a time: the most of the file in memory at once, besides one long line. */
const READ_CHUNK_BYTES = 1 << 20;

/** Generated messages rendered per step. */
const GENERATE_STEP = 10_000;

/** Where a seed file of the spec lives: relative to the spec file's directory. */
export function seedFilePath(spec: Spec, path: string): string {
  return resolve(dirname(spec.file), path);
}

/** What reading a file entry found: its hash (of the bytes read) and the messages it held. */
export interface FileTally {
  hash: string;
  count: number;
  /** Of those, messages that are their line's bytes as written (every one: see SeedDigest.verbatim). */
  verbatim?: number;
}

/** How readSeedFile reads: `knownVerbatim` skips scanning (see SeedFileParser); `verbatim` takes verbatim messages as byte ranges; `hash` false leaves tally.hash empty (someone else hashes the file). */
export interface ReadOptions {
  knownVerbatim?: boolean;
  verbatim?: VerbatimSink;
  hash?: boolean;
}

/**
 * Streams a seed file: yields the messages of each chunk read (in file order) and fills `tally` at the end.
 * Problems (unreadable file, bad lines) are pushed onto `problems`; after one, the messages are meaningless.
 * `knownVerbatim` only for bytes whose hash the caller checks; messages given to `verbatim` are not yielded.
 */
export async function* readSeedFile(
  spec: Spec,
  entry: Extract<SeedEntrySpec, { kind: 'file' }>,
  problems: Problem[],
  tally: FileTally,
  opts: ReadOptions = {},
): AsyncGenerator<SeedMessage[]> {
  const path = seedFilePath(spec, entry.path);
  const parser = new SeedFileParser(entry.format, entry.path, opts.knownVerbatim);
  const hash = fileHasher(entry.format);
  const hashing = opts.hash !== false;
  let out: SeedMessage[] = [];
  const emit = (m: SeedMessage): void => {
    out.push(m);
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      if (hashing) hash.update(chunk);
      parser.push(chunk, emit, opts.verbatim);
      tally.count += out.length;
      // With a verbatim sink every chunk is a step, even one that yields no message object.
      if (out.length > 0 || opts.verbatim) yield out;
      out = [];
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({
      message: code === 'ENOENT' ? `seed file not found: ${entry.path} (looked at ${path})` : `cannot read seed file ${entry.path}: ${(err as Error).message}`,
      at: entry.pos,
      hint: 'seed file paths are relative to the directory of the spec file',
    });
    return;
  }
  parser.end(emit, opts.verbatim);
  tally.count += out.length;
  if (out.length > 0) yield out;
  problems.push(...parser.problems);
  tally.hash = hashing ? hash.digest() : '';
  tally.verbatim = parser.verbatimCount;
  if (opts.verbatim) tally.count += parser.verbatimCount;
}

/**
 * A verbatim file's values as byte ranges of the chunks they lie in, chunk by chunk, without a message object
 * each: for files whose digest says every message is verbatim. Fills `tally` (hash, count) at the end.
 */
export async function* readValueRanges(spec: Spec, entry: Extract<SeedEntrySpec, { kind: 'file' }>, problems: Problem[], tally: FileTally): AsyncGenerator<ValueRanges[]> {
  let out: ValueRanges[] = [];
  let current: ValueRanges | null = null;
  const take: VerbatimSink = (bytes, start, end) => {
    if (current === null || current.buf !== bytes || current.count === current.starts.length) {
      // A chunk holds at most one line per 2 bytes (a value and its newline); the spanning line has a buffer of its own.
      const room = current !== null && current.buf === bytes ? current.starts.length * 2 : Math.max(16, bytes.length >> 4);
      current = { buf: bytes, starts: new Int32Array(room), ends: new Int32Array(room), count: 0 };
      out.push(current);
    }
    current.starts[current.count] = start;
    current.ends[current.count++] = end;
  };
  for await (const _ of readSeedFile(spec, entry, problems, tally, { knownVerbatim: true, verbatim: take })) {
    // Each step is one chunk read: hand out its ranges.
    if (out.length > 0) {
      yield out;
      out = [];
      current = null;
    }
  }
  if (out.length > 0) yield out;
}

/** An inline message: string values as they are, structured YAML values as JSON, null as a tombstone. */
export function inlineMessage(m: Extract<SeedEntrySpec, { kind: 'inline' }>['message']): SeedMessage {
  return {
    key: m.key === null ? null : Buffer.from(m.key, 'utf8'),
    value: toBytes(m.value),
    headers: { ...m.headers },
    partition: m.partition,
    timestamp: m.timestamp === null ? null : String(m.timestamp),
  };
}

/** A generate entry with its templates compiled: what rendering needs. */
export interface CompiledGenerator {
  entry: Extract<SeedEntrySpec, { kind: 'generate' }>;
  key: CompiledString | null;
  stringValue: CompiledString | null;
  value: CompiledValue | null;
  headers: [string, CompiledString][];
}

/** Compiles a generate entry's templates; null after pushing its problems. Cheap: nothing is rendered. */
export function compileGenerator(entry: Extract<SeedEntrySpec, { kind: 'generate' }>, problems: Problem[]): CompiledGenerator | null {
  const found: string[] = [];
  const key = entry.key === null ? null : compileString(entry.key, found);
  const stringValue = typeof entry.value === 'string' ? compileString(entry.value, found) : null;
  const value = stringValue === null && entry.value !== null ? compileValue(entry.value, found) : null;
  const headers: [string, CompiledString][] = Object.entries(entry.headers).map(([k, v]) => [k, compileString(v, found)]);
  if (!Number.isSafeInteger(entry.count) || entry.count < 0) found.push(`count must be a non-negative integer, got ${entry.count}`);
  if (found.length > 0) {
    for (const message of found) problems.push({ message: `generate entry "${entry.id}": ${message}`, at: entry.pos });
    return null;
  }
  return { entry, key, stringValue, value, headers };
}

/**
 * A generate entry's messages, GENERATE_STEP at a time. With a seed, the output is the same on every run
 * ({{timestamp}} counts from SEEDED_BASE_TIME_MS); without one it differs per run, yet the hash (of the
 * definition) does not, so the entry is still produced only once.
 */
export function* generateMessages(g: CompiledGenerator): Generator<SeedMessage[]> {
  const { entry, key, stringValue, value, headers } = g;
  const rng = createRng(entry.seed ?? randomInt(0, 2 ** 32 - 1));
  const seeded = entry.seed !== null;
  const start = seeded ? SEEDED_BASE_TIME_MS : Date.now();
  for (let from = 0; from < entry.count; from += GENERATE_STEP) {
    const to = Math.min(entry.count, from + GENERATE_STEP);
    const out: SeedMessage[] = new Array(to - from);
    for (let index = from; index < to; index++) {
      // Seeded: one second apart, so ordering by {{timestamp}} matches ordering by {{seq}}.
      const ctx = { index, rng, timeMs: seeded ? start + index * 1000 : start };
      const k = key === null ? null : Buffer.from(renderString(key, ctx), 'utf8');
      let v: Buffer | null = null;
      if (stringValue !== null) v = Buffer.from(renderString(stringValue, ctx), 'utf8');
      else if (value !== null) v = Buffer.from(JSON.stringify(renderValue(value, ctx)), 'utf8');
      const h: Record<string, string> = {};
      for (const [name, t] of headers) h[name] = renderString(t, ctx);
      out[index - from] = { key: k, value: v, headers: h, partition: null, timestamp: null };
    }
    yield out;
  }
}
