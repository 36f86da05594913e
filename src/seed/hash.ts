import { createHash } from 'node:crypto';
import type { SeedEntrySpec } from '../spec/types.js';

/** Version of the hash encoding; changing the encoding would make every produced entry look edited. */
const HASH_VERSION = 'kafkaform-seed-v1';

/**
 * JSON with object keys sorted at every level, so a YAML edit that only reorders keys keeps the hash.
 * Non-JSON values (undefined, functions) cannot come out of YAML and are encoded as null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    if (value instanceof Date) return JSON.stringify(value.toISOString());
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  const json = JSON.stringify(value);
  return json === undefined ? 'null' : json;
}

/** sha256 (hex) of an inline or generate entry's definition: what the user wrote, not what it produced. */
export function definitionHash(entry: Exclude<SeedEntrySpec, { kind: 'file' }>): string {
  const def =
    entry.kind === 'inline'
      ? { kind: 'inline', message: entry.message }
      : { kind: 'generate', count: entry.count, key: entry.key, value: entry.value, headers: entry.headers, seed: entry.seed };
  return createHash('sha256').update(HASH_VERSION).update('\0').update(canonicalJson(def)).digest('hex');
}

/** sha256 (hex) of a seed file: its exact bytes and the format they are read in (the same bytes read as text differ). */
export function fileHash(format: string, bytes: Buffer): string {
  const h = fileHasher(format);
  h.update(bytes);
  return h.digest();
}

/** What fileHash feeds sha256 before the file's bytes. */
function fileHashPrefix(format: string): string[] {
  return [HASH_VERSION, '\0file\0', format, '\0'];
}

/** fileHash computed over a file's bytes fed in chunks, so the file need not be in memory at once. */
export function fileHasher(format: string): { update(chunk: Uint8Array): void; digest(): string } {
  const h = createHash('sha256');
  for (const part of fileHashPrefix(format)) h.update(part);
  return { update: (chunk) => void h.update(chunk), digest: () => h.digest('hex') };
}

// A worker that streams one file through sha256 (with fileHash's prefix) and posts the hex digest.
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const h = createHash('sha256');
for (const part of workerData.prefix) h.update(part);
const s = createReadStream(workerData.path, { highWaterMark: 1 << 20 });
s.on('data', (c) => h.update(c));
s.on('error', (e) => { throw e; });
s.on('end', () => parentPort.postMessage(h.digest('hex')));
`;

/**
 * fileHash of the file at `path`, computed on a worker thread, so a caller that reads the same file to check it
 * spends its own thread on that alone. Rejects when the file cannot be read.
 */
export async function fileHashOnWorker(path: string, format: string): Promise<string> {
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: { path, prefix: fileHashPrefix(format) } });
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing worker for ${path} stopped (exit code ${code})`)));
  });
}
