import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/cluster.js';

const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');
const PROJECT = 'kft-cli';
const PORT = 59092;

/** Runs the built CLI with no TTY; never throws, returns the exit code and both streams. */
function kafkaform(args: string[], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: timeoutMs }, (err, stdout, stderr) => {
      // A process killed by the timeout has no numeric code: report it as -1 so a hang fails the test.
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes a spec into a fresh directory and returns its path. */
function specFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaform-cli-'));
  const file = join(dir, 'kafka.config.yaml');
  writeFileSync(file, text);
  return file;
}

/** A spec with a local 1-node cluster on the test's ports. */
function clusterSpec(partitions: number): string {
  return `version: 1
project: ${PROJECT}
containers:
  kafka:
    nodes: 1
    network: host
    port: ${PORT}
    controllerPort: ${PORT + 1000}
    heap: 384m
    persistence: none
topics:
  events:
    partitions: ${partitions}
    replicationFactor: 1
    config:
      retention.ms: 2d
seed:
  events:
    messages:
      - { key: k1, value: { hello: world } }
`;
}

/** Containers labelled for the CLI test project. */
async function projectContainers(): Promise<Docker.ContainerInfo[]> {
  return new Docker().listContainers({ all: true, filters: { label: [`dev.kafkaform.project=${PROJECT}`] } });
}

/** Removes everything the test project created, whatever state a failed test left. */
async function cleanup(): Promise<void> {
  const docker = new Docker();
  for (const c of await projectContainers()) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const vols = await docker.listVolumes({ filters: { label: [`dev.kafkaform.project=${PROJECT}`] } });
  for (const v of vols.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}

describe('kafkaform CLI', () => {
  beforeAll(async () => {
    await requireDocker();
    await cleanup();
  });
  afterAll(cleanup);

  it('prints its version and help without contacting anything', async () => {
    const v = await kafkaform(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await kafkaform(['--help']);
    expect(h.code).toBe(0);
    for (const cmd of ['validate', 'plan', 'apply', 'destroy', 'status', 'output', 'peek', 'export']) expect(h.stdout).toContain(cmd);
  });

  it('reports spec errors with file:line:column and a fix, as text and as a JSON envelope', async () => {
    const file = specFile('version: 1\nproject: x\ncluster:\n  bootstrapServers: [127.0.0.1:1]\ntopics:\n  t:\n    partitons: 3\n');
    const text = await kafkaform(['-f', file, 'validate']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`${file}:7:5`);
    expect(text.stderr).toMatch(/did you mean "partitions"/);
    expect(text.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    const json = await kafkaform(['-f', file, 'validate', '--json']);
    expect(json.code).toBe(1);
    const envelope = JSON.parse(json.stdout) as { error: { code: string; problems: { at: { line: number } }[] } };
    expect(envelope.error.code).toBe('KF101');
    expect(envelope.error.problems[0]!.at.line).toBe(7);
  });

  it('reports an unreachable cluster without a stack trace', async () => {
    const file = specFile('version: 1\nproject: x\ncluster:\n  bootstrapServers: [127.0.0.1:1]\n  connectionTimeout: 2s\ntopics:\n  t: {}\n');
    const r = await kafkaform(['-f', file, 'plan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('KF200');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = await kafkaform(['-f', file, 'plan', '--json']);
    expect((JSON.parse(j.stdout) as { error: { code: string } }).error.code).toBe('KF200');
  });

  it('exits with CLUSTER_UNREACHABLE when a listener accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const file = specFile(`version: 1\nproject: x\ncluster:\n  bootstrapServers: [127.0.0.1:${port}]\n  connectionTimeout: 2s\n  requestTimeout: 2s\ntopics:\n  t: {}\n`);
      const r = await kafkaform(['-f', file, 'plan'], {}, 30_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('KF200');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('plans, refuses to apply without a TTY, applies with --auto-approve, and plans nothing afterwards', async () => {
    const file = specFile(clusterSpec(2));

    const planned = await kafkaform(['-f', file, 'plan', '--json', '--detailed-exitcode']);
    expect(planned.code).toBe(2);
    const plan = JSON.parse(planned.stdout) as { formatVersion: number; actions: { kind: string }[] };
    expect(plan.formatVersion).toBe(1);
    expect(plan.actions.map((a) => a.kind)).toEqual(['container.create', 'cluster.wait', 'topic.create', 'seed.produce']);

    const refused = await kafkaform(['-f', file, 'apply']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('KF403');
    expect(await projectContainers()).toHaveLength(0);

    const applied = await kafkaform(['-f', file, 'apply', '--auto-approve']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toMatch(/Apply complete!/);

    const again = await kafkaform(['-f', file, 'plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('No changes');

    const out = await kafkaform(['-f', file, 'output', 'bootstrap']);
    expect(out.stdout.trim()).toBe(`127.0.0.1:${PORT}`);

    const status = await kafkaform(['-f', file, 'status', '--json']);
    const doc = JSON.parse(status.stdout) as { containers: { name: string; state: string }[] };
    expect(doc.containers).toEqual([expect.objectContaining({ name: `${PROJECT}-kafka-1`, state: 'running' })]);

    const peeked = await kafkaform(['-f', file, 'peek', 'events', '--json']);
    expect(peeked.code, peeked.stderr).toBe(0);
    const lines = peeked.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: unknown });
    expect(lines).toEqual([expect.objectContaining({ key: 'k1', value: { hello: 'world' } })]);

    writeFileSync(file, clusterSpec(4));
    const grow = await kafkaform(['-f', file, 'plan', '--detailed-exitcode']);
    expect(grow.code).toBe(2);
    expect(grow.stdout).toMatch(/partitions 2 → 4/);
    expect(grow.stdout).toMatch(/Plan: 0 to create, 1 to change, 0 to delete/);

    const shrink = specFile(clusterSpec(1));
    const refusedShrink = await kafkaform(['-f', shrink, 'apply', '--auto-approve']);
    expect(refusedShrink.code).toBe(1);
    expect(refusedShrink.stdout).toContain('P001');

    const destroyed = await kafkaform(['-f', file, 'destroy', '--auto-approve', '--volumes']);
    expect(destroyed.code, destroyed.stderr + destroyed.stdout).toBe(0);
    expect(await projectContainers()).toHaveLength(0);
  });
});
