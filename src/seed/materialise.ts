import { plural } from '../words.js';
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ErrorCodes, KafkaformError, type Problem } from '../errors.js';
import type { SeedBatch } from '../plan/desired.js';
import type { SeedEntrySpec, SeedSpec, Spec } from '../spec/types.js';
import { BATCH_HEADER_BYTES } from '../kafka/record-batch.js';
import { messageSize } from './batching.js';
import { compressionUnavailable } from '../kafka/compression.js';
import { parseSeedFile, toBytes } from './files.js';
import { definitionHash, fileHash } from './hash.js';
import { createRng } from './prng.js';
import { compileString, compileValue, renderString, renderValue, type CompiledString } from './template.js';
import type { MaterialisedSeed, SeedMessage } from './types.js';

/** {{timestamp}} of the first generated message when the entry has a seed, so seeded output is identical on every run. */
export const SEEDED_BASE_TIME_MS = Date.UTC(2024, 0, 1);

/**
 * Reads every seed entry of the spec into messages, before anything is produced: a bad file or
 * template anywhere fails the whole call with SEED_INVALID listing every problem, so apply never
 * starts producing a seed it cannot finish. Output order: topics as in the spec, entries as declared.
 */
export async function materialiseSeeds(spec: Spec, opts: { keepMessages?: boolean } = {}): Promise<MaterialisedSeed[]> {
  const keep = opts.keepMessages ?? true;
  const problems: Problem[] = [];
  const out: MaterialisedSeed[] = [];
  const baseDir = dirname(spec.file);
  for (const seed of spec.seeds) {
    const codec = compressionUnavailable(seed.compression);
    if (codec) {
      problems.push({ message: codec, at: seed.pos, path: `seed.${seed.topic}.compression`, hint: 'use compression: gzip or none' });
    }
    const seen = new Set<string>();
    for (const entry of seed.entries) {
      if (seen.has(entry.id)) {
        problems.push({ message: `duplicate seed entry id "${entry.id}" in topic ${seed.topic}`, at: entry.pos });
        continue;
      }
      seen.add(entry.id);
      const m = await materialiseEntry(seed, entry, baseDir, problems, keep);
      if (m) out.push(m);
    }
  }
  if (problems.length > 0) {
    const files = new Set(problems.map((p) => p.at?.file).filter((f): f is string => f !== undefined));
    throw new KafkaformError(
      ErrorCodes.SEED_INVALID,
      `seed data has ${plural(problems.length, 'problem')} (in ${[...files].join(', ') || 'the spec'}); nothing was produced`,
      { problems, details: { files: [...files] }, hint: 'fix each line or entry listed above (JSON Lines: one UTF-8 JSON value per line), then run the command again' },
    );
  }
  return out;
}

/** The planner's view of materialised seeds: identity, hash, size and limits, without the messages. */
export function toSeedBatches(seeds: MaterialisedSeed[]): SeedBatch[] {
  return seeds.map(({ topic, entryId, hash, count, source, largestMessageBytes, oldestTimestampMs }) => ({ topic, entryId, hash, count, source, largestMessageBytes, oldestTimestampMs }));
}

/** Folds messages into the largest one (as a one-record batch) and the oldest explicit timestamp, without keeping them. */
class LimitTracker {
  private largest = 0;
  private oldest: number | null = null;
  add(m: SeedMessage): void {
    const size = messageSize(m);
    if (size > this.largest) this.largest = size;
    if (m.timestamp !== null) {
      const t = Number(m.timestamp);
      if (this.oldest === null || t < this.oldest) this.oldest = t;
    }
  }
  /** What max.message.bytes and retention judge. */
  limits(): { largestMessageBytes: number; oldestTimestampMs: number | null } {
    return { largestMessageBytes: this.largest ? BATCH_HEADER_BYTES + this.largest : 0, oldestTimestampMs: this.oldest };
  }
}

/** The limits of a list of messages. */
function limitsOf(messages: SeedMessage[]): { largestMessageBytes: number; oldestTimestampMs: number | null } {
  const t = new LimitTracker();
  for (const m of messages) t.add(m);
  return t.limits();
}

