import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError, formatPos } from '../../../src/errors.js';
import { SEEDED_BASE_TIME_MS, digestSeeds, materialiseSeeds } from '../../../src/seed/digest.js';
import type { MaterialisedSeed } from '../../../src/seed/types.js';
import { SEED_FIXTURES, file, generated, inline, seedOf, specWith } from './build.js';

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
const values = (m: MaterialisedSeed): (string | null)[] => m.messages.map((x) => text(x.value));

async function seedError(p: Promise<unknown>): Promise<KafkaformError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KafkaformError);
  return err as KafkaformError;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kf-seed-unit-'));
  dirs.push(d);
  return d;
}

describe('inline entries', () => {
  it('produces strings as they are, structured values as JSON, null as a tombstone', async () => {
    const [m] = await materialiseSeeds(
      specWith([
        seedOf('purchases', [
          inline('0', 'plain text', { key: 'k1', headers: { source: 'demo' }, partition: 2, timestamp: 1704067200000 }),
          inline('1', { item: 'book', tags: ['a', 'b'], qty: 1 }),
          inline('2', 42),
          inline('3', true),
          inline('4', null, { key: 'gone' }),
        ]),
      ]),
    ).then((all) => [all]);
    expect(m).toHaveLength(5);
    const [a, b, c, d, e] = m!;
    expect(a!.messages[0]).toEqual({ key: Buffer.from('k1'), value: Buffer.from('plain text'), headers: { source: 'demo' }, partition: 2, timestamp: '1704067200000' });
    expect(text(b!.messages[0]!.value)).toBe('{"item":"book","tags":["a","b"],"qty":1}');
    expect(text(c!.messages[0]!.value)).toBe('42');
    expect(text(d!.messages[0]!.value)).toBe('true');
    expect(e!.messages[0]!.value).toBeNull();
    expect(e!.messages[0]!.key?.toString()).toBe('gone');
    expect(a).toMatchObject({ topic: 'purchases', entryId: 'inline:0', count: 1, source: 'inline', compression: 'none' });
  });

  it('hashes the definition: key order does not matter, content does', async () => {
    const hashOf = async (value: unknown, key: string | null = null): Promise<string> =>
      (await materialiseSeeds(specWith([seedOf('t', [inline('0', value, { key })])])))[0]!.hash;
    expect(await hashOf({ a: 1, b: 2 })).toBe(await hashOf({ b: 2, a: 1 }));
    expect(await hashOf({ a: 1 })).not.toBe(await hashOf({ a: 2 }));
    expect(await hashOf('x', 'k1')).not.toBe(await hashOf('x', 'k2'));
    expect(await hashOf('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('file entries', () => {
  it('reads JSON Lines: message objects, bare values, JSON strings raw, blank lines skipped', async () => {
    const [m] = await materialiseSeeds(specWith([seedOf('t', [file('messages.jsonl')])]));
    expect(m).toMatchObject({ entryId: 'file:messages.jsonl', source: 'messages.jsonl', count: 7 });
    expect(values(m!)).toEqual([
      '{"item":"book","qty":1}',
      '{"item":"pen","price":1.50}',
      'a plain string',
      '42',
      'text value',
      '[1, 2, 3]',
      null,
    ]);
    expect(m!.messages[0]).toMatchObject({ key: Buffer.from('user-1'), headers: { source: 'demo' }, partition: null, timestamp: null });
    expect(m!.messages[4]).toMatchObject({ key: null, partition: 0, timestamp: String(Date.UTC(2024, 0, 1)) });
    expect(text(m!.messages[6]!.key)).toBe('deleted-user');
  });

  it('reads plain text: one value per line, CR of CRLF and blank lines dropped, bytes kept', async () => {
    const [m] = await materialiseSeeds(specWith([seedOf('t', [file('lines.txt', 'text')])]));
    expect(values(m!)).toEqual(['first line', 'second line', 'third line with ünïcode']);
    expect(m!.messages.every((x) => x.key === null)).toBe(true);
  });

  it('hashes file bytes and format: same bytes same hash, an edit or another format changes it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.jsonl'), '{"x":1}\n');
    const hash = async (format: 'jsonl' | 'text' = 'jsonl'): Promise<string> =>
      (await materialiseSeeds(specWith([seedOf('t', [file('a.jsonl', format)])], dir)))[0]!.hash;
    const first = await hash();
    expect(await hash()).toBe(first);
    expect(await hash('text')).not.toBe(first);
    await writeFile(join(dir, 'a.jsonl'), '{"x":2}\n');
    expect(await hash()).not.toBe(first);
  });

  it('resolves paths against the spec directory, not the working directory', async () => {
    const dir = await tempDir();
    await cp(join(SEED_FIXTURES, 'lines.txt'), join(dir, 'sub-lines.txt'));
    const [m] = await materialiseSeeds(specWith([seedOf('t', [file('sub-lines.txt', 'text')])], dir));
    expect(m!.count).toBe(3);
  });

  it('reports every malformed line at file:line:col and materialises nothing', async () => {
    const err = await seedError(materialiseSeeds(specWith([seedOf('t', [inline('0', 'fine'), file('bad.jsonl')])])));
    expect(err.code).toBe(ErrorCodes.SEED_INVALID);
    const located = err.problems.map((p) => `${formatPos(p.at!)}: ${p.message}`);
    expect(located).toEqual([
      `bad.jsonl:2:17: unexpected token "}", expected a property name in double quotes`,
      `bad.jsonl:4:9: unexpected token "\\"", expected ':'`,
      `bad.jsonl:5:1: unexpected token "n", expected a JSON value`,
      `bad.jsonl:6:1: "partition" must be a non-negative integer`,
      `bad.jsonl:7:6: unterminated string`,
    ]);
    expect(err.message).toMatch(/5 problems .*bad\.jsonl.*nothing was produced/);
  });

  it('lists at most 20 bad lines and counts the rest', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'many.jsonl'), Array.from({ length: 25 }, (_, i) => `{"n":${i},}`).join('\n'));
    const err = await seedError(materialiseSeeds(specWith([seedOf('t', [file('many.jsonl')])], dir)));
    expect(err.problems).toHaveLength(21);
    expect(err.problems[19]!.at).toEqual({ file: 'many.jsonl', line: 20, col: 9 });
    expect(err.problems[20]!.message).toBe('... and 5 more malformed lines');
  });

  it('counts columns in characters after multi-byte text and leading spaces', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'u.jsonl'), '  {"name":"ünï" x}\n');
    const err = await seedError(materialiseSeeds(specWith([seedOf('t', [file('u.jsonl')])], dir)));
    expect(err.problems[0]!.at).toEqual({ file: 'u.jsonl', line: 1, col: 17 });
  });

  it('reports a missing file at the entry, with the resolved path', async () => {
    const err = await seedError(materialiseSeeds(specWith([seedOf('t', [file('nope.jsonl')])])));
    expect(err.problems[0]!.message).toContain('seed file not found: nope.jsonl');
    expect(err.problems[0]!.at?.file).toMatch(/kafka\.config\.yaml$/);
  });
});

