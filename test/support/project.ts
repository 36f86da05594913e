import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/** The repository root (this worktree). */
export const ROOT = join(import.meta.dirname, '../..');

/** Result of a child process; never throws. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with a shell-free argv; a timeout or signal gives code -1. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The README's code blocks that start with a `// <file name>` line, by that name, exactly as written
 * (the name line included), so tests can run the documented snippets themselves.
 */
export function readmeSnippets(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of readme.matchAll(/```(?:js|ts)\n(\/\/ (\S+)\n[\s\S]*?)```/g)) out.set(m[2]!, m[1]!);
  return out;
}

/** A 1-node spec for a test project on the given client port (controller on port + 1), data not kept. */
export function oneNodeSpec(project: string, port: number, extra = ''): string {
  return `version: 1
project: ${project}
containers:
  kafka:
    nodes: 1
    network: host
    port: ${port}
    controllerPort: ${port + 1}
    heap: 384m
    persistence: none
topics:
  orders:
    partitions: 3
    replicationFactor: 1
    config:
      retention.ms: 1d
seed:
  orders:
    messages:
      - { key: alice, value: { item: book } }
      - { key: bob, value: { item: pen } }
${extra}`;
}

/**
 * A scratch project with kafkaform installed from `npm pack` of this tree, as a user's project gets it
 * (`npm i -D <tarball>`; --prefer-offline uses npm's cache for the dependencies when it has them).
 */
export async function packedProject(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const packDir = join(dir, '.pack');
  mkdirSync(packDir);
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: ROOT });
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = join(packDir, packed.stdout.trim().split('\n').pop()!);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kafkaform-consumer', private: true, type: 'module' }, null, 2));
  const installed = await run('npm', ['i', '-D', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
  if (installed.code !== 0) throw new Error(`npm i failed: ${installed.stderr}`);
  return dir;
}

/** Names of the containers labelled for a project. */
export async function projectContainers(project: string): Promise<string[]> {
  const list = await new Docker().listContainers({ all: true, filters: { label: [`dev.kafkaform.project=${project}`] } });
  return list.map((c) => (c.Names[0] ?? '').replace(/^\//, '')).sort();
}

/** Removes every container and volume labelled for a project (cleanup of a crashed earlier run). */
export async function removeProject(project: string): Promise<void> {
  const docker = new Docker();
  const label = [`dev.kafkaform.project=${project}`];
  const list = await docker.listContainers({ all: true, filters: { label } });
  await Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  await Promise.allSettled(volumes.map((v) => docker.getVolume(v.Name).remove()));
}
