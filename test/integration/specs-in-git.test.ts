import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

// Issue 11 against a real 3-node cluster: export → plan round trip (and --split), adoption and another
// project's topic, saved plans (clean apply and stale refusal after an out-of-band change), environments,
// and the markdown format. Topics are created and checked with kafkajs directly, never through kafkaform.

const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');
const PORT = 57092;
const PROJECT = 'kft-i11';
let cluster: TestCluster;
let admin: Admin;
let bootstrap: string;
const dir = mkdtempSync(join(tmpdir(), 'kft-i11-'));

/** Runs the built CLI with no TTY; returns the exit code and both streams. */
function kafkaform(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 170_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A topic's overrides as the broker reports them (configSource 1). */
async function overrides(topic: string): Promise<Record<string, string>> {
  const r = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
  return Object.fromEntries(r.resources[0]!.configEntries.filter((e) => e.configSource === 1).map((e) => [e.configName, e.configValue]));
}

// A mix: partitions 1–12, RF 1 and 3, a dozen different overrides (sizes, durations, enums, ratios, booleans).
const TOPICS = [
  { topic: 'orders', numPartitions: 12, replicationFactor: 3, configEntries: { 'retention.ms': '604800000', 'min.insync.replicas': '2', 'segment.bytes': '536870912' } },
  { topic: 'payments', numPartitions: 6, replicationFactor: 3, configEntries: { 'retention.bytes': '1073741824', 'max.message.bytes': '2097152', 'compression.type': 'lz4' } },
  { topic: 'customers', numPartitions: 3, replicationFactor: 3, configEntries: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '90000', 'min.cleanable.dirty.ratio': '0.3', 'delete.retention.ms': '86400000' } },
  { topic: 'clicks', numPartitions: 4, replicationFactor: 1, configEntries: { 'retention.ms': '1234567', 'segment.ms': '3600000', 'message.timestamp.type': 'LogAppendTime' } },
  { topic: 'audit.log', numPartitions: 1, replicationFactor: 1, configEntries: { 'unclean.leader.election.enable': 'true', 'cleanup.policy': 'compact,delete' } },
  { topic: 'plain', numPartitions: 2, replicationFactor: 1, configEntries: {} },
  { topic: 'tmp-scratch', numPartitions: 1, replicationFactor: 1, configEntries: {} },
];

beforeAll(async () => {
  cluster = await startTestCluster({ name: 'kft-i11-git', nodes: 3, port: PORT, controllerPort: PORT + 100 });
  bootstrap = cluster.bootstrapServers.join(',');
  admin = new Kafka({ clientId: 'kft-i11-check', brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: TOPICS.map((t) => ({ ...t, configEntries: Object.entries(t.configEntries).map(([name, value]) => ({ name, value })) })),
    waitForLeaders: true,
  });
});

afterAll(async () => {
  await admin?.disconnect();
  await cluster?.stop();
});

