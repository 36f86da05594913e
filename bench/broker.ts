import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';
import { propertyEnvName } from '../src/docker/kafka-config.js';
import { DEFAULT_KAFKA_IMAGE } from '../src/kafka/versions.js';

/** The broker image benchmarks run; scripts/test-env.sh makes it exist on a bare machine. */
export const BENCH_IMAGE = process.env.KAFKAFORM_BENCH_IMAGE ?? DEFAULT_KAFKA_IMAGE;

/** Label on benchmark containers, so leftovers of a crashed run are found and removed. */
const BENCH_LABEL = 'dev.kafkaform.bench';

/** A running single-node benchmark broker. */
export interface BenchBroker {
  bootstrapServers: string[];
  /** Removes the container; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of startBenchBroker; the ports must be free. */
export interface BenchBrokerOptions {
  name: string;
  port: number;
  controllerPort: number;
  readyTimeoutMs?: number;
}

/** Starts a 1-node KRaft broker on loopback (host networking) and waits until it answers metadata. */
export async function startBenchBroker(opts: BenchBrokerOptions): Promise<BenchBroker> {
  const docker = new Docker();
  try {
    await docker.ping();
    await docker.getImage(BENCH_IMAGE).inspect();
  } catch (err) {
    throw new Error(`Docker or image ${BENCH_IMAGE} unavailable (${(err as Error).message}); run \`bash scripts/test-env.sh\``);
  }
  await removeLeftovers(docker, opts.name);
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
  };
  const env = Object.entries(props).map(([k, v]) => `${propertyEnvName(k)}=${v}`);
  env.push('KAFKA_HEAP_OPTS=-Xmx512m -Xms512m', 'CLUSTER_ID=kafkaform-bench-cluster0');
  const container = await docker.createContainer({
    name: `${opts.name}`,
    Image: BENCH_IMAGE,
    Env: env,
    Labels: { [BENCH_LABEL]: opts.name },
    HostConfig: { NetworkMode: 'host' },
  });
  const broker: BenchBroker = {
    bootstrapServers: [`127.0.0.1:${opts.port}`],
    stop: async () => {
      await container.remove({ force: true, v: true }).catch(() => undefined);
    },
  };
  try {
    await container.start();
    await waitReady(broker.bootstrapServers, container, opts.readyTimeoutMs ?? 120_000);
    return broker;
  } catch (err) {
    await broker.stop();
    throw err;
  }
}

/** Polls until metadata succeeds; fails early when the container exits. */
async function waitReady(brokers: string[], container: Docker.Container, timeoutMs: number): Promise<void> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 0 } });
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    if (!(await container.inspect()).State.Running) throw new Error('benchmark broker exited during start-up');
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [] });
      return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`benchmark broker not ready within ${timeoutMs} ms (last: ${last})`);
}

/** Removes containers of an earlier crashed run with the same name. */
async function removeLeftovers(docker: Docker, name: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${name}`] } });
  await Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
}
