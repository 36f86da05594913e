import { stat } from 'node:fs/promises';
import { plural } from '../words.js';
import { ErrorCodes, KafkaformError, type Problem } from '../errors.js';
import type { SeedDigest } from '../plan/desired.js';
import type { SeedEntrySpec, SeedSpec, Spec } from '../spec/types.js';
import { BATCH_HEADER_BYTES, type ValueRanges } from '../kafka/record-batch.js';
import { messageSize, valueSize } from './batching.js';
import { compressionUnavailable } from '../kafka/compression.js';
import { definitionHash, fileHashOnWorker } from './hash.js';
import { compileGenerator, generateMessages, inlineMessage, readSeedFile, readValueRanges, seedFilePath, type FileTally } from './sources.js';
import type { MaterialisedSeed, SeedMessage } from './types.js';

export { SEEDED_BASE_TIME_MS } from './sources.js';

/** Messages of an entry handed to the producer at once (estimated bytes): what a large entry holds in memory. */
export const WINDOW_BYTES = 16 * 1024 * 1024;
/** The first window of a verbatim file; each next one is twice as large, up to WINDOW_BYTES. */
const FIRST_WINDOW_BYTES = 1024 * 1024;

/**
 * Checks and digests every seed entry of the spec without keeping its messages: files are hashed and parsed
 * as they stream by, inline messages are sized, generate entries are hashed by their definition (their
 * templates compiled, nothing rendered). A bad file or template anywhere fails the whole call with
 * SEED_INVALID listing every problem, so apply never starts producing a seed it cannot finish.
 * Output order: topics as in the spec, entries as declared.
 */
export async function digestSeeds(spec: Spec): Promise<SeedDigest[]> {
  const problems: Problem[] = [];
  const out: SeedDigest[] = [];
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
      const d = await digestEntry(spec, seed, entry, problems);
      if (d) out.push(d);
    }
  }
  if (problems.length > 0) throw seedInvalid(problems);
  return out;
}

/** Every entry's digest with all its messages in memory: for tests and small seeds; apply streams with entryMessages. */
export async function materialiseSeeds(spec: Spec): Promise<MaterialisedSeed[]> {
  const digests = await digestSeeds(spec);
  const out: MaterialisedSeed[] = [];
  for (const d of digests) {
    const messages: SeedMessage[] = [];
    for await (const w of entryMessages(spec, d)) messages.push(...w);
    out.push({ ...d, compression: compressionOf(spec, d.topic), messages });
  }
  return out;
}

/** The compression of a topic's seeds. */
export function compressionOf(spec: Spec, topic: string): SeedSpec['compression'] {
  return spec.seeds.find((s) => s.topic === topic)?.compression ?? 'none';
}

/**
 * An entry's messages in production order, read from its source again and handed out in windows of about
 * `windowBytes`, so memory stays bounded whatever the entry's size. When the source no longer matches the
 * digest (edited, or now malformed) it throws after the last window, so a producer that has sent the
 * earlier windows in a transaction aborts it.
 */
export async function* entryMessages(spec: Spec, digest: SeedDigest, windowBytes = WINDOW_BYTES): AsyncGenerator<SeedMessage[]> {
  const entry = spec.seeds.find((s) => s.topic === digest.topic)?.entries.find((e) => e.id === digest.entryId);
  if (!entry) throw new KafkaformError(ErrorCodes.INTERNAL, `seed entry ${digest.entryId} of topic ${digest.topic} is planned but is not in the spec; this is a bug, please report it`);
  const changed = (): KafkaformError =>
    new KafkaformError(ErrorCodes.APPLY_FAILED, `seed entry ${digest.entryId} of topic ${digest.topic} changed since the plan was made`, {
      hint: 'run `kafkaform plan` again and apply the new plan',
    });
  if (entry.kind !== 'file') {
    if (definitionHash(entry) !== digest.hash) throw changed();
    if (entry.kind === 'inline') {
      yield [inlineMessage(entry.message)];
      return;
    }
    const problems: Problem[] = [];
    const g = compileGenerator(entry, problems);
    if (!g) throw seedInvalid(problems);
    yield* windows(generateMessages(g), windowBytes);
    return;
  }
  const problems: Problem[] = [];
  const tally: FileTally = { hash: '', count: 0 };
  yield* windows(readSeedFile(spec, entry, problems, tally, { knownVerbatim: digest.verbatim === true }), windowBytes);
  if (problems.length > 0) throw seedInvalid(problems);
  if (tally.hash !== digest.hash || tally.count !== digest.count) throw changed();
}

/**
 * A verbatim file entry's values (see SeedDigest.verbatim) as byte ranges, in windows of about `windowBytes` of
 * file: what entryMessages hands out, without a message object per value. Throws after the last window when the
 * file no longer matches the digest, so the producer aborts its transaction.
 */
