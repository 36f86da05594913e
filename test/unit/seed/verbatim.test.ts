import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';
import { digestSeeds, entryMessages } from '../../../src/seed/digest.js';
import { fileHash, fileHashOnWorker } from '../../../src/seed/hash.js';
import { isScanError, scanJsonLine } from '../../../src/seed/json-scan.js';
import type { SeedMessage } from '../../../src/seed/types.js';
import { file, seedOf, specWith } from './build.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A spec with one JSON Lines file entry holding `text`, in a fresh directory. */
async function specOf(text: string): Promise<{ spec: ReturnType<typeof specWith>; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-verbatim-'));
  dirs.push(dir);
  const path = join(dir, 'data.jsonl');
  await writeFile(path, text);
  return { spec: specWith([seedOf('t', [file('data.jsonl')])], dir), path };
}

async function produced(spec: ReturnType<typeof specWith>, digest: Awaited<ReturnType<typeof digestSeeds>>[number]): Promise<SeedMessage[]> {
  const out: SeedMessage[] = [];
  for await (const w of entryMessages(spec, digest, 64)) out.push(...w);
  return out;
}

const show = (ms: SeedMessage[]): unknown[] => ms.map((m) => ({ ...m, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null }));

describe('verbatim files: lines produced as written are not scanned again at apply', () => {
  it('marks a file of plain values verbatim, and not one with a message object or a JSON string', async () => {
    const plain = await specOf('{"a":1}\n\n  [1, 2]  \n42\ntrue\r\n');
    expect((await digestSeeds(plain.spec))[0]!.verbatim).toBe(true);
    const withMessage = await specOf('{"a":1}\n{"key":"k","value":"v"}\n');
    expect((await digestSeeds(withMessage.spec))[0]!.verbatim).toBeUndefined();
    const withString = await specOf('{"a":1}\n"text"\n');
    expect((await digestSeeds(withString.spec))[0]!.verbatim).toBeUndefined();
  });

  it('produces the same messages with and without the verbatim shortcut, BOM, blanks and CRLF included', async () => {
    const lines = ['\uFEFF{"id":1,"note":"caf\u00e9"}', '', '   ', '{"id":2} ', '\t[1,2,3]\r', '12345678901234567890', 'null', '{"id":3,"deep":{"a":[{"b":null}]}}'];
    const { spec } = await specOf(lines.join('\n') + '\n');
    const [digest] = await digestSeeds(spec);
    expect(digest!.verbatim).toBe(true);
    const fast = await produced(spec, digest!);
    const scanned = await produced(spec, { ...digest!, verbatim: undefined });
    expect(show(fast)).toEqual(show(scanned));
    expect(fast.map((m) => m.value!.toString())).toEqual(['{"id":1,"note":"café"}', '{"id":2}', '[1,2,3]', '12345678901234567890', 'null', '{"id":3,"deep":{"a":[{"b":null}]}}']);
  });

  it('a file edited after the digest into lines that need scanning fails the entry after its last window, so its transaction aborts', async () => {
    const { spec, path } = await specOf('{"a":1}\n{"a":2}\n');
    const [digest] = await digestSeeds(spec);
    expect(digest!.verbatim).toBe(true);
    await writeFile(path, '{"key":"k","value":"v"}\n{"a":2}\n');
    const err = await produced(spec, digest!).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaformError);
    expect((err as KafkaformError).code).toBe(ErrorCodes.APPLY_FAILED);
    expect((err as KafkaformError).message).toMatch(/changed since the plan was made/);
  });
});

describe('the string scanner reads words at any alignment', () => {
  it('gives the same verdict for a line at every byte offset of its buffer', () => {
    const cases = ['"\\"  ', '"abcdefghijklmnop"', '"abc\\u00e9defghij"', '"abcdefgh\u0001ij"', '"abcdefghijklmno', '{"k":"vvvvvvvvvvvv","n":1}', '"x"', '""', '"ab\\"cd\\\\efgh"'];
    for (const text of cases) {
      const line = Buffer.from(text);
      const verdicts = new Set<string>();
      for (let offset = 0; offset < 8; offset++) {
        for (let tail = 0; tail < 5; tail++) {
          const buf = Buffer.alloc(offset + line.length + tail, 0x22); // quotes around it: a scan past its end would stop on them
          line.copy(buf, offset);
          const r = scanJsonLine(buf, offset, offset + line.length);
          verdicts.add(isScanError(r) ? `error ${r.offset - offset} ${r.message}` : JSON.stringify(r));
        }
      }
      let expected: string;
      try {
        JSON.parse(text);
        expected = 'accepted';
      } catch {
        expected = 'refused';
      }
      expect([...verdicts], text).toHaveLength(1);
      expect([...verdicts][0]!.startsWith('error') ? 'refused' : 'accepted', text).toBe(expected);
    }
  });
});

describe('large files are hashed on a worker thread while they are checked', () => {
  it('gives the same hash as hashing on this thread, for a file above the threshold and a small one', async () => {
    const line = `{"n":1,"t":"${'x'.repeat(200)}"}\n`;
    const big = await specOf(line.repeat(Math.ceil((33 * 1024 * 1024) / line.length)));
    const small = await specOf(line.repeat(10));
    for (const { spec, path } of [big, small]) {
      const [digest] = await digestSeeds(spec);
      expect(digest!.hash).toBe(fileHash('jsonl', await readFile(path)));
      expect(await fileHashOnWorker(path, 'jsonl')).toBe(digest!.hash);
    }
  });

  it('rejects for a file it cannot read', async () => {
    await expect(fileHashOnWorker('/nonexistent/kafkaform/seed.jsonl', 'jsonl')).rejects.toThrow(/ENOENT/);
  });
});
