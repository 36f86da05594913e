import { createServer, type Server } from 'node:net';
import Docker from 'dockerode';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker, createDockerClient } from '../../src/docker/client.js';
import { bootstrapServers } from '../../src/plan/desired-containers.js';
import { executorOf, type ExecRun } from '../../src/apply/executors.js';
import { observeDocker } from '../../src/docker/observe-containers.js';
import { containerStatus } from '../../src/docker/status.js';
import { ErrorCodes, KafkaformError } from '../../src/errors.js';
import { createKafkaConnection } from '../../src/kafka/client.js';
import { LazyKafkaConnection } from '../../src/kafka/lazy-connection.js';
import { readAll } from '../../src/kafka/fetch.js';
import { planContainers } from '../../src/plan/containers.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import type { Action } from '../../src/plan/types.js';
import type { Spec } from '../../src/spec/types.js';
import { requireDocker, TEST_IMAGE } from '../support/cluster.js';
import { kafkaSpec, serviceSpec, specWith } from '../unit/plan/container-spec-builder.js';

// Real engine, real brokers, host networking on loopback. Projects are prefixed kft-dock-; client ports
// 39092-39199, controller ports 40092-40199. afterAll removes everything labelled for these projects.

const PREFIX = 'kft-dock-';
const PROJECT_LABEL = 'dev.kafkaform.project';
const BYSTANDER = `${PREFIX}bystander`;
const OPTS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false, noAdopt: true };

let docker: Docker;

/** Progress messages with their time, to check the order of what the executors did. */
interface Event {
  at: number;
  message: string;
}

/** Observes, plans and executes the containers part of a spec, as apply does; returns the executed actions. */
async function reconcile(spec: Spec, events: Event[] = [], opts: Partial<PlanOptions> = {}): Promise<Action[]> {
  const observed = await observeDocker(docker, spec);
  const { actions, diagnostics } = planContainers({ spec, seeds: [] }, { cluster: null, docker: observed }, { ...OPTS, ...opts });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`plan has errors: ${errors.map((d) => d.message).join('; ')}`);
  const run: ExecRun = {
    spec,
    link: new LazyKafkaConnection(spec),
    docker: () => docker,
    observed: { cluster: null, docker: observed },
    seeds: [],
    readyTimeoutMs: 120_000,
    onProgress: (message: string) => events.push({ at: Date.now(), message }),
  };
  // Through apply's executor registry, one action at a time, so a failure is thrown as the KafkaformError it is.
  for (const action of actions) {
    const executor = executorOf(action);
    if (executor.batch) throw new Error(`${action.kind} is not a container step`);
    await executor.run(action, run);
  }
  return actions;
}

/** The containers part of a fresh plan. */
async function planOf(spec: Spec, opts: Partial<PlanOptions> = {}): Promise<Action[]> {
  const observed = await observeDocker(docker, spec);
  return planContainers({ spec, seeds: [] }, { cluster: null, docker: observed }, { ...OPTS, ...opts }).actions;
}

/** Everything labelled for one of this file's projects (or the bystander), removed; volumes and networks too. */
async function removeAllOurs(): Promise<void> {
  const ours = (labels: Record<string, string> | null | undefined) => (labels?.[PROJECT_LABEL] ?? '').startsWith(PREFIX);
  const containers = await docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } });
  const named = await docker.listContainers({ all: true, filters: { name: [`^/${BYSTANDER}$`] } });
  await Promise.allSettled([...containers.filter((c) => ours(c.Labels)), ...named].map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const volumes = (await docker.listVolumes({ filters: { label: [PROJECT_LABEL] } })).Volumes ?? [];
  await Promise.allSettled(volumes.filter((v) => ours(v.Labels)).map((v) => docker.getVolume(v.Name).remove()));
  const networks = await docker.listNetworks({ filters: { label: [PROJECT_LABEL] } });
  await Promise.allSettled(networks.filter((n) => ours(n.Labels)).map((n) => docker.getNetwork(n.Id).remove()));
}

