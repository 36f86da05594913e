import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';
import { propertyEnvName } from '../src/plan/kafka-node-config.js';
import { DEFAULT_KAFKA_IMAGE } from '../src/kafka/versions.js';

/** The broker image benchmarks run; scripts/test-env.sh makes it exist on a bare machine. */
export const BENCH_IMAGE = process.env.KAFKAFORM_BENCH_IMAGE ?? DEFAULT_KAFKA_IMAGE;

/** Label on benchmark containers, so a crashed run's leftovers can be found by hand (`docker ps -a --filter label=...`). */
const BENCH_LABEL = 'dev.kafkaform.bench';

/** A running single-node benchmark broker. */
export interface BenchBroker {
  bootstrapServers: string[];
  /** Removes the container; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of startBenchBroker; the ports must be free (KAFKAFORM_BENCH_PORT / KAFKAFORM_BENCH_CONTROLLER_PORT override them). */
export interface BenchBrokerOptions {
  /** Name prefix; the container gets a unique suffix so two runs on one engine never collide. */
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
  // Only what this run starts is ever removed: a unique name instead of clearing "leftovers" by label, which
  // would kill another run's broker on a shared engine.
  const name = `${opts.name}-${process.pid}-${Date.now().toString(36)}`;
  const port = Number(process.env.KAFKAFORM_BENCH_PORT ?? opts.port);
  const controllerPort = Number(process.env.KAFKAFORM_BENCH_CONTROLLER_PORT ?? opts.controllerPort);
  const env = benchBrokerEnv(port, controllerPort);
  const container = await docker.createContainer({
    name,
    Image: BENCH_IMAGE,
    Env: env,
    Labels: { [BENCH_LABEL]: name },
    HostConfig: { NetworkMode: 'host' },
  });
  const broker: BenchBroker = {
    bootstrapServers: [`127.0.0.1:${port}`],
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

/** The environment of a 1-node KRaft broker on 127.0.0.1 (the image turns KAFKA_* variables into properties). */
export function benchBrokerEnv(port: number, controllerPort: number): string[] {
  const props: Record<string, string> = {
    'node.id': '1',
    'process.roles': 'broker,controller',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
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
  return env;
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