describe('generate entries', () => {
  const def = {
    count: 5,
    key: 'user-{{seq}}',
    value: { id: '{{uuid}}', n: '{{seq}}', i: '{{index}}', amount: '{{int:10:20}}', item: '{{pick:book|pen|lamp}}', at: '{{timestamp}}', day: '{{date}}', label: 'order {{seq}} of {{pick:a|b}}' },
    headers: { batch: 'b-{{index}}' },
    seed: 7,
  };

  it('is deterministic with a seed and fills every placeholder', async () => {
    const run = async (): Promise<MaterialisedSeed> => (await materialiseSeeds(specWith([seedOf('t', [generated('orders', def)])])))[0]!;
    const a = await run();
    const b = await run();
    expect(values(a)).toEqual(values(b));
    expect(a).toMatchObject({ entryId: 'generate:orders', count: 5, source: 'generated' });
    const parsed = values(a).map((v) => JSON.parse(v!) as Record<string, unknown>);
    parsed.forEach((p, i) => {
      expect(p.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(p.n).toBe(i + 1);
      expect(p.i).toBe(i);
      expect(p.amount).toBeGreaterThanOrEqual(10);
      expect(p.amount).toBeLessThanOrEqual(20);
      expect(Number.isInteger(p.amount)).toBe(true);
      expect(['book', 'pen', 'lamp']).toContain(p.item);
      expect(p.at).toBe(new Date(SEEDED_BASE_TIME_MS + i * 1000).toISOString());
      expect(p.day).toBe('2024-01-01');
      expect(p.label).toMatch(new RegExp(`^order ${i + 1} of [ab]$`));
      expect(a.messages[i]!.key?.toString()).toBe(`user-${i + 1}`);
      expect(a.messages[i]!.headers).toEqual({ batch: `b-${i}` });
    });
    expect(new Set(parsed.map((p) => p.id)).size).toBe(5);
  });

  it('differs with another seed, and between runs without a seed, while the hash stays the definition', async () => {
    const run = async (seed: number | null): Promise<MaterialisedSeed> =>
      (await materialiseSeeds(specWith([seedOf('t', [generated('orders', { ...def, seed })])])))[0]!;
    expect(values(await run(7))).not.toEqual(values(await run(8)));
    const x = await run(null);
    const y = await run(null);
    expect(values(x)).not.toEqual(values(y));
    expect(x.hash).toBe(y.hash);
    expect(x.hash).not.toBe((await run(7)).hash);
  });

  it('keeps string values as text and counts 0 as no messages', async () => {
    const [a, b] = await materialiseSeeds(
      specWith([seedOf('t', [generated('s', { count: 3, value: 'line {{seq}}', seed: 1 }), generated('z', { count: 0, value: 'x' })])]),
    );
    expect(values(a!)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(b!.messages).toEqual([]);
  });

  it('changes the hash when the count or a template changes', async () => {
    const hash = async (d: typeof def): Promise<string> => (await materialiseSeeds(specWith([seedOf('t', [generated('o', d)])])))[0]!.hash;
    const base = await hash(def);
    expect(await hash({ ...def })).toBe(base);
    expect(await hash({ ...def, count: 6 })).not.toBe(base);
    expect(await hash({ ...def, key: 'u-{{seq}}' })).not.toBe(base);
  });

  it('reports unknown placeholders and empty ranges with the entry position', async () => {
    const err = await seedError(
      materialiseSeeds(specWith([seedOf('t', [generated('bad', { count: 2, value: { a: '{{nope}}', b: '{{int:5:1}}', c: '{{pick:}}' } })])])),
    );
    expect(err.code).toBe(ErrorCodes.SEED_INVALID);
    expect(err.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('unknown placeholder "nope"'),
      expect.stringContaining('int range is empty (5 > 1)'),
      expect.stringContaining('pick needs choices'),
    ]);
    expect(err.problems[0]!.at?.line).toBe(1);
  });
});

describe('stability across versions', () => {
  // Changing either would re-produce every seeded entry (new hash) or change seeded data (new sequence):
  // such a change needs a migration note, so these values are pinned.
  it('keeps the hash encoding and the seeded generator sequence', async () => {
    const [a, g] = await materialiseSeeds(
      specWith([seedOf('t', [inline('0', { item: 'book' }, { key: 'k' }), generated('g', { count: 2, value: '{{uuid}} {{int:1:1000}} {{pick:a|b|c}}', seed: 42 })])]),
    );
    expect(a!.hash).toBe('2181063b98bde0c538ccc73276f26eee78857fe232889be141c4a4393e72d618');
    expect(g!.hash).toBe('91b60443d3a8049ecba94835698d859328241b0e8dca157ee90f6ada38ca1cf4');
    expect(values(g!)).toEqual(['99e1ef7c-72c3-4b8a-9a3b-32c0ab73b0ad 175 b', '45f24514-9fef-4401-9d8f-bf1e78e9c541 250 c']);
  });
});

describe('compression and planner view', () => {
  it('refuses codecs kafkajs does not ship, naming the package', async () => {
    const err = await seedError(materialiseSeeds(specWith([seedOf('t', [inline('0', 'x')], 'zstd')])));
    expect(err.problems[0]!.message).toBe('compression zstd needs the codec @kafkajs/zstd, which is not installed');
    await expect(materialiseSeeds(specWith([seedOf('t', [inline('0', 'x')], 'gzip')]))).resolves.toHaveLength(1);
  });

  it('digestSeeds keeps identity, hash, count, source and limits only, the same as reading every message', async () => {
    const spec = specWith([seedOf('t', [inline('0', 'x'), file('lines.txt', 'text')])]);
    const seeds = await materialiseSeeds(spec);
    expect(await digestSeeds(spec)).toEqual([
      { topic: 't', entryId: 'inline:0', hash: seeds[0]!.hash, count: 1, source: 'inline', largestMessageBytes: expect.any(Number), oldestTimestampMs: null },
      { topic: 't', entryId: 'file:lines.txt', hash: seeds[1]!.hash, count: 3, source: 'lines.txt', largestMessageBytes: expect.any(Number), oldestTimestampMs: null, verbatim: true },
    ]);
  });
});
