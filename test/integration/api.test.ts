import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, down, plan, up } from '../../src/api/index.js';
import { ErrorCodes, KafkaformError } from '../../src/errors.js';
import { requireDocker, TEST_IMAGE } from '../support/cluster.js';
import { oneNodeSpec, projectContainers, removeProject, ROOT, run } from '../support/project.js';

// The library API and the pipeline commands (output, logs, wait) against a real broker through dockerode.
// Project kft-i13-api on port 54092 (controller 54093); afterAll removes only that project's containers.

const PROJECT = 'kft-i13-api';
const PORT = 54092;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SERVICE = `  services:
    api:
      image: ${TEST_IMAGE}
      network: host
      env:
        TOKEN: \${TOKEN}
topics:`;
let file: string;
let docker: Docker;

/** Writes a spec into a fresh directory; returns its path. */
function writeSpec(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kft-i13-api-'));
  const path = join(dir, 'kafka.config.yaml');
  writeFileSync(path, text);
  return path;
}

/** The built CLI on this test's spec. */
function cli(args: string[], timeoutMs?: number) {
  return run('node', [CLI, '-f', file, ...args], { timeoutMs });
}

async function containerId(): Promise<string> {
  return (await docker.getContainer(`${PROJECT}-kafka-1`).inspect()).Id;
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<KafkaformError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KafkaformError);
  return err as KafkaformError;
}

beforeAll(async () => {
  docker = await requireDocker();
  await removeProject(PROJECT);
  file = writeSpec(oneNodeSpec(PROJECT, PORT));
});

afterAll(async () => {
  await removeProject(PROJECT);
});

describe('up, plan, apply, down', () => {
  it('up brings the spec up and returns the address, client settings and topics', async () => {
    const env = await up({ file });
    expect(env.project).toBe(PROJECT);
    expect(env.bootstrapServers).toEqual([`127.0.0.1:${PORT}`]);
    expect(env.client).toEqual({ brokers: [`127.0.0.1:${PORT}`], clientId: 'kafkaform' });
    expect(env.topics).toEqual([{ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '86400000' } }]);
    expect(env.report.converged).toBe(true);
    expect([...new Set(env.report.applied.map((r) => r.action.kind))]).toEqual(['container.create', 'cluster.wait', 'topic.create', 'seed.produce']);
    // Checked with an independent client: kcat lists the topic with its 3 partitions.
    const listed = await run('kcat', ['-b', env.bootstrapServers.join(','), '-L', '-t', 'orders', '-J']);
    expect((JSON.parse(listed.stdout) as { topics: { topic: string; partitions: unknown[] }[] }).topics[0]!.partitions).toHaveLength(3);
  });

  it('up again executes nothing and keeps the same container', async () => {
    const before = await containerId();
    const env = await up({ file });
    expect(env.report.applied).toEqual([]);
    expect(env.report.converged).toBe(true);
    expect(await containerId()).toBe(before);
  });

  it("plan takes vars for the spec's ${VAR} references", async () => {
    expect((await plan({ file })).actions).toEqual([]);
    const withService = writeSpec(oneNodeSpec(PROJECT, PORT).replace('topics:', SERVICE));
    const planned = await plan({ file: withService, vars: { TOKEN: 'x' } });
    expect(planned.actions.map((a) => a.kind)).toEqual(['container.create']);
    const err = await rejection(plan({ file: withService, vars: { TOKEN: undefined } }));
    expect(err.code).toBe(ErrorCodes.SPEC_INVALID);
    expect(err.problems[0]?.message).toBe('environment variable TOKEN is not set');
  });

  it('apply converges a change and returns the report', async () => {
    const longer = writeSpec(oneNodeSpec(PROJECT, PORT).replace('retention.ms: 1d', 'retention.ms: 2d'));
    const report = await apply({ file: longer });
    expect(report.applied.map((r) => r.action.kind)).toEqual(['topic.alterConfig']);
    expect(report.converged).toBe(true);
    expect((await plan({ file: longer })).actions).toEqual([]);
    expect((await apply({ file })).applied.map((r) => r.action.kind)).toEqual(['topic.alterConfig']);
  });

  it('errors are KafkaformError with stable codes: a missing spec, and a plan with errors (nothing applied)', async () => {
    expect((await rejection(up({ file: join(tmpdir(), 'kft-i13-none.yaml') }))).code).toBe(ErrorCodes.SPEC_NOT_FOUND);
    const shrink = writeSpec(oneNodeSpec(PROJECT, PORT).replace('partitions: 3', 'partitions: 2'));
    const err = await rejection(up({ file: shrink }));
    expect(err.code).toBe(ErrorCodes.PLAN_HAS_ERRORS);
    expect(err.problems[0]?.message).toMatch(/^P001: /);
    expect(err.problems[0]?.at?.file).toBe(shrink);
    expect((await plan({ file })).actions).toEqual([]);
  });
});

