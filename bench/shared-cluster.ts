import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apply } from '../src/apply/apply.js';
import { LazyKafkaConnection } from '../src/kafka/lazy-connection.js';
import { observe } from '../src/apply/observe-docker-and-cluster.js';
import { createKafkaConnection } from '../src/kafka/client.js';
import type { PlanOptions } from '../src/plan/desired.js';
import { plan } from '../src/plan/planner.js';
import { loadSpec } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import { fmtRequests, total } from './requests.js';
import { startBenchBroker, type BenchBroker } from './broker.js';

// Benchmark of planning on a big shared cluster: the same 20 declared topics on a cluster that holds nothing
// else and on one that also holds OTHERS unmanaged topics. Whole `kafkaform plan` commands (a new node process
// each), interleaved rounds, medians; plus the requests one observe + plan sends on each cluster.
// Usage: node dist/bench/shared-cluster.js [ROUNDS] [OTHERS]   (defaults 5 and 5000)

const DECLARED = 20;
const TARGET_RATIO = 1.3;
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const run = promisify(execFile);

/** The spec text: DECLARED topics with two configs each, on the given broker. */
function specText(bootstrap: string): string {
  const topics = Array.from({ length: DECLARED }, (_, i) => `  orders-${String(i).padStart(2, '0')}:\n    partitions: 1\n    replicationFactor: 1\n    config:\n      retention.ms: 1d\n      cleanup.policy: delete\n`);
  return `version: 1\nproject: bench\ncluster:\n  bootstrapServers: [${bootstrap}]\ntopics:\n${topics.join('')}`;
}

/** Creates `count` unmanaged topics of 1 partition, in batches, and waits until metadata lists them all. */
async function fillCluster(bootstrap: string[], count: number): Promise<void> {
  const conn = createKafkaConnection({ bootstrapServers: bootstrap, requestTimeoutMs: 120_000 });
  try {
    const admin = await conn.admin();
    const width = String(count - 1).length;
    const names = Array.from({ length: count }, (_, i) => `other-team.topic-${String(i).padStart(width, '0')}`);
    for (let i = 0; i < names.length; i += 500) {
      const batch = names.slice(i, i + 500).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 }));
      await admin.createTopics({ topics: batch, waitForLeaders: false, timeout: 120_000 });
    }
    for (let tries = 0; tries < 120; tries++) {
      const listed = (await admin.fetchTopicMetadata()).topics.length;
      if (listed >= count) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`only some of the ${count} topics became visible`);
  } finally {
    await conn.close();
  }
}

/** Applies the spec in process and checks that it converged. */
async function applySpec(spec: Spec): Promise<void> {
  const link = new LazyKafkaConnection(spec);
  try {
    const observed = await observe(spec, { link });
    const p = plan({ spec, seeds: [] }, observed, OPTIONS);
    const report = await apply(p, { link, observed, seeds: [], replan: (o) => plan({ spec, seeds: [] }, o, OPTIONS) });
    if (!report.converged) throw new Error(`apply did not converge: ${JSON.stringify(report.failed[0]?.error ?? report.pending)}`);
  } finally {
    await link.close();
  }
}

/** Requests of one observe + plan (the plan command's Kafka work), and its action count. */
async function planRequests(spec: Spec): Promise<{ requests: Record<string, number>; actions: number }> {
  const link = new LazyKafkaConnection(spec);
  try {
    const p = plan({ spec, seeds: [] }, await observe(spec, { link }), OPTIONS);
    return { requests: link.requests(), actions: p.actions.length };
  } finally {
    await link.close();
  }
}

