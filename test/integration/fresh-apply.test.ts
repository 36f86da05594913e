import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { committedCount, kafkaform, stateAndIds, writeSpec } from '../support/cli-runs.js';

// A first apply on a brand-new broker (issue 8, item 5): right after the creates, leaders move and the
// transaction coordinator is still loading (__transaction_state is created by the first transaction). The
// retriable errors this gives (NOT_LEADER_FOR_PARTITION, "Failed to find group coordinator") are retried
// within bounds, so the very first apply of 200 topics with seeds succeeds.

const PORT = 56030;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ name: 'kft-h8o-fresh', nodes: 1, port: PORT, controllerPort: PORT + 1 });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('apply from nothing on a fresh broker', () => {
  it('creates 200 topics and seeds each on the first run', async () => {
    const topics = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`fresh-${i}`, { partitions: 2, messages: ['one', 'two'] }]));
    const file = writeSpec('kft-h8o-fresh', cluster.bootstrapServers, topics);
    const r = await kafkaform(['apply', '--auto-approve', '-f', file], 240_000);
    expect(r.code, r.stderr.split('\n').filter((l) => l.includes('✗') || l.includes('KF')).join('\n')).toBe(0);
    const { state, ids } = await stateAndIds(cluster.bootstrapServers);
    expect(state.seeds.filter((s) => s.project === 'kft-h8o-fresh')).toHaveLength(400);
    expect(Object.keys(topics).every((t) => state.ownerships.some((o) => o.topic === t && o.topicId === ids.get(t)))).toBe(true);
    for (const t of ['fresh-0', 'fresh-99', 'fresh-199']) expect(await committedCount(cluster.bootstrapServers, t)).toBe(2);
    const again = await kafkaform(['plan', '--detailed-exitcode', '-f', file]);
    expect(again.code, again.stdout).toBe(0);
  }, 300_000);
});
