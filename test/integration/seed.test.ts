import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../src/errors.js';
import { createKafkaConnection, type KafkaConnection } from '../../src/kafka/client.js';
import { readTopic } from '../../src/kafka/fetch.js';
import { observeCluster } from '../../src/kafka/observe-cluster.js';
import { STATE_TOPIC, readState } from '../../src/kafka/state.js';
import { plan } from '../../src/plan/planner.js';
import type { Plan, SeedProduceAction } from '../../src/plan/types.js';
import type { SeedDigest } from '../../src/plan/desired.js';
import { executeSeedProduce, seedTransactionalId } from '../../src/seed/produce.js';
import { digestSeeds, materialiseSeeds } from '../../src/seed/digest.js';
import { encodeRecordBatch } from '../../src/kafka/record-batch.js';
import { RecordBatchTransaction } from '../../src/kafka/record-batch-transaction.js';
import { partitionForKey } from '../../src/seed/partitioner.js';
import type { MaterialisedSeed } from '../../src/seed/types.js';
import { loadSpec } from '../../src/spec/load.js';
import type { Spec } from '../../src/spec/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

const run = promisify(execFile);
const PROJECT = 'seedtest';

/** One record as an independent client sees it; key and value as base64 (null stays null). */
interface Seen {
  partition: number;
  key: string | null;
  value: string | null;
}

const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));
const sortSeen = (xs: Seen[]): Seen[] => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * Reads a topic with kcat (librdkafka) byte for byte: a length-prefixed format survives binary and newlines.
 * read_uncommitted also shows records of aborted transactions, which Kafka keeps in the log.
 */
async function kcatRead(brokers: string[], topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): Promise<Seen[]> {
  const { stdout } = await run(
    'kcat',
    ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%p %K %S\n%k%s'],
    { encoding: 'buffer', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
  );
  const out: Seen[] = [];
  let i = 0;
  while (i < stdout.length) {
    const nl = stdout.indexOf(0x0a, i);
    const [p, k, s] = stdout.toString('utf8', i, nl).split(' ').map(Number) as [number, number, number];
    i = nl + 1;
    const key = k < 0 ? null : stdout.subarray(i, i + k);
    i += Math.max(k, 0);
    const value = s < 0 ? null : stdout.subarray(i, i + s);
    i += Math.max(s, 0);
    out.push({ partition: p, key: b64(key), value: b64(value) });
  }
  return out;
}

/** Consumes a topic in a consumer group with Python's confluent-kafka (test/python/consume.py). */
async function pythonConsume(brokers: string[], topic: string, group: string, expect: number): Promise<(Seen & { headers: Record<string, string> })[]> {
  const { stdout } = await run('python3', ['test/python/consume.py', '--bootstrap', brokers.join(','), '--topic', topic, '--group', group, '--expect', String(expect)], {
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`python consumer failed (pip install confluent-kafka; bash scripts/test-env.sh): ${err.message}\n${err.stderr ?? ''}`);
  });
  return (JSON.parse(stdout) as { messages: (Seen & { headers: Record<string, string> })[] }).messages;
}

/** Committed messages of a topic as kafkaform itself reads them. */
async function readAllOf(conn: KafkaConnection, topic: string): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const m of readTopic(conn, { topic })) out.push({ partition: m.partition, key: b64(m.key), value: b64(m.value) });
  return out;
}

/** Polls until `check` holds (hooks cannot use expect.poll). */
async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What materialised seeds should look like in the topic. */
function expected(seeds: MaterialisedSeed[]): Seen[] {
  return seeds.flatMap((s) => s.messages.map((m) => ({ partition: -1, key: b64(m.key), value: b64(m.value) })));
}
const withoutPartition = (xs: Seen[]): Seen[] => sortSeen(xs.map((x) => ({ ...x, partition: -1 })));

/** Loads the spec, digests its seeds, observes and plans, as apply does. */
async function planned(conn: KafkaConnection, file: string, reseed = false): Promise<{ spec: Spec; seeds: SeedDigest[]; plan: Plan; actions: SeedProduceAction[] }> {
  const spec = await loadSpec(file, {});
  const seeds = await digestSeeds(spec);
  const observed = { cluster: await observeCluster(conn), docker: null };
  const p = plan({ spec, seeds }, observed, { allowDelete: false, reseed, destroy: false, removeVolumes: false, noAdopt: true });
  return { spec, seeds, plan: p, actions: p.actions.filter((a): a is SeedProduceAction => a.kind === 'seed.produce') };
}

