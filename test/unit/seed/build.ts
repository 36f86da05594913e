import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeedEntrySpec, SeedSpec, Spec } from '../../../src/spec/types.js';

/** Directory of the seed fixture files; specs built here live beside them. */
export const SEED_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/seeds');

const pos = { file: join(SEED_FIXTURES, 'kafka.config.yaml'), line: 1, col: 1 };

/** A spec with the given seeds, its file in `dir` (seed paths resolve against it). */
export function specWith(seeds: SeedSpec[], dir = SEED_FIXTURES): Spec {
  return {
    version: 1,
    project: 'demo',
    file: join(dir, 'kafka.config.yaml'),
    cluster: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test', connectionTimeoutMs: 1000, requestTimeoutMs: 1000, tls: null, sasl: null },
    topics: [],
    containers: null,
    seeds,
    allowDelete: false,
  };
}

/** A seed section of one topic. */
export function seedOf(topic: string, entries: SeedEntrySpec[], compression: SeedSpec['compression'] = 'none'): SeedSpec {
  return { topic, compression, entries, pos };
}

/** An inline entry. */
export function inline(id: string, value: unknown, more: Partial<{ key: string | null; headers: Record<string, string>; partition: number | null; timestamp: number | null }> = {}): SeedEntrySpec {
  return { kind: 'inline', id: `inline:${id}`, message: { key: null, headers: {}, partition: null, timestamp: null, ...more, value }, pos };
}

/** A file entry. */
export function file(path: string, format: 'jsonl' | 'text' = 'jsonl'): SeedEntrySpec {
  return { kind: 'file', id: `file:${path}`, path, format, pos };
}

/** A generate entry. */
export function generated(id: string, def: { count: number; key?: string | null; value: unknown; headers?: Record<string, string>; seed?: number | null }): SeedEntrySpec {
  return { kind: 'generate', id: `generate:${id}`, count: def.count, key: def.key ?? null, value: def.value, headers: def.headers ?? {}, seed: def.seed ?? null, pos };
}
