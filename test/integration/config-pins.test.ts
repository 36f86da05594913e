import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { ClusterLink } from '../../src/apply/link.js';
import { observe } from '../../src/apply/observe.js';
import { createKafkaConnection } from '../../src/kafka/client.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { renderPlanText } from '../../src/plan/render-text.js';
import type { Plan } from '../../src/plan/types.js';
import { TOPIC_CONFIG_NAMES } from '../../src/spec/topic-configs.js';
import type { Spec, TopicSpec } from '../../src/spec/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

// Issue 10 on a real broker: declared configs pinned against broker-default changes, per-key config changes
// that keep an override set out of band, and topic configs the catalogue lacks checked against the live broker.
// Independent views through the Kafka CLI (kafka-configs' ConfigCommand inside the broker container). Ports 53100/53110.

const PORT = 53100;
const BOOTSTRAP = `127.0.0.1:${PORT}`;
const POS = { file: '/tmp/kafka.config.yaml', line: 1, col: 1 };
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };
const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
const run = promisify(execFile);

let cluster: TestCluster;

/** A normalised spec of project kft-i10 with these topics (1 partition, RF 1). */
function spec(topics: Record<string, Record<string, string>>): Spec {
  const list: TopicSpec[] = Object.entries(topics)
    .map(([name, config]) => ({ name, partitions: 1, replicationFactor: 1, config, pos: { name: POS, config: {} } }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    version: 1,
    project: 'kft-i10',
    file: POS.file,
    cluster: { bootstrapServers: [BOOTSTRAP], clientId: 'kafkaform-test', connectionTimeoutMs: 5000, requestTimeoutMs: 10_000, tls: null, sasl: null },
    topics: list,
    containers: null,
    seeds: [],
    allowDelete: false,
  };
}

/** observe → plan on a fresh connection. */
async function planFor(s: Spec): Promise<Plan> {
  const link = new ClusterLink(s);
  try {
    return makePlan({ spec: s, seeds: [] }, await observe(s, { link }), OPTIONS);
  } finally {
    await link.close();
  }
}

/** Applies a given plan (as `apply` does after the plan was shown), returning the report and the requests sent. */
async function applyPlan(s: Spec, p: Plan) {
  const link = new ClusterLink(s);
  try {
    const observed = await observe(s, { link });
    const report = await apply(p, { link, observed, seeds: [], replan: (o) => makePlan({ spec: s, seeds: [] }, o, OPTIONS) });
    return { report, requests: link.requests() };
  } finally {
    await link.close();
  }
}

/** kafka-configs inside the broker container (its class, the image ships no wrapper script): an independent client. */
async function kafkaConfigs(...args: string[]): Promise<string> {
  const id = cluster.containers[0]!.id;
  const { stdout } = await run('docker', ['exec', id, '/opt/kafka/bin/kafka-run-class.sh', 'kafka.admin.ConfigCommand', '--bootstrap-server', BOOTSTRAP, ...args], { timeout: 60_000 });
  return stdout;
}

/** A topic's effective config values as kafka-configs --describe --all prints them. */
async function describeAll(topic: string): Promise<Record<string, string>> {
  const out = await kafkaConfigs('--describe', '--all', '--entity-type', 'topics', '--entity-name', topic);
  const values: Record<string, string> = {};
  for (const m of out.matchAll(/^\s+([a-z0-9.]+)=(\S*) sensitive=/gm)) values[m[1]!] = m[2]!;
  return values;
}

/** Only the topic's overrides, per kafka-configs --describe (no --all). */
async function describeOverrides(topic: string): Promise<Record<string, string>> {
  const out = await kafkaConfigs('--describe', '--entity-type', 'topics', '--entity-name', topic);
  const values: Record<string, string> = {};
  for (const m of out.matchAll(/^\s+([a-z0-9.]+)=(\S*) sensitive=/gm)) values[m[1]!] = m[2]!;
  return values;
}

/** Creates topics out of band (as another team would), without config overrides unless given. */
async function createOutOfBand(topics: { topic: string; config?: Record<string, string> }[]): Promise<void> {
  const conn = createKafkaConnection({ bootstrapServers: [BOOTSTRAP] });
  try {
    const admin = await conn.admin();
    await admin.createTopics({
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: 1, replicationFactor: 1, configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })) })),
      waitForLeaders: false,
    });
    for (let i = 0; i < 100; i++) {
      const listed = new Set((await admin.fetchTopicMetadata()).topics.map((t) => t.name));
      if (topics.every((t) => listed.has(t.topic))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await conn.close();
  }
}

/** Waits until the plan has no actions (config changes reach brokers asynchronously). */
async function expectEmptyPlan(s: Spec): Promise<void> {
  let p = await planFor(s);
  for (let i = 0; i < 30 && p.actions.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    p = await planFor(s);
  }
  expect(p.actions).toEqual([]);
  expect(p.diagnostics).toEqual([]);
}

