import { execFile } from 'node:child_process';
import Docker from 'dockerode';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, TEST_LABEL, startTestCluster, type TestCluster } from '../support/cluster.js';

// The quickstart's commands, run inside a node as `docker exec <node> /opt/kafka/bin/<tool>.sh ...`, each checked
// with an independent client (kafkajs admin, kcat). Runs on every image of the CI matrix (KAFKAFORM_TEST_IMAGE).

const NAME = 'kft-i15-tools';
const PORT = 55000;
const BOOTSTRAP = `127.0.0.1:${PORT}`;

/** Runs `docker exec -i <node> <argv>` with `input` on stdin; resolves with stdout, rejects with stderr on failure. */
function dockerExec(container: string, argv: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('docker', ['exec', '-i', container, ...argv], { timeout: 90_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

/** Runs /opt/kafka/bin/<tool> in node 1 against its own listener. */
function tool(name: string, args: string[], input = ''): Promise<string> {
  return dockerExec(`${NAME}-1`, [`/opt/kafka/bin/${name}`, '--bootstrap-server', BOOTSTRAP, ...args], input);
}

/** Reads a topic with kcat (librdkafka), one value per line. */
function kcatValues(topic: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('kcat', ['-b', BOOTSTRAP, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { timeout: 30_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.split('\n').filter((l) => l !== '')),
    );
  });
}

/** Produces values with kcat, one message per line. */
function kcatProduce(topic: string, values: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-b', BOOTSTRAP, '-P', '-t', topic], { timeout: 30_000 }, (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(`${values.join('\n')}\n`);
  });
}

describe(`the image's /opt/kafka/bin tools (${TEST_IMAGE})`, () => {
  let cluster: TestCluster | undefined;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await startTestCluster({ name: NAME, nodes: 1, port: PORT, controllerPort: PORT + 100 });
    admin = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
    const left = await new Docker().listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${NAME}`] } });
    expect(left).toEqual([]);
  });

  it('has the official script names', async () => {
    const listed = (await dockerExec(`${NAME}-1`, ['ls', '/opt/kafka/bin'])).split('\n');
    expect(listed).toEqual(
      expect.arrayContaining([
        'kafka-topics.sh',
        'kafka-console-producer.sh',
        'kafka-console-consumer.sh',
        'kafka-configs.sh',
        'kafka-consumer-groups.sh',
        'kafka-run-class.sh',
        'kafka-storage.sh',
        'kafka-metadata-quorum.sh',
        'kafka-get-offsets.sh',
      ]),
    );
  });

  it('kafka-topics.sh creates, lists and describes topics that kafkajs sees, and lists topics kafkajs made', async () => {
    await tool('kafka-topics.sh', ['--create', '--topic', 'tools-created', '--partitions', '3', '--replication-factor', '1']);
    const meta = await admin.fetchTopicMetadata({ topics: ['tools-created'] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);
    await admin.createTopics({ topics: [{ topic: 'tools-by-kafkajs', numPartitions: 2 }], waitForLeaders: false });
    await expect.poll(async () => (await tool('kafka-topics.sh', ['--list'])).split('\n'), { timeout: 30_000 }).toEqual(
      expect.arrayContaining(['tools-created', 'tools-by-kafkajs']),
    );
    expect(await tool('kafka-topics.sh', ['--describe', '--topic', 'tools-by-kafkajs'])).toMatch(/PartitionCount:\s*2/);
  });

  it('kafka-console-producer.sh writes what kcat reads', async () => {
    await tool('kafka-topics.sh', ['--create', '--topic', 'tools-produced', '--partitions', '1']);
    await tool('kafka-console-producer.sh', ['--topic', 'tools-produced'], 'first\nsecond ✓\nthird\n');
    expect(await kcatValues('tools-produced')).toEqual(['first', 'second ✓', 'third']);
  });

  it('kafka-console-consumer.sh reads what kcat wrote, and kafka-consumer-groups.sh lists its group', async () => {
    await tool('kafka-topics.sh', ['--create', '--topic', 'tools-consumed', '--partitions', '1']);
    await kcatProduce('tools-consumed', ['alpha', 'beta', 'gamma']);
    const out = await tool('kafka-console-consumer.sh', [
      '--topic', 'tools-consumed', '--from-beginning', '--max-messages', '3', '--timeout-ms', '60000', '--group', 'tools-group',
    ]);
    expect(out.split('\n').filter((l) => l !== '')).toEqual(['alpha', 'beta', 'gamma']);
    expect((await tool('kafka-consumer-groups.sh', ['--list'])).split('\n')).toContain('tools-group');
  });

  it('kafka-configs.sh alters a topic config that kafkajs then reads, and describes it', async () => {
    await tool('kafka-topics.sh', ['--create', '--topic', 'tools-configured', '--partitions', '1']);
    await tool('kafka-configs.sh', ['--entity-type', 'topics', '--entity-name', 'tools-configured', '--alter', '--add-config', 'retention.ms=3600000']);
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: 'tools-configured' }], includeSynonyms: false });
    const entry = described.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms');
    expect(entry?.configValue).toBe('3600000');
    expect(await tool('kafka-configs.sh', ['--entity-type', 'topics', '--entity-name', 'tools-configured', '--describe'])).toContain('retention.ms=3600000');
  });

  it('kafka-run-class.sh runs a class with the image jars', async () => {
    const id = await dockerExec(`${NAME}-1`, ['/opt/kafka/bin/kafka-run-class.sh', 'kafka.tools.StorageTool', 'random-uuid']);
    expect(id.trim()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
