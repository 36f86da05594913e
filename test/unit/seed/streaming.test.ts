import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaformError } from '../../../src/errors.js';
import { planBatches, startCarry } from '../../../src/seed/batching.js';
import { digestSeeds, entryMessages } from '../../../src/seed/digest.js';
import { SeedFileParser, parseSeedFile } from '../../../src/seed/files.js';
import type { SeedMessage } from '../../../src/seed/types.js';
import { file, generated, seedOf, specWith } from './build.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const SAMPLE = Buffer.from(
  '\ufeff{"key":"a","value":{"n":12345678901234567890}}\r\n\n"plain"\n  [1, 2]  \n{"value":"\u00e9t\u00e9","headers":{"h":"x"}}\nbad line\n{"value":1',
  'utf8',
);

/** Feeds `bytes` to a parser in pieces of `size` bytes. */
function chunked(bytes: Buffer, size: number, format: 'jsonl' | 'text' = 'jsonl'): ReturnType<typeof parseSeedFile> {
  const messages: SeedMessage[] = [];
  const p = new SeedFileParser(format, 'f.jsonl');
  const emit = (m: SeedMessage): void => {
    messages.push(m);
  };
  for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size), emit);
  p.end(emit);
  return { messages, problems: p.problems };
}

describe('a seed file read in chunks', () => {
  it('gives the same messages and problems (line:col) at every chunk size as the file read whole', () => {
    for (const format of ['jsonl', 'text'] as const) {
      const whole = parseSeedFile(SAMPLE, format, 'f.jsonl');
      expect(whole.messages.length).toBeGreaterThan(3);
      for (let size = 1; size <= SAMPLE.length; size++) expect(chunked(SAMPLE, size, format)).toEqual(whole);
    }
  });

  it('an edit between plan and produce fails the entry after its last window, so the transaction is aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kft-h14s-unit-'));
    dirs.push(dir);
    await writeFile(join(dir, 'a.jsonl'), Array.from({ length: 1000 }, (_, i) => `{"value":${i}}\n`).join(''));
    const spec = specWith([seedOf('t', [file('a.jsonl')])], dir);
    const [digest] = await digestSeeds(spec);
    const windows: number[] = [];
    for await (const w of entryMessages(spec, digest!, 2000)) windows.push(w.length);
    expect(windows.length).toBeGreaterThan(1);
    expect(windows.reduce((a, b) => a + b, 0)).toBe(1000);

    await writeFile(join(dir, 'a.jsonl'), Array.from({ length: 1000 }, (_, i) => `{"value":${i + 1}}\n`).join(''));
    const read = async (): Promise<void> => {
      for await (const _ of entryMessages(spec, digest!, 2000)) void _;
    };
    await expect(read()).rejects.toThrow(/changed since the plan was made/);
    await writeFile(join(dir, 'a.jsonl'), '{"value":\n');
    await expect(read()).rejects.toBeInstanceOf(KafkaformError);
  });

  it('generated messages come in windows with the same content as one pass', async () => {
    const spec = specWith([seedOf('t', [generated('g', { count: 25_000, key: 'k{{seq}}', value: { n: '{{seq}}' }, seed: 1 })])]);
    const [digest] = await digestSeeds(spec);
    const all: string[] = [];
    for await (const w of entryMessages(spec, digest!, 64 * 1024)) all.push(...w.map((m) => m.value!.toString()));
    expect(all).toHaveLength(25_000);
    expect(all[24_999]).toBe('{"n":25000}');
  });
});

describe('batches planned window by window', () => {
  it('match one pass over all messages: sequence numbers run on per partition', () => {
    const messages: SeedMessage[] = Array.from({ length: 500 }, (_, i) => ({
      key: i % 3 === 0 ? null : Buffer.from(`k${i % 17}`),
      value: Buffer.alloc(50),
      headers: {},
      partition: null,
      timestamp: null,
    }));
    const layout = { count: 4, available: [0, 1, 2, 3], stickyStart: 1 };
    const limits = { maxBytes: 100_000, maxMessages: 1_000_000 };
    const carry = startCarry(layout);
    const perPartition: number[][] = [[], [], [], []];
    const sequences: number[][] = [[], [], [], []];
    for (let from = 0; from < messages.length; from += 70) {
      for (const list of planBatches(messages.slice(from, from + 70), layout, limits, 'e', carry)) {
        for (const b of list) {
          sequences[b.partition]!.push(b.baseSequence);
          perPartition[b.partition]!.push(...b.indices.map((i) => i + from));
          const seen = perPartition[b.partition]!.length;
          expect(b.baseSequence).toBe(seen - b.indices.length);
        }
      }
    }
    expect(perPartition.flat().sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));
    expect(carry.sequences).toEqual(perPartition.map((l) => l.length));
    // Keyed messages go where one pass sends them.
    const once = planBatches(messages, layout, limits, 'e');
    for (let p = 0; p < 4; p++) {
      const keyed = (xs: number[]): number[] => xs.filter((i) => messages[i]!.key !== null);
      expect(keyed(perPartition[p]!)).toEqual(keyed(once[p]!.flatMap((b) => b.indices)));
    }
  });
});

describe('what each command reads', () => {
  it('destroy reads no seed source (a malformed file does not stop it); the other commands check every one', async () => {
    const { loadDesired } = await import('../../../src/cli/session.js');
    const dir = await mkdtemp(join(tmpdir(), 'kft-h14s-unit-'));
    dirs.push(dir);
    const file = join(dir, 'kafka.config.yaml');
    await writeFile(file, 'version: 1\nproject: p\ncluster: { bootstrapServers: localhost:9092 }\ntopics:\n  t: {}\nseed:\n  t:\n    files: [bad.jsonl]\n');
    await writeFile(join(dir, 'bad.jsonl'), '{\n');
    await expect(loadDesired(file, undefined, {}, { seeds: false })).resolves.toMatchObject({ seeds: [] });
    await expect(loadDesired(file, undefined, {})).rejects.toThrow(/seed data has 1 problem/);
  });
});
