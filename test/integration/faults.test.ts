import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/cluster.js';
import { projectContainers, removeProject, ROOT, run, type Ran } from '../support/project.js';

// Issue 8, items 6, 7, 8 and 10: faults end in bounded, clear KF errors, and a partly down cluster can always be
// healed or destroyed. Real brokers, real `docker kill`/`stop`/`pause`, the built CLI spawned as a user runs it.
// Projects kft-h8f-*; client ports 55100-55102 and 55200-55400, controllers port + 10 / + 1; fake servers 55900+.

const CLI = join(ROOT, 'dist/src/cli/main.js');
const THREE = 'kft-h8f-three';
const ONE = 'kft-h8f-one';
const DIES = 'kft-h8f-dies';
const NOIMAGE = 'kft-h8f-noimage';
const PROJECTS = [THREE, ONE, DIES, NOIMAGE];

let docker: Docker;
let dir: string;

/** Runs the built CLI in `dir` with a spec; bounded so a hang fails the test instead of stalling it. */
function cli(spec: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Ran> {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, spec);
  return run('node', [CLI, '-f', file, ...args], { cwd: dir, env: opts.env, timeoutMs: opts.timeoutMs ?? 240_000 });
}

/**
 * Starts `apply` and calls `fault` once stderr shows `when` (a step that is under way), so the fault lands mid-apply.
 * Resolves with the run's result and how long it took; a run still going after `limitMs` is killed (code -1).
 */
function applyWithFault(spec: string, when: RegExp, fault: () => Promise<void>, limitMs: number): Promise<Ran & { ms: number; faulted: boolean }> {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, spec);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, '-f', file, 'apply', '--auto-approve'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let faulted = false;
    let faulting: Promise<void> = Promise.resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!faulted && when.test(stderr)) {
        faulted = true;
        faulting = fault();
      }
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      void faulting.then(() => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started, faulted }));
    });
  });
}

/** A spec with containers.kafka of `nodes` nodes on host networking. */
function clusterSpec(project: string, o: { nodes: number; port: number; controllerPort: number; persistence?: string; extra?: string; kafkaExtra?: string }): string {
  return `version: 1
project: ${project}
containers:
  kafka:
    nodes: ${o.nodes}
    network: host
    port: ${o.port}
    controllerPort: ${o.controllerPort}
    heap: 320m
    persistence: ${o.persistence ?? 'none'}
${o.kafkaExtra ?? ''}${o.extra ?? ''}`;
}

