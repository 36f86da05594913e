import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { LazyKafkaConnection } from '../../src/kafka/lazy-connection.js';
import { observe } from '../../src/apply/observe-docker-and-cluster.js';
import { createKafkaConnection } from '../../src/kafka/client.js';
import type { PlanOptions } from '../../src/plan/desired.js';
import { plan as makePlan } from '../../src/plan/planner.js';
import { renderPlanText } from '../../src/plan/render-text.js';
import type { Plan } from '../../src/plan/types.js';
import { parseSpec } from '../../src/spec/load.js';
import { isCatalogued } from '../../src/spec/topic-configs.js';
import type { Spec, TopicSpec } from '../../src/spec/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

// Issue 10 on a real broker: declared configs pinned against broker-default changes, per-key config changes
// that keep an override set out of band, and topic configs the catalogue lacks checked against the live broker.
// Independent views through the Kafka CLI (kafka-configs.sh inside the broker container). Ports 53100/53110.

const PORT = 53100;
const BOOTSTRAP = `127.0.0.1:${PORT}`;
const POS = { file: '/tmp/kafka.config.yaml', line: 1, col: 1 };
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false, noAdopt: true };
/** The catalogued config this file's catalogue pretends not to know (see the mock below). */
const HIDDEN = 'segment.jitter.ms';

// The catalogue without HIDDEN: everything that reads it (loader, schema, observer scope, planner) sees a
// config the broker supports and the catalogue lacks. Kafka 4.1 has no topic config outside the real catalogue.
vi.mock('../../src/spec/topic-configs.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/spec/topic-configs.js')>();
  const hidden = 'segment.jitter.ms';
  const TOPIC_CONFIGS = new Map([...real.TOPIC_CONFIGS].filter(([name]) => name !== hidden));
  return { ...real, TOPIC_CONFIGS, TOPIC_CONFIG_NAMES: real.TOPIC_CONFIG_NAMES.filter((n) => n !== hidden), isCatalogued: (n: string) => TOPIC_CONFIGS.has(n) };
});
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
  const link = new LazyKafkaConnection(s);
  try {
    return makePlan({ spec: s, seeds: [] }, await observe(s, { link }), OPTIONS);
  } finally {
    await link.close();
  }
}

/** Applies a given plan (as `apply` does after the plan was shown), returning the report and the requests sent. */
async function applyPlan(s: Spec, p: Plan) {
  const link = new LazyKafkaConnection(s);
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
  const { stdout } = await run('docker', ['exec', id, '/opt/kafka/bin/kafka-configs.sh', '--bootstrap-server', BOOTSTRAP, ...args], { timeout: 60_000 });
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

describe('whole-set fallback', () => {
  it('without IncrementalAlterConfigs, plans and sends the complete override set, and says so', async () => {
    await createOutOfBand([{ topic: 'replaced', config: { 'retention.ms': '7200000', 'segment.ms': '7200000' } }]);
    const s = spec({ replaced: { 'retention.ms': '3600000', 'max.message.bytes': '2000000' } });
    const link = new LazyKafkaConnection(s);
    let p: Plan;
    try {
      const observed = await observe(s, { link });
      expect(observed.cluster?.incrementalAlterConfigs).toBe(true);
      // As a broker older than Kafka 2.3 would be observed (its ApiVersions lack key 44).
      p = makePlan({ spec: s, seeds: [] }, { ...observed, cluster: { ...observed.cluster!, incrementalAlterConfigs: false } }, OPTIONS);
    } finally {
      await link.close();
    }
    expect(p.actions).toEqual([expect.objectContaining({ method: 'replace', overrides: { 'max.message.bytes': '2000000', 'retention.ms': '3600000' } })]);
    // Plan diagnostics only: the safety lint also notes the lowered retention (L001, nothing at stake).
    expect(p.diagnostics.filter((d) => d.code.startsWith('P'))).toEqual([expect.objectContaining({ code: 'P014', severity: 'warning', subject: 'replaced' })]);
    const { report, requests } = await applyPlan(s, p);
    expect(report.failed).toEqual([]);
    expect(report.converged).toBe(true);
    expect(requests.AlterConfigs).toBe(1);
    expect(requests.IncrementalAlterConfigs).toBeUndefined();
    expect(await describeOverrides('replaced')).toEqual({ 'max.message.bytes': '2000000', 'retention.ms': '3600000' });
  }, 120_000);
});

describe('topic configs the catalogue lacks', () => {
  // segment.jitter.ms is a real Kafka 4.1 topic config; the catalogue of this file (mocked above) lacks it,
  // as the catalogue of an older kafkaform lacks the configs of a newer broker.
  const file = '/tmp/kft-i10/kafka.config.yaml';
  const text = (configLine: string) =>
    `version: 1\nproject: kft-i10\ncluster:\n  bootstrapServers: [${BOOTSTRAP}]\ntopics:\n  extra:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      ${configLine}\n`;

  it('is a warning offline; plan accepts a key the broker knows, and apply sets it', async () => {
    expect(isCatalogued(HIDDEN)).toBe(false);
    const s = parseSpec(text(`${HIDDEN}: 1000`), file);
    expect(s.warnings?.map((w) => w.message)).toEqual([expect.stringContaining(`topic config "${HIDDEN}" is not in kafkaform's catalogue`)]);
    expect(s.warnings?.[0]?.message).toContain('the broker will decide at plan time');

    const p = await planFor(s);
    expect(p.diagnostics).toEqual([]);
    expect(p.actions).toEqual([expect.objectContaining({ kind: 'topic.create', topic: 'extra', config: { [HIDDEN]: '1000' } })]);
    const { report } = await applyPlan(s, p);
    expect(report.failed).toEqual([]);
    expect(report.converged).toBe(true);
    expect((await describeOverrides('extra'))[HIDDEN]).toBe('1000');
  }, 120_000);

  it('plan refuses a key the broker does not know, with did-you-mean from the broker\'s list', async () => {
    const typo = 'segment.jitter.sm';
    const s = parseSpec(text(`${typo}: 1000`), file);
    const p = await planFor(s);
    expect(p.diagnostics).toEqual([
      expect.objectContaining({
        code: 'P013',
        severity: 'error',
        message: `topic extra: the broker does not support topic config "${typo}"; did you mean "${HIDDEN}"?`,
        at: { file, line: 10, col: 7 },
      }),
    ]);
  }, 120_000);
});
