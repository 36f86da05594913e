import { apply } from '../src/apply/apply.js';
import { LazyKafkaConnection } from '../src/kafka/lazy-connection.js';
import { observe } from '../src/apply/observe-docker-and-cluster.js';
import { createKafkaConnection, TOPIC_RESOURCE } from '../src/kafka/client.js';
import type { PlanOptions } from '../src/plan/desired.js';
import { plan } from '../src/plan/planner.js';
import type { Spec } from '../src/spec/types.js';
import { fmtRequests, total } from './requests.js';
import { startBenchBroker } from './broker.js';

// Benchmark of the topic path on a real 1-node broker: apply N topics from nothing, plan with no changes,
// and, in the same run, the per-topic way (one DescribeConfigs and one Metadata call per topic) for a ratio.
// Usage: node dist/bench/topics.js [N]   (default 1000)

const PORT = 29500;
const CONTROLLER_PORT = 29600;
const TARGET_PLAN_MS = 1000;
const TARGET_APPLY_MS = 15_000;
const OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };

/** One measured phase. */
interface Phase {
  ms: number;
  requests: Record<string, number>;
}

/** N topics of 1 partition, RF 1, one config each: the benchmark spec. */
function benchSpec(n: number, bootstrap: string[]): Spec {
  const pos = { file: 'bench', line: 1, col: 1 };
  const width = String(n - 1).length;
  return {
    version: 1,
    project: 'bench',
    file: '/dev/null',
    cluster: { bootstrapServers: bootstrap, clientId: 'kafkaform-bench', connectionTimeoutMs: 10_000, requestTimeoutMs: 60_000, tls: null, sasl: null },
    topics: Array.from({ length: n }, (_, i) => ({
      name: `bench-${String(i).padStart(width, '0')}`,
      partitions: 1,
      replicationFactor: 1,
      config: { 'retention.ms': '86400000' },
      pos: { name: pos, config: {} },
    })),
    containers: null,
    seeds: [],
    allowDelete: false,
  };
}

/** (a) observe + plan + apply (which re-observes and re-plans to prove convergence). */
async function applyFromNothing(spec: Spec): Promise<Phase & { executeMs: number; actions: number; converged: boolean }> {
  const link = new LazyKafkaConnection(spec);
  try {
    const started = performance.now();
    const observed = await observe(spec, { link });
    const p = plan({ spec, seeds: [] }, observed, OPTIONS);
    let executed = 0;
    const report = await apply(p, {
      link,
      observed,
      seeds: [],
      replan: (o) => plan({ spec, seeds: [] }, o, OPTIONS),
      onProgress: (m) => {
        if (m.startsWith('observing again')) executed = performance.now();
      },
    });
    const ms = performance.now() - started;
    if (report.failed.length > 0) throw new Error(`apply failed: ${JSON.stringify(report.failed[0]?.error)}`);
    return { ms, executeMs: executed - started, requests: link.requests(), actions: p.actions.length, converged: report.converged };
  } finally {
    await link.close();
  }
}

/** (b) observe + plan when nothing changed. */
async function planNoChanges(spec: Spec): Promise<Phase & { actions: number }> {
  const link = new LazyKafkaConnection(spec);
  try {
    const started = performance.now();
    const p = plan({ spec, seeds: [] }, await observe(spec, { link }), OPTIONS);
    return { ms: performance.now() - started, requests: link.requests(), actions: p.actions.length };
  } finally {
    await link.close();
  }
}

/** (c) what per-topic tools do: one DescribeConfigs and one Metadata call per topic. */
async function naivePerTopic(spec: Spec): Promise<Phase> {
  const conn = createKafkaConnection({ bootstrapServers: spec.cluster.bootstrapServers, requestTimeoutMs: 60_000 });
  try {
    const admin = await conn.admin();
    const before = { ...conn.requests };
    const started = performance.now();
    for (const t of spec.topics) {
      await admin.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: t.name }], includeSynonyms: false });
      await admin.fetchTopicMetadata({ topics: [t.name] });
    }
    const ms = performance.now() - started;
    const requests: Record<string, number> = {};
    for (const [k, v] of Object.entries(conn.requests)) if (v - (before[k] ?? 0) > 0) requests[k] = v - (before[k] ?? 0);
    return { ms, requests };
  } finally {
    await conn.close();
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);
  process.stderr.write(`starting benchmark broker kft-bench on 127.0.0.1:${PORT}...\n`);
  const broker = await startBenchBroker({ name: 'kft-bench', port: PORT, controllerPort: CONTROLLER_PORT });
  try {
    const spec = benchSpec(n, broker.bootstrapServers);
    process.stderr.write(`(a) apply ${n} topics from nothing...\n`);
    const a = await applyFromNothing(spec);
    process.stderr.write('(b) plan with no changes...\n');
    const b = await planNoChanges(spec);
    process.stderr.write(`(c) naive per-topic describe of ${n} topics...\n`);
    const c = await naivePerTopic(spec);

    const rows: [string, string, string, string][] = [
      ['phase', 'wall ms', 'requests', 'by API'],
      [`(a) apply ${n} topics (incl. re-observe + re-plan)`, a.ms.toFixed(0), String(total(a.requests)), fmtRequests(a.requests)],
      ['    of which execution', a.executeMs.toFixed(0), '', ''],
      ['(b) plan, no changes', b.ms.toFixed(0), String(total(b.requests)), fmtRequests(b.requests)],
      ['(c) naive per-topic observe', c.ms.toFixed(0), String(total(c.requests)), fmtRequests(c.requests)],
    ];
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) process.stdout.write(`${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2].padStart(widths[2]!)}  ${r[3]}\n`);
    const ratio = { wall: c.ms / b.ms, requests: total(c.requests) / total(b.requests) };
    process.stdout.write(
      `naive/kafkaform: ${ratio.wall.toFixed(1)}x wall time, ${ratio.requests.toFixed(0)}x requests; ` +
        `targets: plan < ${TARGET_PLAN_MS} ms ${b.ms < TARGET_PLAN_MS ? 'met' : 'MISSED'}, ` +
        `apply < ${TARGET_APPLY_MS} ms ${a.ms < TARGET_APPLY_MS ? 'met' : 'MISSED'}; ` +
        `apply actions ${a.actions}, converged ${a.converged}, no-change plan actions ${b.actions}\n`,
    );
    const json = {
      bench: 'topics',
      n,
      apply: { ms: Math.round(a.ms), executeMs: Math.round(a.executeMs), requests: a.requests, requestTotal: total(a.requests), actions: a.actions, converged: a.converged },
      plan: { ms: Math.round(b.ms), requests: b.requests, requestTotal: total(b.requests), actions: b.actions },
      naive: { ms: Math.round(c.ms), requests: c.requests, requestTotal: total(c.requests) },
      ratio: { wall: Number(ratio.wall.toFixed(2)), requests: Number(ratio.requests.toFixed(1)) },
      targets: { planMs: TARGET_PLAN_MS, applyMs: TARGET_APPLY_MS, planMet: b.ms < TARGET_PLAN_MS, applyMet: a.ms < TARGET_APPLY_MS },
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    if (!a.converged || b.actions !== 0) process.exitCode = 1;
  } finally {
    await broker.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
