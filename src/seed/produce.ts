import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaConnection } from '../kafka/client.js';
import { isBrokerError, kafkaErrorName, requestFailed } from '../kafka/errors.js';
import { STATE_TOPIC, ensureStateTopic, readProjectLedger, seedRecord, seedRecordMessage, statePartition } from '../kafka/state.js';
import type { SeedProduceAction } from '../plan/types.js';
import type { SeedRecord } from '../plan/observed.js';
import type { SeedDigest } from '../plan/desired.js';
import type { Spec } from '../spec/types.js';
import { codecOf, compressionUnavailable } from '../kafka/compression.js';
import { groupRequests, planBatches, planValueBatches, startCarry } from './batching.js';
import { compressionOf, entryMessages, entryValueRanges } from './digest.js';
import { encodeRecordBatch, encodeValueRuns, type BatchWriter } from '../kafka/record-batch.js';
import { RecordBatchTransaction, type PartitionBatch, type PartitionEnd } from '../kafka/record-batch-transaction.js';
import type { SeedMessage } from './types.js';

/** What the seed producer needs besides the action: the connection, the spec (its sources are read again) and the digests planned from. */
export interface SeedProduceContext {
  conn: KafkaConnection;
  spec: Spec;
  seeds: SeedDigest[];
  /** Progress lines such as "purchases file:seeds/p.jsonl: 5000/100000 messages"; a throw aborts the entry. */
  onProgress?: (msg: string) => void;
}

/** Most messages in one record batch. */
export const BATCH_MAX_MESSAGES = 20_000;
/**
 * Most estimated bytes in one record batch: a batch above the topic's max.message.bytes (1 MiB by
 * default) is refused, so stay below it (or below the spec's own max.message.bytes for the topic).
 */
export const BATCH_MAX_BYTES = 960 * 1024;
/** Produce requests in flight at once; Kafka keeps idempotent order for up to 5 per partition. */
const IN_FLIGHT = 4;
/** How long to wait after the commit until read_committed readers see the entry (normally a few ms). */
const VISIBLE_TIMEOUT_MS = 10_000;
/** Broker-side limit for one seed transaction before it is aborted; generous because large seeds take time. */
export const SEED_TRANSACTION_TIMEOUT_MS = 120_000;

/** The transactional id of a topic's seed producer: stable, so a crashed earlier attempt is fenced and aborted on init. */
export function seedTransactionalId(project: string, topic: string): string {
  return `kafkaform-seed-${project}-${topic}`;
}

/**
 * Produces one seed entry exactly once: all its messages and its ledger record in one Kafka transaction.
 * On any failure the transaction is aborted, so read_committed consumers see none of the entry and no
 * ledger record exists; the next apply produces it again, without duplicates. Safe to repeat.
 */
export async function executeSeedProduce(action: SeedProduceAction, ctx: SeedProduceContext): Promise<void> {
  const seed = ctx.seeds.find((s) => s.topic === action.topic && s.entryId === action.entryId);
  if (!seed) {
    throw new KafkaformError(ErrorCodes.INTERNAL, `seed entry ${action.entryId} of topic ${action.topic} is planned but was not digested`);
  }
  if (seed.hash !== action.hash || seed.count !== action.count) {
    throw new KafkaformError(ErrorCodes.APPLY_FAILED, `seed entry ${action.entryId} of topic ${action.topic} changed since the plan was made`, {
      hint: 'run `kafkaform plan` again and apply the new plan',
    });
  }
  const unavailable = compressionUnavailable(compressionOf(ctx.spec, seed.topic));
  if (unavailable) throw new KafkaformError(ErrorCodes.SEED_INVALID, unavailable, { hint: 'use compression: gzip or none' });

  await ensureStateTopic(ctx.conn);
  // Right after creates on a fresh broker, leaders move and the transaction coordinator is still loading: a
  // retriable error aborts the attempt (nothing visible, no ledger record) and the entry is tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      await produceOnce(seed, action.supersedes, ctx, attempt > 1);
      return;
    } catch (err) {
      const name = kafkaErrorName((err as { cause?: unknown }).cause ?? err) ?? kafkaErrorName(err) ?? '';
      if (attempt >= ENTRY_ATTEMPTS || !RETRIABLE_ENTRY.has(name)) throw err;
      ctx.onProgress?.(`${seed.topic} ${seed.entryId}: ${name}, trying again (attempt ${attempt + 1} of ${ENTRY_ATTEMPTS})`);
      await sleep(250 * 2 ** (attempt - 1));
    }
  }
}

