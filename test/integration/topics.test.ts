import { execFileSync } from 'node:child_process';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { LazyKafkaConnection } from '../../src/kafka/lazy-connection.js';
import { observe } from '../../src/apply/observe-docker-and-cluster.js';
import { ErrorCodes, KafkaformError } from '../../src/errors.js';
import { createKafkaConnection } from '../../src/kafka/client.js';
import { observeCluster } from '../../src/kafka/observe-cluster.js';
import { STATE_PARTITIONS, readState, seedKey, seedRecord, seedRecordMessage, writeState } from '../../src/kafka/state.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { STATE_TOPIC } from '../../src/plan/state-topic.js';
import { DiagnosticCodes, type ActionResult, type ApplyReport, type Plan } from '../../src/plan/types.js';
import type { Spec, TopicSpec } from '../../src/spec/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

/** A topic as a test writes it; null/absent partitions or replicationFactor mean the broker's default. */
interface TopicInput {
  partitions?: number | null;
  rf?: number | null;
  config?: Record<string, string>;
}

const POS = { file: '/tmp/kafka.config.yaml', line: 1, col: 1 };

/** A normalised Spec, as the loader would produce, for a cluster reached at `bootstrap`. */
function spec(project: string, bootstrap: string[], topics: Record<string, TopicInput>, extra: Partial<Spec> = {}): Spec {
  const list: TopicSpec[] = Object.entries(topics)
    .map(([name, t]) => ({
      name,
      partitions: t.partitions ?? null,
      replicationFactor: t.rf ?? null,
      config: t.config ?? {},
      pos: { name: POS, config: {} },
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    version: 1,
    project,
    file: POS.file,
    cluster: {
      bootstrapServers: bootstrap,
      clientId: 'kafkaform-test',
      connectionTimeoutMs: 5000,
      requestTimeoutMs: 10_000,
      tls: null,
      sasl: null,
    },
    topics: list,
    containers: null,
    seeds: [],
    allowDelete: false,
    ...extra,
  };
}

// noAdopt: these tests predate adoption (specs-in-git.test.ts covers it) and create topics out of band.
const NO_OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false, noAdopt: true };

/** observe → plan, on a fresh connection. */
async function planFor(s: Spec, options: Partial<PlanOptions> = {}): Promise<Plan> {
  const link = new LazyKafkaConnection(s);
  try {
    return makePlan({ spec: s, seeds: [] }, await observe(s, { link }), { ...NO_OPTIONS, ...options });
  } finally {
    await link.close();
  }
}

/** observe → plan → apply, returning the plan and the report (nothing asserted). */
async function applySpec(
  s: Spec,
  options: Partial<PlanOptions> = {},
  hooks: { onProgress?: (m: string) => void; onResult?: (r: ActionResult) => void } = {},
): Promise<{ plan: Plan; report: ApplyReport }> {
  const opts = { ...NO_OPTIONS, ...options };
  const link = new LazyKafkaConnection(s);
  try {
    const deps = { link, options: opts };
    const observed = await observe(s, deps);
    const plan = makePlan({ spec: s, seeds: [] }, observed, opts);
    const report = await apply(plan, {
      ...deps,
      observed,
      seeds: [],
      replan: (o) => makePlan({ spec: s, seeds: [] }, o, opts),
      ...hooks,
    });
    return { plan, report };
  } finally {
    await link.close();
  }
}

/** Applies and proves convergence: nothing failed, the report's after-plan and a fresh plan are empty. */
async function converge(s: Spec, options: Partial<PlanOptions> = {}, onProgress?: (m: string) => void): Promise<{ plan: Plan; report: ApplyReport }> {
  const result = await applySpec(s, options, onProgress ? { onProgress } : {});
  expect(result.report.failed).toEqual([]);
  expect(result.report.pending).toEqual([]);
  expect(result.report.converged).toBe(true);
  expect(result.report.after?.actions).toEqual([]);
  const again = await planFor(s, options);
  expect(again.actions).toEqual([]);
  expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result;
}

/** Partition count and topic-level overrides of a topic, read with a separate kafkajs admin. */
async function describeTopic(admin: Admin, topic: string): Promise<{ partitions: number; rf: number[]; overrides: Record<string, string> }> {
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  const { resources } = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
  const overrides = Object.fromEntries(
    resources[0]!.configEntries.filter((c) => c.configSource === 1).map((c) => [c.configName, c.configValue]),
  );
  const parts = md.topics[0]!.partitions;
  return { partitions: parts.length, rf: [...new Set(parts.map((p) => p.replicas.length))], overrides };
}

/** Per broker (each asked alone with kcat), each partition of `topic` as "replicas in sync isr", ids sorted. */
function replicasOnEachBroker(bootstrap: string[], topic: string): string[][] {
  return bootstrap.map((broker) => {
    const md = JSON.parse(execFileSync('kcat', ['-L', '-J', '-b', broker, '-t', topic, '-m', '10'], { encoding: 'utf8' })) as {
      topics: { partitions: { partition: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
    };
    const ids = (xs: { id: number }[]) => xs.map((x) => x.id).sort((a, b) => a - b).join(',');
    return [...md.topics[0]!.partitions].sort((a, b) => a.partition - b.partition).map((p) => `${ids(p.replicas)} in sync ${ids(p.isrs)}`);
  });
}

/** Topic names in the cluster. */
async function topicNames(admin: Admin): Promise<string[]> {
  return (await admin.listTopics()).sort();
}

/** Waits until a broker answers metadata again (after a restart). */
async function waitForBroker(bootstrap: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.fetchTopicMetadata();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('topics on a 1-node cluster', () => {
  const name = 'kft-topics-one';
  let cluster: TestCluster | undefined;
  let bootstrap: string[] = [];
  let admin: Admin;

  beforeAll(async () => {
    cluster = await startTestCluster({ name, nodes: 1, port: 29092, controllerPort: 29192 });
    bootstrap = cluster.bootstrapServers;
    admin = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  const shop = (topics: Record<string, TopicInput>, extra: Partial<Spec> = {}) => spec('shop', bootstrap, topics, extra);
  const base = {
    orders: { partitions: 3, rf: 1, config: { 'retention.ms': '86400000', 'max.message.bytes': '2000000' } },
    events: { partitions: 1, rf: 1, config: { 'cleanup.policy': 'compact' } },
    defaults: {},
  };

  it('reads empty state before the state topic exists', async () => {
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      expect(await readState(conn)).toEqual({ owners: {}, ownerships: [], seeds: [] });
      const observed = await observeCluster(conn);
      expect(observed.topics.map((t) => t.name)).not.toContain(STATE_TOPIC);
      expect(observed).toMatchObject({ owners: {}, seeds: [], reassigning: [], brokers: [{ nodeId: 1, host: '127.0.0.1', port: 29092 }] });
    } finally {
      await conn.close();
    }
  });

  it('creates topics, records ownership, and plans nothing afterwards', async () => {
    const { plan } = await converge(shop(base));
    expect(plan.actions.map((a) => a.kind)).toEqual(['topic.create', 'topic.create', 'topic.create']);
    expect(await describeTopic(admin, 'orders')).toEqual({
      partitions: 3,
      rf: [1],
      overrides: { 'retention.ms': '86400000', 'max.message.bytes': '2000000' },
    });
    expect((await describeTopic(admin, 'events')).overrides).toEqual({ 'cleanup.policy': 'compact' });
    expect((await describeTopic(admin, 'defaults')).partitions).toBe(1);

    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      const state = await readState(conn);
      expect(state.owners).toEqual({ defaults: 'shop', events: 'shop', orders: 'shop' });
      const stateConfig = await describeTopic(admin, STATE_TOPIC);
      expect(stateConfig.overrides['cleanup.policy']).toBe('compact');
      expect(stateConfig.partitions).toBe(STATE_PARTITIONS);
    } finally {
      await conn.close();
    }
  });

  it('keeps the last state record per key: seed records round-trip and a tombstone removes one', async () => {
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      const rec = (hash: string) => seedRecord({ project: 'shop', topic: 'orders', entryId: 'file:seeds/o.jsonl', hash, count: 3, producedAt: '2024-01-01T00:00:00.000Z' });
      await writeState(conn, 'shop', [seedRecordMessage(rec('h1')), seedRecordMessage(rec('h2')), { key: seedKey('shop', 'orders', 'inline:0'), value: seedRecordMessage(rec('x')).value }]);
      await writeState(conn, 'shop', [{ key: seedKey('shop', 'orders', 'inline:0'), value: null }]);
      const state = await readState(conn);
      expect(state.seeds).toEqual([rec('h2')]);
      expect(state.owners.orders).toBe('shop');
      const observed = await observeCluster(conn);
      expect(observed.seeds).toEqual([rec('h2')]);
      expect(observed.owners).toEqual(state.owners);
    } finally {
      await conn.close();
    }
  });

  it('adds partitions', async () => {
    const { plan } = await converge(shop({ ...base, orders: { ...base.orders, partitions: 6 } }));
    expect(plan.actions).toMatchObject([{ kind: 'topic.addPartitions', topic: 'orders', from: 3, to: 6 }]);
    expect((await describeTopic(admin, 'orders')).partitions).toBe(6);
  });

  it('changes a config and keeps the other override, then unsets one', async () => {
    const changed = { ...base.orders, partitions: 6, config: { 'retention.ms': '3600000', 'max.message.bytes': '2000000' } };
    const first = await converge(shop({ ...base, orders: changed }));
    expect(first.plan.actions).toMatchObject([
      { kind: 'topic.alterConfig', topic: 'orders', changes: [{ key: 'retention.ms', op: 'set', from: '86400000', to: '3600000' }] },
    ]);
    expect((await describeTopic(admin, 'orders')).overrides).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': '2000000' });

    const unset = { ...changed, config: { 'retention.ms': '3600000' } };
    const second = await converge(shop({ ...base, orders: unset }));
    expect(second.plan.actions).toMatchObject([
      { kind: 'topic.alterConfig', topic: 'orders', changes: [{ key: 'max.message.bytes', op: 'unset' }] },
    ]);
    expect((await describeTopic(admin, 'orders')).overrides).toEqual({ 'retention.ms': '3600000' });
  });

  const current = () => shop({ ...base, orders: { partitions: 6, rf: 1, config: { 'retention.ms': '3600000' } } });

  it('refuses a partition decrease: the plan carries the diagnostic and apply changes nothing', async () => {
    const s = shop({ ...base, orders: { partitions: 2, rf: 1, config: { 'retention.ms': '3600000' } } });
    const plan = await planFor(s);
    expect(plan.diagnostics).toMatchObject([{ code: DiagnosticCodes.PARTITION_DECREASE, severity: 'error', subject: 'orders' }]);
    await expect(applySpec(s)).rejects.toMatchObject({ code: ErrorCodes.PLAN_HAS_ERRORS });
    expect((await describeTopic(admin, 'orders')).partitions).toBe(6);
  });

  it('detects a config changed out of band and puts it back', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1234' }, { name: 'segment.ms', value: '600000' }] }],
    });
    const drift = await planFor(current());
    expect(drift.actions).toHaveLength(1);
    expect(drift.actions[0]).toMatchObject({ kind: 'topic.alterConfig', topic: 'orders', method: 'incremental' });
    const changes = (drift.actions[0] as { changes: { key: string; op: string; from: string | null }[] }).changes;
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'retention.ms', op: 'set', from: '1234' }),
        expect.objectContaining({ key: 'segment.ms', op: 'unset', from: '600000' }),
      ]),
    );
    await converge(current());
    expect((await describeTopic(admin, 'orders')).overrides).toEqual({ 'retention.ms': '3600000' });
  });

  it('reports a create race per topic and does not claim the other client\'s topic', async () => {
    const s = shop({ ...base, orders: { partitions: 6, rf: 1, config: { 'retention.ms': '3600000' } }, raced: {}, fresh: { partitions: 2 } });
    const link = new LazyKafkaConnection(s);
    try {
      const observed = await observe(s, { link });
      const plan = makePlan({ spec: s, seeds: [] }, observed, NO_OPTIONS);
      expect(plan.actions.map((a) => `${a.kind} ${'topic' in a ? a.topic : ''}`)).toEqual(['topic.create fresh', 'topic.create raced']);
      // Another client creates "raced" between plan and apply.
      await admin.createTopics({ topics: [{ topic: 'raced', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: false });
      const report = await apply(plan, { link, observed, seeds: [], replan: (o) => makePlan({ spec: s, seeds: [] }, o, NO_OPTIONS) });
      expect(report.applied.map((r) => r.action)).toMatchObject([{ topic: 'fresh' }]);
      expect(report.failed).toMatchObject([{ action: { topic: 'raced' }, error: { code: ErrorCodes.KAFKA_REQUEST_FAILED } }]);
      expect(report.failed[0]!.error!.message).toContain('TOPIC_ALREADY_EXISTS');
      // The raced topic is not ours: the next plan leaves it alone as existing, and it is not in the owners.
      expect(report.after?.actions).toEqual([]);
      expect(report.converged).toBe(true);
    } finally {
      await link.close();
    }
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      const state = await readState(conn);
      expect(state.owners.fresh).toBe('shop');
      expect(state.owners.raced).toBeUndefined();
    } finally {
      await conn.close();
    }
  });

  it('fails only the topic with a bad config in a batched create, and forgets its ownership', async () => {
    const s = shop({ ...base, orders: { partitions: 6, rf: 1, config: { 'retention.ms': '3600000' } }, raced: {}, fresh: { partitions: 2 }, good: {}, bad: { config: { 'retention.ms': 'soon' } } });
    const { report } = await applySpec(s);
    expect(report.applied.map((r) => (r.action as { topic: string }).topic)).toEqual(['good']);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.action).toMatchObject({ kind: 'topic.create', topic: 'bad' });
    expect(report.failed[0]!.error!.message).toMatch(/"bad".*INVALID_CONFIG/);
    expect(report.converged).toBe(false);
    expect(await topicNames(admin)).toContain('good');
    expect(await topicNames(admin)).not.toContain('bad');
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      const owners = (await readState(conn)).owners;
      expect(owners.good).toBe('shop');
      expect(owners.bad).toBeUndefined();
    } finally {
      await conn.close();
    }
  });

  it('keeps an undeclared topic without opt-in and deletes it with allowDelete', async () => {
    const without = shop({ orders: { partitions: 6, rf: 1, config: { 'retention.ms': '3600000' } }, defaults: {}, raced: {}, fresh: { partitions: 2 }, good: {} });
    const refused = await converge(without);
    expect(refused.plan.actions).toEqual([]);
    expect(refused.plan.diagnostics).toMatchObject([{ code: DiagnosticCodes.DELETE_NOT_ALLOWED, subject: 'events', severity: 'warning' }]);
    expect(await topicNames(admin)).toContain('events');

    const { plan } = await converge(without, { allowDelete: true });
    expect(plan.actions).toMatchObject([{ kind: 'topic.delete', topic: 'events' }]);
    expect(await topicNames(admin)).not.toContain('events');
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      expect((await readState(conn)).owners.events).toBeUndefined();
    } finally {
      await conn.close();
    }
  });

  it("leaves another project's topics alone, even with allowDelete", async () => {
    const before = await topicNames(admin);
    const other = spec('billing', bootstrap, { invoices: { partitions: 2, rf: 1 } }, { allowDelete: true });
    const { plan } = await converge(other, { allowDelete: true });
    expect(plan.actions).toMatchObject([{ kind: 'topic.create', topic: 'invoices' }]);
    expect(plan.unmanaged).toEqual(expect.arrayContaining(['orders', 'defaults', 'good', 'raced']));
    expect(await topicNames(admin)).toEqual([...before, 'invoices'].sort());
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      const owners = (await readState(conn)).owners;
      expect(owners.invoices).toBe('billing');
      expect(owners.orders).toBe('shop');
    } finally {
      await conn.close();
    }
  });

  it('observes with the same number of requests for 3 and 40 more topics', async () => {
    const count = async (): Promise<Record<string, number>> => {
      const conn = createKafkaConnection({ bootstrapServers: bootstrap });
      try {
        await observeCluster(conn, { topics: ['orders', 'events', 'defaults'], project: 'shop' });
        return { ...conn.requests };
      } finally {
        await conn.close();
      }
    };
    const small = await count();
    await admin.createTopics({
      topics: Array.from({ length: 40 }, (_, i) => ({ topic: `bulk-${i}`, numPartitions: 1, replicationFactor: 1 })),
      waitForLeaders: false,
    });
    // The count must see all 40: wait until metadata gives each a leader (not for a fixed time).
    const bulk = Array.from({ length: 40 }, (_, i) => `bulk-${i}`);
    await expect
      .poll(async () => (await admin.fetchTopicMetadata({ topics: bulk })).topics.filter((t) => t.partitions.every((p) => p.leader >= 0)).length, { timeout: 30_000, interval: 100 })
      .toBe(40);
    const large = await count();
    // Parallel admin calls share kafkajs' metadata refreshes depending on timing, so Metadata varies by one or
    // two; every other API is sent exactly as often, and none grows with the topic count.
    const { Metadata: smallMetadata = 0, ...smallRest } = small;
    const { Metadata: largeMetadata = 0, ...largeRest } = large;
    expect(largeRest).toEqual(smallRest);
    expect(smallMetadata).toBeLessThanOrEqual(8);
    expect(largeMetadata).toBeLessThanOrEqual(8);
    // Per-topic requests cover the declared topics, then the project's own undeclared ones (shop owns more);
    // ongoing reassignments are listed once for the whole cluster and filtered.
    // ListOffsets: the state topic's high watermark and last stable offset (an open transaction is waited for), then its ends.
    expect(large).toMatchObject({ DescribeConfigs: 2, ListPartitionReassignments: 1, ListOffsets: 4, Fetch: 1 });
    await admin.deleteTopics({ topics: Array.from({ length: 40 }, (_, i) => `bulk-${i}`) });
  });

  it('reports applied, failed and pending when the broker dies mid-apply, and the next apply converges', async () => {
    const s = shop(
      {
        orders: { partitions: 8, rf: 1, config: { 'retention.ms': '3600000' } },
        defaults: { config: { 'retention.ms': '7200000' } },
        raced: {},
        fresh: { partitions: 2 },
        good: {},
        late1: {},
        late2: {},
      },
    );
    s.cluster.connectionTimeoutMs = 2000;
    s.cluster.requestTimeoutMs = 3000;
    const container = `${name}-1`;
    let killed = false;
    const { plan, report } = await applySpec(s, {}, {
      onResult: (r) => {
        // Synchronous on purpose: the broker is gone before the executor sends the next request.
        if (!killed && r.action.kind === 'topic.create') {
          killed = true;
          execFileSync('docker', ['kill', container]);
        }
      },
    });
    expect(plan.actions.map((a) => a.kind)).toEqual(['topic.create', 'topic.create', 'topic.addPartitions', 'topic.alterConfig']);
    expect(report.applied.map((r) => r.action.kind)).toEqual(['topic.create', 'topic.create']);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.action).toMatchObject({ kind: 'topic.addPartitions', topic: 'orders' });
    expect(report.pending).toMatchObject([{ kind: 'topic.alterConfig', topic: 'defaults' }]);
    expect(report.converged).toBe(false);
    expect(report.after).toBeNull();

    execFileSync('docker', ['start', container]);
    await waitForBroker(bootstrap, 90_000);
    const { plan: resumed } = await converge(s);
    expect(resumed.actions.map((a) => a.kind)).toEqual(['topic.addPartitions', 'topic.alterConfig']);
    expect((await describeTopic(admin, 'defaults')).overrides).toEqual({ 'retention.ms': '7200000' });
    expect((await describeTopic(admin, 'orders')).partitions).toBe(8);
  });

  it('reports an unreachable cluster as CLUSTER_UNREACHABLE', async () => {
    const s = spec('shop', ['127.0.0.1:1'], { orders: {} });
    s.cluster.connectionTimeoutMs = 2000;
    const err = await planFor(s).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaformError);
    expect((err as KafkaformError).code).toBe(ErrorCodes.CLUSTER_UNREACHABLE);
    expect((err as KafkaformError).message).toContain('127.0.0.1:1');
  });
});