/** Messages in a topic as a read_committed reader sees them, through the CLI's own groupless reader. */
async function countMessages(spec: string, topic: string): Promise<number> {
  const r = await cli(spec, ['peek', topic, '--json'], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/** Names of the volumes labelled for a project. */
async function projectVolumes(project: string): Promise<string[]> {
  const list = (await docker.listVolumes({ filters: { label: [`dev.kafkaform.project=${project}`] } })).Volumes ?? [];
  return list.map((v) => v.Name).sort();
}

/** Asserts an error output: the code, no Node stack, and a fix line. */
function expectKfError(r: Ran, code: string): void {
  const out = r.stdout + r.stderr;
  expect(out, out).toContain(code);
  expect(out).toMatch(/fix: /);
  expect(out).not.toMatch(NODE_STACK);
}

/** Marks of a Node stack trace or crash (Java's stack lines in container logs start with a tab and name no .js file). */
const NODE_STACK = /node:internal|RangeError \[ERR_|\.js:\d+:\d+\)/;

beforeAll(async () => {
  docker = await requireDocker();
  dir = mkdtempSync(join(tmpdir(), 'kft-h8f-'));
  await Promise.all(PROJECTS.map((p) => removeProject(p)));
});

afterAll(async () => {
  await Promise.all(PROJECTS.map((p) => removeProject(p)));
  rmSync(dir, { recursive: true, force: true });
});

describe('a Docker engine or a listener that misbehaves (no containers started)', () => {
  let socketPath: string;
  let hung: Server;
  const held: Socket[] = [];

  beforeAll(async () => {
    // Accepts every connection and never answers: what a wedged engine looks like from the client.
    socketPath = join(dir, 'hung-docker.sock');
    hung = createServer((s) => {
      held.push(s);
      s.on('data', () => undefined);
    });
    await new Promise<void>((r) => hung.listen(socketPath, r));
  });

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => hung.close(() => r()));
    try {
      unlinkSync(socketPath);
    } catch {
      // already gone
    }
  });

  const spec = clusterSpec('kft-h8f-hung', { nodes: 1, port: 55950, controllerPort: 55951 });

  it('plan and status end with KF309 naming the stalled Docker call, within the Docker deadline', async () => {
    const env = { DOCKER_HOST: `unix://${socketPath}`, KAFKAFORM_DOCKER_TIMEOUT: '2s' };
    for (const args of [['plan'], ['status'], ['destroy', '--auto-approve']]) {
      const r = await cli(spec, args, { env, timeoutMs: 30_000 });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
      expectKfError(r, 'KF309');
      expect(r.stderr).toContain(`unix://${socketPath}`);
      expect(r.stderr).toMatch(/did not answer GET \/\w+/);
    }
  });

  it('every command has an overall deadline that names its step (KF409)', async () => {
    const r = await cli(spec, ['--deadline', '3s', 'plan'], { env: { DOCKER_HOST: `unix://${socketPath}`, KAFKAFORM_DOCKER_TIMEOUT: '1m' }, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(1);
    expectKfError(r, 'KF409');
    expect(r.stderr).toContain('kafkaform plan did not finish within 3 s; it was at: observing Docker and the cluster');
    const json = await cli(spec, ['plan', '--json'], { env: { DOCKER_HOST: `unix://${socketPath}`, KAFKAFORM_DOCKER_TIMEOUT: '1m', KAFKAFORM_DEADLINE: '2s' }, timeoutMs: 30_000 });
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { error: { code: string } }).error.code).toBe('KF409');
  });

  it('a listener that closes mid-response is a KF error with a fix, not a crash with a Node stack', async () => {
    // Answers each request with the first half of a response frame (its size says 2 bytes, 4 are needed) and closes.
    const half = createServer((s) => s.once('data', () => s.end(Buffer.from([0, 0, 0, 2, 0, 0]))));
    await new Promise<void>((r) => half.listen(55901, '127.0.0.1', r));
    try {
      const topicsOnly = `version: 1\nproject: kft-h8f-half\ncluster:\n  bootstrapServers: 127.0.0.1:55901\ntopics:\n  a: { partitions: 1, replicationFactor: 1 }\n`;
      for (const args of [['plan'], ['apply', '--auto-approve'], ['export']]) {
        const r = await cli(topicsOnly, args, { timeoutMs: 60_000 });
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
        expectKfError(r, 'KF202');
        expect(r.stderr).toContain('127.0.0.1:55901');
        expect(r.stderr).toContain('cut short or malformed');
      }
    } finally {
      await new Promise<void>((r) => half.close(() => r()));
    }
  });
});