/** One entry's messages, or null after pushing its problems. */
async function materialiseEntry(
  seed: SeedSpec,
  entry: SeedEntrySpec,
  baseDir: string,
  problems: Problem[],
  keep: boolean,
): Promise<MaterialisedSeed | null> {
  const base = { topic: seed.topic, entryId: entry.id, compression: seed.compression };
  switch (entry.kind) {
    case 'inline': {
      const messages = [inlineMessage(entry.message)];
      return { ...base, hash: definitionHash(entry), count: 1, source: 'inline', messages, ...limitsOf(messages) };
    }
    case 'file': {
      const path = resolve(baseDir, entry.path);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push({
          message: code === 'ENOENT' ? `seed file not found: ${entry.path} (looked at ${path})` : `cannot read seed file ${entry.path}: ${(err as Error).message}`,
          at: entry.pos,
          hint: 'seed file paths are relative to the directory of the spec file',
        });
        return null;
      }
      const parsed = parseSeedFile(bytes, entry.format, entry.path);
      if (parsed.problems.length > 0) {
        problems.push(...parsed.problems);
        return null;
      }
      const messages = parsed.messages;
      return { ...base, hash: fileHash(entry.format, bytes), count: messages.length, source: entry.path, messages: keep ? messages : [], ...limitsOf(messages) };
    }
    case 'generate': {
      // Planning only needs the hash (of the definition) and the limits: messages are rendered one at a time and dropped.
      const tracker = new LimitTracker();
      const messages = generate(entry, problems, keep ? null : (m) => tracker.add(m));
      if (!messages) return null;
      if (keep) return { ...base, hash: definitionHash(entry), count: messages.length, source: 'generated', messages, ...limitsOf(messages) };
      return { ...base, hash: definitionHash(entry), count: entry.count, source: 'generated', messages: [], ...tracker.limits() };
    }
  }
}

/** An inline message: string values as they are, structured YAML values as JSON, null as a tombstone. */
function inlineMessage(m: { key: string | null; value: unknown; headers: Record<string, string>; partition: number | null; timestamp: number | null }): SeedMessage {
  return {
    key: m.key === null ? null : Buffer.from(m.key, 'utf8'),
    value: toBytes(m.value),
    headers: { ...m.headers },
    partition: m.partition,
    timestamp: m.timestamp === null ? null : String(m.timestamp),
  };
}

/**
 * A generate entry's messages. With a seed, the output is the same on every run ({{timestamp}} counts
 * from SEEDED_BASE_TIME_MS); without one it differs per run, yet the hash (of the definition) does not,
 * so the entry is still produced only once.
 */
function generate(entry: Extract<SeedEntrySpec, { kind: 'generate' }>, problems: Problem[], stream: ((m: SeedMessage) => void) | null = null): SeedMessage[] | null {
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
  const rng = createRng(entry.seed ?? randomInt(0, 2 ** 32 - 1));
  const seeded = entry.seed !== null;
  const start = seeded ? SEEDED_BASE_TIME_MS : Date.now();
  const messages: SeedMessage[] = stream ? [] : new Array(entry.count);
  for (let index = 0; index < entry.count; index++) {
    // Seeded: one second apart, so ordering by {{timestamp}} matches ordering by {{seq}}.
    const ctx = { index, rng, timeMs: seeded ? start + index * 1000 : start };
    const k = key === null ? null : Buffer.from(renderString(key, ctx), 'utf8');
    let v: Buffer | null = null;
    if (stringValue !== null) v = Buffer.from(renderString(stringValue, ctx), 'utf8');
    else if (value !== null) v = Buffer.from(JSON.stringify(renderValue(value, ctx)), 'utf8');
    const h: Record<string, string> = {};
    for (const [name, t] of headers) h[name] = renderString(t, ctx);
    const m: SeedMessage = { key: k, value: v, headers: h, partition: null, timestamp: null };
    if (stream) stream(m);
    else messages[index] = m;
  }
  return messages;
}
