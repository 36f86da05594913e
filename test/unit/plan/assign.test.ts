import { describe, expect, it } from 'vitest';
import { assignReplicas, clusterLoad, type BrokerLoad } from '../../../src/plan/assign.js';
import type { ObservedPartition } from '../../../src/plan/observed.js';
import { cluster, observedTopic } from './builders.js';

/** A partition; the leader defaults to the first replica and everything is in sync. */
function part(partition: number, replicas: number[], over: Partial<ObservedPartition> = {}): ObservedPartition {
  return { partition, leader: replicas[0] ?? -1, replicas, isr: [...replicas], ...over };
}

/** A load from replica counts per broker (leaders zero unless given). */
function load(replicas: Record<number, number>, leaders: Record<number, number> = {}): BrokerLoad {
  const ids = Object.keys(replicas).map(Number);
  return { replicas: new Map(ids.map((id) => [id, replicas[id] ?? 0])), leaders: new Map(ids.map((id) => [id, leaders[id] ?? 0])) };
}

/** Replica counts per broker over assignments. */
function spread(assignments: { replicas: number[] }[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of assignments) for (const r of a.replicas) out[r] = (out[r] ?? 0) + 1;
  return out;
}

describe('assignReplicas: increase', () => {
  it('keeps current replicas first and adds the least-loaded brokers, ties to the lowest id', () => {
    const l = load({ 1: 0, 2: 0, 3: 1, 4: 1 });
    const out = assignReplicas({ partitions: [part(0, [3]), part(1, [4])], added: [], target: 3, brokers: [4, 3, 2, 1], load: l });
    // p0: 1 and 2 are empty, lowest first. p1: now 1, 2, 3 all hold one replica: lowest ids 1 and 2 win.
    expect(out).toEqual([
      { partition: 0, replicas: [3, 1, 2] },
      { partition: 1, replicas: [4, 1, 2] },
    ]);
    expect(Object.fromEntries(l.replicas)).toEqual({ 1: 2, 2: 2, 3: 1, 4: 1 });
  });

  it('spreads new replicas evenly and never moves a leader', () => {
    const partitions = Array.from({ length: 6 }, (_, p) => part(p, [1 + (p % 3)]));
    const out = assignReplicas({ partitions, added: [], target: 2, brokers: [1, 2, 3], load: load({ 1: 2, 2: 2, 3: 2 }) });
    expect(out.map((a) => a.replicas[0])).toEqual([1, 2, 3, 1, 2, 3]);
    expect(spread(out)).toEqual({ 1: 4, 2: 4, 3: 4 });
    expect(out.every((a) => new Set(a.replicas).size === 2)).toBe(true);
  });

  it('counts the rest of the cluster: an already busy broker is chosen last', () => {
    const c = cluster({ brokerCount: 3, topics: [observedTopic('busy', { partitions: 10, rf: 1, brokers: [2] }), observedTopic('t', { partitions: 1, rf: 1, brokers: [1] })] });
    const l = clusterLoad(c);
    expect(Object.fromEntries(l.replicas)).toEqual({ 1: 1, 2: 10, 3: 0 });
    expect(Object.fromEntries(l.leaders)).toEqual({ 1: 1, 2: 10, 3: 0 });
    const out = assignReplicas({ partitions: c.topics[1]!.partitions, added: [], target: 2, brokers: [1, 2, 3], load: l });
    expect(out).toEqual([{ partition: 0, replicas: [1, 3] }]);
  });

  it('places partitions added by the same plan with leaders spread out', () => {
    const out = assignReplicas({ partitions: [part(0, [1, 2, 3])], added: [1, 2, 3, 4, 5], target: 3, brokers: [1, 2, 3], load: load({ 1: 1, 2: 1, 3: 1 }, { 1: 1 }) });
    expect(out.map((a) => a.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.map((a) => a.replicas[0])).toEqual([1, 2, 3, 1, 2, 3]);
    expect(spread(out)).toEqual({ 1: 6, 2: 6, 3: 6 });
  });

  it('is deterministic: same input, same output', () => {
    const mk = () => assignReplicas({ partitions: [part(0, [2]), part(1, [1])], added: [2], target: 2, brokers: [3, 1, 2], load: load({ 1: 0, 2: 0, 3: 0 }) });
    expect(mk()).toEqual(mk());
    expect(mk()).toEqual([
      { partition: 0, replicas: [2, 1] },
      { partition: 1, replicas: [1, 2] },
      // 3 holds nothing yet, so it leads the new partition; 1 and 2 tie and the lower id wins.
      { partition: 2, replicas: [3, 1] },
    ]);
  });
});

describe('assignReplicas: decrease', () => {
  const cases: { name: string; p: ObservedPartition; target: number; want: number[] }[] = [
    { name: 'keeps the current leader first', p: part(0, [1, 2, 3], { leader: 2 }), target: 1, want: [2] },
    { name: 'prefers in-sync replicas', p: part(0, [1, 2, 3], { leader: 1, isr: [1, 3] }), target: 2, want: [1, 3] },
    { name: 'falls back to the first replica when leaderless', p: part(0, [3, 1, 2], { leader: -1, isr: [] }), target: 2, want: [3, 1] },
    { name: 'keeps replica order among in-sync ones', p: part(0, [4, 3, 2, 1], { leader: 1 }), target: 3, want: [1, 4, 3] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const l = load({ 1: 1, 2: 1, 3: 1, 4: 1 });
      expect(assignReplicas({ partitions: [c.p], added: [], target: c.target, brokers: [1, 2, 3, 4], load: l })).toEqual([{ partition: 0, replicas: c.want }]);
      // Dropped replicas free their slot for the topics planned after this one.
      for (const r of c.p.replicas) expect(l.replicas.get(r)).toBe(c.want.includes(r) ? 1 : 0);
    });
  }
});
