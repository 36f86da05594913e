import { describe, expect, it } from 'vitest';
import type { KafkaConnection } from '../../../src/kafka/client.js';
import { describeLagging, waitForReplicasOnEveryBroker } from '../../../src/kafka/replicas-everywhere.js';

/** What one broker shows of topic t: partition → [replicas, isr]; or an error it throws. */
type View = Record<number, [number[], number[]]> | Error;

/** A connection to brokers 1..n whose k-th Metadata answer (0-based) is views(broker, k); asks are counted. */
function fakeConnection(n: number, views: (broker: number, k: number) => View): { conn: KafkaConnection; asks: Map<number, number> } {
  const asks = new Map<number, number>();
  const brokers = Array.from({ length: n }, (_, i) => ({ nodeId: i + 1, host: '127.0.0.1', port: 9092 + i }));
  const cluster = {
    findBroker: async ({ nodeId }: { nodeId: number }) => ({
      metadata: async () => {
        const k = asks.get(nodeId) ?? 0;
        asks.set(nodeId, k + 1);
        const view = views(nodeId, k);
        if (view instanceof Error) throw view;
        const partitionMetadata = Object.entries(view).map(([p, [replicas, isr]]) => ({ partitionId: Number(p), leader: replicas[0], replicas, isr }));
        return { topicMetadata: [{ topic: 't', topicErrorCode: 0, partitionMetadata }] };
      },
    }),
  };
  const conn = {
    admin: async () => ({ describeCluster: async () => ({ brokers, controller: 1, clusterId: 'c' }) }),
    internal: async () => cluster,
    count: () => undefined,
  } as unknown as KafkaConnection;
  return { conn, asks };
}

/** A broker's protocol error as kafkajs throws it (it carries the error name in `type`). */
function protocolError(type: string): Error {
  return Object.assign(new Error(type), { type });
}

const target = [
  { topic: 't', partition: 0, replicas: [1, 2, 3] },
  { topic: 't', partition: 1, replicas: [3, 1, 2] },
];
const done: View = { 0: [[2, 1, 3], [3, 2, 1]], 1: [[1, 2, 3], [1, 2, 3]] };

describe('waitForReplicasOnEveryBroker: after a reassignment every broker, not one, shows the target replicas in sync', () => {
  it('keeps asking while one broker still shows the old replicas, and asks each broker', async () => {
    const { conn, asks } = fakeConnection(3, (b, k) => (b === 2 && k < 2 ? { 0: [[1], [1]], 1: [[3], [3]] } : done));
    expect(await waitForReplicasOnEveryBroker(conn, target, { timeoutMs: 5000, intervalMs: 1 })).toEqual([]);
    expect(Object.fromEntries(asks)).toEqual({ 1: 3, 2: 3, 3: 3 });
  });

  it('reports, at the deadline, each broker that lags or whose ISR misses a target replica', async () => {
    const { conn } = fakeConnection(3, (b) => (b === 3 ? { 0: [[1, 2, 3], [1, 3]], 1: [[1, 2, 3], [1, 2, 3]] } : b === 2 ? { 0: [[1, 2, 3, 4], [1, 2, 3]], 1: [[1, 2, 3], [1, 2, 3]] } : done));
    const lagging = await waitForReplicasOnEveryBroker(conn, target, { timeoutMs: 20, intervalMs: 1 });
    expect(describeLagging(lagging)).toEqual([
      'broker 2 shows partition 0 with replicas [1,2,3,4] (in sync [1,2,3]), target [1,2,3]',
      'broker 3 shows partition 0 with replicas [1,2,3] (in sync [1,3]), target [1,2,3]',
    ]);
  });

  it('a broker answering with an error holds the wait; a broker that cannot be reached does not', async () => {
    const erring = fakeConnection(2, (b) => (b === 2 ? protocolError('LEADER_NOT_AVAILABLE') : done));
    expect(describeLagging(await waitForReplicasOnEveryBroker(erring.conn, target.slice(0, 1), { timeoutMs: 10, intervalMs: 1 }))).toEqual([
      'broker 2 does not show partition 0, target [1,2,3]',
    ]);
    const down = fakeConnection(2, (b) => (b === 2 ? new Error('connect ECONNREFUSED 127.0.0.1:9093') : done));
    expect(await waitForReplicasOnEveryBroker(down.conn, target, { timeoutMs: 10, intervalMs: 1 })).toEqual([]);
  });
});