export async function* entryValueRanges(spec: Spec, digest: SeedDigest, windowBytes = WINDOW_BYTES): AsyncGenerator<ValueRanges[]> {
  const entry = spec.seeds.find((s) => s.topic === digest.topic)?.entries.find((e) => e.id === digest.entryId);
  if (entry?.kind !== 'file' || digest.verbatim !== true) {
    throw new KafkaformError(ErrorCodes.INTERNAL, `seed entry ${digest.entryId} of topic ${digest.topic} is not a verbatim file entry; this is a bug, please report it`);
  }
  const problems: Problem[] = [];
  const tally: FileTally = { hash: '', count: 0 };
  let window: ValueRanges[] = [];
  let bytes = 0;
  // Windows grow from 1 MiB: the first requests leave while the rest of the file is still being read.
  let limit = Math.min(windowBytes, FIRST_WINDOW_BYTES);
  for await (const piece of readValueRanges(spec, entry, problems, tally)) {
    for (const r of piece) {
      window.push(r);
      bytes += r.buf.length;
    }
    if (bytes >= limit) {
      yield window;
      window = [];
      bytes = 0;
      limit = Math.min(windowBytes, limit * 2);
    }
  }
  if (window.length > 0) yield window;
  if (problems.length > 0) throw seedInvalid(problems);
  if (tally.hash !== digest.hash || tally.count !== digest.count) {
    throw new KafkaformError(ErrorCodes.APPLY_FAILED, `seed entry ${digest.entryId} of topic ${digest.topic} changed since the plan was made`, {
      hint: 'run `kafkaform plan` again and apply the new plan',
    });
  }
}

/** Regroups pieces of messages into windows of about `windowBytes` (estimated record bytes). */
async function* windows(pieces: AsyncIterable<SeedMessage[]> | Iterable<SeedMessage[]>, windowBytes: number): AsyncGenerator<SeedMessage[]> {
  let window: SeedMessage[] = [];
  let bytes = 0;
  for await (const piece of pieces) {
    for (const m of piece) {
      window.push(m);
      bytes += messageSize(m);
      if (bytes >= windowBytes) {
        yield window;
        window = [];
        bytes = 0;
      }
    }
  }
  if (window.length > 0) yield window;
}

/** SEED_INVALID listing every problem and the files they are in. */
function seedInvalid(problems: Problem[]): KafkaformError {
  const files = new Set(problems.map((p) => p.at?.file).filter((f): f is string => f !== undefined));
  return new KafkaformError(
    ErrorCodes.SEED_INVALID,
    `seed data has ${plural(problems.length, 'problem')} (in ${[...files].join(', ') || 'the spec'}); nothing was produced`,
    { problems, details: { files: [...files] }, hint: 'fix each line or entry listed above (JSON Lines: one UTF-8 JSON value per line), then run the command again' },
  );
}

/** Folds messages into the largest one (as a one-record batch) and the oldest explicit timestamp, without keeping them. */
class LimitTracker {
  private largest = 0;
  private oldest: number | null = null;
  /** A verbatim message of `length` value bytes (no key, headers or timestamp). */
  addValue(length: number): void {
    const size = valueSize(length);
    if (size > this.largest) this.largest = size;
  }
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

/** Files at least this large are hashed on a worker thread while they are checked (a thread costs about 30 ms to start). */
const WORKER_HASH_BYTES = 32 * 1024 * 1024;

/** One entry's digest, or null after pushing its problems; `sameThread` hashes a file on this thread whatever its size. */
async function digestEntry(spec: Spec, seed: SeedSpec, entry: SeedEntrySpec, problems: Problem[], opts: { sameThread?: boolean } = {}): Promise<SeedDigest | null> {
  const base = { topic: seed.topic, entryId: entry.id };
  switch (entry.kind) {
    case 'inline': {
      const t = new LimitTracker();
      t.add(inlineMessage(entry.message));
      return { ...base, hash: definitionHash(entry), count: 1, source: 'inline', ...t.limits() };
    }
    case 'file': {
      const t = new LimitTracker();
      const found: Problem[] = [];
      const tally: FileTally = { hash: '', count: 0 };
      const verbatim = (_bytes: Buffer, start: number, end: number): void => t.addValue(end - start);
      // A large file is hashed on a second thread while this one checks it. The two reads must see the same bytes:
      // when the file's identity, size or modification time moved meanwhile, it is read once more, hashed here.
      const path = seedFilePath(spec, entry.path);
      const before = await stat(path).catch(() => null);
      const hashed = !opts.sameThread && (before?.size ?? 0) >= WORKER_HASH_BYTES ? fileHashOnWorker(path, entry.format).catch(() => null) : null;
      for await (const piece of readSeedFile(spec, entry, found, tally, { verbatim, hash: hashed === null })) for (const m of piece) t.add(m);
      if (found.length > 0) {
        problems.push(...found);
        return null;
      }
      if (hashed) {
        const hex = await hashed;
        const after = await stat(path).catch(() => null);
        if (hex === null || !after || !before || after.ino !== before.ino || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
          return digestEntry(spec, seed, entry, problems, { sameThread: true });
        }
        tally.hash = hex;
      }
      return { ...base, hash: tally.hash, count: tally.count, source: entry.path, ...t.limits(), ...(tally.verbatim === tally.count ? { verbatim: true } : {}) };
    }
    case 'generate': {
      // The definition is the identity: nothing is rendered to plan. Sizes are not known before apply, where
      // Kafka refuses a message above max.message.bytes and the entry's transaction is aborted.
      if (!compileGenerator(entry, problems)) return null;
      return { ...base, hash: definitionHash(entry), count: entry.count, source: 'generated' };
    }
  }
}
