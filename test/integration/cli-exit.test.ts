import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/cluster.js';
import { removeProject, run, type Ran } from '../support/project.js';

// Every command must end on its own once its work is done: nothing it opened (Kafka sockets, retry timers,
// Docker connections, spinners) may keep Node alive, and nothing may cut the process short with process.exit.
// Each run loads a preload that reports any process.exit call; a command that hangs is killed at the deadline
// below (a liveness bound, not a speed check) and fails with code -1.
const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');
const PROJECT = 'kft-h14h-exit';
const PORT = 54010;
const CONTROLLER_PORT = 54011;
const HANG_MS = 120_000;
const dir = mkdtempSync(join(tmpdir(), 'kft-h14h-exit-'));
const PRELOAD = join(dir, 'report-exit.cjs');
writeFileSync(
  PRELOAD,
  "const exit = process.exit;\nprocess.exit = function (code) { process.stderr.write('[process.exit called]\\n'); return exit.call(process, code); };\n",
);

/** Runs the built CLI with the exit reporter; code -1 when it had to be killed. */
function kafkaform(args: string[]): Promise<Ran> {
  return run('node', ['--require', PRELOAD, CLI, ...args], { timeoutMs: HANG_MS });
}

/** Asserts a run ended by itself with `code`: not killed, no process.exit. */
function endedOnItsOwn(r: Ran, code: number): void {
  expect(r.code, r.stderr + r.stdout).toBe(code);
  expect(r.stderr).not.toContain('[process.exit called]');
}

const spec = join(dir, 'kafka.config.yaml');
writeFileSync(
  spec,
  `version: 1
project: ${PROJECT}
containers:
  kafka:
    nodes: 1
    network: host
    port: ${PORT}
    controllerPort: ${CONTROLLER_PORT}
    heap: 384m
    persistence: none
topics:
  events:
    partitions: 2
    replicationFactor: 1
seed:
  events:
    messages:
      - { key: k1, value: { hello: world } }
`,
);

/** Removes the test project's containers and volumes, whatever state a failed run left. */
const cleanup = (): Promise<void> => removeProject(PROJECT);

describe('every command exits on its own', () => {
  beforeAll(async () => {
    await requireDocker();
    await cleanup();
  });
  afterAll(cleanup);

  it('validate, plan, apply, status, output, peek and destroy against a real broker', async () => {
    endedOnItsOwn(await kafkaform(['-f', spec, 'validate']), 0);
    endedOnItsOwn(await kafkaform(['-f', spec, 'plan']), 0);
    endedOnItsOwn(await kafkaform(['-f', spec, 'apply', '--auto-approve']), 0);
    const again = await kafkaform(['-f', spec, 'plan', '--detailed-exitcode']);
    endedOnItsOwn(again, 0);
    expect(again.stdout).toContain('No changes');
    endedOnItsOwn(await kafkaform(['-f', spec, 'status']), 0);
    endedOnItsOwn(await kafkaform(['-f', spec, 'output', '--json']), 0);
    const peeked = await kafkaform(['-f', spec, 'peek', 'events', '--json']);
    endedOnItsOwn(peeked, 0);
    expect(peeked.stdout).toContain('"key":"k1"');
    endedOnItsOwn(await kafkaform(['-f', spec, 'peek', 'events', '--limit', '1']), 0);
    endedOnItsOwn(await kafkaform(['-f', spec, 'destroy', '--auto-approve']), 0);
    // With the cluster gone: status reports it (exit 3), plan and peek fail to reach it; each still ends.
    endedOnItsOwn(await kafkaform(['-f', spec, 'status']), 3);
    endedOnItsOwn(await kafkaform(['-f', spec, 'peek', 'events']), 1);
  });

  it('plan, peek and export against a listener that accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const file = join(dir, 'silent.yaml');
    writeFileSync(file, `version: 1\nproject: ${PROJECT}-silent\ncluster:\n  bootstrapServers: [127.0.0.1:${port}]\n  connectionTimeout: 2s\n  requestTimeout: 2s\ntopics:\n  t: {}\n`);
    try {
      for (const args of [['plan'], ['plan', '--json'], ['peek', 't'], ['export'], ['apply', '--auto-approve']]) {
        const r = await kafkaform(['-f', file, ...args]);
        endedOnItsOwn(r, 1);
        expect(r.stdout + r.stderr).toContain('KF200');
      }
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe('JSON error output', () => {
  it('comes from the parsed options when the command runs', async () => {
    const plan = await kafkaform(['-f', join(dir, 'missing.yaml'), 'plan', '--format', 'json']);
    endedOnItsOwn(plan, 1);
    expect((JSON.parse(plan.stdout) as { error: { code: string } }).error.code).toBe('KF100');
    const text = await kafkaform(['-f', join(dir, 'missing.yaml'), 'plan', '--format', 'markdown']);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('Error [KF100]');
    // "--json" as an option's value or an operand is not the flag: a scan of argv would have answered JSON here.
    const fileNamedJson = await kafkaform(['validate', '-f', '--json']);
    endedOnItsOwn(fileNamedJson, 1);
    expect(fileNamedJson.stdout).toBe('');
    expect(fileNamedJson.stderr).toContain('spec file --json not found');
    const topicNamedJson = await kafkaform(['-f', join(dir, 'missing.yaml'), 'peek', '--', '--json']);
    expect(topicNamedJson.stdout).toBe('');
    expect(topicNamedJson.stderr).toContain('Error [KF100]');
  });

  it('is an envelope for a command line commander refused, when that line asked for JSON', async () => {
    for (const args of [['plan', '--json', '--bogus'], ['plan', '--bogus', '--format=json'], ['output', '--format', 'xml', '--json'], ['peek', 't', '--limit', '0', '--json']]) {
      const r = await kafkaform(args);
      endedOnItsOwn(r, 1);
      expect(r.stderr, args.join(' ')).toBe('');
      const envelope = JSON.parse(r.stdout) as { formatVersion: number; error: { code: string; message: string } };
      expect(envelope.formatVersion).toBe(1);
      expect(envelope.error.code).toBe('KF500');
    }
    const refused = await kafkaform(['plan', '--bogus']);
    endedOnItsOwn(refused, 1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain("error: unknown option '--bogus'");
    expect(refused.stderr).toContain('Usage: kafkaform plan');
    const operand = await kafkaform(['validate', '--', '--json']);
    expect(operand.stdout).toBe('');
    expect(operand.stderr).toContain('too many arguments');
  });

  it('--help and --version exit 0 on their own', async () => {
    endedOnItsOwn(await kafkaform(['--help']), 0);
    endedOnItsOwn(await kafkaform(['plan', '--help']), 0);
    const v = await kafkaform(['--version']);
    endedOnItsOwn(v, 0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
