import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { down, up } from '../src/api/index.js';
import { BENCH_IMAGE as IMAGE, startBenchBroker } from './broker.js';

// up() cold (nothing → a ready 1-node cluster with 10 topics and a 100-message seed) against the same image
// started directly through dockerode plus one CreateTopics and a plain produce of the same messages; then
// up() warm (everything converged). Testcontainers is not the baseline: it maps ports over Docker's bridge,
// which this machine must not use, and @testcontainers/kafka only runs Confluent images; with
// KAFKAFORM_BENCH_TESTCONTAINERS=<path to an installed testcontainers package> a third side starts the same
// image through Testcontainers' GenericContainer with host networking. Usage: node dist/bench/up.js [rounds].

const PROJECT = 'kft-i13-bench';
const PORT = 54392;
const BASELINE_PORT = 54492;
const TOPICS = Array.from({ length: 10 }, (_, i) => `bench-${i}`);
const SEED_COUNT = 100;

/** The benchmark spec: 10 topics of 3 partitions, 100 generated messages into the first, no kept data. */
function spec(): string {
  return [
    'version: 1',
    `project: ${PROJECT}`,
    'containers:',
    '  kafka:',
    '    nodes: 1',
    '    network: host',
    `    port: ${PORT}`,
    `    controllerPort: ${PORT + 1}`,
    '    heap: 512m',
    '    persistence: none',
    'topics:',
    ...TOPICS.flatMap((t) => [`  ${t}:`, '    partitions: 3', '    replicationFactor: 1']),
    'seed:',
    `  ${TOPICS[0]}:`,
    '    generate:',
    `      - { id: sample, count: ${SEED_COUNT}, key: "user-{{seq}}", value: { n: "{{seq}}" }, seed: 1 }`,
  ].join('\n');
}

/** A broker a baseline started, and how to remove it. */
interface Started {
  bootstrapServers: string[];
  stop: () => Promise<void>;
}

/** The baselines' common part: one CreateTopics for the 10 topics, leaders polled, one produce of the seed. */
async function topicsAndSeed(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: TOPICS.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })), waitForLeaders: false });
  // kafkajs' own leader wait gives up on KRaft's first metadata errors; poll until every partition has a leader.
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: TOPICS });
      if (topics.every((t) => t.partitions.length === 3 && t.partitions.every((p) => p.leader >= 0))) break;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: SEED_COUNT }, (_, i) => ({ key: `user-${i + 1}`, value: JSON.stringify({ n: String(i + 1) }) }));
  await producer.send({ topic: TOPICS[0]!, messages, acks: -1 });
  await producer.disconnect();
}

/** Times a baseline from nothing to topics and seed, then removes its broker. */
async function baseline(start: () => Promise<Started>): Promise<number> {
  const t = performance.now();
  const broker = await start();
  await topicsAndSeed(broker.bootstrapServers);
  const ms = performance.now() - t;
  await broker.stop();
  return ms;
}

/** The same image started directly through dockerode (bench/broker.ts), ready when metadata answers. */
function dockerode(): Promise<Started> {
  return startBenchBroker({ name: 'kft-i13-bench-baseline', port: BASELINE_PORT, controllerPort: BASELINE_PORT + 1 });
}

/** The broker properties of the Testcontainers side, as KAFKA_* variables (the image's contract). */
function testcontainersEnv(port: number): Record<string, string> {
  return {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_CONTROLLER_QUORUM_VOTERS: `1@127.0.0.1:${port + 1}`,
    KAFKA_LISTENERS: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_HEAP_OPTS: '-Xmx512m -Xms512m',
    CLUSTER_ID: 'kafkaform-bench-cluster0',
  };
}

/** The subset of the testcontainers package this benchmark uses. */
interface TestcontainersModule {
  GenericContainer: new (image: string) => TestcontainersBuilder;
  Wait: { forLogMessage(message: RegExp): unknown };
}
interface TestcontainersBuilder {
  withName(n: string): TestcontainersBuilder;
  withNetworkMode(m: string): TestcontainersBuilder;
  withEnvironment(e: Record<string, string>): TestcontainersBuilder;
  withWaitStrategy(w: unknown): TestcontainersBuilder;
  withStartupTimeout(ms: number): TestcontainersBuilder;
  start(): Promise<{ stop(): Promise<unknown> }>;
}

