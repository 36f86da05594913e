import { Kafka, logLevel } from 'kafkajs';
import { LazyKafkaConnection } from '../src/kafka/lazy-connection.js';
import { observe } from '../src/apply/observe-docker-and-cluster.js';
import { buildExport } from '../src/export/build.js';
import { renderExport } from '../src/export/render.js';
import type { PlanOptions } from '../src/plan/desired.js';
import { plan } from '../src/plan/planner.js';
import { parseSpec } from '../src/spec/load.js';
import { startBenchBroker } from './broker.js';

// Benchmark of `kafkaform export` against `plan` on a real 1-node broker holding N topics with varied
// partitions and overrides: export = one batched observation + build + render; plan = parse the exported spec
// + the same observation + plan. Each is run RUNS times; medians with min–max are printed, and the plan of the
// exported spec must be empty (the round trip). Usage: node dist/bench/export.js [N]   (default 1000)

const PORT = 57500;
const CONTROLLER_PORT = 57600;
const RUNS = 7;
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false, noAdopt: true };

/** A few override sets, so the export exercises durations, sizes, enums and plain numbers. */
const CONFIGS: Record<string, string>[] = [
  {},
  { 'retention.ms': '604800000' },
  { 'retention.bytes': '536870912', 'segment.bytes': '67108864' },
  { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '90000' },
  { 'max.message.bytes': '2097152', 'compression.type': 'lz4', 'retention.ms': '1234567' },
];

/** Median, min and max of a list of milliseconds, formatted. */
function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${median.toFixed(0)} ms (min ${s[0]!.toFixed(0)}, max ${s[s.length - 1]!.toFixed(0)})`;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);
  const broker = await startBenchBroker({ name: 'kft-i11-bench', port: PORT, controllerPort: CONTROLLER_PORT });
  const bootstrap = [`127.0.0.1:${PORT}`];
  try {
    const kafka = new Kafka({ clientId: 'bench-setup', brokers: bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const width = String(n - 1).length;
    const topics = Array.from({ length: n }, (_, i) => ({
      topic: `exp-${String(i).padStart(width, '0')}`,
      numPartitions: 1 + (i % 4),
      replicationFactor: 1,
      configEntries: Object.entries(CONFIGS[i % CONFIGS.length]!).map(([name, value]) => ({ name, value })),
    }));
    await admin.createTopics({ topics, waitForLeaders: false, timeout: 120_000 });
    // Measure only once every topic is in the metadata, so each run sees the same cluster.
    const deadline = Date.now() + 120_000;
    for (let seen = 0; seen < n; await new Promise((r) => setTimeout(r, 500))) {
      seen = (await admin.fetchTopicMetadata()).topics.filter((t) => t.name.startsWith('exp-')).length;
      if (Date.now() > deadline) throw new Error(`only ${seen} of ${n} topics exist after 120 s`);
    }
    await admin.disconnect();

    const source = parseSpec(`version: 1\nproject: bench\ncluster:\n  bootstrapServers: [${bootstrap.join(', ')}]\n`, 'bench');
    const exportMs: number[] = [];
    const planMs: number[] = [];
    let text = '';
    let actions = -1;
    for (let run = 0; run < RUNS; run++) {
      const link = new LazyKafkaConnection(source);
      try {
        const t0 = performance.now();
        const observed = await observe(source, { link });
        text = renderExport(buildExport(observed.cluster!, { project: 'bench', bootstrapServers: bootstrap, include: [], exclude: [] }));
        exportMs.push(performance.now() - t0);
      } finally {
        await link.close();
      }
      const spec = parseSpec(text, 'exported.yaml');
      const link2 = new LazyKafkaConnection(spec);
      try {
        const t0 = performance.now();
        const p = plan({ spec: parseSpec(text, 'exported.yaml'), seeds: [] }, await observe(spec, { link: link2 }), OPTIONS);
        planMs.push(performance.now() - t0);
        actions = p.actions.length + p.diagnostics.filter((d) => d.severity === 'error').length;
      } finally {
        await link2.close();
      }
    }
    const exportedTopics = (text.match(/^ {2}exp-\d+:$/gm) ?? []).length;
    if (exportedTopics !== n) throw new Error(`exported ${exportedTopics} topics, expected ${n}`);
    process.stdout.write(
      [
        `export bench: ${n} topics on 1 broker, ${RUNS} runs each (first run included)`,
        `  export (observe + build + render):    ${stats(exportMs)}; ${exportedTopics} topics, ${text.length} bytes of YAML`,
        `  plan of the exported spec (parse + observe + plan): ${stats(planMs)}`,
        `  round trip: the plan of the exported spec has ${actions} actions/errors${actions === 0 ? ' (empty, as it must be)' : ' (NOT EMPTY)'}`,
      ].join('\n') + '\n',
    );
    if (actions !== 0) process.exitCode = 1;
  } finally {
    await broker.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
