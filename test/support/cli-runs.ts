import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKafkaConnection } from '../../src/kafka/client.js';
import { readState, type ClusterState } from '../../src/kafka/state.js';
import { fetchTopicIds } from '../../src/kafka/topic-ids.js';

// Shared helpers of the fault, crash and concurrency suites (test/integration/{ownership,exactly-once,fresh-apply}.test.ts): the built CLI
// run as real separate processes, spec files, and independent read_committed counts through kcat.

const run = promisify(execFile);

/** Trials of a randomised crash or concurrency case: `ci` by default, KAFKAFORM_FAULT_TRIALS when set (a soak). */
export function trials(ci: number): number {
  const n = Number(process.env.KAFKAFORM_FAULT_TRIALS);
  return Number.isInteger(n) && n > 0 ? n : ci;
}

/** The built CLI (npm run build makes it; vitest's pretest does too). */
export const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');

/** What a finished CLI process left. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with no TTY and resolves when it exits; a process killed by the timeout reports code -1. */
export function kafkaform(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI as a child process (to kill it at a chosen moment). */
export function startKafkaform(args: string[]): ChildProcess {
  return spawn('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the exit code (or signal name) of a child process. */
export function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    if (child.signalCode !== null) return resolve(child.signalCode);
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
}

/** A topic of a test spec: partitions and inline seed messages (values). */
export interface SpecTopic {
  partitions?: number;
  messages?: string[];
  /** A generated entry of this many messages (id "bulk", fixed seed). */
  generate?: number;
}

/** Writes a spec for an existing cluster into a fresh directory and returns the file's path. */
export function writeSpec(project: string, bootstrap: string[], topics: Record<string, SpecTopic>, dir?: string): string {
  const lines = [
    'version: 1',
    `project: ${project}`,
    'cluster:',
    `  bootstrapServers: [${bootstrap.join(', ')}]`,
    '  requestTimeout: 20s',
    'topics:',
  ];
  for (const [name, t] of Object.entries(topics)) lines.push(`  ${name}: { partitions: ${t.partitions ?? 1}, replicationFactor: 1 }`);
  const seeded = Object.entries(topics).filter(([, t]) => (t.messages?.length ?? 0) > 0 || t.generate);
  if (seeded.length > 0) {
    lines.push('seed:');
    for (const [name, t] of seeded) {
      lines.push(`  ${name}:`);
      if (t.messages?.length) {
        lines.push('    messages:');
        for (const [i, v] of t.messages.entries()) lines.push(`      - { key: k${i}, value: ${JSON.stringify(v)} }`);
      }
      if (t.generate) {
        lines.push('    generate:', `      - { id: bulk, count: ${t.generate}, key: "k-{{seq}}", value: "v-{{seq}}", seed: 7 }`);
      }
    }
  }
  const file = join(dir ?? mkdtempSync(join(tmpdir(), 'kft-h8o-')), 'kafka.config.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Messages of a topic that a read_committed consumer sees, counted by kcat (librdkafka), an independent client. */
export async function committedCount(bootstrap: string[], topic: string): Promise<number> {
  const { stdout } = await run(
    'kcat',
    ['-b', bootstrap.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%o\n'],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.split('\n').filter((l) => l.length > 0).length;
}

/** The state topic as kafkaform reads it, plus the live topic IDs, on a short-lived connection. */
export async function stateAndIds(bootstrap: string[]): Promise<{ state: ClusterState; ids: Map<string, string> }> {
  const conn = createKafkaConnection({ bootstrapServers: bootstrap });
  try {
    return { state: await readState(conn), ids: await fetchTopicIds(conn) };
  } finally {
    await conn.close();
  }
}