/** Wall time of one whole `kafkaform plan --detailed-exitcode` process; it must report no changes (exit 0). */
async function timePlanCommand(file: string): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [CLI, 'plan', '-f', file, '--detailed-exitcode', '--no-color'], { env: { ...process.env, NO_COLOR: '1' } });
  return performance.now() - started;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const others = Number(process.argv[3] ?? 5000);
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(others) || others < 1) throw new Error('usage: shared-cluster.js [ROUNDS] [OTHERS]');
  const dir = await mkdtemp(join(tmpdir(), 'kft-i10-bench-'));
  const brokers: BenchBroker[] = [];
  try {
    process.stderr.write('starting brokers kft-i10-bench-empty (127.0.0.1:53001) and kft-i10-bench-shared (127.0.0.1:53002)...\n');
    const started = await Promise.allSettled([
      startBenchBroker({ name: 'kft-i10-bench-empty', port: 53001, controllerPort: 53011 }),
      startBenchBroker({ name: 'kft-i10-bench-shared', port: 53002, controllerPort: 53012 }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') brokers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [empty, shared] = brokers as [BenchBroker, BenchBroker];
    process.stderr.write(`creating ${others} unmanaged topics on the shared cluster...\n`);
    await fillCluster(shared.bootstrapServers, others);

    const files = { empty: join(dir, 'empty.yaml'), shared: join(dir, 'shared.yaml') };
    await writeFile(files.empty, specText(empty.bootstrapServers[0]!));
    await writeFile(files.shared, specText(shared.bootstrapServers[0]!));
    const specs = { empty: await loadSpec(files.empty, {}), shared: await loadSpec(files.shared, {}) };
    process.stderr.write(`applying the ${DECLARED} declared topics on both clusters...\n`);
    await applySpec(specs.empty);
    await applySpec(specs.shared);

    const times = { empty: [] as number[], shared: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      // Interleaved, alternating which goes first, so drift (JIT caches, page cache, GC) hits both alike.
      const order = r % 2 === 0 ? (['empty', 'shared'] as const) : (['shared', 'empty'] as const);
      for (const which of order) times[which].push(await timePlanCommand(files[which]));
      process.stderr.write(`round ${r + 1}/${rounds}: empty ${times.empty.at(-1)!.toFixed(0)} ms, shared ${times.shared.at(-1)!.toFixed(0)} ms\n`);
    }
    const counts = { empty: await planRequests(specs.empty), shared: await planRequests(specs.shared) };

    const row = (name: string, xs: number[], c: { requests: Record<string, number> }) =>
      `${name.padEnd(42)} ${median(xs).toFixed(0).padStart(6)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})  requests ${total(c.requests)}: ${fmtRequests(c.requests)}\n`;
    process.stdout.write(`whole \`kafkaform plan\`, ${DECLARED} declared topics, median of ${rounds} interleaved rounds (min-max):\n`);
    process.stdout.write(row('cluster with nothing else', times.empty, counts.empty));
    process.stdout.write(row(`cluster with ${others} other topics`, times.shared, counts.shared));
    const ratio = median(times.shared) / median(times.empty);
    // Parallel admin calls share kafkajs' metadata refreshes depending on timing, so Metadata may differ by
    // one or two; every other API must be sent exactly as often on both clusters.
    const { Metadata: emptyMetadata = 0, ...emptyRest } = counts.empty.requests;
    const { Metadata: sharedMetadata = 0, ...sharedRest } = counts.shared.requests;
    const sameRequests = fmtRequests(emptyRest) === fmtRequests(sharedRest) && Math.abs(emptyMetadata - sharedMetadata) <= 2;
    process.stdout.write(
      `ratio shared/empty: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}); ` +
        `request counts ${sameRequests ? 'the same (Metadata within 2)' : 'DIFFER'}; no-change plan actions: ${counts.empty.actions}/${counts.shared.actions}\n`,
    );
    const json = {
      bench: 'shared-cluster',
      declared: DECLARED,
      others,
      rounds,
      empty: { medianMs: Math.round(median(times.empty)), ms: times.empty.map(Math.round), requests: counts.empty.requests },
      shared: { medianMs: Math.round(median(times.shared)), ms: times.shared.map(Math.round), requests: counts.shared.requests },
      ratio: Number(ratio.toFixed(2)),
      targetMet: ratio <= TARGET_RATIO,
      sameRequests,
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    if (!sameRequests || counts.empty.actions !== 0 || counts.shared.actions !== 0) process.exitCode = 1;
  } finally {
    await Promise.allSettled(brokers.map((b) => b.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
