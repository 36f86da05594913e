import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

// Issue 9: bad input is refused before anything happens, and output survives pipes. Ports 52000-52999, names kft-i9-.
const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');
const PORT = 52000;
const run = promisify(execFile);

/** Runs a shell pipeline with the built CLI as $KF; returns each stage's exit status (PIPESTATUS) and streams. */
function pipeline(script: string): Promise<{ status: number[]; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `${script}; echo "STATUS \${PIPESTATUS[*]}" >&2`],
      { env: { ...process.env, NO_COLOR: '1', KF: `node ${CLI}` }, timeout: 120_000 },
      (_err, stdout, stderr) => {
        const m = /STATUS ([\d ]+)\n?$/.exec(stderr);
        resolve({ status: m ? m[1]!.trim().split(' ').map(Number) : [-1], stdout, stderr: stderr.replace(/STATUS [\d ]+\n?$/, '') });
      },
    );
  });
}

/** Runs the built CLI with no TTY; never throws. */
function kafkaform(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Writes a spec (and extra files next to it) into a fresh directory; returns the spec path. */
function project(spec: string, files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kft-i9-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  writeFileSync(join(dir, 'kafka.config.yaml'), spec);
  return join(dir, 'kafka.config.yaml');
}

/** A spec against the test broker; `body` holds topics and seeds. */
function spec(name: string, body: string): string {
  return `version: 1\nproject: kft-i9-${name}\ncluster:\n  bootstrapServers: 127.0.0.1:${PORT}\n${body}`;
}

/** Messages of a topic as kcat reads them (read_committed): one "key\\tvalue" string each, hex for values. */
async function kcat(topic: string): Promise<{ key: string; value: Buffer }[]> {
  const { stdout } = await run('kcat', ['-b', `127.0.0.1:${PORT}`, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k\t%S\t%s\n'], {
    encoding: 'buffer',
    timeout: 60_000,
  });
  const out: { key: string; value: Buffer }[] = [];
  let i = 0;
  while (i < stdout.length) {
    const t1 = stdout.indexOf(0x09, i);
    const t2 = stdout.indexOf(0x09, t1 + 1);
    const key = stdout.toString('utf8', i, t1);
    const size = Number(stdout.toString('utf8', t1 + 1, t2));
    const value = stdout.subarray(t2 + 1, t2 + 1 + Math.max(size, 0));
    i = t2 + 1 + Math.max(size, 0) + 1;
    out.push({ key, value });
  }
  return out;
}

describe('issue 9 against a real broker', () => {
  let cluster: TestCluster | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster({ name: 'kft-i9-io', nodes: 1, port: PORT, controllerPort: PORT + 100 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('peek | head -1 exits quietly (text and --json)', async () => {
    const file = project(
      spec('peek', `topics:\n  many:\n    partitions: 1\n    replicationFactor: 1\nseed:\n  many:\n    generate:\n      - { id: g, count: 3000, key: "k{{seq}}", value: "{{uuid}} {{uuid}} {{uuid}}", seed: 1 }\n`),
    );
    const applied = await kafkaform(['-f', file, 'apply', '--auto-approve']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    for (const extra of ['', ' --json', ' --limit 2000']) {
      const r = await pipeline(`$KF -f ${file} peek many${extra} | head -1`);
      expect(r.stderr, extra).toBe('');
      expect(r.status, extra).toEqual([0, 0]);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });
});
