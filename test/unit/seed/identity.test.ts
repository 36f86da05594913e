import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/planner.js';
import type { SeedRecord } from '../../../src/plan/observed.js';
import { digestSeeds } from '../../../src/seed/digest.js';
import { parseSpec } from '../../../src/spec/load.js';
import { cluster, observed, observedTopic, options } from '../plan/builders.js';

/** A spec whose topic t has these inline entries (YAML flow maps, one a line). */
function specOf(entries: string[]): string {
  return `version: 1\nproject: p\ncluster: { bootstrapServers: localhost:9092 }\ntopics:\n  t: {}\nseed:\n  t:\n    messages:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
}

async function batches(entries: string[]) {
  return digestSeeds(parseSpec(specOf(entries), 'kafka.config.yaml'));
}

/** Ledger records as if every batch had been produced. */
function ledger(bs: Awaited<ReturnType<typeof batches>>): SeedRecord[] {
  return bs.map((b) => ({ project: 'p', topic: b.topic, entryId: b.entryId, hash: b.hash, count: b.count, producedAt: '2025-01-01T00:00:00.000Z' }));
}

/** What a plan for `entries` produces after `before` was produced, and its warning codes. */
async function after(before: string[], entries: string[], records?: SeedRecord[]) {
  const spec = parseSpec(specOf(entries), 'kafka.config.yaml');
  const seeds = await digestSeeds(spec);
  const o = observed(cluster({ topics: [observedTopic('t')], owners: { t: 'p' }, seeds: records ?? ledger(await batches(before)) }));
  const p = plan({ spec, seeds }, o, options());
  const produced = p.actions.filter((a) => a.kind === 'seed.produce').map((a) => seeds.findIndex((s) => a.kind === 'seed.produce' && s.entryId === a.entryId));
  return { produced: produced.map((i) => entries[i]), warnings: p.diagnostics.map((d) => d.code) };
}

const A = '{ key: a, value: A }';
const B = '{ key: b, value: B }';
const C = '{ key: c, value: C }';

describe('identity of inline seed entries without an id', () => {
  it('is the content: inserting before others produces only the new entry, without warnings', async () => {
    expect(await after([A, B], [C, A, B])).toEqual({ produced: [C], warnings: [] });
    expect(await after([A, B], [A, C, B])).toEqual({ produced: [C], warnings: [] });
  });

  it('survives reordering and removal', async () => {
    expect(await after([A, B, C], [C, B, A])).toEqual({ produced: [], warnings: [] });
    expect(await after([A, B, C], [A, C])).toEqual({ produced: [], warnings: [] });
  });

  it('makes an edited id-less entry a new entry; an entry with an id warns (P006) instead', async () => {
    expect(await after([A, B], ['{ key: a, value: A2 }', B])).toEqual({ produced: ['{ key: a, value: A2 }'], warnings: [] });
    expect(await after(['{ id: x, key: a, value: A }'], ['{ id: x, key: a, value: A2 }'])).toEqual({ produced: [], warnings: ['P006'] });
  });

  it('keeps identical messages distinct and stable', async () => {
    const ids = (await batches([A, B, A, A])).map((b) => b.entryId);
    expect(new Set(ids).size).toBe(4);
    expect(ids[2]).toBe(`${ids[0]}.2`);
    expect(ids[3]).toBe(`${ids[0]}.3`);
    expect(await after([A, A], [B, A, A])).toEqual({ produced: [B], warnings: [] });
    expect(await after([A, A], [A, A, A])).toEqual({ produced: [A], warnings: [] });
  });

  it('is a short content hash, the same on every machine', async () => {
    expect((await batches([A]))[0]!.entryId).toMatch(/^inline:#[0-9a-f]{12}$/);
    expect((await batches([A]))[0]!.entryId).toBe((await batches(['{ value: A, key: a }']))[0]!.entryId);
  });

  it('honours records made under positional ids (inline:0) before content ids, once per record', async () => {
    const [a, b] = await batches([A, B]);
    const legacy: SeedRecord[] = [
      { project: 'p', topic: 't', entryId: 'inline:0', hash: a!.hash, count: 1, producedAt: '2025-01-01T00:00:00.000Z' },
      { project: 'p', topic: 't', entryId: 'inline:1', hash: b!.hash, count: 1, producedAt: '2025-01-01T00:00:00.000Z' },
    ];
    expect(await after([], [A, B, C], legacy)).toEqual({ produced: [C], warnings: [] });
    expect(await after([], [A, A], legacy)).toEqual({ produced: [A], warnings: [] });
  });
});