async function applySeeds(conn: KafkaConnection, file: string, reseed = false): Promise<SeedProduceAction[]> {
  const { spec, seeds, actions } = await planned(conn, file, reseed);
  for (const action of actions) await executeSeedProduce(action, { conn, spec, seeds });
  return actions;
}

describe('seeding a real broker exactly once', () => {
  let cluster: TestCluster | undefined;
  let conn: KafkaConnection;
  let dir: string;
  let brokers: string[];

  /** Writes the spec (and its seed files) with these seed blocks. */
  async function writeSpec(seed: string, topics = ''): Promise<string> {
    const file = join(dir, 'kafka.config.yaml');
    await writeFile(
      file,
      `version: 1\nproject: ${PROJECT}\ncluster:\n  bootstrapServers: [${brokers.join(', ')}]\ntopics:\n  purchases: { partitions: 3, replicationFactor: 1 }\n  events: { partitions: 1, replicationFactor: 1 }\n  broken: { partitions: 1, replicationFactor: 1 }\n  bulk: { partitions: 2, replicationFactor: 1 }\n  fenced: { partitions: 1, replicationFactor: 1 }\n${topics}seed:\n${seed}`,
    );
    return file;
  }

  beforeAll(async () => {
    cluster = await startTestCluster({ name: 'kft-seed', nodes: 1, port: 49092, controllerPort: 49192 });
    brokers = cluster.bootstrapServers;
    conn = createKafkaConnection({ bootstrapServers: brokers, clientId: 'kafkaform-seed-test' });
    dir = await mkdtemp(join(tmpdir(), 'kft-seed-'));
    await mkdir(join(dir, 'seeds'));
    // Multi-byte UTF-8, a message object with key/headers/partition, a JSON string, a number, spacing kept.
    await writeFile(
      join(dir, 'seeds', 'purchases.jsonl'),
      [
        '{"key":"user-1","value":{"item":"café ☕","qty":1},"headers":{"source":"file"}}',
        '{"item":"pen","price":1.50}',
        '',
        '"a raw string"',
        '{"key":"pinned","value":"on partition 2","partition":2}',
        '12345678901234567890',
      ].join('\n'),
    );
    await writeFile(join(dir, 'seeds', 'events.txt'), 'login alice\nlogout bob\r\n\nné\n');
    const admin = await conn.admin();
    await admin.createTopics({
      topics: [
        { topic: 'purchases', numPartitions: 3, replicationFactor: 1 },
        { topic: 'events', numPartitions: 1, replicationFactor: 1 },
        { topic: 'broken', numPartitions: 1, replicationFactor: 1 },
        { topic: 'bulk', numPartitions: 2, replicationFactor: 1 },
        { topic: 'fenced', numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: false,
    });
    await waitFor(async () => {
      const md = await admin.fetchTopicMetadata({ topics: ['purchases', 'events', 'broken', 'bulk', 'fenced'] }).catch(() => null);
      return md?.topics.every((t) => t.partitions.every((p) => p.leader >= 0)) ?? false;
    }, 'seed test topics have leaders');
  });

  afterAll(async () => {
    await conn?.close();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const SEEDS = `  purchases:
    messages:
      - { id: alice, key: alice, value: { item: book, price: 12.5 }, headers: { source: inline } }
      - { id: tomb, key: gone, value: null }
    files:
      - seeds/purchases.jsonl
    generate:
      - id: orders
        count: 50
        key: "user-{{seq}}"
        value: { order: "{{seq}}", id: "{{uuid}}", item: "{{pick:book|pen|mug}}", at: "{{timestamp}}" }
        headers: { gen: "{{index}}" }
        seed: 42
  events:
    compression: gzip
    files:
      - { path: seeds/events.txt, format: text }
`;

  it('produces inline, file and generated entries that kcat reads back byte for byte and a Python group consumer receives', async () => {
    const file = await writeSpec(SEEDS);
    const actions = await applySeeds(conn, file);
    expect(actions.map((a) => `${a.topic} ${a.entryId} ${a.count}`)).toEqual([
      'events file:seeds/events.txt 3',
      'purchases inline:alice 1',
      'purchases inline:tomb 1',
      'purchases file:seeds/purchases.jsonl 5',
      'purchases generate:orders 50',
    ]);
    const seeds = await materialiseSeeds(await loadSpec(file, {}));
    const purchases = seeds.filter((s) => s.topic === 'purchases');
    const viaKcat = await kcatRead(brokers, 'purchases');
    expect(withoutPartition(viaKcat)).toEqual(withoutPartition(expected(purchases)));
    expect(viaKcat).toHaveLength(57);
    // Raw file bytes survive: spacing and a number beyond double precision.
    expect(viaKcat.map((s) => s.value && Buffer.from(s.value, 'base64').toString())).toEqual(
      expect.arrayContaining(['{"item":"pen","price":1.50}', '12345678901234567890', 'a raw string', '{"item":"café ☕","qty":1}']),
    );
    // Explicit partitions are kept; keyed messages land where Kafka's default partitioner puts them.
    for (const s of viaKcat) {
      const key = s.key === null ? null : Buffer.from(s.key, 'base64');
      if (key?.toString() === 'pinned') expect(s.partition).toBe(2);
      else if (key) expect(s.partition).toBe(partitionForKey(key, 3));
    }
    const events = await kcatRead(brokers, 'events');
    expect(events.map((s) => Buffer.from(s.value!, 'base64').toString())).toEqual(['login alice', 'logout bob', 'né']);

    const consumed = await pythonConsume(brokers, 'purchases', 'kft-seed-python', 57);
    expect(withoutPartition(consumed.map(({ partition, key, value }) => ({ partition, key, value })))).toEqual(withoutPartition(expected(purchases)));
    const alice = consumed.find((m) => m.key === b64(Buffer.from('alice')))!;
    expect(Buffer.from(alice.headers.source!, 'base64').toString()).toBe('inline');
    expect(consumed.filter((m) => m.headers.gen !== undefined)).toHaveLength(50);
    const admin = await conn.admin();
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain('kft-seed-python');

    const ledger = (await readState(conn)).seeds.filter((r) => r.project === PROJECT);
    expect(ledger.map((r) => `${r.topic} ${r.entryId} ${r.count}`).sort()).toEqual(actions.map((a) => `${a.topic} ${a.entryId} ${a.count}`).sort());
    for (const a of actions) expect(ledger.find((r) => r.entryId === a.entryId && r.topic === a.topic)?.hash).toBe(a.hash);
  });

  it('plans nothing on a second apply; an edit warns until --reseed; a new entry is appended; a removal does nothing', async () => {
    let file = await writeSpec(SEEDS);
    const again = await planned(conn, file);
    expect(again.actions).toEqual([]);
    expect(await kcatRead(brokers, 'purchases')).toHaveLength(57);

    file = await writeSpec(SEEDS.replace('price: 12.5', 'price: 13'));
    const edited = await planned(conn, file);
    expect(edited.actions).toEqual([]);
    expect(edited.plan.diagnostics.map((d) => `${d.code} ${d.severity}`)).toContain('P006 warning');
    expect(await applySeeds(conn, file, true)).toMatchObject([{ entryId: 'inline:alice', reason: expect.stringContaining('--reseed') }]);
    const afterReseed = await kcatRead(brokers, 'purchases');
    expect(afterReseed).toHaveLength(58);
    // Kafka topics are append-only: the old version stays next to the new one.
    const prices = afterReseed.filter((s) => s.key === b64(Buffer.from('alice'))).map((s) => JSON.parse(Buffer.from(s.value!, 'base64').toString()).price);
    expect(prices.sort()).toEqual([12.5, 13]);

    file = await writeSpec(SEEDS.replace('price: 12.5', 'price: 13').replace('      - { id: tomb, key: gone, value: null }\n', '      - { id: tomb, key: gone, value: null }\n      - { id: extra, key: new, value: appended }\n'));
    expect((await applySeeds(conn, file)).map((a) => a.entryId)).toEqual(['inline:extra']);
    expect(await kcatRead(brokers, 'purchases')).toHaveLength(59);

    file = await writeSpec(SEEDS.replace('price: 12.5', 'price: 13').replace(/ {4}generate:[\s\S]*?seed: 42\n/, ''));
    expect((await planned(conn, file)).actions).toEqual([]);
    expect(await kcatRead(brokers, 'purchases')).toHaveLength(59);
  });

  it('produces nothing at all when a seed file is malformed, listing every bad line', async () => {
    await writeFile(join(dir, 'seeds', 'broken.jsonl'), '{"ok":1}\n{"item": "book",}\n{"ok":2}\nnot json\n');
    const file = await writeSpec(`${SEEDS}  broken:\n    messages:\n      - { value: fine }\n    files:\n      - seeds/broken.jsonl\n`);
    const err = await planned(conn, file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaformError);
    expect((err as KafkaformError).code).toBe(ErrorCodes.SEED_INVALID);
    expect((err as KafkaformError).problems.map((p) => `${p.at?.file}:${p.at?.line}:${p.at?.col}`)).toEqual(['seeds/broken.jsonl:2:17', 'seeds/broken.jsonl:4:1']);
    expect(await kcatRead(brokers, 'broken', 'read_uncommitted')).toEqual([]);
    expect((await readState(conn)).seeds.filter((r) => r.topic === 'broken')).toEqual([]);
  });

  it('aborts a failure midway: nothing visible to read_committed readers, no ledger record, and the retry has no duplicates', async () => {
    const file = await writeSpec(`  bulk:\n    generate:\n      - id: big\n        count: 30000\n        value: { n: "{{seq}}", pad: "${'p'.repeat(80)}" }\n        seed: 3\n`);
    const { spec, seeds, actions } = await planned(conn, file);
    expect(actions).toHaveLength(1);
    const progress: string[] = [];
    const failing = executeSeedProduce(actions[0]!, {
      conn,
      spec,
      seeds,
      onProgress: (msg) => {
        progress.push(msg);
        throw new Error('injected failure after the first batch');
      },
    });
    await expect(failing).rejects.toThrow(/injected failure/);
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatch(/^bulk generate:big: \d+\/30000 messages$/);
    // Some records did reach the log, but aborted: read_uncommitted sees them, read_committed readers do not.
    expect((await kcatRead(brokers, 'bulk', 'read_uncommitted')).length).toBeGreaterThan(0);
    expect(await readAllOf(conn, 'bulk')).toEqual([]);
    expect(await kcatRead(brokers, 'bulk')).toEqual([]);
    expect((await readState(conn)).seeds.filter((r) => r.topic === 'bulk')).toEqual([]);

    const retried = await applySeeds(conn, file);
    expect(retried.map((a) => a.entryId)).toEqual(['generate:big']);
    const committed = await kcatRead(brokers, 'bulk');
    expect(committed).toHaveLength(30000);
    expect(new Set(committed.map((s) => s.value)).size).toBe(30000);
    expect((await readState(conn)).seeds.filter((r) => r.topic === 'bulk').map((r) => r.count)).toEqual([30000]);
    expect((await planned(conn, file)).actions).toEqual([]);
  });

  it('fences a crashed earlier attempt with the same transactional id, so its records never become visible', async () => {
    const file = await writeSpec(`  fenced:\n    messages:\n      - { key: k, value: real }\n`);
    const { spec, seeds, actions } = await planned(conn, file);
    // A "crashed" attempt: a transaction that wrote a record and never ended.
    const crashed = await RecordBatchTransaction.begin(conn, seedTransactionalId(PROJECT, 'fenced'), ['fenced', STATE_TOPIC], { transactionTimeoutMs: 60_000 });
    await crashed.addPartitions([{ topic: 'fenced', partitions: [0] }]);
    const ghost = { key: Buffer.from('k'), value: Buffer.from('ghost'), headers: {}, partition: 0, timestamp: null };
    const records = await encodeRecordBatch([ghost], [0], { producerId: crashed.producerIdBig, producerEpoch: crashed.producerEpoch, transactional: true }, 0, 0, null);
    await crashed.produce(crashed.partitions('fenced')[0]!.leader, [{ topic: 'fenced', partition: 0, records, messages: 1 }]);
    await crashed.close();

    await executeSeedProduce(actions[0]!, { conn, spec, seeds });
    const values = (await kcatRead(brokers, 'fenced')).map((s) => Buffer.from(s.value!, 'base64').toString());
    expect(values).toEqual(['real']);
    expect((await kcatRead(brokers, 'fenced', 'read_uncommitted')).map((s) => Buffer.from(s.value!, 'base64').toString())).toEqual(['ghost', 'real']);
    expect((await readAllOf(conn, 'fenced')).map((s) => Buffer.from(s.value!, 'base64').toString())).toEqual(['real']);
  });
  it('produces a verbatim file (plain JSON values only) from byte ranges: every line once, in file order within each partition, as written', async () => {
    // 40,000 lines of 20..400 bytes (about 8 MB): many record batches and 1 MiB read chunks, lines spanning chunks,
    // multi-byte UTF-8, spacing and CRLF kept or trimmed exactly as the scanning path does.
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const pad = 'x'.repeat((i * 7919) % 380);
      lines.push(i % 997 === 0 ? `  {"n": ${i}, "t": "né ☕ ${pad}"}  ` : `{"n":${i},"t":"${pad}"}`);
    }
    await writeFile(join(dir, 'seeds', 'verbatim.jsonl'), lines.join('\r\n') + '\r\n');
    const admin = await conn.admin();
    await admin.createTopics({ topics: [{ topic: 'verbatim', numPartitions: 3, replicationFactor: 1 }], waitForLeaders: false });
    await waitFor(async () => {
      const md = await admin.fetchTopicMetadata({ topics: ['verbatim'] }).catch(() => null);
      return md?.topics.every((t) => t.partitions.every((p) => p.leader >= 0)) ?? false;
    }, 'verbatim topic has leaders');
    const file = await writeSpec(`  verbatim:\n    files:\n      - seeds/verbatim.jsonl\n`, '  verbatim: { partitions: 3, replicationFactor: 1 }\n');
    const { seeds } = await planned(conn, file);
    expect(seeds.find((s) => s.topic === 'verbatim')).toMatchObject({ count: 40_000, verbatim: true });
    const actions = await applySeeds(conn, file);
    expect(actions.map((a) => `${a.topic} ${a.entryId} ${a.count}`)).toEqual(['verbatim file:seeds/verbatim.jsonl 40000']);
    const seen = await kcatRead(brokers, 'verbatim');
    expect(seen).toHaveLength(40_000);
    expect(seen.every((s) => s.key === null)).toBe(true);
    const values = seen.map((s) => Buffer.from(s.value!, 'base64').toString('utf8'));
    expect([...values].sort()).toEqual(lines.map((l) => l.trim()).sort());
    // Within each partition, lines keep their file order.
    const index = new Map(lines.map((l, i) => [l.trim(), i]));
    for (const p of [0, 1, 2]) {
      const order = seen.flatMap((s, i) => (s.partition === p ? [index.get(values[i]!)!] : []));
      expect(order.length).toBeGreaterThan(0);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(await planned(conn, file).then((x) => x.actions)).toEqual([]);
  });
  it('produces an entry again after its topic was deleted outside kafkaform and is created anew, even though the ledger names it', async () => {
    const file = await writeSpec(`  verbatim:\n    files:\n      - seeds/verbatim.jsonl\n`, '  verbatim: { partitions: 3, replicationFactor: 1 }\n');
    const admin = await conn.admin();
    await admin.deleteTopics({ topics: ['verbatim'], timeout: 30_000 });
    await waitFor(async () => !(await admin.listTopics()).includes('verbatim'), 'verbatim topic deleted');
    const { spec, seeds, plan: p, actions } = await planned(conn, file);
    expect(p.actions.map((a) => a.kind)).toEqual(['topic.create', 'seed.produce']);
    expect(actions[0]).toMatchObject({ entryId: 'file:seeds/verbatim.jsonl', reason: 'topic is new: what was produced before went with the deleted topic', supersedes: expect.any(String) });
    // What apply's topic.create does, then the seed step: the old ledger record must not make it skip the entry.
    await admin.createTopics({ topics: [{ topic: 'verbatim', numPartitions: 3, replicationFactor: 1 }], waitForLeaders: false });
    await waitFor(async () => {
      const md = await admin.fetchTopicMetadata({ topics: ['verbatim'] }).catch(() => null);
      return md?.topics.every((t) => t.partitions.length === 3 && t.partitions.every((q) => q.leader >= 0)) ?? false;
    }, 'verbatim topic has leaders again');
    await executeSeedProduce(actions[0]!, { conn, spec, seeds });
    expect(await kcatRead(brokers, 'verbatim')).toHaveLength(40_000);
    expect(await planned(conn, file).then((x) => x.actions)).toEqual([]);
  });
});