/** Names of containers / volumes labelled for a project. */
async function leftovers(project: string): Promise<{ containers: string[]; volumes: string[]; networks: string[] }> {
  const label = [`${PROJECT_LABEL}=${project}`];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  const networks = await docker.listNetworks({ filters: { label } });
  return { containers: containers.map((c) => c.Names[0]!.slice(1)).sort(), volumes: volumes.map((v) => v.Name).sort(), networks: networks.map((n) => n.Name) };
}

async function withAdmin<T>(spec: Spec, fn: (admin: Admin, kafka: Kafka) => Promise<T>): Promise<T> {
  const kafka = new Kafka({ brokers: bootstrapServers(spec, null), logLevel: logLevel.NOTHING, clientId: 'kft-dock-test' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin, kafka);
  } finally {
    await admin.disconnect();
  }
}

async function nodeIds(spec: Spec): Promise<number[]> {
  return withAdmin(spec, async (admin) => (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort());
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

beforeAll(async () => {
  docker = await requireDocker();
  await removeAllOurs();
});

afterAll(async () => {
  await removeAllOurs();
  const left = await docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } });
  expect(left.filter((c) => c.Labels[PROJECT_LABEL]!.startsWith(PREFIX))).toEqual([]);
});

describe('containers: a 1-node cluster', () => {
  const spec = specWith(`${PREFIX}one`, kafkaSpec({ image: TEST_IMAGE, nodes: 1, port: 39092, controllerPort: 40092, heap: '384m', network: 'host' }));

  it('goes from nothing to a ready cluster, then plans nothing', async () => {
    const t0 = Date.now();
    const actions = await reconcile(spec);
    const ready = Date.now() - t0;
    expect(actions.map((a) => a.kind)).toEqual(['container.create', 'cluster.wait']);
    expect(await nodeIds(spec)).toEqual([1]);

    const t1 = Date.now();
    await withAdmin(spec, async (admin) => {
      const topics = Array.from({ length: 10 }, (_, i) => ({ topic: `t${i}`, numPartitions: 3, replicationFactor: 1 }));
      await admin.createTopics({ topics, waitForLeaders: false });
      await expect
        .poll(async () => (await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) })).topics.flatMap((t) => t.partitions).filter((p) => p.leader === 1).length, {
          timeout: 30_000,
          interval: 200,
        })
        .toBe(30);
    });
    const withTopics = Date.now() - t1;
    console.log(`[measure] 1-node cluster: nothing → ready in ${seconds(ready)}; + 10 topics (30 partitions) led in ${seconds(withTopics)} more`);

    expect(await planOf(spec)).toEqual([]);
    const status = await containerStatus(docker, spec);
    expect(status).toEqual([expect.objectContaining({ name: `${PREFIX}one-kafka-1`, role: 'kafka', node: 1, state: 'running', bootstrap: '127.0.0.1:39092', declared: true, outdated: false })]);
  });

  it('destroy with removeVolumes leaves nothing labelled', async () => {
    const actions = await reconcile(spec, [], { destroy: true, removeVolumes: true });
    expect(actions).toEqual([{ kind: 'container.remove', name: `${PREFIX}one-kafka-1`, role: 'kafka', volumes: [`${PREFIX}one-kafka-1-data`], reason: 'destroy' }]);
    expect(await leftovers(spec.project)).toEqual({ containers: [], volumes: [], networks: [] });
  });
});

