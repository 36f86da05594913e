import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';
import { demuxLogs } from '../../src/docker/client.js';
import { propertyEnvName } from '../../src/plan/kafka-node-config.js';
import { DEFAULT_KAFKA_IMAGE } from '../../src/kafka/versions.js';

/** The image the tests run (KAFKAFORM_TEST_IMAGE picks another version); scripts/test-env.sh makes it exist. */
export const TEST_IMAGE = process.env.KAFKAFORM_TEST_IMAGE ?? DEFAULT_KAFKA_IMAGE;

/** Label on every container the test support starts, so a crashed run can be cleaned up by label. */
export const TEST_LABEL = 'dev.kafkaform.test';

/** A running test cluster of KRaft nodes on loopback ports. */
export interface TestCluster {
  /** host:port of every node, node 1 first. */
  bootstrapServers: string[];
  nodes: number;
  containers: Docker.Container[];
  /** Removes the containers (and their anonymous volumes); safe to call twice. */
  stop(): Promise<void>;
}

/** Options of startTestCluster; ports must be free and unique per test file. */
export interface TestClusterOptions {
  /** Container name prefix, unique per test file. */
  name: string;
  nodes: number;
  /** Client port of node 1; node i listens on port + i - 1 and its controller on controllerPort + i - 1. */
  port: number;
  controllerPort: number;
  /** Extra broker properties. */
  properties?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** A Docker client, failing loudly (never skipping) when the engine or the image is missing. */
export async function requireDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(
      `No Docker engine answers (${(err as Error).message}). Run \`bash scripts/test-env.sh\` to install and start one.`,
    );
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    throw new Error(`Image ${TEST_IMAGE} is missing. Run \`bash scripts/test-env.sh\` to build it.`);
  }
  return docker;
}

/** Starts a KRaft cluster (every node broker and controller) with host networking and waits until it is ready. */
export async function startTestCluster(opts: TestClusterOptions): Promise<TestCluster> {
  const docker = await requireDocker();
  await removeByName(docker, opts.name);
  const voters = Array.from({ length: opts.nodes }, (_, i) => `${i + 1}@127.0.0.1:${opts.controllerPort + i}`).join(',');
  const rf = String(Math.min(3, opts.nodes));
  const containers: Docker.Container[] = [];
  const cluster: TestCluster = {
    bootstrapServers: Array.from({ length: opts.nodes }, (_, i) => `127.0.0.1:${opts.port + i}`),
    nodes: opts.nodes,
    containers,
    stop: async () => {
      await Promise.allSettled(containers.splice(0).map((c) => c.remove({ force: true, v: true })));
    },
  };
  try {
    for (let i = 1; i <= opts.nodes; i++) {
      const props: Record<string, string> = {
        'node.id': String(i),
        'process.roles': 'broker,controller',
        'controller.quorum.voters': voters,
        listeners: `PLAINTEXT://127.0.0.1:${opts.port + i - 1},CONTROLLER://127.0.0.1:${opts.controllerPort + i - 1}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${opts.port + i - 1}`,
        'controller.listener.names': 'CONTROLLER',
        'inter.broker.listener.name': 'PLAINTEXT',
        'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        'log.dirs': '/tmp/kraft-logs',
        'offsets.topic.replication.factor': rf,
        'transaction.state.log.replication.factor': rf,
        'transaction.state.log.min.isr': '1',
        'share.coordinator.state.topic.replication.factor': rf,
        'group.initial.rebalance.delay.ms': '0',
        ...opts.properties,
      };
      const env = Object.entries(props).map(([k, v]) => `${propertyEnvName(k)}=${v}`);
      env.push('KAFKA_HEAP_OPTS=-Xmx384m -Xms384m', 'CLUSTER_ID=kafkaform-test-cluster0');
      const container = await docker.createContainer({
        name: `${opts.name}-${i}`,
        Image: TEST_IMAGE,
        Env: env,
        Labels: { [TEST_LABEL]: opts.name },
        HostConfig: { NetworkMode: 'host', AutoRemove: false },
      });
      containers.push(container);
      await container.start();
    }
    await waitReady(cluster, opts.readyTimeoutMs ?? 120_000);
    return cluster;
  } catch (err) {
    const logs = await lastLogs(containers[0]);
    await cluster.stop();
    throw new Error(`test cluster ${opts.name} failed to start: ${(err as Error).message}\n${logs}`);
  }
}

/**
 * Waits until a client bootstrapped from each node alone sees every node and answers metadata. Asking each node,
 * not any: on Kafka 3.9 and 4.0 a node's metadata may still lack a peer a moment after another lists it all, and a
 * test that creates a replicated topic through that node would get fewer replicas.
 */
async function waitReady(cluster: TestCluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    for (const c of cluster.containers) {
      const state = (await c.inspect()).State;
      if (!state.Running) throw new Error(`container exited with code ${state.ExitCode}`);
    }
    const seen = await Promise.all(cluster.bootstrapServers.map((addr) => brokersSeenBy(addr)));
    const lagging = seen.findIndex((n) => n !== cluster.nodes);
    if (lagging < 0) return;
    last = `node ${lagging + 1}: ${seen[lagging]}`;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`not ready within ${timeoutMs} ms (last: ${last})`);
}

/** How many brokers the node at `addr` lists in its metadata, or why it did not answer. */
async function brokersSeenBy(addr: string): Promise<number | string> {
  const admin = new Kafka({ brokers: [addr], logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const described = await admin.describeCluster();
    await admin.fetchTopicMetadata({ topics: [] });
    return described.brokers.length;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The last log lines of a container, for failure messages. */
export async function lastLogs(container: Docker.Container | undefined, lines = 40): Promise<string> {
  if (!container) return '';
  try {
    const buf = (await container.logs({ stdout: true, stderr: true, tail: lines })) as unknown as Buffer;
    return demuxLogs(buf);
  } catch {
    return '';
  }
}

/** Removes leftovers of an earlier crashed run with the same name prefix. */
async function removeByName(docker: Docker, prefix: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${prefix}`] } });
  await Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
}