describe('output, logs and wait', () => {
  it('output --format env prints NAME=value lines, --json the same as an object', async () => {
    const env = await cli(['output', '--format', 'env']);
    expect(env.code).toBe(0);
    expect(env.stdout).toBe(
      [`KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${PORT}`, 'KAFKA_CLIENT_ID=kafkaform', 'KAFKA_SECURITY_PROTOCOL=PLAINTEXT', 'KAFKA_TOPICS=orders', `KAFKAFORM_PROJECT=${PROJECT}`, ''].join('\n'),
    );
    const json = JSON.parse((await cli(['output', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ formatVersion: 1, project: PROJECT, bootstrapServers: [`127.0.0.1:${PORT}`], securityProtocol: 'PLAINTEXT', saslMechanism: null });
    expect((await cli(['output', 'bootstrap'])).stdout).toBe(`127.0.0.1:${PORT}\n`);
    expect((await cli(['output', 'bootstrap', '--format', 'env'])).stdout).toBe(`KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${PORT}\n`);
  });

  it('logs prints the Kafka container output; --tail bounds it; an unknown name gets a suggestion', async () => {
    const all = await cli(['logs']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/Kafka Server started|KafkaRaftServer|kafka/i);
    const tail = await cli(['logs', 'kafka-1', '--tail', '3']);
    expect(tail.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(all.stdout.trimEnd().endsWith(tail.stdout.trimEnd())).toBe(true);
    const wrong = await cli(['logs', 'kafka-2']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Error \[KF500\] project kft-i13-api has no container "kafka-2"; did you mean "kafka-1"\?/);
  });

  it('logs --follow streams until interrupted', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('node', [CLI, '-f', file, 'logs', '--follow', '--tail', '2'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    // Wait for the condition (the two tail lines streamed), not for a fixed time; the child is still following.
    await expect.poll(() => out.trimEnd().split('\n').length, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    expect(child.exitCode).toBeNull();
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGINT');
    await exited;
  });

  it('wait returns the bootstrap servers of a ready cluster, and times out on a missing one', async () => {
    const ready = await cli(['wait', '--timeout', '30s']);
    expect(ready.code).toBe(0);
    expect(ready.stdout).toBe(`127.0.0.1:${PORT}\n`);
    const other = writeSpec(oneNodeSpec('kft-i13-absent', PORT + 10));
    const absent = await run('node', [CLI, '-f', other, 'wait', '--timeout', '1s']);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/Error \[KF201\] the Kafka containers kft-i13-absent-kafka-1 were not created within 1 s/);
  });
});

describe('teardown', () => {
  it('await using removes the containers at the end of the scope', async () => {
    {
      await using env = await up({ file });
      expect(env.report.applied).toEqual([]);
      expect(await projectContainers(PROJECT)).toEqual([`${PROJECT}-kafka-1`]);
    }
    expect(await projectContainers(PROJECT)).toEqual([]);
  });

  it('down on nothing is a no-op, and down on a spec without containers is a usage error', async () => {
    await down({ file });
    const remote = writeSpec(`version: 1\nproject: ${PROJECT}\ncluster:\n  bootstrapServers: [127.0.0.1:${PORT}]\n`);
    expect((await rejection(down({ file: remote }))).code).toBe(ErrorCodes.USAGE);
  });
});