describe('containers: a 3-node cluster with dependent services', () => {
  const project = `${PREFIX}three`;
  const kafka = (properties: Record<string, string> = {}) =>
    kafkaSpec({ image: TEST_IMAGE, nodes: 3, port: 39095, controllerPort: 40095, heap: '384m', network: 'host', properties });
  const sleeper = { image: TEST_IMAGE, entrypoint: ['/bin/sleep'], command: ['600'], network: 'host' as const };
  const services = [
    serviceSpec('second', { ...sleeper, dependsOn: ['first'], env: { ROLE: 'second' } }),
    serviceSpec('first', {
      ...sleeper,
      dependsOn: ['kafka'],
      healthcheck: { test: ['CMD', 'true'], intervalMs: 500, timeoutMs: 2000, retries: 3, startPeriodMs: 0 },
    }),
  ];
  const spec = specWith(project, kafka(), services);
  const node = (i: number) => `${project}-kafka-${i}`;
  const startedAt = async (name: string) => Date.parse((await docker.getContainer(name).inspect()).State.StartedAt);

  it('starts the cluster, then services in dependency order once it is ready', async () => {
    const events: Event[] = [];
    const t0 = Date.now();
    const actions = await reconcile(spec, events);
    console.log(`[measure] 3-node cluster + 2 services: nothing → ready in ${seconds(Date.now() - t0)}`);
    expect(actions.map((a) => `${a.kind}${'name' in a ? ` ${a.name}` : ''}`)).toEqual([
      `container.create ${node(1)}`,
      `container.create ${node(2)}`,
      `container.create ${node(3)}`,
      'cluster.wait',
      `container.create ${project}-first`,
      `container.create ${project}-second`,
    ]);
    expect(await nodeIds(spec)).toEqual([1, 2, 3]);
    // The order of apply's own progress events, not a comparison of our clock with Docker's.
    const messages = events.map((e) => e.message);
    const readyIndex = messages.findIndex((m) => m.startsWith('Kafka cluster ready'));
    expect(readyIndex).toBeGreaterThanOrEqual(0);
    expect(messages.findIndex((m) => m.includes(`${project}-first`))).toBeGreaterThan(readyIndex);
    // Both start times are Docker's clock: second started after first.
    expect(await startedAt(`${project}-second`)).toBeGreaterThan(await startedAt(`${project}-first`));
    expect((await docker.getContainer(`${project}-first`).inspect()).State.Health?.Status).toBe('healthy');
    expect(await planOf(spec)).toEqual([]);
  });

  it('rolls a broker property change through the nodes one at a time, keeping data', async () => {
    const value = (p: number) => `kept-${p}`;
    await withAdmin(spec, async (admin, kafkajs) => {
      await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 3, replicationFactor: 1 }, { topic: 'replicated', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: false });
      await expect
        .poll(async () => (await admin.fetchTopicMetadata({ topics: ['spread', 'replicated'] })).topics.flatMap((t) => t.partitions).filter((p) => p.leader > 0).length, { timeout: 30_000, interval: 200 })
        .toBe(4);
      // Idempotent: a retried send must not append twice, so counts below are exact.
      const producer = kafkajs.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic: 'spread', acks: -1, messages: [0, 1, 2].map((p) => ({ partition: p, value: value(p) })) });
      await producer.send({ topic: 'replicated', acks: -1, messages: [{ value: 'replicated' }] });
      await producer.disconnect();
    });
    const offsets = async () =>
      withAdmin(spec, async (admin) => (await admin.fetchTopicOffsets('spread')).map((o) => [o.partition, o.high]).sort());
    expect(await offsets()).toEqual([[0, '1'], [1, '1'], [2, '1']]);

    const changed = specWith(project, kafka({ 'log.retention.ms': '86400000' }), services);
    const planned = await planOf(changed);
    expect(planned.map((a) => a.kind)).toEqual(['container.recreate', 'container.recreate', 'container.recreate', 'cluster.wait']);
    expect(planned[0]).toMatchObject({ name: node(1), changes: ['property log.retention.ms'] });

    const events: Event[] = [];
    const t0 = Date.now();
    await reconcile(changed, events);
    console.log(`[measure] rolling restart of 3 nodes: ${seconds(Date.now() - t0)}\n${events.map((e) => `  +${seconds(e.at - t0)} ${e.message}`).join('\n')}`);
    // Each node is stopped only after the previous one is back and the whole cluster is ready.
    const order = events.filter((e) => /^(stopping|creating) .*kafka|^Kafka cluster ready/.test(e.message)).map((e) => e.message);
    expect(order).toEqual([
      `stopping ${node(1)}`,
      `creating ${node(1)}`,
      'Kafka cluster ready: 3/3 nodes',
      `stopping ${node(2)}`,
      `creating ${node(2)}`,
      'Kafka cluster ready: 3/3 nodes',
      `stopping ${node(3)}`,
      `creating ${node(3)}`,
      'Kafka cluster ready: 3/3 nodes',
      'Kafka cluster ready: 3/3 nodes',
    ]);
    const starts = [await startedAt(node(1)), await startedAt(node(2)), await startedAt(node(3))];
    expect(starts[0]).toBeLessThan(starts[1]!);
    expect(starts[1]).toBeLessThan(starts[2]!);
    const env = (await docker.getContainer(node(2)).inspect()).Config.Env;
    expect(env).toContain('KAFKA_LOG_RETENTION_MS=86400000');

    expect(await offsets()).toEqual([[0, '1'], [1, '1'], [2, '1']]);
    const conn = createKafkaConnection({ bootstrapServers: bootstrapServers(changed, null) });
    try {
      const spread = await readAll(conn, 'spread');
      expect(spread.map((m) => [m.partition, m.value?.toString()]).sort()).toEqual([0, 1, 2].map((p) => [p, value(p)]));
      expect((await readAll(conn, 'replicated')).map((m) => m.value?.toString())).toEqual(['replicated']);
    } finally {
      await conn.close();
    }
    expect(await planOf(changed)).toEqual([]);
  });

  it('destroy removes the project and leaves other containers alone; volumes only with removeVolumes', async () => {
    const bystander = await docker.createContainer({
      name: BYSTANDER,
      Image: TEST_IMAGE,
      Entrypoint: ['/bin/sleep'],
      Cmd: ['600'],
      Labels: { 'dev.kafkaform.test': 'kft-dock' },
      HostConfig: { NetworkMode: 'host' },
    });
    await bystander.start();

    const t0 = Date.now();
    await reconcile(spec, [], { destroy: true });
    console.log(`[measure] destroy of 3 nodes + 2 services (volumes kept): ${seconds(Date.now() - t0)}`);
    expect(await leftovers(project)).toEqual({ containers: [], volumes: [1, 2, 3].map((i) => `${node(i)}-data`), networks: [] });
    expect((await bystander.inspect()).State.Running).toBe(true);

    const again = await reconcile(spec, [], { destroy: true, removeVolumes: true });
    expect(again.map((a) => a.kind === 'container.remove' && a.volumes)).toEqual([[`${node(3)}-data`], [`${node(2)}-data`], [`${node(1)}-data`]]);
    expect(await leftovers(project)).toEqual({ containers: [], volumes: [], networks: [] });
    expect((await bystander.inspect()).State.Running).toBe(true);
    await bystander.remove({ force: true });
  });
});

