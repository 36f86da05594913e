import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { LazyKafkaConnection } from '../../src/kafka/lazy-connection.js';
import { observe } from '../../src/apply/observe-docker-and-cluster.js';
import { kafkaNodeName } from '../../src/plan/desired-containers.js';
import { createKafkaConnection } from '../../src/kafka/client.js';
import { readState } from '../../src/kafka/state.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import type { Observed } from '../../src/plan/observed.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import type { ApplyReport, Plan } from '../../src/plan/types.js';
import { defaultClusterId } from '../../src/spec/defaults.js';
import type { Spec } from '../../src/spec/types.js';
import { requireDocker, TEST_IMAGE } from '../support/cluster.js';

// The whole orchestrator against a real engine: observe (Docker + cluster) → plan → apply, where apply runs
// the cluster's container, waits for it, then manages topics. Project kft-topics-e2e, ports 29092/29192.

const PROJECT = 'kft-topics-e2e';
const PROJECT_LABEL = 'dev.kafkaform.project';
const POS = { file: '/tmp/kafka.config.yaml', line: 1, col: 1 };
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false, noAdopt: true };

/** A spec that runs a 1-node cluster in a container and declares two topics. */
function spec(): Spec {
  return {
    version: 1,
    project: PROJECT,
    file: POS.file,
    cluster: { bootstrapServers: [], clientId: 'kafkaform-test', connectionTimeoutMs: 5000, requestTimeoutMs: 10_000, tls: null, sasl: null },
    topics: [
      { name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '3600000' }, pos: { name: POS, config: {} } },
      { name: 'payments', partitions: 1, replicationFactor: 1, config: {}, pos: { name: POS, config: {} } },
    ],
    containers: {
      kafka: {
        image: TEST_IMAGE,
        nodes: 1,
        network: 'host',
        port: 29092,
        controllerPort: 29192,
        heap: '384m',
        properties: {},
        persistence: 'none',
        clusterId: defaultClusterId(PROJECT),
        security: null,
        pos: POS,
      },
      services: [],
    },
    seeds: [],
    allowDelete: false,
  };
}

/** Removes every container, volume and network labelled for this file's project. */
async function removeOurs(docker: Docker): Promise<void> {
  const label = [`${PROJECT_LABEL}=${PROJECT}`];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  await Promise.allSettled(volumes.map((v) => docker.getVolume(v.Name).remove()));
  const networks = await docker.listNetworks({ filters: { label } });
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
}

/** observe → plan → apply through the orchestrator, as `kafkaform apply` does. */
async function run(docker: Docker, s: Spec, progress: string[] = []): Promise<{ observed: Observed; plan: Plan; report: ApplyReport }> {
  const link = new LazyKafkaConnection(s);
  try {
    const deps = { link, docker, options: OPTIONS };
    const observed = await observe(s, deps);
    const plan = makePlan({ spec: s, seeds: [] }, observed, OPTIONS);
    const report = await apply(plan, {
      ...deps,
      observed,
      seeds: [],
      replan: (o) => makePlan({ spec: s, seeds: [] }, o, OPTIONS),
      readyTimeoutMs: 120_000,
      onProgress: (m) => progress.push(m),
    });
    return { observed, plan, report };
  } finally {
    await link.close();
  }
}

/** A fresh plan (new connections) of the spec. */
async function planFresh(docker: Docker, s: Spec): Promise<Plan> {
  const link = new LazyKafkaConnection(s);
  try {
    return makePlan({ spec: s, seeds: [] }, await observe(s, { link, docker, options: OPTIONS }), OPTIONS);
  } finally {
    await link.close();
  }
}

const kinds = (p: { actions: { kind: string }[] } | null | undefined) => (p?.actions ?? []).map((a) => a.kind);

describe('apply with the cluster in containers', () => {
  let docker: Docker;

  beforeAll(async () => {
    docker = await requireDocker();
    await removeOurs(docker);
  });
  afterAll(async () => {
    if (docker) await removeOurs(docker);
  });

  it('starts the cluster from nothing, then creates the topics, and plans nothing afterwards', async () => {
    const s = spec();
    const { observed, plan, report } = await run(docker, s);
    // Nothing runs yet: the observer does not wait for a connection that cannot succeed.
    expect(observed.cluster).toBeNull();
    expect(kinds(plan)).toEqual(['container.create', 'cluster.wait', 'topic.create', 'topic.create']);
    expect(report.failed).toEqual([]);
    expect(report.applied.map((r) => r.action.kind)).toEqual(['container.create', 'cluster.wait', 'topic.create', 'topic.create']);
    expect(report.converged).toBe(true);
    expect(kinds(await planFresh(docker, s))).toEqual([]);

    const conn = createKafkaConnection({ bootstrapServers: ['127.0.0.1:29092'] });
    try {
      expect((await readState(conn)).owners).toEqual({ orders: PROJECT, payments: PROJECT });
    } finally {
      await conn.close();
    }
  });

  it('restarts a stopped cluster and re-plans the topic steps against what survived in it', async () => {
    await docker.getContainer(kafkaNodeName(PROJECT, 1)).stop({ t: 10 });
    const s = spec();
    s.topics[1] = { ...s.topics[1]!, partitions: 2 };
    const progress: string[] = [];
    const { observed, plan, report } = await run(docker, s, progress);
    expect(observed.cluster).toBeNull();
    // Made blind, the plan can only guess "create" for every topic...
    expect(kinds(plan)).toEqual(['container.start', 'cluster.wait', 'topic.create', 'topic.create']);
    // ...but once the cluster is up, the topics are found and only the real change is made.
    expect(progress).toContain('the cluster is up: planning the remaining steps against what it holds');
    expect(report.failed).toEqual([]);
    expect(report.applied.map((r) => r.action)).toMatchObject([
      { kind: 'container.start' },
      { kind: 'cluster.wait' },
      { kind: 'topic.addPartitions', topic: 'payments', from: 1, to: 2 },
    ]);
    expect(report.pending).toEqual([]);
    expect(report.converged).toBe(true);
    expect(kinds(await planFresh(docker, s))).toEqual([]);
  });
});