describe('replication factor on a 3-node cluster', () => {
  let cluster: TestCluster | undefined;
  let admin: Admin;
  let bootstrap: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ name: 'kft-topics-three', nodes: 3, port: 29095, controllerPort: 29195 });
    bootstrap = cluster.bootstrapServers;
    admin = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  it('raises the replication factor from 1 to 3 and lowers it back, waiting for the reassignment', async () => {
    const at = (rf: number) => spec('shop', bootstrap, { replicated: { partitions: 6, rf, config: { 'retention.ms': '600000' } } });
    await converge(at(1));
    expect(await describeTopic(admin, 'replicated')).toMatchObject({ partitions: 6, rf: [1] });

    const progress: string[] = [];
    const up = await converge(at(3), {}, (m) => progress.push(m));
    expect(up.plan.actions).toMatchObject([{ kind: 'topic.reassign', topic: 'replicated', from: 1, to: 3 }]);
    expect(progress).toContain('reassigning replicated: 6/6 partitions done');
    // Apply returns only once every broker, asked on its own by an independent client, shows the new replicas in sync.
    for (const seen of replicasOnEachBroker(bootstrap, 'replicated')) expect(seen).toEqual(Array(6).fill('1,2,3 in sync 1,2,3'));

    const down = await converge(at(1));
    expect(down.plan.actions).toMatchObject([{ kind: 'topic.reassign', topic: 'replicated', from: 3, to: 1 }]);
    expect((await describeTopic(admin, 'replicated')).rf).toEqual([1]);
    for (const seen of replicasOnEachBroker(bootstrap, 'replicated')) {
      expect(seen.every((p) => /^(\d) in sync \1$/.test(p)), seen.join('; ')).toBe(true);
    }
  });

  it('creates the state topic with three replicas and refuses a replication factor above the broker count', async () => {
    expect((await describeTopic(admin, STATE_TOPIC)).rf).toEqual([3]);
    const plan = await planFor(spec('shop', bootstrap, { replicated: { partitions: 6, rf: 4 } }));
    expect(plan.diagnostics).toMatchObject([{ code: DiagnosticCodes.REPLICATION_EXCEEDS_BROKERS, severity: 'error' }]);
  });
});
