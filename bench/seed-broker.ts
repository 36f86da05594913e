import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';

/** A single-node KRaft broker for benchmarks, on loopback ports with host networking. */
export interface BenchBroker {
  bootstrap: string;
  /** Removes the container; safe to call twice. */
  stop(): Promise<void>;
}

/** Image of the benchmark broker; the same default and override as the tests. */
export const BENCH_IMAGE = process.env.KAFKAFORM_TEST_IMAGE ?? 'apache/kafka:4.1.1';

/** Label on the benchmark containers, so a crashed run's leftover can be found and removed. */
const BENCH_LABEL = 'dev.kafkaform.bench';

/** The image's env name of a broker property: '.'→'_', '_'→'__', '-'→'___', upper case, KAFKA_ prefix. */
function envName(property: string): string {
  const escaped = [...property].map((ch) => (ch === '.' ? '_' : ch === '_' ? '__' : ch === '-' ? '___' : ch)).join('');
  return `KAFKA_${escaped.toUpperCase()}`;
}

/** Starts a 1-node broker (client `port`, controller `controllerPort`) named `name` and waits until it answers. */
export async function startBenchBroker(opts: { name: string; port: number; controllerPort: number }): Promise<BenchBroker> {
  const docker = new Docker();
  try {
    await docker.ping();
    await docker.getImage(BENCH_IMAGE).inspect();
  } catch (err) {
    throw new Error(`Docker or the image ${BENCH_IMAGE} is missing (${(err as Error).message}); run \`bash scripts/test-env.sh\``);
  }
  const old = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${opts.name}`] } });
  await Promise.allSettled(old.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const props: Record<string, string> = {
    'node.id': '1',
    'process.roles': 'broker,controller',
    'controller.quorum.voters': `1@127.0.0.1:${opts.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${opts.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': '/tmp/kraft-logs',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'group.initial.rebalance.delay.ms': '0',
  };
  const env = Object.entries(props).map(([k, v]) => `${envName(k)}=${v}`);
  env.push('KAFKA_HEAP_OPTS=-Xmx512m -Xms512m', 'CLUSTER_ID=kafkaform-bench-cluster0');
  const container = await docker.createContainer({
    name: `${opts.name}-1`,
    Image: BENCH_IMAGE,
    Env: env,
    Labels: { [BENCH_LABEL]: opts.name },
    HostConfig: { NetworkMode: 'host' },
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await container.remove({ force: true, v: true }).catch(() => undefined);
  };
  try {
    await container.start();
    await waitReady(container, `127.0.0.1:${opts.port}`, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { bootstrap: `127.0.0.1:${opts.port}`, stop };
}

/** Waits until the broker lists itself and answers a metadata request. */
async function waitReady(container: Docker.Container, bootstrap: string, timeoutMs: number): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 0 } });
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    const state = (await container.inspect()).State;
    if (!state.Running) throw new Error(`bench broker exited with code ${state.ExitCode}`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      await admin.fetchTopicMetadata({ topics: [] });
      if (brokers.length === 1) return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`bench broker not ready within ${timeoutMs} ms (last: ${last})`);
}
