import { describe, expect, it } from 'vitest';
import { replicaLists } from '../../../src/kafka/throttle.js';
import type { TopicReassignAction } from '../../../src/plan/types.js';

/** A reassign action of topic t with these targets. */
function reassign(assignments: [number, number[]][]): TopicReassignAction {
  return { kind: 'topic.reassign', topic: 't', from: 1, to: 3, assignments: assignments.map(([partition, replicas]) => ({ partition, replicas })), reason: '' };
}

/** Current partition metadata. */
function meta(parts: [number, number[]][]) {
  return parts.map(([partitionId, replicas]) => ({ partitionId, replicas, isr: replicas, leader: replicas[0]!, partitionErrorCode: 0, offlineReplicas: [] }));
}

describe('replicaLists: which replicas the throttle covers, as Kafka\'s reassignment tool sets them', () => {
  it.each([
    {
      name: 'growing RF 1 → 3: current replicas lead, new ones follow, every broker involved',
      current: meta([[0, [1]], [1, [2]]]),
      target: reassign([[0, [1, 2, 3]], [1, [2, 3, 1]]]),
      want: { leader: ['0:1', '1:2'], follower: ['0:2', '0:3', '1:3', '1:1'], brokers: [1, 2, 3] },
    },
    {
      name: 'shrinking copies nothing: no throttle',
      current: meta([[0, [1, 2, 3]]]),
      target: reassign([[0, [1]]]),
      want: { leader: [], follower: [], brokers: [] },
    },
    {
      name: 'a partition already at its target is left out',
      current: meta([[0, [1, 2]], [1, [2]]]),
      target: reassign([[0, [1, 2]], [1, [2, 3]]]),
      want: { leader: ['1:2'], follower: ['1:3'], brokers: [2, 3] },
    },
  ])('$name', ({ current, target, want }) => {
    const got = replicaLists(current, target);
    expect({ ...got, brokers: [...got.brokers].sort() }).toEqual(want);
  });
});
