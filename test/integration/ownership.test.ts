import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { LazyKafkaConnection } from '../../src/kafka/lazy-connection.js';
import { observe } from '../../src/apply/observe-docker-and-cluster.js';
import { ErrorCodes } from '../../src/errors.js';
import { createKafkaConnection } from '../../src/kafka/client.js';
import { liveOwners, writeState } from '../../src/kafka/state.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import type { Plan } from '../../src/plan/types.js';
import { loadSpec } from '../../src/spec/load.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { committedCount, kafkaform, stateAndIds, trials, writeSpec } from '../support/cli-runs.js';

// Ownership follows the topic (its Kafka topic ID), not its name (issue 8, items 1 and 2): a create that
// lost a race claims nothing, a lingering record without an ID claims nothing, and a topic re-created by
// hand under an owned name is never deleted. Real broker, real second processes (the built CLI).

const PORT = 56010;
/** Trials of the overlapping-specs race: few in CI, KAFKAFORM_FAULT_TRIALS=N for more. */
const RACE_TRIALS = trials(2);
const NO_OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };

let cluster: TestCluster;
let bootstrap: string[];
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  cluster = await startTestCluster({ name: 'kft-h8o-own', nodes: 1, port: PORT, controllerPort: PORT + 1 });
  bootstrap = cluster.bootstrapServers;
  kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
}, 180_000);

afterAll(async () => {
  await admin?.disconnect();
  await cluster?.stop();
});

/** The plan of a spec file as the CLI would make it (loaded, observed, planned), for applying later. */
async function stalePlan(file: string, options: Partial<PlanOptions> = {}): Promise<{ plan: Plan; run: () => ReturnType<typeof apply> }> {
  const spec = await loadSpec(file);
  const opts = { ...NO_OPTIONS, ...options };
  const link = new LazyKafkaConnection(spec);
  const observed = await observe(spec, { link, options: opts });
  const plan = makePlan({ spec, seeds: [] }, observed, opts);
  const run = async () => {
    try {
      return await apply(plan, { link, options: opts, observed, seeds: [], replan: (o) => makePlan({ spec, seeds: [] }, o, opts) });
    } finally {
      await link.close();
    }
  };
  return { plan, run };
}

/** Topic names in the cluster. */
async function topics(): Promise<string[]> {
  return (await admin.listTopics()).sort();
}