describe('containers: failures', () => {
  /** Runs fn and returns the KafkaformError it throws (fails the test when it does not throw one). */
  async function failure(fn: () => Promise<unknown>): Promise<KafkaformError> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof KafkaformError) return err;
      throw err;
    }
    throw new Error('expected a KafkaformError, nothing was thrown');
  }

  it('an unreachable daemon is DOCKER_UNREACHABLE', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent.sock';
    try {
      const err = await failure(() => connectDocker());
      expect(err.code).toBe(ErrorCodes.DOCKER_UNREACHABLE);
      expect(err.message).toContain('/nonexistent.sock');
      expect(err.hint).toMatch(/start Docker|DOCKER_HOST/);
      const observeErr = await failure(() => observeDocker(createDockerClient(), specWith(`${PREFIX}none`, kafkaSpec())));
      expect(observeErr.code).toBe(ErrorCodes.DOCKER_UNREACHABLE);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('a missing image that cannot be pulled is IMAGE_UNAVAILABLE, fast, and leaves nothing', async () => {
    const spec = specWith(`${PREFIX}noimage`, null, [serviceSpec('ghost', { image: 'kafkaform/does-not-exist:1', network: 'host' })]);
    const planned = await planOf(spec);
    expect(planned).toEqual([expect.objectContaining({ kind: 'container.create', pull: true })]);
    const err = await failure(() => reconcile(spec));
    expect(err.code).toBe(ErrorCodes.IMAGE_UNAVAILABLE);
    expect(err.message).toContain('kafkaform/does-not-exist:1');
    expect(err.hint).toMatch(/docker load|scripts\/test-env\.sh/);
    expect(await leftovers(spec.project)).toEqual({ containers: [], volumes: [], networks: [] });
  });

  it('a busy host port is PORT_IN_USE before anything is created', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(39110, '127.0.0.1', resolve));
    try {
      const spec = specWith(`${PREFIX}busy`, kafkaSpec({ image: TEST_IMAGE, port: 39110, controllerPort: 40110, heap: '384m', network: 'host' }));
      const err = await failure(() => reconcile(spec));
      expect(err.code).toBe(ErrorCodes.PORT_IN_USE);
      expect(err.message).toContain('127.0.0.1:39110');
      expect(await leftovers(spec.project)).toEqual({ containers: [], volumes: [], networks: [] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a foreign container holding a needed name is a plan error, and is left alone', async () => {
    const foreign = await docker.createContainer({ name: BYSTANDER, Image: TEST_IMAGE, Entrypoint: ['/bin/sleep'], Cmd: ['600'], HostConfig: { NetworkMode: 'host' } });
    try {
      // The service's container name, kft-dock-bystander, is taken by a container without our labels.
      const spec = specWith('kft-dock', null, [serviceSpec('bystander', { image: TEST_IMAGE, network: 'host' })]);
      const observed = await observeDocker(docker, spec);
      expect(observed.containers).toEqual([expect.objectContaining({ name: BYSTANDER, project: null, state: 'created' })]);
      const { actions, diagnostics } = planContainers({ spec, seeds: [] }, { cluster: null, docker: observed }, OPTS);
      expect(actions).toEqual([]);
      expect(diagnostics.map((d) => [d.code, d.severity, d.subject])).toEqual([['P009', 'error', BYSTANDER]]);
    } finally {
      await foreign.remove({ force: true });
    }
  });

  it('a dependency that dies is CONTAINER_FAILED with its last log lines', async () => {
    const spec = specWith(`${PREFIX}dies`, null, [
      // With a health check the dependant waits for "healthy", so the exit is seen however fast the machine is.
      serviceSpec('crash', {
        image: TEST_IMAGE,
        entrypoint: ['/bin/sh', '-c'],
        command: ['echo boom-from-crash; sleep 1; exit 3'],
        healthcheck: { test: ['CMD', 'false'], intervalMs: 5000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 },
        network: 'host',
      }),
      serviceSpec('after', { image: TEST_IMAGE, entrypoint: ['/bin/sleep'], command: ['600'], dependsOn: ['crash'], network: 'host' }),
    ]);
    const err = await failure(() => reconcile(spec));
    expect(err.code).toBe(ErrorCodes.CONTAINER_FAILED);
    expect(err.message).toContain(`${PREFIX}dies-crash`);
    expect(err.message).toContain('boom-from-crash');
    expect(err.details.logs).toContain('boom-from-crash');
    // The dependant was never created; the exited container stays for `docker logs` and a later start.
    expect((await leftovers(spec.project)).containers).toEqual([`${PREFIX}dies-crash`]);
  });

  it('a Kafka node that exits while the cluster starts is CONTAINER_FAILED with its logs', async () => {
    const spec = specWith(
      `${PREFIX}badkafka`,
      kafkaSpec({ image: TEST_IMAGE, port: 39120, controllerPort: 40120, heap: '384m', network: 'host', persistence: 'none', properties: { 'process.roles': 'nonsense' } }),
    );
    const err = await failure(() => reconcile(spec));
    expect(err.code).toBe(ErrorCodes.CONTAINER_FAILED);
    expect(err.message).toContain(`${PREFIX}badkafka-kafka-1`);
    expect(String(err.details.logs)).toMatch(/nonsense|process\.roles/);
  });
});
