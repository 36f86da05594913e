import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { LazyKafkaConnection } from '../../src/kafka/lazy-connection.js';
import { observe } from '../../src/apply/observe-docker-and-cluster.js';
import { setThrottle, clearThrottle } from '../../src/kafka/throttle.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import type { Plan, TopicReassignAction } from '../../src/plan/types.js';
import type { Spec } from '../../src/spec/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

// The safety lint against real brokers (ports 56092.., containers kft-i17-*): a retention drop that would
// delete held messages is refused without opt-in and applied with it (through the CLI); a replication factor
// change on 3 nodes runs throttled and leaves no throttle config behind (checked with Kafka's ConfigCommand).

const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');
const run = promisify(execFile);
const DAY = 86_400_000;

/** Runs the built CLI with no TTY; returns the exit code and both streams. */
function kafkaform(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Messages in a topic, counted by kcat (an independent librdkafka client). */
async function kcatCount(brokers: string[], topic: string): Promise<number> {
  const { stdout } = await run('kcat', ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\\n'], { timeout: 60_000 });
  return stdout.split('\n').filter(Boolean).length;
}

describe('L001 on a real broker: a retention drop that deletes messages', () => {
  let cluster: TestCluster;
  let dir: string;
  const spec = (retention: string, allow = ''): string => `version: 1
project: kft-i17
cluster:
  bootstrapServers: 127.0.0.1:56092
topics:
  events:
    partitions: 2
    replicationFactor: 1
${allow ? `    allow: [${allow}]\n` : ''}    config:
      retention.ms: ${retention}
`;
  const write = (text: string): string => {
    const file = join(dir, 'kafka.config.yaml');
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kft-i17-'));
    cluster = await startTestCluster({ name: 'kft-i17-one', nodes: 1, port: 56092, controllerPort: 56192, properties: { 'log.retention.check.interval.ms': '1000' } });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is refused without opt-in, shown with what is at stake, and applied with it', async () => {
    const file = write(spec('7d'));
    expect((await kafkaform(['-f', file, 'apply', '--auto-approve'])).code).toBe(0);

    // 20 messages written three days ago (alone in the active segment, so the broker can delete it whole).
    const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const old = String(Date.now() - 3 * DAY);
    await producer.send({ topic: 'events', messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'old', timestamp: old })) });
    await producer.disconnect();
    expect(await kcatCount(cluster.bootstrapServers, 'events')).toBe(20);

    write(spec('1d'));
    const planned = await kafkaform(['-f', file, 'plan', '--json']);
    expect(planned.code).toBe(1);
    const p = JSON.parse(planned.stdout) as Plan;
    const l001 = p.diagnostics.find((d) => d.code === 'L001');
    expect(l001).toMatchObject({ severity: 'error', subject: 'events', key: 'retention.ms', at: { line: 10 } });
    expect(l001?.message).toMatch(/oldest message 3 d old/);

    const refused = await kafkaform(['-f', file, 'apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('! L001 blocked');
    expect(await kcatCount(cluster.bootstrapServers, 'events')).toBe(20);

    // --allow on plan: a warning that says what allowed it, counted by --detailed-exitcode.
    const flagged = await kafkaform(['-f', file, 'plan', '--detailed-exitcode', '--allow', 'L001']);
    expect(flagged.code).toBe(2);
    expect(flagged.stdout).toContain('! L001 allowed by --allow L001');

    // The spec marker opts in: applied, and the broker then deletes the old messages (the lint was right).
    write(spec('1d', 'L001'));
    const applied = await kafkaform(['-f', file, 'apply', '--auto-approve']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/! L001 allowed by allow: \[L001\] at .*kafka\.config\.yaml:9:\d+/);
    let left = 20;
    for (let i = 0; i < 60 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      left = await kcatCount(cluster.bootstrapServers, 'events');
    }
    expect(left).toBe(0);
  }, 240_000);
});