describe('export → plan round trip on a 3-node cluster', () => {
  const exported = join(dir, 'exported.yaml');

  it('exports topic overrides only, in human units, internal topics never', async () => {
    const r = await kafkaform(['export', '--bootstrap-server', bootstrap, '--project', PROJECT, '--exclude', '^tmp-', '-o', exported]);
    expect(r.stderr).toMatch(/^Exported 6 topics \(1 left out by --include\/--exclude\) to .* in [\d.]+ s\.\n$/);
    expect(r.code).toBe(0);
    const text = readFileSync(exported, 'utf8');
    expect(text).toContain('  orders:\n    partitions: 12\n    replicationFactor: 3\n    config:\n      min.insync.replicas: 2\n      retention.ms: 7d\n      segment.bytes: 512MiB\n');
    expect(text).toContain('      retention.bytes: 1GiB\n');
    expect(text).toContain('      max.message.bytes: 2MiB\n');
    expect(text).toContain('      min.compaction.lag.ms: 90s\n');
    expect(text).toContain('      retention.ms: 1234567\n');
    expect(text).toContain('  clicks:\n    partitions: 4\n    replicationFactor: 1\n');
    expect(text).not.toMatch(/__consumer_offsets|_kafkaform|tmp-scratch|file\.delete\.delay|local\.retention/);
  });

  it('plan on the exported spec changes nothing (it only offers to adopt)', async () => {
    const none = await kafkaform(['-f', exported, 'plan', '--no-adopt', '--detailed-exitcode']);
    expect(none.stdout).toContain('No changes. The cluster matches the spec.');
    expect(none.code).toBe(0);
    const adopt = await kafkaform(['-f', exported, 'plan']);
    expect(adopt.stdout).toContain('⇢ adopt topic orders (exists, created outside kafkaform)');
    expect(adopt.stdout).toContain('Plan: 0 to create, 0 to change, 0 to delete, 6 to adopt.');
  });

  it('the split form plans nothing either, and its files are where errors point', async () => {
    const split = join(dir, 'split');
    expect((await kafkaform(['export', '--bootstrap-server', bootstrap, '--project', PROJECT, '--include', '^(orders|clicks)$', '--split', split])).code).toBe(0);
    const r = await kafkaform(['-f', join(split, 'kafka.config.yaml'), 'plan', '--no-adopt', '--detailed-exitcode']);
    expect(r.stdout).toContain('No changes.');
    expect(r.code).toBe(0);
    writeFileSync(join(split, 'topics', 'clicks.yaml'), 'topics:\n  clicks:\n    partitions: lots\n');
    const bad = await kafkaform(['-f', join(split, 'kafka.config.yaml'), 'validate']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${join(split, 'topics', 'clicks.yaml')}:3:17`);
  });

  it('apply adopts, after which plan is empty and a delete of an adopted topic needs the usual opt-in', async () => {
    const r = await kafkaform(['-f', exported, 'apply', '--auto-approve']);
    expect(r.code).toBe(0);
    expect((await kafkaform(['-f', exported, 'plan', '--detailed-exitcode'])).code).toBe(0);
    const without = readFileSync(exported, 'utf8').replace(/ {2}plain:\n {4}partitions: 2\n {4}replicationFactor: 1\n/, '');
    writeFileSync(join(dir, 'without-plain.yaml'), without);
    const p = await kafkaform(['-f', join(dir, 'without-plain.yaml'), 'plan']);
    expect(p.stdout).toContain('Warning [P003] topic plain was created by project kft-i11 and is no longer in the spec; it is kept');
  });

  it('another project declaring an owned topic is a plan error naming both, unless --take-ownership', async () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, `version: 1\nproject: kft-i11-other\ncluster:\n  bootstrapServers: [${bootstrap}]\ntopics:\n  clicks:\n    partitions: 4\n`);
    const r = await kafkaform(['-f', other, 'plan']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Error [P012] topic clicks is owned by project kft-i11, but project kft-i11-other declares it too');
    expect(r.stdout).toContain('--take-ownership');
    const take = await kafkaform(['-f', other, 'plan', '--take-ownership']);
    expect(take.code).toBe(0);
    expect(take.stdout).toContain('⇢ adopt topic clicks (owned by project kft-i11, taken over with --take-ownership)');
  });
});

describe('saved plans', () => {
  it('apply plan.json applies exactly the saved actions', async () => {
    const spec = join(dir, 'exported.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('retention.ms: 1234567', 'retention.ms: 2d'));
    const planFile = join(dir, 'plan.json');
    const p = await kafkaform(['-f', spec, 'plan', '-o', planFile]);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('~ topic clicks: config retention.ms 1234567 → 172800000 (topic override)');
    expect(JSON.parse(readFileSync(planFile, 'utf8'))).toMatchObject({ kind: 'kafkaform.saved-plan', project: PROJECT });
    const a = await kafkaform(['-f', spec, 'apply', planFile]);
    expect(a.code).toBe(0);
    expect((await overrides('clicks'))['retention.ms']).toBe('172800000');
  });

  it('refuses a stale plan after an out-of-band change, and applies nothing', async () => {
    const spec = join(dir, 'exported.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('retention.ms: 2d', 'retention.ms: 3d').replace('max.message.bytes: 2MiB', 'max.message.bytes: 4MiB'));
    const planFile = join(dir, 'stale.json');
    expect((await kafkaform(['-f', spec, 'plan', '-o', planFile])).code).toBe(0);
    // Someone changes clicks by hand after the plan was reviewed.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: 'clicks', configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'segment.ms', value: '3600000' }, { name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    });
    const a = await kafkaform(['-f', spec, 'apply', planFile]);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('KF405');
    expect(a.stderr).toContain('the saved plan is stale: 1 thing it would touch changed since it was made (topic clicks)');
    expect((await overrides('clicks'))['retention.ms']).toBe('60000');
    expect((await overrides('payments'))['max.message.bytes']).toBe('2097152');
  });
});

describe('environments, variables and markdown against the cluster', () => {
  it('-e selects the cluster and per-topic overrides; ${VAR} fills scalars', async () => {
    const spec = join(dir, 'envs.yaml');
    writeFileSync(
      spec,
      `version: 1
project: ${PROJECT}
cluster:
  bootstrapServers: ["127.0.0.1:1"]
topics:
  plain:
    partitions: 2
    replicationFactor: 1
environments:
  staging:
    cluster:
      bootstrapServers: "\${KFT_I11_BOOTSTRAP}"
    topics:
      plain:
        partitions: \${PLAIN_PARTITIONS:-3}
`,
    );
    const r = await kafkaform(['-f', spec, '-e', 'staging', 'plan', '--format', 'markdown'], { KFT_I11_BOOTSTRAP: bootstrap });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('**Plan:** 0 to create, 1 to change, 0 to delete.');
    expect(r.stdout).toContain('| `~` | topic plain: partitions 2 → 3 |  |');
    expect(r.stdout).toContain('<details><summary>');
    const missing = await kafkaform(['-f', spec, '-e', 'staging', 'plan'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${spec}:12:26: environments.staging.cluster.bootstrapServers: environment variable KFT_I11_BOOTSTRAP is not set`);
    expect(missing.stderr.match(/✗/g)).toHaveLength(1);
  });
});
