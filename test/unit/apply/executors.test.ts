import { describe, expect, it } from 'vitest';
import { executors, steps } from '../../../src/apply/executors.js';
import type { Action } from '../../../src/plan/types.js';

// The one dispatch from action kind to executor, and how a plan is cut into steps.

const topic = (kind: 'topic.create' | 'topic.delete', name: string): Action => ({ kind, topic: name }) as unknown as Action;
const container = (name: string): Action => ({ kind: 'container.start', name, role: 'service', reason: 'stopped' }) as Action;

describe('apply executors', () => {
  it('has an executor for every action kind; topic kinds batch, the others run one at a time', () => {
    const batched = Object.entries(executors).filter(([, e]) => e.batch).map(([k]) => k).sort();
    expect(batched).toEqual(['topic.addPartitions', 'topic.adopt', 'topic.alterConfig', 'topic.create', 'topic.delete', 'topic.reassign']);
    expect(Object.keys(executors).sort()).toEqual(
      [...batched, 'cluster.wait', 'container.create', 'container.recreate', 'container.remove', 'container.start', 'seed.produce'].sort(),
    );
  });

  it('cuts consecutive actions of one batched kind into one step, and every other action into its own', () => {
    const plan = [container('a'), container('b'), topic('topic.create', 'x'), topic('topic.create', 'y'), topic('topic.delete', 'z'), topic('topic.create', 'w')];
    expect(steps(plan).map((s) => s.map((a) => ('topic' in a ? a.topic : a.kind === 'container.start' ? a.name : a.kind)))).toEqual([['a'], ['b'], ['x', 'y'], ['z'], ['w']]);
  });
});