describe('a broker paused or stopped during apply (1 node)', () => {
  const base = clusterSpec(ONE, { nodes: 1, port: 55200, controllerPort: 55201, extra: 'cluster:\n  requestTimeout: 4s\n' });
  const topics = Array.from({ length: 8 }, (_, i) => `  t${i}: { partitions: 2, replicationFactor: 1 }`).join('\n');
  const seeds = (tag: string) =>
    Array.from(
      { length: 8 },
      (_, i) => `  t${i}:\n    generate:\n      - id: ${tag}\n        count: 20000\n        key: "k-{{seq}}"\n        value: { n: "{{seq}}", tag: ${tag}, pad: "${'x'.repeat(100)}" }`,
    ).join('\n');
  const withTopics = `${base}topics:\n${topics}\n`;
  const withSeeds = (tag: string) => `${withTopics}seed:\n${seeds(tag)}\n`;
  const node = `${ONE}-kafka-1`;

  beforeAll(async () => {
    const r = await cli(withTopics, ['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('paused: apply ends within its deadlines with KF209 naming the broker, and converges once it is back', async () => {
    const r = await applyWithFault(withSeeds('a'), /✓ \+ seed/, () => docker.getContainer(node).pause(), 90_000);
    try {
      expect(r.faulted, r.stderr).toBe(true);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expectKfError(r, 'KF209');
      expect(r.stdout).toContain('broker 127.0.0.1:55200 did not answer');
      expect(r.stdout).toMatch(/\[KF401\] Apply failed/);
    } finally {
      await docker.getContainer(node).unpause().catch(() => undefined);
    }
    const again = await cli(withSeeds('a'), ['apply', '--auto-approve']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    for (const t of ['t0', 't7']) expect(await countMessages(withSeeds('a'), t)).toBe(20000);
  });

  it('stopped: apply ends with a KF code and a fix line; the next apply starts the node and converges', async () => {
    const r = await applyWithFault(withSeeds('b'), /✓ \+ seed/, async () => void (await docker.getContainer(node).stop({ t: 1 })), 90_000);
    expect(r.faulted, r.stderr).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/KF(2\d\d|40[12])/);
    expect(out).toMatch(/fix: /);
    expect(out).not.toMatch(NODE_STACK);

    const plan = await cli(withSeeds('b'), ['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const kinds = (JSON.parse(plan.stdout) as { actions: { kind: string }[] }).actions.map((a) => a.kind);
    expect(kinds.slice(0, 2)).toEqual(['container.start', 'cluster.wait']);

    const again = await cli(withSeeds('b'), ['apply', '--auto-approve']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // Exactly once: entries a and b, each produced once, whatever the stop interrupted.
    for (const t of ['t0', 't7']) expect(await countMessages(withSeeds('b'), t)).toBe(40000);
  });
});

describe('a partly down 3-node cluster is healed by apply and removed by destroy', () => {
  const spec = `${clusterSpec(THREE, { nodes: 3, port: 55100, controllerPort: 55110, persistence: 'volume' })}topics:
  orders: { partitions: 3, replicationFactor: 3 }
seed:
  orders:
    messages:
      - { key: a, value: "1" }
      - { key: b, value: "2" }
      - { key: c, value: "3" }
`;
  const name = (i: number) => `${THREE}-kafka-${i}`;
  /** `docker kill` of node i; one already dead stays dead (409), so each case starts from its own faults. */
  const kill = (i: number) =>
    docker
      .getContainer(name(i))
      .kill()
      .catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 409) throw err;
      });

  beforeAll(async () => {
    const r = await cli(spec, ['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('one killed node: plan shows its start at once, not KF202', async () => {
    await kill(3);
    const plan = await cli(spec, ['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout) as { actions: { kind: string; name?: string }[]; provisional?: unknown };
    expect(doc.actions.filter((a) => a.kind === 'container.start').map((a) => a.name)).toEqual([name(3)]);
    expect(doc.provisional).toBeDefined();
  });

  it('two killed nodes: apply starts them, then reconciles topics without producing seeds twice', async () => {
    await kill(2);
    const r = await cli(spec, ['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Apply complete!');
    const after = await cli(spec, ['plan', '--json']);
    expect((JSON.parse(after.stdout) as { actions: unknown[] }).actions).toEqual([]);
    expect(await countMessages(spec, 'orders')).toBe(3);
  });

  it('two killed nodes: destroy --volumes removes every container and volume without asking the cluster', async () => {
    await kill(2);
    await kill(3);
    const r = await cli(spec, ['destroy', '--volumes', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await projectContainers(THREE)).toEqual([]);
    expect(await projectVolumes(THREE)).toEqual([]);
  });
});

describe('nothing half-made', () => {
  it('a service image that cannot be pulled fails the apply before Kafka is created (KF302)', async () => {
    const spec = clusterSpec(NOIMAGE, {
      nodes: 1,
      port: 55400,
      controllerPort: 55401,
      persistence: 'volume',
      extra: `  services:\n    ui:\n      image: kft-h8f-no-such-image:0\n      network: host\n      dependsOn: [kafka]\n`,
    });
    const r = await cli(spec, ['apply', '--auto-approve'], { timeoutMs: 120_000 });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expectKfError(r, 'KF302');
    expect(r.stderr).toContain('kft-h8f-no-such-image:0');
    expect(r.stderr).toContain('nothing was created or started');
    expect(await projectContainers(NOIMAGE)).toEqual([]);
    expect(await projectVolumes(NOIMAGE)).toEqual([]);
  });

  it('a node that dies at start is removed with the volume this run made; a volume that existed before stays', async () => {
    const bad = (persistence: string) =>
      clusterSpec(DIES, { nodes: 1, port: 55300, controllerPort: 55301, persistence, kafkaExtra: '    properties:\n      num.network.threads: "0"\n' });
    const r = await cli(bad('volume'), ['apply', '--auto-approve'], { timeoutMs: 180_000 });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expectKfError(r, 'KF304');
    expect(r.stdout).toContain('removed what this run created');
    expect(await projectContainers(DIES)).toEqual([]);
    expect(await projectVolumes(DIES)).toEqual([]);

    // A data volume from before this run (it may hold data) is never deleted by a failed start.
    const volume = `${DIES}-kafka-1-data`;
    await docker.createVolume({ Name: volume, Labels: { 'dev.kafkaform.project': DIES } });
    const again = await cli(bad('volume'), ['apply', '--auto-approve'], { timeoutMs: 180_000 });
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(await projectContainers(DIES)).toEqual([]);
    expect(await projectVolumes(DIES)).toEqual([volume]);
  });
});