/** Attempts of one entry when Kafka answers with a retriable error. */
const ENTRY_ATTEMPTS = 5;
/** Kafka errors after which the whole entry is tried again (its aborted attempt is invisible). */
const RETRIABLE_ENTRY = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'REQUEST_TIMED_OUT',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_LOAD_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'KAFKA_STORAGE_ERROR',
]);

/** True when the ledger records this entry with its hash, other than records of a deleted topic (producedAt up to `supersedes`). */
function produced(ledger: SeedRecord[], seed: SeedDigest, supersedes: string | undefined): boolean {
  return ledger.some((r) => r.topic === seed.topic && r.entryId === seed.entryId && r.hash === seed.hash && (supersedes === undefined || r.producedAt > supersedes));
}

/** One transactional attempt of an entry; `refresh` reloads the metadata first (leaders moved). */
async function produceOnce(seed: SeedDigest, supersedes: string | undefined, ctx: SeedProduceContext, refresh: boolean): Promise<void> {
  const { conn } = ctx;
  let txn: RecordBatchTransaction;
  try {
    txn = await RecordBatchTransaction.begin(conn, seedTransactionalId(ctx.spec.project, seed.topic), [seed.topic, STATE_TOPIC], {
      transactionTimeoutMs: SEED_TRANSACTION_TIMEOUT_MS,
      refresh,
    });
  } catch (err) {
    if (kafkaErrorName(err) === 'UNKNOWN_TOPIC_OR_PARTITION') throw topicMissing(seed.topic, err);
    throw requestFailed('start the seed transaction for', seed.topic, err);
  }
  // InitProducerId has fenced every earlier producer of this entry's topic: a transaction of another apply is
  // now committed or aborted. Read the ledger again: an entry another apply produced meanwhile is not produced twice.
  try {
    const ledger = await readProjectLedger(conn, ctx.spec.project, { onProgress: ctx.onProgress });
    if (produced(ledger, seed, supersedes)) {
      ctx.onProgress?.(`${seed.topic} ${seed.entryId}: already produced by another apply of project ${ctx.spec.project}; not produced again`);
      await txn.close();
      return;
    }
  } catch (err) {
    await txn.close();
    throw requestFailed('read the seed ledger before producing to', seed.topic, err);
  }
  let ends: PartitionEnd[];
  try {
    const partition = statePartition(ctx.spec.project, txn.partitions(STATE_TOPIC).length);
    const progress = (acked: number): void => ctx.onProgress?.(`${seed.topic} ${seed.entryId}: ${acked}/${seed.count} messages`);
    ends = await produceEntry(txn, ctx.spec, seed, ledgerMessage(ctx.spec.project, seed, partition), batchLimit(ctx.spec, seed.topic), progress);
    await txn.end(true);
  } catch (err) {
    // Abort so nothing of this entry becomes visible; if even that fails, the next init of the same
    // transactional id fences and aborts it, and the broker times it out in any case.
    await txn.end(false).catch(() => undefined);
    await txn.close();
    // Another apply of this project may have fenced this one and committed the entry itself (its fence can
    // surface as any Kafka error, UNKNOWN_SERVER_ERROR included): then the entry is produced, once, and nothing
    // failed. A failure of our own (a throwing progress callback, say) is not the broker's and stays a failure.
    if (isBrokerError(err) && (await recordedMeanwhile(seed, supersedes, ctx))) return;
    if (FENCED.has(kafkaErrorName(err) ?? '')) throw fenced(ctx.spec.project, seed, err);
    throw requestFailed(`produce seed entry ${seed.entryId} to`, seed.topic, err);
  }
  // Committed: from here on nothing may fail the entry; a slow or failed visibility check is only reported.
  const note = (msg: string): void => {
    try {
      ctx.onProgress?.(`${seed.topic} ${seed.entryId}: ${msg}`);
    } catch {
      // The entry is committed whatever the progress callback does.
    }
  };
  try {
    if (!(await txn.waitVisible(ends, VISIBLE_TIMEOUT_MS))) note(`committed, not yet visible to read_committed readers after ${VISIBLE_TIMEOUT_MS} ms`);
  } catch (err) {
    note(`committed; could not check visibility: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await txn.close();
  }
}

/** True when the ledger (read to its settled end) records this entry with its hash: another apply committed it, or our commit did despite the error. */
async function recordedMeanwhile(seed: SeedDigest, supersedes: string | undefined, ctx: SeedProduceContext): Promise<boolean> {
  try {
    const ledger = await readProjectLedger(ctx.conn, ctx.spec.project, { onProgress: ctx.onProgress });
    if (!produced(ledger, seed, supersedes)) return false;
    ctx.onProgress?.(`${seed.topic} ${seed.entryId}: recorded in the ledger meanwhile (by another apply of project ${ctx.spec.project}, or by this run's commit whose answer was lost); not produced again`);
    return true;
  } catch {
    return false; // unknown: the original error stands, and the next apply finds out
  }
}

/** Errors that mean another producer with this entry's transactional id (another apply) fenced ours. */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING', 'INVALID_TXN_STATE']);

/** CONCURRENT_APPLY: another apply of the project took over this entry's transaction; nothing of ours was committed. */
function fenced(project: string, seed: SeedDigest, cause: unknown): KafkaformError {
  return new KafkaformError(
    ErrorCodes.CONCURRENT_APPLY,
    `seed entry ${seed.entryId} of topic ${seed.topic}: another apply of project ${project} running at the same time fenced this run's transaction (${kafkaErrorName(cause)}); nothing of this entry was committed by this run`,
    { hint: 'let the other apply finish, then run apply again: an entry it produced is not produced twice', details: { topic: seed.topic, entryId: seed.entryId }, cause },
  );
}

/** TOPIC_NOT_FOUND for a seed topic that vanished between plan and apply. */
function topicMissing(topic: string, cause?: unknown): KafkaformError {
  return new KafkaformError(ErrorCodes.TOPIC_NOT_FOUND, `topic "${topic}" does not exist in the cluster`, {
    hint: 'seed topics are created by the same apply; run `kafkaform plan` to see why it is missing',
    cause,
  });
}

/** The ledger record as a message for the project's state partition. */
function ledgerMessage(project: string, seed: SeedDigest, partition: number): SeedMessage {
  const rec = seedRecordMessage(seedRecord({ project, topic: seed.topic, entryId: seed.entryId, hash: seed.hash, count: seed.count }));
  return { key: Buffer.from(rec.key), value: Buffer.from(rec.value), headers: {}, partition, timestamp: null };
}

/** The byte limit of one record batch for `topic`: ours, or lower when the spec lowers max.message.bytes. */
function batchLimit(spec: Spec, topic: string): number {
  const configured = Number(spec.topics.find((t) => t.name === topic)?.config['max.message.bytes']);
  return Number.isFinite(configured) && configured > 0 ? Math.min(BATCH_MAX_BYTES, Math.floor(configured * 0.9)) : BATCH_MAX_BYTES;
}

/**
 * Produces an entry window by window (see entryMessages and entryValueRanges), so memory holds one window and the
 * requests in flight, not the entry. Partitions are added to the transaction before the first batch sent to them;
 * the ledger record goes last. Returns the offset after the last record written to each partition.
 */
async function produceEntry(
  txn: RecordBatchTransaction,
  spec: Spec,
  seed: SeedDigest,
  ledger: SeedMessage,
  maxBytes: number,
  progress: (acked: number) => void,
): Promise<PartitionEnd[]> {
  const meta = txn.partitions(seed.topic);
  if (meta.length === 0) throw topicMissing(seed.topic);
  const leaders = new Map(meta.map((p) => [p.partitionId, p.leader]));
  const available = meta.filter((p) => p.leader >= 0).map((p) => p.partitionId).sort((a, b) => a - b);
  const layout = { count: meta.length, available, stickyStart: Math.floor(Math.random() * Math.max(1, available.length)) };
  const carry = startCarry(layout);
  const limits = { maxBytes, maxMessages: BATCH_MAX_MESSAGES };
  const sender = new Sender(txn, seed.topic, progress);
  const statePart = ledger.partition ?? 0;
  const registered = new Set<number>();
  let stateRegistered = false;
  const register = async (partitions: number[]): Promise<void> => {
    const topics = partitions.length > 0 ? [{ topic: seed.topic, partitions }] : [];
    if (!stateRegistered) topics.push({ topic: STATE_TOPIC, partitions: [statePart] });
    if (topics.length === 0) return;
    await txn.addPartitions(topics);
    stateRegistered = true;
    for (const p of partitions) registered.add(p);
  };
  // AddPartitionsToTxn must be answered before the first Produce to a partition; then request k carries the k-th batch of every partition.
  const sendAll = async <B extends { partition: number }>(lists: B[][], toBatch: (b: B) => SendBatch): Promise<void> => {
    await register(lists.flatMap((l, p) => (l.length > 0 && !registered.has(p) ? [p] : [])));
    for (const r of groupRequests(lists, (p) => leaders.get(p) ?? -1)) await sender.send(r.leader, r.batches.map(toBatch));
  };
  const { codec, compress } = codecOf(compressionOf(spec, seed.topic));
  const writer = sender.writer;
  if (seed.verbatim === true) {
    // Every value is its line's bytes as written: batches are cut from byte ranges, with no object per message.
    for await (const window of entryValueRanges(spec, seed)) {
      await sendAll(planValueBatches(window, layout, limits, carry), (b) => ({
        topic: seed.topic,
        partition: b.partition,
        messages: b.count,
        encode: () => encodeValueRuns(b.runs, writer, b.baseSequence, codec, compress),
      }));
    }
  } else {
    for await (const window of entryMessages(spec, seed)) {
      await sendAll(planBatches(window, layout, limits, seed.entryId, carry), (b) => ({
        topic: seed.topic,
        partition: b.partition,
        messages: b.indices.length,
        encode: () => encodeRecordBatch(window, b.indices, writer, b.baseSequence, codec, compress),
      }));
    }
  }
  await register([]);
  const stateLeader = txn.partitions(STATE_TOPIC).find((p) => p.partitionId === statePart)?.leader ?? -1;
  await sender.send(stateLeader, [{ topic: STATE_TOPIC, partition: statePart, messages: 1, encode: () => encodeRecordBatch([ledger], [0], writer, 0, codec, compress) }]);
  return sender.finish();
}

/** One record batch to send: where it goes, how many records it holds, and how to encode it (when its request is sent). */
interface SendBatch {
  topic: string;
  partition: number;
  messages: number;
  encode: () => Promise<Buffer>;
}

/**
 * Encodes and sends Produce requests in order, up to IN_FLIGHT at once, reporting acknowledged seed
 * messages; after the first failure, send and finish throw it.
 */
class Sender {
  private readonly inflight: Promise<void>[] = [];
  private failure: { error: unknown } | null = null;
  private acked = 0;
  private readonly ends = new Map<string, PartitionEnd>();
  /** The transaction's producer identity, stamped on every batch. */
  readonly writer: BatchWriter;

  constructor(
    private readonly txn: RecordBatchTransaction,
    private readonly topic: string,
    private readonly progress: (acked: number) => void,
  ) {
    this.writer = { producerId: txn.producerIdBig, producerEpoch: txn.producerEpoch, transactional: true };
  }

  /** Encodes one request's batches and sends it; waits while IN_FLIGHT requests are unanswered. */
  async send(leader: number, sends: SendBatch[]): Promise<void> {
    if (this.failure) throw this.failure.error;
    const batches: PartitionBatch[] = [];
    for (const b of sends) batches.push({ topic: b.topic, partition: b.partition, records: await b.encode(), messages: b.messages });
    const seedMessages = sends.filter((b) => b.topic === this.topic).reduce((n, b) => n + b.messages, 0);
    this.inflight.push(
      this.txn
        .produce(leader, batches)
        .then(
          (written) => {
            for (const e of written) this.ends.set(`${e.topic}\u0000${e.partition}`, e);
            this.acked += seedMessages;
            // After a failure the entry is being aborted: reporting more progress would mislead. A throwing
            // progress callback aborts the entry at once, before another answer can report progress again.
            if (seedMessages > 0 && !this.failure) {
              try {
                this.progress(this.acked);
              } catch (error) {
                this.failure ??= { error };
              }
            }
          },
          (error: unknown) => {
            this.failure ??= { error };
          },
        ),
    );
    if (this.inflight.length >= IN_FLIGHT) await this.inflight.shift();
  }

  /** Waits for every request; the offsets after the last record written to each partition. */
  async finish(): Promise<PartitionEnd[]> {
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure.error;
    return [...this.ends.values()];
  }
}