beforeAll(async () => {
  cluster = await startTestCluster({ name: 'kft-i10-configs', nodes: 1, port: PORT, controllerPort: 53110 });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('declared values are pinned', () => {
  it('pins an inherited value once; a later broker-default change moves nothing declared and plan stays empty', async () => {
    // Both exist before the spec, with retention.ms inherited from Kafka's default (604800000).
    await createOutOfBand([{ topic: 'pinned' }, { topic: 'follows-default' }]);
    const s = spec({ pinned: { 'retention.ms': '604800000' }, 'follows-default': {} });

    const p = await planFor(s);
    expect(p.actions).toEqual([
      {
        kind: 'topic.alterConfig',
        topic: 'pinned',
        method: 'incremental',
        changes: [{ key: 'retention.ms', op: 'pin', from: '604800000', to: '604800000', source: 'default' }],
        reason: 'the spec declares retention.ms, so it is pinned as a topic override',
      },
    ]);
    expect(p.summary).toEqual({ create: 0, change: 1, delete: 0 });
    expect(renderPlanText(p, { color: false })).toContain('  ~ topic pinned: pin retention.ms 604800000 (now inherited from the broker default)\n');

    const { report } = await applyPlan(s, p);
    expect(report.failed).toEqual([]);
    expect(report.converged).toBe(true);
    expect(await describeOverrides('pinned')).toEqual({ 'retention.ms': '604800000' });

    // An operator changes the broker-wide default.
    await kafkaConfigs('--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=3600000');
    for (let i = 0; i < 50 && (await describeAll('follows-default'))['retention.ms'] !== '3600000'; i++) await new Promise((r) => setTimeout(r, 200));
    // The undeclared key follows the new default (proof the change took effect); the declared one holds.
    expect((await describeAll('follows-default'))['retention.ms']).toBe('3600000');
    expect((await describeAll('pinned'))['retention.ms']).toBe('604800000');
    await expectEmptyPlan(s);
    await kafkaConfigs('--alter', '--entity-type', 'brokers', '--entity-default', '--delete-config', 'log.retention.ms');
  }, 120_000);
});

describe('per-key config changes', () => {
  it('keeps an override added out of band between plan and apply', async () => {
    await createOutOfBand([{ topic: 'keepers', config: { 'retention.ms': '7200000', 'segment.ms': '7200000' } }]);
    const s = spec({ keepers: { 'retention.ms': '3600000', 'segment.ms': '7200000' } });
    const p = await planFor(s);
    expect(p.actions).toEqual([
      expect.objectContaining({
        kind: 'topic.alterConfig',
        method: 'incremental',
        changes: [{ key: 'retention.ms', op: 'set', from: '7200000', to: '3600000', source: 'topic' }],
      }),
    ]);
    expect(p.actions[0]).not.toHaveProperty('overrides');

    // Someone else sets an override after the plan was made.
    await kafkaConfigs('--alter', '--entity-type', 'topics', '--entity-name', 'keepers', '--add-config', 'max.message.bytes=2000000');

    const { report, requests } = await applyPlan(s, p);
    expect(report.failed).toEqual([]);
    expect(requests.IncrementalAlterConfigs).toBe(1);
    expect(requests.AlterConfigs).toBeUndefined();
    expect(await describeOverrides('keepers')).toEqual({ 'max.message.bytes': '2000000', 'retention.ms': '3600000', 'segment.ms': '7200000' });
    // The foreign override is drift on a declared topic: the next plan shows it rather than hiding it.
    expect(report.after?.actions).toEqual([
      expect.objectContaining({ topic: 'keepers', changes: [{ key: 'max.message.bytes', op: 'unset', from: '2000000', to: null, source: 'topic' }] }),
    ]);
  }, 120_000);
});

describe('topic configs the catalogue lacks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kft-i10-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI on a spec file declaring topic `extra` with these config lines; never throws on exit codes. */
  async function cli(args: string[], configLines: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const file = join(dir, 'kafka.config.yaml');
    await writeFile(file, `version: 1\nproject: kft-i10\ncluster:\n  bootstrapServers: [${BOOTSTRAP}]\ntopics:\n  extra:\n    partitions: 1\n    replicationFactor: 1\n    config:\n${configLines}`);
    return new Promise((res) => {
      execFile('node', [CLI, '-f', file, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }, (err, stdout, stderr) => {
        res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  /** A topic config this broker supports that the offline catalogue does not list. */
  async function brokerOnlyKey(): Promise<string> {
    const known = new Set(TOPIC_CONFIG_NAMES);
    const names = Object.keys(await describeAll('keepers')).filter((n) => !known.has(n));
    expect(names, 'the broker should list a topic config the catalogue lacks').not.toEqual([]);
    return names.sort()[0]!;
  }

  it('validate warns offline; plan accepts a key the broker knows, and apply sets it', async () => {
    const key = await brokerOnlyKey();
    const value = (await describeAll('keepers'))[key]!;
    const v = await cli(['validate'], `      ${key}: "${value}"\n`);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`topic config "${key}" is not in kafkaform's catalogue of Kafka 4.1 topic configs`);
    expect(v.stdout).toContain('the broker will decide at plan time');

    const p = await cli(['plan', '--json'], `      ${key}: "${value}"\n`);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const doc = JSON.parse(p.stdout) as Plan;
    expect(doc.diagnostics).toEqual([]);
    expect(doc.actions).toEqual([expect.objectContaining({ kind: 'topic.create', topic: 'extra', config: { [key]: value } })]);

    const a = await cli(['apply', '--auto-approve'], `      ${key}: "${value}"\n`);
    expect(a.code).toBe(0);
    expect((await describeOverrides('extra'))[key]).toBe(value);
  }, 120_000);

  it('plan refuses a key the broker does not know, with did-you-mean from the broker\'s list', async () => {
    const key = await brokerOnlyKey();
    const typo = `${key.slice(0, -2)}${key.slice(-1)}${key.slice(-2, -1)}`; // last two letters swapped
    const p = await cli(['plan'], `      ${typo}: "1"\n`);
    expect(p.code).toBe(1);
    expect(p.stdout).toContain(`topic extra: the broker does not support topic config "${typo}"; did you mean "${key}"?`);
  }, 120_000);
});
