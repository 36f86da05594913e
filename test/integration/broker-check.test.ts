import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { ROOT, run } from '../support/project.js';

// Issue 9, item 6: values only the broker can judge (here: tiered storage on a broker without it) are asked of the
// broker at plan time with validate_only, so they are plan errors at their spec line, not failed applies. Checked
// with the Kafka CLI in the broker container (kafka-topics.sh / kafka-configs.sh) that nothing was created or changed.
// Ports 59000 (client) and 59010 (controller); containers kft-h9v-*.

const PORT = 59000;
const CLI = join(ROOT, 'dist/src/cli/main.js');
let cluster: TestCluster;
let dir: string;

/** Writes a spec for an existing cluster with these topic lines, returning its path. */
function specFile(topics: string, project = 'kft-h9v'): string {
  const file = join(dir, `${project}.yaml`);
  writeFileSync(file, `version: 1\nproject: ${project}\ncluster:\n  bootstrapServers: [127.0.0.1:${PORT}]\ntopics:\n${topics}`);
  return file;
}

/** Runs the built CLI on the spec. */
function kafkaform(file: string, ...args: string[]) {
  return run('node', [CLI, '-f', file, ...args], { timeoutMs: 60_000 });
}

/** Runs a Kafka CLI script inside the broker container: an independent view of the cluster. */
async function kafkaCli(script: string, ...args: string[]): Promise<string> {
  const exec = await cluster.containers[0]!.exec({ Cmd: [`/opt/kafka/bin/${script}`, '--bootstrap-server', `127.0.0.1:${PORT}`, ...args], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => stream.on('end', resolve));
  // Docker multiplexes stdout/stderr with 8-byte frame headers; strip them.
  const raw = Buffer.concat(chunks);
  let out = '';
  for (let i = 0; i + 8 <= raw.length; ) {
    const len = raw.readUInt32BE(i + 4);
    out += raw.toString('utf8', i + 8, i + 8 + len);
    i += 8 + len;
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kft-h9v-'));
  cluster = await startTestCluster({ name: 'kft-h9v', nodes: 1, port: PORT, controllerPort: PORT + 10 });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('the broker is asked at plan time (validate_only)', () => {
  it('a create the broker refuses is a plan error at the config line, and nothing is created', async () => {
    const file = specFile(`  ok-topic:\n    partitions: 1\n    replicationFactor: 1\n  tiered:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      remote.storage.enable: true\n`);
    const plan = await kafkaform(file, 'plan', '--json');
    expect(plan.code).toBe(1);
    const json = JSON.parse(plan.stdout) as { diagnostics: { code: string; severity: string; subject: string; at?: { line: number; col: number }; message: string }[] };
    const refusals = json.diagnostics.filter((d) => d.code === 'P022');
    expect(refusals).toEqual([expect.objectContaining({ severity: 'error', subject: 'tiered', at: expect.objectContaining({ line: 13, col: 7 }) })]);
    expect(refusals[0]!.message).toMatch(/INVALID_CONFIG/);

    const text = await kafkaform(file, 'plan');
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).toContain(`${file}:13:7`);

    const applied = await kafkaform(file, 'apply', '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stdout + applied.stderr).toContain('P022');
    const topics = (await kafkaCli('kafka-topics.sh', '--list')).split('\n');
    expect(topics).not.toContain('tiered');
    expect(topics).not.toContain('ok-topic');
  }, 120_000);

  it('a config change the broker refuses is a plan error, and the topic keeps its configs', async () => {
    const file = specFile(`  plain:\n    partitions: 1\n    replicationFactor: 1\n`);
    const created = await kafkaform(file, 'apply', '--auto-approve');
    expect(created.code, created.stdout + created.stderr).toBe(0);
    specFile(`  plain:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      retention.ms: 2h\n      remote.storage.enable: true\n`);
    const plan = await kafkaform(file, 'plan', '--json');
    expect(plan.code).toBe(1);
    const json = JSON.parse(plan.stdout) as { diagnostics: { code: string; subject: string; key?: string }[] };
    expect(json.diagnostics.filter((d) => d.code === 'P022')).toEqual([expect.objectContaining({ subject: 'plain', key: 'remote.storage.enable' })]);
    expect((await kafkaform(file, 'apply', '--auto-approve')).code).toBe(1);
    const described = await kafkaCli('kafka-configs.sh', '--describe', '--entity-type', 'topics', '--entity-name', 'plain');
    expect(described).not.toMatch(/retention\.ms=7200000/);
  }, 120_000);

  it('an accepted plan is not changed by the check, and applies', async () => {
    const file = specFile(`  plain:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      retention.ms: 2h\n  second:\n    partitions: 2\n    replicationFactor: 1\n`);
    const plan = await kafkaform(file, 'plan', '--json');
    const json = JSON.parse(plan.stdout) as { diagnostics: { code: string }[]; actions: { kind: string }[] };
    expect(json.diagnostics.filter((d) => d.code === 'P022')).toEqual([]);
    expect(json.actions.map((a) => a.kind).sort()).toEqual(['topic.alterConfig', 'topic.create']);
    expect((await kafkaform(file, 'apply', '--auto-approve')).code).toBe(0);
    expect(await kafkaCli('kafka-configs.sh', '--describe', '--entity-type', 'topics', '--entity-name', 'plain')).toMatch(/retention\.ms=7200000/);
  }, 120_000);
});

describe('values the broker writes back in its own form', () => {
  it('a ratio written as 0 or 1 converges (the broker reports Java doubles: 0.0, 1.0)', async () => {
    const file = specFile(`  ratios:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      cleanup.policy: compact\n      min.cleanable.dirty.ratio: "0"\n  ratios-one:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      cleanup.policy: compact\n      min.cleanable.dirty.ratio: 1\n`, 'kft-h9v-ratio');
    const applied = await kafkaform(file, 'apply', '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const again = await kafkaform(file, 'plan', '--detailed-exitcode');
    expect(again.code, again.stdout).toBe(0);
    expect(await kafkaCli('kafka-configs.sh', '--describe', '--entity-type', 'topics', '--entity-name', 'ratios')).toMatch(/min\.cleanable\.dirty\.ratio=0\.0\b/);
  }, 120_000);
});

