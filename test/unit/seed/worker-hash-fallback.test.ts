import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileHash } from '../../../src/seed/hash.js';
import { file, seedOf, specWith } from './build.js';

// What the hashing worker answers, per test: a rejection, or a wrong hash after touching the file (as an edit would).
const worker = vi.hoisted(() => ({ answer: async (_path: string): Promise<string> => 'unset' }));
vi.mock('../../../src/seed/hash.js', async (original) => ({
  ...(await original<typeof import('../../../src/seed/hash.js')>()),
  fileHashOnWorker: (path: string) => worker.answer(path),
}));
const { digestSeeds } = await import('../../../src/seed/digest.js');

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A 33 MiB JSON Lines file (above the worker threshold) in a fresh directory, and a spec with it as one entry. */
async function bigEntry(): Promise<{ spec: ReturnType<typeof specWith>; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-worker-hash-'));
  dirs.push(dir);
  const path = join(dir, 'big.jsonl');
  const line = `{"n":1,"t":"${'x'.repeat(200)}"}\n`;
  await writeFile(path, line.repeat(Math.ceil((33 * 1024 * 1024) / line.length)));
  return { spec: specWith([seedOf('t', [file('big.jsonl')])], dir), path };
}

describe('the hashing worker of a large seed file is trusted only when both reads saw the same file', () => {
  it('hashes on this thread when the worker fails', async () => {
    const { spec, path } = await bigEntry();
    worker.answer = async () => {
      throw new Error('worker died');
    };
    const [digest] = await digestSeeds(spec);
    expect(digest!.hash).toBe(fileHash('jsonl', await readFile(path)));
  });

  it("ignores the worker's hash when the file's modification time moved while it was read", async () => {
    const { spec, path } = await bigEntry();
    worker.answer = async (p) => {
      await utimes(p, new Date(), new Date(Date.now() + 60_000));
      return 'a hash of other bytes';
    };
    const [digest] = await digestSeeds(spec);
    expect(digest!.hash).toBe(fileHash('jsonl', await readFile(path)));
  });

  it("takes the worker's hash when nothing moved", async () => {
    const { spec } = await bigEntry();
    worker.answer = async () => 'the worker said so';
    const [digest] = await digestSeeds(spec);
    expect(digest!.hash).toBe('the worker said so');
  });
});
