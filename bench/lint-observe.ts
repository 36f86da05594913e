import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LazyKafkaConnection } from '../src/kafka/lazy-connection.js';
import { observe } from '../src/apply/observe-docker-and-cluster.js';
import { loadSpec } from '../src/spec/load.js';
import { plan } from '../src/plan/planner.js';
import type { PlanOptions } from '../src/plan/desired.js';
import { startBenchBroker } from './broker.js';

// Cost of the safety lint's extra observation on N topics (default 1000), on a real 1-node broker:
// whole `kafkaform plan` commands with no topic at stake vs every topic's retention lowered (so every topic
// is measured with DescribeLogDirs and ListOffsets by timestamp), interleaved, R runs each; and the requests
// each observation sends, counted in-process, for N and N/10 topics (they must not grow with N).
// Usage: node dist/bench/lint-observe.js [N] [R]

const PORT = 56500;
const CONTROLLER_PORT = 56600;
const CLI = join(import.meta.dirname, '../src/cli/main.js');
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };

/** A spec of n topics (1 partition, RF 1) with the given retention. */
function specText(n: number, bootstrap: string, retention: string): string {
  const lines = [`version: 1`, `project: kft-i17-bench`, `cluster:`, `  bootstrapServers: ${bootstrap}`, `topics:`];
  for (let i = 0; i < n; i++) lines.push(`  lint-${String(i).padStart(5, '0')}: { partitions: 1, replicationFactor: 1, config: { retention.ms: ${retention} } }`);
  return `${lines.join('\n')}\n`;
}

/** Wall time of one whole CLI command, ms. */
function timeCli(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 }, (err) => {
      // plan exits 1 when the lint refuses (the lowered case): that is the expected outcome here.
      if (err && typeof err.code !== 'number') reject(err);
      else resolve(performance.now() - started);
    });
  });
}

/** Requests of one in-process observe + plan of a spec file. */
async function requestsOf(file: string): Promise<{ requests: Record<string, number>; l001: number }> {
  const spec = await loadSpec(file);
  const link = new LazyKafkaConnection(spec);
  try {
    const p = plan({ spec, seeds: [] }, await observe(spec, { link }), OPTIONS);
    return { requests: link.requests(), l001: p.diagnostics.filter((d) => d.code === 'L001').length };
  } finally {
    await link.close();
  }
}

/** Median, min and max of a sample. */
function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median: Math.round(median), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!) };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const runs = Number(process.argv[3] ?? 7);
  const broker = await startBenchBroker({ name: 'kft-i17-bench', port: PORT, controllerPort: CONTROLLER_PORT });
  try {
    const bootstrap = broker.bootstrapServers[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'kft-i17-bench-'));
    const file = (name: string, count: number, retention: string) => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(f, specText(count, bootstrap, retention));
      return f;
    };
    const same = file('same', n, '7d');
    const lowered = file('lowered', n, '1d');
    process.stderr.write(`creating ${n} topics...\n`);
    if ((await new Promise<number>((r) => execFile('node', [CLI, '-f', same, 'apply', '--auto-approve'], { maxBuffer: 1 << 28 }, (e) => r(e ? 1 : 0)))) !== 0) {
      throw new Error('apply of the benchmark topics failed');
    }
    // One message per topic, so sizes and timestamps are real.
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const names = Array.from({ length: n }, (_, i) => `lint-${String(i).padStart(5, '0')}`);
    await producer.sendBatch({ topicMessages: names.map((topic) => ({ topic, messages: [{ value: 'x'.repeat(100) }] })) });
    await producer.disconnect();

    const without: number[] = [];
    const withStakes: number[] = [];
    for (let i = 0; i < runs; i++) {
      without.push(await timeCli(['-f', same, 'plan', '--json']));
      withStakes.push(await timeCli(['-f', lowered, 'plan', '--json']));
    }
    const tenth = Math.max(1, Math.round(n / 10));
    const result = {
      bench: 'lint-observe',
      n,
      runs,
      planMs: { noStakes: stats(without), allAtStake: stats(withStakes) },
      requests: {
        noStakes: await requestsOf(same),
        allAtStake: await requestsOf(lowered),
        [`allAtStake_${tenth}`]: await requestsOf(file('lowered-tenth', tenth, '1d')),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await broker.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
