import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaConnection } from '../../src/kafka/client.js';
import { readAll } from '../../src/kafka/fetch.js';
import { TEST_LABEL, startTestCluster, type TestCluster } from '../support/cluster.js';

const run = promisify(execFile);

/** A value with multi-byte UTF-8, a NUL and a high byte, so "byte for byte" means something. */
const VALUE = Buffer.concat([Buffer.from('héllo kafka ✓ '), Buffer.from([0x00, 0xff, 0x10])]);

/** Reads a topic's values with kcat, an independent librdkafka client, as raw bytes. */
async function kcatValues(brokers: string[], topic: string): Promise<Buffer> {
  const { stdout } = await run('kcat', ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s'], {
    encoding: 'buffer',
    timeout: 30_000,
  });
  return stdout;
}

/** Exercises a running cluster: every node visible, a replicated topic, produce, consume (group, groupless, kcat). */
async function exerciseCluster(cluster: TestCluster, topic: string, rf: number): Promise<void> {
  const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeCluster();
    expect(described.brokers.map((b) => b.nodeId).sort()).toEqual(Array.from({ length: cluster.nodes }, (_, i) => i + 1));

    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: rf }], waitForLeaders: false });
    await expect.poll(async () => {
      const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
      return md?.topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
    }, { timeout: 30_000, interval: 250 }).toBe(3);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    for (const p of md.topics[0]!.partitions) expect(p.replicas).toHaveLength(rf);

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: VALUE, partition: 1 }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message consumed within 60 s')), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value!);
        },
      });
    });
    await consumer.disconnect();
    expect(got.equals(VALUE)).toBe(true);

    const conn = createKafkaConnection({ bootstrapServers: cluster.bootstrapServers });
    try {
      const read = await readAll(conn, topic);
      expect(read).toHaveLength(1);
      expect(read[0]!.partition).toBe(1);
      expect(read[0]!.key?.toString()).toBe('k1');
      expect(read[0]!.value?.equals(VALUE)).toBe(true);
    } finally {
      await conn.close();
    }

    expect((await kcatValues(cluster.bootstrapServers, topic)).equals(VALUE)).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

/** Containers the test support labelled with this name, in any state. */
async function labelled(name: string): Promise<number> {
  const list = await new Docker().listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${name}`] } });
  return list.length;
}

describe('test rig: 1-node KRaft cluster', () => {
  let cluster: TestCluster | undefined;
  const name = 'kft-rig-one';
  beforeAll(async () => {
    cluster = await startTestCluster({ name, nodes: 1, port: 19092, controllerPort: 19192 });
  });
  afterAll(async () => {
    await cluster?.stop();
    expect(await labelled(name)).toBe(0);
  });

  it('serves admin, produce, group consume, groupless fetch and kcat', async () => {
    await exerciseCluster(cluster!, 'rig-one', 1);
  });
});

describe('test rig: 3-node KRaft cluster', () => {
  let cluster: TestCluster | undefined;
  const name = 'kft-rig-three';
  beforeAll(async () => {
    cluster = await startTestCluster({ name, nodes: 3, port: 19095, controllerPort: 19195 });
  });
  afterAll(async () => {
    await cluster?.stop();
    expect(await labelled(name)).toBe(0);
  });

  it('lists every node and replicates a topic three ways', async () => {
    await exerciseCluster(cluster!, 'rig-three', 3);
  });
});