describe('ownership by topic ID', () => {
  it('a project whose create lost the race claims nothing, and its --allow-delete leaves the winner\'s topic and data', async () => {
    const a = writeSpec('alpha', bootstrap, { shared: { messages: ['one', 'two'] }, 'alpha-own': {} });
    const b = writeSpec('beta', bootstrap, { shared: {}, 'beta-own': {} });
    // B plans while "shared" does not exist (B waiting at its confirm prompt), then A creates and seeds it.
    const stale = await stalePlan(b);
    expect(stale.plan.actions.map((x) => ('topic' in x ? x.topic : x.kind))).toContain('shared');
    const ra = await kafkaform(['apply', '--auto-approve', '-f', a]);
    expect(ra.code, ra.stderr).toBe(0);
    const report = await stale.run();
    expect(report.failed.map((f) => (f.action as { topic: string }).topic)).toEqual(['shared']);
    expect(report.failed[0]!.error!.message).toContain('TOPIC_ALREADY_EXISTS');

    const { state, ids } = await stateAndIds(bootstrap);
    expect(liveOwners(state, ids)).toMatchObject({ shared: 'alpha', 'alpha-own': 'alpha', 'beta-own': 'beta' });
    expect(state.ownerships.filter((o) => o.topic === 'shared')).toEqual([expect.objectContaining({ project: 'alpha', topicId: ids.get('shared') })]);

    // B drops "shared" from its spec and allows deletes: A's topic and its messages stay.
    const b2 = writeSpec('beta', bootstrap, { 'beta-own': {} });
    const rb = await kafkaform(['apply', '--auto-approve', '--allow-delete', '-f', b2]);
    expect(rb.code, rb.stderr + rb.stdout).toBe(0);
    expect(await topics()).toContain('shared');
    expect(await committedCount(bootstrap, 'shared')).toBe(2);
  });

  it('a lingering ownership record without a topic ID (an interrupted create of an older version) claims nothing', async () => {
    await admin.createTopics({ topics: [{ topic: 'legacy-claimed', numPartitions: 1, replicationFactor: 1 }] });
    const conn = createKafkaConnection({ bootstrapServers: bootstrap });
    try {
      // Exactly the record kafkaform wrote before its CreateTopics until now ("intent"), for project gamma.
      const value = JSON.stringify({ kind: 'topic', project: 'gamma', topic: 'legacy-claimed', at: new Date().toISOString() });
      await writeState(conn, 'gamma', [{ key: 'topic/legacy-claimed', value }]);
    } finally {
      await conn.close();
    }
    const g = writeSpec('gamma', bootstrap, { 'gamma-own': {} });
    const plan = await kafkaform(['plan', '--json', '--allow-delete', '-f', g]);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout) as Plan;
    expect(doc.actions.filter((x) => x.kind === 'topic.delete')).toEqual([]);
    expect(doc.unmanaged).toContain('legacy-claimed');
    const r = await kafkaform(['apply', '--auto-approve', '--allow-delete', '-f', g]);
    expect(r.code, r.stderr).toBe(0);
    expect(await topics()).toContain('legacy-claimed');
  });

  it('a topic deleted and re-created by hand under an owned name is never deleted', async () => {
    const d = writeSpec('delta', bootstrap, { reborn: { messages: ['x'] }, kept: {} });
    expect((await kafkaform(['apply', '--auto-approve', '-f', d])).code).toBe(0);
    const before = (await stateAndIds(bootstrap)).ids.get('reborn');
    await admin.deleteTopics({ topics: ['reborn'] });
    await expect.poll(async () => (await topics()).includes('reborn'), { timeout: 30_000 }).toBe(false);
    await admin.createTopics({ topics: [{ topic: 'reborn', numPartitions: 1, replicationFactor: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'reborn', messages: [{ value: 'theirs-1' }, { value: 'theirs-2' }, { value: 'theirs-3' }] });
    await producer.disconnect();
    const after = (await stateAndIds(bootstrap)).ids.get('reborn');
    expect(after).not.toBe(before);

    const without = writeSpec('delta', bootstrap, { kept: {} });
    const plan = await kafkaform(['plan', '--json', '--allow-delete', '-f', without]);
    const doc = JSON.parse(plan.stdout) as Plan;
    expect(doc.actions.filter((x) => x.kind === 'topic.delete')).toEqual([]);
    expect(doc.unmanaged).toContain('reborn');
    expect((await kafkaform(['apply', '--auto-approve', '--allow-delete', '-f', without])).code).toBe(0);
    expect(await committedCount(bootstrap, 'reborn')).toBe(3);
  });

  it('a planned delete that meets another topic under the name (re-created after the plan) says so and deletes nothing', async () => {
    const e = writeSpec('epsilon', bootstrap, { doomed: {}, stays: {} });
    expect((await kafkaform(['apply', '--auto-approve', '-f', e])).code).toBe(0);
    const without = writeSpec('epsilon', bootstrap, { stays: {} });
    const stale = await stalePlan(without, { allowDelete: true });
    expect(stale.plan.actions).toMatchObject([{ kind: 'topic.delete', topic: 'doomed' }]);
    // Between plan and apply, someone deletes the topic and creates another one under its name.
    await admin.deleteTopics({ topics: ['doomed'] });
    await expect.poll(async () => (await topics()).includes('doomed'), { timeout: 30_000 }).toBe(false);
    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 1, replicationFactor: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'doomed', messages: [{ value: 'precious' }] });
    await producer.disconnect();

    const report = await stale.run();
    expect(report.failed).toMatchObject([{ action: { kind: 'topic.delete', topic: 'doomed' }, error: { code: ErrorCodes.OWNERSHIP_MISMATCH } }]);
    expect(report.failed[0]!.error!.message).toMatch(/not deleted/);
    expect(await topics()).toContain('doomed');
    expect(await committedCount(bootstrap, 'doomed')).toBe(1);
  });

  it('deletes its own topic by ID with --allow-delete and forgets it', async () => {
    const z = writeSpec('zeta', bootstrap, { gone: { messages: ['m'] }, here: {} });
    expect((await kafkaform(['apply', '--auto-approve', '-f', z])).code).toBe(0);
    const id = (await stateAndIds(bootstrap)).ids.get('gone');
    const r = await kafkaform(['apply', '--auto-approve', '--allow-delete', '-f', writeSpec('zeta', bootstrap, { here: {} })]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(await topics()).not.toContain('gone');
    const { state } = await stateAndIds(bootstrap);
    expect(state.ownerships.filter((o) => o.topicId === id)).toEqual([]);
  });

  it("an adopted topic's ownership holds its topic ID: re-created by hand, the namesake is not the project's", async () => {
    await admin.createTopics({ topics: [{ topic: 'found', numPartitions: 1, replicationFactor: 1 }] });
    const k = writeSpec('kappa', bootstrap, { found: {}, 'kappa-own': {} });
    const r = await kafkaform(['apply', '--auto-approve', '-f', k]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/adopt topic found/);
    const { state, ids } = await stateAndIds(bootstrap);
    expect(state.ownerships.filter((o) => o.topic === 'found')).toEqual([expect.objectContaining({ project: 'kappa', topicId: ids.get('found') })]);

    // Deleted and made again by someone else: the record names the old ID, so kappa's --allow-delete keeps it.
    await admin.deleteTopics({ topics: ['found'] });
    await expect.poll(async () => (await topics()).includes('found'), { timeout: 30_000 }).toBe(false);
    await admin.createTopics({ topics: [{ topic: 'found', numPartitions: 1, replicationFactor: 1 }] });
    const without = writeSpec('kappa', bootstrap, { 'kappa-own': {} });
    const plan = await kafkaform(['plan', '--json', '--allow-delete', '-f', without]);
    const doc = JSON.parse(plan.stdout) as Plan;
    expect(doc.actions.filter((x) => x.kind === 'topic.delete')).toEqual([]);
    expect(doc.unmanaged).toContain('found');
    expect((await kafkaform(['apply', '--auto-approve', '--allow-delete', '-f', without])).code).toBe(0);
    expect(await topics()).toContain('found');
  });

  it('two projects applying overlapping specs at once leave exactly one owner per topic, the one that created it', async () => {
    for (let trial = 0; trial < RACE_TRIALS; trial++) {
      const shared = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`race${trial}-s${i}`, {}]));
      const specs = ['eta', 'theta'].map((p) =>
        writeSpec(`${p}${trial}`, bootstrap, { ...shared, ...Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`race${trial}-${p}-${i}`, {}])) }),
      );
      const results = await Promise.all(specs.map((f) => kafkaform(['apply', '--auto-approve', '-f', f])));
      for (const r of results) expect([0, 1], r.stderr).toContain(r.code);
      // A second apply of each: the shared topics the other project created are its (plan error P012,
      // never a takeover), everything else is in place.
      for (const f of specs) {
        const again = await kafkaform(['apply', '--auto-approve', '-f', f]);
        if (again.code !== 0) expect(again.stdout + again.stderr).toMatch(/P012.*is owned by project (eta|theta)/);
      }

      const { state, ids } = await stateAndIds(bootstrap);
      const owners = liveOwners(state, ids);
      for (const name of Object.keys(shared)) {
        expect(owners[name], name).toMatch(new RegExp(`^(eta|theta)${trial}$`));
        expect(state.ownerships.filter((o) => o.topicId === ids.get(name))).toHaveLength(1);
      }
      // A project's own topics are its own, or were never created: a plan that meets the other project's
      // shared topics already recorded is refused whole (P012), so nothing of it runs.
      for (const p of ['eta', 'theta']) {
        for (let i = 0; i < 3; i++) {
          const t = `race${trial}-${p}-${i}`;
          if (owners[t] === undefined) expect(ids.has(t), t).toBe(false);
          else expect(owners[t]).toBe(`${p}${trial}`);
        }
      }
    }
  }, 30_000 + RACE_TRIALS * 60_000);
});