/**
 * Testcontainers' GenericContainer with the same image, host networking and its usual log-line wait; loaded from
 * KAFKAFORM_BENCH_TESTCONTAINERS (a path to an installed `testcontainers` package, never a dependency of kafkaform).
 */
async function testcontainers(): Promise<(() => Promise<Started>) | null> {
  const path = process.env.KAFKAFORM_BENCH_TESTCONTAINERS;
  if (!path) return null;
  const mod = (await import(join(path, 'build/index.js'))) as TestcontainersModule & { default?: TestcontainersModule };
  const tc = mod.GenericContainer ? mod : mod.default!;
  const port = BASELINE_PORT + 100;
  return async () => {
    const c = await new tc.GenericContainer(IMAGE)
      .withName('kft-i13-bench-tc')
      .withNetworkMode('host')
      .withEnvironment(testcontainersEnv(port))
      .withWaitStrategy(tc.Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000)
      .start();
    return { bootstrapServers: [`127.0.0.1:${port}`], stop: async () => void (await c.stop()) };
  };
}

/** Median, min and max, rounded to ms. */
function stats(xs: number[]): { median: number; min: number; max: number; rounds: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median: Math.round(median), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!), rounds: s.length };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const dir = await mkdtemp(join(tmpdir(), 'kft-i13-bench-'));
  const file = join(dir, 'kafka.config.yaml');
  await writeFile(file, spec());
  await down({ file, volumes: true });
  const tc = await testcontainers();
  const times: Record<'upCold' | 'upWarm' | 'dockerodeCold' | 'testcontainersCold', number[]> = { upCold: [], upWarm: [], dockerodeCold: [], testcontainersCold: [] };
  const sides: Record<string, () => Promise<void>> = {
    kafkaform: async () => {
      let t = performance.now();
      const env = await up({ file });
      times.upCold.push(performance.now() - t);
      if (!env.report.converged || env.bootstrapServers[0] !== `127.0.0.1:${PORT}`) throw new Error('up() did not converge');
      for (let w = 0; w < 2; w++) {
        t = performance.now();
        const again = await up({ file });
        times.upWarm.push(performance.now() - t);
        if (again.report.applied.length !== 0) throw new Error('warm up() executed actions');
      }
      await down({ file, volumes: true });
    },
    dockerode: async () => void times.dockerodeCold.push(await baseline(dockerode)),
    ...(tc ? { testcontainers: async () => void times.testcontainersCold.push(await baseline(tc)) } : {}),
  };
  const order = Object.keys(sides);
  for (let r = 1; r <= rounds; r++) {
    // Rotate which side goes first, so none always meets a freshly busy machine.
    for (let i = 0; i < order.length; i++) await sides[order[(i + r) % order.length]!]!();
    const last = Object.entries(times).filter(([, v]) => v.length > 0).map(([k, v]) => `${k} ${Math.round(v.at(-1)!)} ms`);
    process.stderr.write(`round ${r}/${rounds}: ${last.join(', ')}\n`);
  }
  const result = {
    bench: 'up',
    topics: TOPICS.length,
    seedMessages: SEED_COUNT,
    ...Object.fromEntries(Object.entries(times).filter(([, v]) => v.length > 0).map(([k, v]) => [k, stats(v)])),
  } as Record<string, unknown>;
  const labels: Record<string, string> = {
    upCold: 'up() cold: nothing → ready, 10 topics, seed',
    dockerodeCold: 'dockerode + CreateTopics + produce',
    testcontainersCold: 'Testcontainers + CreateTopics + produce',
    upWarm: 'up() warm: everything converged',
  };
  for (const [k, label] of Object.entries(labels)) {
    const st = result[k] as ReturnType<typeof stats> | undefined;
    if (st) process.stdout.write(`${label.padEnd(44)} median ${String(st.median).padStart(5)} ms  (min ${st.min}, max ${st.max}, ${st.rounds} runs)\n`);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