describe('a throttled replication factor change on 3 nodes', () => {
  let cluster: TestCluster;
  const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };
  const POS = { file: '/tmp/kafka.config.yaml', line: 1, col: 1 };
  const spec = (rf: number): Spec => ({
    version: 1,
    project: 'kft-i17',
    file: POS.file,
    cluster: { bootstrapServers: cluster.bootstrapServers, clientId: 'kft-i17', connectionTimeoutMs: 5000, requestTimeoutMs: 30_000, tls: null, sasl: null },
    topics: [{ name: 'moves', partitions: 3, replicationFactor: rf, config: { 'retention.ms': '3600000' }, pos: { name: POS, config: {} } }],
    containers: null,
    seeds: [],
    allowDelete: false,
  });

  /** Kafka's own ConfigCommand, run inside node 1: the dynamic configs of every broker and of the topic. */
  async function configCommand(): Promise<string> {
    const args = (type: string, name?: string) => [
      'exec', 'kft-i17-three-1', '/opt/kafka/bin/kafka-configs.sh', '--bootstrap-server', cluster.bootstrapServers[0]!,
      '--describe', '--entity-type', type, ...(name ? ['--entity-name', name] : []),
    ];
    const [brokers, topic] = await Promise.all([run('docker', args('brokers'), { timeout: 60_000 }), run('docker', args('topics', 'moves'), { timeout: 60_000 })]);
    return brokers.stdout + topic.stdout;
  }

  /** observe → plan → apply, as `kafkaform apply` does. */
  async function converge(s: Spec, progress: string[]): Promise<{ plan: Plan; converged: boolean }> {
    const link = new LazyKafkaConnection(s);
    try {
      const deps = { link, options: OPTIONS };
      const observed = await observe(s, deps);
      const plan = makePlan({ spec: s, seeds: [] }, observed, OPTIONS);
      const report = await apply(plan, { ...deps, observed, seeds: [], replan: (o) => makePlan({ spec: s, seeds: [] }, o, OPTIONS), onProgress: (m) => progress.push(m) });
      return { plan, converged: report.converged };
    } finally {
      await link.close();
    }
  }

  beforeAll(async () => {
    cluster = await startTestCluster({ name: 'kft-i17-three', nodes: 3, port: 56093, controllerPort: 56193, readyTimeoutMs: 180_000 });
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('sets the throttle while moving, shows the bytes, and removes every throttle config after', async () => {
    expect((await converge(spec(1), [])).converged).toBe(true);
    const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'moves', messages: Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(200) })) });
    await producer.disconnect();

    // The throttle module on its own: set, visible to Kafka's ConfigCommand, then gone.
    const link = new LazyKafkaConnection(spec(3));
    try {
      const observed = await observe(spec(3), { link, options: OPTIONS });
      const p = makePlan({ spec: spec(3), seeds: [] }, observed, OPTIONS);
      const reassign = p.actions.find((a): a is TopicReassignAction => a.kind === 'topic.reassign');
      expect(reassign?.moveBytes).toBeGreaterThan(3000 * 200);
      const applied = await setThrottle(link.connection(), [reassign!]);
      expect(applied.topics).toEqual(['moves']);
      expect(applied.brokers).toEqual([1, 2, 3]);
      const during = await configCommand();
      expect(during).toContain('leader.replication.throttled.rate=52428800');
      expect(during).toContain('follower.replication.throttled.replicas=');
      expect(during).toContain('retention.ms=3600000');
      await clearThrottle(link.connection(), applied);
      expect(await configCommand()).not.toContain('throttled');
    } finally {
      await link.close();
    }

    // The whole apply: throttled, converged, nothing left behind, the other override kept.
    const progress: string[] = [];
    const result = await converge(spec(3), progress);
    expect(result.plan.actions.map((a) => a.kind)).toEqual(['topic.reassign']);
    expect(result.converged).toBe(true);
    expect(progress).toContain('throttling replication for the reassignment');
    const after = await configCommand();
    expect(after).not.toContain('throttled');
    expect(after).toContain('retention.ms=3600000');
  }, 300_000);
});
