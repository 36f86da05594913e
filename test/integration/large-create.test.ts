import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { kafkaform, stateAndIds, writeSpec } from '../support/cli-runs.js';

// Large creates (issue 8, item 9): the KRaft controller refuses a CreateTopics request that would write more
// than 10,000 records (a topic record plus one per partition) with POLICY_VIOLATION, so 11 topics of 1,000
// partitions were refused whole. kafkaform splits creates by a record budget; this applies 11,000 partitions
// (on one broker, past the lint's L009 capacity guidance, hence --allow L009).

const PORT = 56040;
const TOPICS = 11;
const PARTITIONS = 1000;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ name: 'kft-h8o-large', nodes: 1, port: PORT, controllerPort: PORT + 1 });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('creates larger than one controller request', () => {
  it(`creates ${TOPICS} topics of ${PARTITIONS} partitions (${TOPICS * PARTITIONS} in all) in one apply, and owns each`, async () => {
    const names = Array.from({ length: TOPICS }, (_, i) => `wide-${i}`);
    const file = writeSpec('kft-h8o-large', cluster.bootstrapServers, Object.fromEntries(names.map((n) => [n, { partitions: PARTITIONS }])));
    const r = await kafkaform(['apply', '--auto-approve', '--allow', 'L009', '-f', file], 400_000);
    expect(r.code, r.stderr.split('\n').filter((l) => l.includes('✗') || l.includes('KF')).join('\n')).toBe(0);
    expect(r.stderr).toMatch(/creating topics: request 1 of [2-9]/);

    const admin = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      expect(topics.map((t) => t.partitions.length)).toEqual(names.map(() => PARTITIONS));
    } finally {
      await admin.disconnect();
    }
    const { state, ids } = await stateAndIds(cluster.bootstrapServers);
    for (const n of names) expect(state.ownerships.filter((o) => o.topic === n).map((o) => o.topicId)).toEqual([ids.get(n)]);
    const again = await kafkaform(['plan', '--detailed-exitcode', '--allow', 'L009', '-f', file]);
    expect(again.code, again.stdout).toBe(0);
  }, 420_000);
});
