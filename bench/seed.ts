import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createKafkaConnection, type KafkaConnection } from '../src/kafka/client.js';
import { readTopic } from '../src/kafka/fetch.js';
import { ensureStateTopic } from '../src/kafka/state.js';
import { executeSeedProduce } from '../src/seed/produce.js';
import { digestSeeds } from '../src/seed/digest.js';
import type { Spec } from '../src/spec/types.js';
import { startBenchBroker } from './broker.js';

const run = promisify(execFile);

/** Result of the seed benchmark: the best round of each side (messages/s) and their ratio. */
export interface SeedBenchResult {
  bench: 'seed';
  messages: number;
  valueBytes: number;
  rounds: number;
  /** Digest (read, validate, hash) plus produce (read again, in windows): what apply does for a seed entry. */
  kafkaform: { seconds: number; msgPerSec: number };
  /** The produce part alone (executeSeedProduce: transaction, encode, send, commit), for comparison with kcat. */
  kafkaformProduce: { seconds: number; msgPerSec: number };
  kcat: { seconds: number; msgPerSec: number };
  /** kafkaform msg/s divided by kcat msg/s; >= 1 means kafkaform is not slower. */
  ratio: number;
}

/** One ~`size`-byte JSON object per line; the same bytes feed both producers. */
export function payloadFile(count: number, size: number): string {
  const items = ['book', 'pen', 'lamp', 'mug', 'desk'];
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const head = `{"id":${i + 1},"user":"user-${i % 977}","item":"${items[i % items.length]}","amount":${(i * 37) % 1000},"note":"`;
    lines[i] = `${head}${'x'.repeat(Math.max(0, size - head.length - 2))}"}`;
  }
  return lines.join('\n') + '\n';
}

/** A minimal spec with one file seed entry for `topic`. */
function benchSpec(dir: string, bootstrap: string, topic: string): Spec {
  const pos = { file: join(dir, 'kafka.config.yaml'), line: 1, col: 1 };
  return {
    version: 1,
    project: 'bench',
    file: pos.file,
    cluster: { bootstrapServers: [bootstrap], clientId: 'kafkaform-bench', connectionTimeoutMs: 10_000, requestTimeoutMs: 30_000, tls: null, sasl: null },
    topics: [],
    containers: null,
    seeds: [{ topic, compression: 'none', pos, entries: [{ kind: 'file', id: `file:payload-${topic}.jsonl`, path: 'payload.jsonl', format: 'jsonl', pos }] }],
    allowDelete: false,
  };
}

async function createTopic(conn: KafkaConnection, topic: string, partitions: number): Promise<void> {
  const admin = await conn.admin();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false });
  for (let i = 0; i < 200; i++) {
    const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
    if ((md?.topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0) === partitions) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topic ${topic} has no leaders`);
}

/** Committed messages of a topic (transaction markers excluded). */
async function countMessages(conn: KafkaConnection, topic: string): Promise<number> {
  let n = 0;
  for await (const _ of readTopic(conn, { topic })) n++;
  return n;
}

/** Runs the benchmark against a fresh broker; rounds alternate kafkaform and kcat into fresh topics. */
export async function runSeedBench(opts: { messages?: number; valueBytes?: number; rounds?: number; partitions?: number } = {}): Promise<SeedBenchResult> {
  const messages = opts.messages ?? 100_000;
  const valueBytes = opts.valueBytes ?? 200;
  const rounds = opts.rounds ?? 3;
  const partitions = opts.partitions ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'kafkaform-bench-seed-'));
  const broker = await startBenchBroker({ name: 'kft-bench-seed', port: 49500, controllerPort: 49600 });
  const bootstrap = broker.bootstrapServers.join(',');
  const conn = createKafkaConnection({ bootstrapServers: broker.bootstrapServers, clientId: 'kafkaform-bench' });
  try {
    const file = join(dir, 'payload.jsonl');
    await writeFile(file, payloadFile(messages, valueBytes));
    await ensureStateTopic(conn);
    const ours: number[] = [];
    const produceOnly: number[] = [];
    const theirs: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      const a = `bench-seed-a${r}`;
      const b = `bench-seed-b${r}`;
      await createTopic(conn, a, partitions);
      await createTopic(conn, b, partitions);

      const spec = benchSpec(dir, bootstrap, a);
      let t0 = performance.now();
      const seeds = await digestSeeds(spec);
      const s = seeds[0]!;
      const t1 = performance.now();
      await executeSeedProduce(
        { kind: 'seed.produce', topic: a, entryId: s.entryId, hash: s.hash, count: s.count, source: s.source, reason: 'bench' },
        { conn, spec, seeds },
      );
      ours.push((performance.now() - t0) / 1000);
      produceOnly.push((performance.now() - t1) / 1000);

      t0 = performance.now();
      await run('kcat', ['-P', '-b', bootstrap, '-t', b, '-l', file], { timeout: 300_000 });
      theirs.push((performance.now() - t0) / 1000);

      const [na, nb] = [await countMessages(conn, a), await countMessages(conn, b)];
      if (na !== messages || nb !== messages) throw new Error(`round ${r}: expected ${messages} messages each, got kafkaform ${na}, kcat ${nb}`);
    }
    const best = (xs: number[]): number => Math.min(...xs);
    const k = best(ours);
    const p = best(produceOnly);
    const c = best(theirs);
    return {
      bench: 'seed',
      messages,
      valueBytes,
      rounds,
      kafkaform: { seconds: round3(k), msgPerSec: Math.round(messages / k) },
      kafkaformProduce: { seconds: round3(p), msgPerSec: Math.round(messages / p) },
      kcat: { seconds: round3(c), msgPerSec: Math.round(messages / c) },
      ratio: round3(c / k),
    };
  } finally {
    await conn.close();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The human table of a result. */
export function formatSeedBench(r: SeedBenchResult): string {
  const row = (name: string, s: { seconds: number; msgPerSec: number }): string =>
    `${name.padEnd(22)} ${s.seconds.toFixed(3).padStart(9)} ${String(s.msgPerSec).padStart(12)}`;
  return [
    `seed: ${r.messages} messages of ~${r.valueBytes} bytes, best of ${r.rounds} rounds`,
    `${'producer'.padEnd(22)} ${'seconds'.padStart(9)} ${'msg/s'.padStart(12)}`,
    row('kafkaform seed (txn)', r.kafkaform),
    row('  of which produce', r.kafkaformProduce),
    row('kcat -P -l', r.kcat),
    `ratio kafkaform/kcat: ${r.ratio.toFixed(2)}x`,
    'kafkaform: in-process; reads, validates (every JSON line) and hashes the file, then one transaction: InitProducerId,',
    '  AddPartitionsToTxn, Produce (acks=all), EndTxn with the ledger record, and waits until read_committed readers see it.',
    'kcat: the same file and partition count; includes process start and metadata; plain producer, default acks (all), no',
    '  validation, no transaction. Both topics are counted afterwards with read_committed.',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);
  runSeedBench({ messages: env('SEED_BENCH_MESSAGES'), rounds: env('SEED_BENCH_ROUNDS') }).then(
    (r) => {
      console.log(formatSeedBench(r));
      console.log(JSON.stringify(r));
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
