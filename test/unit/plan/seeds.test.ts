import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/planner.js';
import { seedDigest, cluster, desired, observed, observedTopic, options, seedRecord, seedSpec, spec, topic } from './builders.js';

const s = spec({ topics: [topic('purchases')], seeds: [seedSpec('purchases', ['file:a', 'file:b'], 80)] });
const existing = (records: ReturnType<typeof seedRecord>[]) => observed(cluster({ topics: [observedTopic('purchases')], owners: { purchases: 'shop' }, seeds: records }));

describe('seeds', () => {
  const cases = [
    { name: 'new entry: produced', records: [], reseed: false, produced: ['not seeded yet'], warned: false },
    { name: 'same hash: nothing', records: [seedRecord('purchases', 'file:a', 'h1')], reseed: false, produced: [], warned: false },
    { name: 'changed hash: warning only', records: [seedRecord('purchases', 'file:a', 'old')], reseed: false, produced: [], warned: true },
    { name: 'changed hash with --reseed: produced again', records: [seedRecord('purchases', 'file:a', 'old')], reseed: true, produced: ['content changed; --reseed'], warned: false },
    { name: "another project's record does not count", records: [seedRecord('purchases', 'file:a', 'h1', { project: 'billing' })], reseed: false, produced: ['not seeded yet'], warned: false },
    {
      name: 'the latest record decides',
      records: [seedRecord('purchases', 'file:a', 'h1', { producedAt: '2025-01-01T00:00:00.000Z' }), seedRecord('purchases', 'file:a', 'h2', { producedAt: '2025-02-01T00:00:00.000Z' })],
      reseed: false,
      produced: [],
      warned: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = plan(desired(s, [seedDigest('purchases', 'file:a', 'h1', 1000)]), existing(c.records), options({ reseed: c.reseed }));
      expect(p.actions).toEqual(
        c.produced.map((reason) => ({ kind: 'seed.produce', topic: 'purchases', entryId: 'file:a', hash: 'h1', count: 1000, source: 'a', reason })),
      );
      const warning = p.diagnostics.find((d) => d.code === 'P006');
      expect(Boolean(warning)).toBe(c.warned);
      if (warning) {
        expect(warning).toMatchObject({ severity: 'warning', subject: 'purchases', hint: 'run apply --reseed to produce the edited entry again (existing messages stay)' });
        expect(warning.at).toEqual(s.seeds[0]?.entries[0]?.pos);
      }
    });
  }

  it('produces an entry again into a topic that was deleted since (this plan creates it anew), whatever the ledger says', () => {
    const records = [seedRecord('purchases', 'file:a', 'h1')];
    const gone = plan(desired(s, [seedDigest('purchases', 'file:a', 'h1', 1000)]), observed(cluster({ topics: [], seeds: records })), options());
    expect(gone.actions.map((a) => a.kind)).toEqual(['topic.create', 'seed.produce']);
    expect(gone.actions[1]).toMatchObject({ entryId: 'file:a', reason: 'topic is new: what was produced before went with the deleted topic', supersedes: records[0]!.producedAt });
    const present = plan(desired(s, [seedDigest('purchases', 'file:a', 'h1', 1000)]), existing(records), options());
    expect(present.actions).toEqual([]);
  });

  it('keeps the spec order of entries within a topic and sorts topics by name', () => {
    const s2 = spec({ topics: [topic('b'), topic('a')], seeds: [seedSpec('a', ['x', 'y']), seedSpec('b', ['z'])] });
    const p = plan(desired(s2, [seedDigest('b', 'z'), seedDigest('a', 'y'), seedDigest('a', 'x')]), observed(cluster()), options());
    expect(p.actions.filter((a) => a.kind === 'seed.produce').map((a) => (a.kind === 'seed.produce' ? `${a.topic}/${a.entryId}` : ''))).toEqual(['a/y', 'a/x', 'b/z']);
  });

  it('seeds a topic that exists in the cluster without being declared', () => {
    const p = plan(desired(spec({ seeds: [seedSpec('legacy', ['e'])] }), [seedDigest('legacy', 'e')]), observed(cluster({ topics: [observedTopic('legacy')] })), options());
    expect(p.actions.map((a) => a.kind)).toEqual(['seed.produce']);
    expect(p.diagnostics).toEqual([]);
  });

  it('reports a seed for an unknown topic once, at its seeds block', () => {
    const sp = spec({ seeds: [seedSpec('ghost', ['a', 'b'], 40)] });
    const p = plan(desired(sp, [seedDigest('ghost', 'a'), seedDigest('ghost', 'b')]), observed(cluster()), options());
    expect(p.actions).toEqual([]);
    expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'P007', severity: 'error', subject: 'ghost', at: sp.seeds[0]?.pos })]);
  });

  it('refuses seeds aimed at an internal topic', () => {
    const p = plan(desired(spec({ seeds: [seedSpec('__consumer_offsets', ['a'])] }), [seedDigest('__consumer_offsets', 'a')]), observed(cluster({ topics: [observedTopic('__consumer_offsets')] })), options());
    expect(p.actions).toEqual([]);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['P010']);
  });
});
