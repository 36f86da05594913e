import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaConnection } from '../kafka/client.js';
import { requestFailed } from '../kafka/errors.js';
import { STATE_TOPIC, ensureStateTopic, seedRecord, seedRecordMessage } from '../kafka/state.js';
import type { SeedProduceAction } from '../plan/types.js';
import type { Spec } from '../spec/types.js';
import { codecOf, compressionUnavailable } from './compression.js';
import { encodeRecordBatch, partitionForKey } from './record-batch.js';
import { SeedTransaction, type PartitionBatch } from './txn-producer.js';
import type { MaterialisedSeed, SeedMessage } from './types.js';

/** What the seed executor needs besides the action: the connection and the seeds materialised before apply. */
export interface SeedExecuteContext {
  conn: KafkaConnection;
  spec: Spec;
  seeds: MaterialisedSeed[];
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
/** Per-record framing estimate (length, deltas, attributes) on top of key, value and headers. */
const RECORD_OVERHEAD = 24;
/** Broker-side limit for one seed transaction before it is aborted; generous because large seeds take time. */
const TRANSACTION_TIMEOUT_MS = 120_000;

/** The transactional id of a topic's seed producer: stable, so a crashed earlier attempt is fenced and aborted on init. */
export function seedTransactionalId(project: string, topic: string): string {
  return `kafkaform-seed-${project}-${topic}`;
}

/**
 * Produces one seed entry exactly once: all its messages and its ledger record in one Kafka transaction.
 * On any failure the transaction is aborted, so read_committed consumers see none of the entry and no
 * ledger record exists; the next apply produces it again, without duplicates. Safe to repeat.
 */
export async function executeSeedProduce(action: SeedProduceAction, ctx: SeedExecuteContext): Promise<void> {
  const seed = ctx.seeds.find((s) => s.topic === action.topic && s.entryId === action.entryId);
  if (!seed) {
    throw new KafkaformError(ErrorCodes.INTERNAL, `seed entry ${action.entryId} of topic ${action.topic} is planned but was not materialised`);
  }
  if (seed.hash !== action.hash || seed.count !== action.count) {
    throw new KafkaformError(ErrorCodes.APPLY_FAILED, `seed entry ${action.entryId} of topic ${action.topic} changed since the plan was made`, {
      hint: 'run `kafkaform plan` again and apply the new plan',
    });
  }
  const unavailable = compressionUnavailable(seed.compression);
  if (unavailable) throw new KafkaformError(ErrorCodes.SEED_INVALID, unavailable, { hint: 'use compression: gzip or none' });

  const T=performance.now(); const tr=(m: string)=>process.env.KF_TRACE && console.log(m, Math.round(performance.now()-T));
  const { conn } = ctx;
  await ensureStateTopic(conn); tr('ensured');
  let txn: SeedTransaction;
  try {
    txn = await SeedTransaction.begin(conn, seedTransactionalId(ctx.spec.project, seed.topic), [seed.topic, STATE_TOPIC], {
      transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
    });
  } catch (err) {
    throw requestFailed('start the seed transaction for', seed.topic, err);
  }
  tr('begun');
  try {
    const plan = schedule(txn, seed, ledgerMessage(ctx.spec.project, seed), batchLimit(ctx.spec, seed.topic));
    tr('scheduled'); await txn.addPartitions(plan.registered); tr('added');
    await send(txn, seed, plan.requests, (acked) => ctx.onProgress?.(`${seed.topic} ${seed.entryId}: ${acked}/${seed.count} messages`));
    tr('sent'); await txn.end(true); tr('committed');
  } catch (err) {
    // Abort so nothing of this entry becomes visible; if even that fails, the next init of the same
    // transactional id fences and aborts it, and the broker times it out in any case.
    await txn.end(false).catch(() => undefined);
    throw requestFailed(`produce seed entry ${seed.entryId} to`, seed.topic, err);
  } finally {
    await txn.close();
  }
}

/** The ledger record as a message for the state topic's only partition. */
function ledgerMessage(project: string, seed: MaterialisedSeed): SeedMessage {
  const rec = seedRecordMessage(seedRecord({ project, topic: seed.topic, entryId: seed.entryId, hash: seed.hash, count: seed.count }));
  return { key: Buffer.from(rec.key), value: Buffer.from(rec.value), headers: {}, partition: 0, timestamp: null };
}

/** The byte limit of one record batch for `topic`: ours, or lower when the spec lowers max.message.bytes. */
function batchLimit(spec: Spec, topic: string): number {
  const configured = Number(spec.topics.find((t) => t.name === topic)?.config['max.message.bytes']);
  return Number.isFinite(configured) && configured > 0 ? Math.min(BATCH_MAX_BYTES, Math.floor(configured * 0.9)) : BATCH_MAX_BYTES;
}

/** One batch to encode: which messages, for which partition, from which sequence number. */
interface BatchPlan {
  topic: string;
  partition: number;
  source: SeedMessage[];
  indices: number[];
  baseSequence: number;
}

/** One Produce request: its leader and at most one batch per partition. */
interface RequestPlan {
  leader: number;
  batches: BatchPlan[];
}

/**
 * Assigns partitions (explicit, else by key hash like Kafka's default partitioner, else sticky: a whole
 * batch to one partition, then the next) and cuts each partition's messages into batches. Request k
 * carries the k-th batch of every partition, grouped by leader; the ledger record rides in the last one.
 */
function schedule(
  txn: SeedTransaction,
  seed: MaterialisedSeed,
  ledger: SeedMessage,
  maxBytes: number,
): { requests: RequestPlan[]; registered: { topic: string; partitions: number[] }[] } {
  const meta = txn.partitions(seed.topic);
  if (meta.length === 0) {
    throw new KafkaformError(ErrorCodes.TOPIC_NOT_FOUND, `topic "${seed.topic}" does not exist in the cluster`, {
      hint: 'seed topics are created by the same apply; run `kafkaform plan` to see why it is missing',
    });
  }
  const leaderOf = new Map(meta.map((p) => [p.partitionId, p.leader]));
  const count = meta.length;
  const available = meta.filter((p) => p.leader >= 0).map((p) => p.partitionId).sort((a, b) => a - b);
  const perPartition = new Map<number, BatchPlan[]>();
  const open = new Map<number, { plan: BatchPlan; bytes: number }>();
  let sticky = available.length > 0 ? Math.floor(Math.random() * available.length) : 0;
  const fits = (partition: number, size: number): boolean => {
    const cur = open.get(partition);
    return !cur || (cur.bytes + size <= maxBytes && cur.plan.indices.length < BATCH_MAX_MESSAGES);
  };
  const add = (partition: number, index: number, size: number): void => {
    let cur = open.get(partition);
    if (!cur || !fits(partition, size)) {
      const list = perPartition.get(partition) ?? [];
      const baseSequence = cur ? cur.plan.baseSequence + cur.plan.indices.length : 0;
      cur = { plan: { topic: seed.topic, partition, source: seed.messages, indices: [], baseSequence }, bytes: 0 };
      list.push(cur.plan);
      perPartition.set(partition, list);
      open.set(partition, cur);
    }
    cur.plan.indices.push(index);
    cur.bytes += size;
  };
  for (let i = 0; i < seed.messages.length; i++) {
    const m = seed.messages[i]!;
    const size = messageSize(m);
    if (m.partition !== null) {
      if (m.partition >= count) {
        throw new KafkaformError(ErrorCodes.SEED_INVALID, `seed entry ${seed.entryId} names partition ${m.partition}, but topic ${seed.topic} has ${count}`, {
          hint: `use partitions 0..${count - 1}, or raise the topic's partitions`,
        });
      }
      add(m.partition, i, size);
    } else if (m.key !== null) {
      add(partitionForKey(m.key, count), i, size);
    } else {
      // Keyless messages fill one partition's batch, then move on to the next partition.
      let p = available[sticky % Math.max(1, available.length)] ?? 0;
      if (!fits(p, size)) p = available[++sticky % Math.max(1, available.length)] ?? 0;
      add(p, i, size);
    }
  }
  const rounds = Math.max(0, ...[...perPartition.values()].map((l) => l.length));
  const requests: RequestPlan[] = [];
  for (let r = 0; r < rounds; r++) {
    const byLeader = new Map<number, BatchPlan[]>();
    for (const [partition, list] of [...perPartition].sort((a, b) => a[0] - b[0])) {
      const plan = list[r];
      if (!plan) continue;
      const leader = leaderOf.get(partition) ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), plan]);
    }
    for (const [leader, batches] of byLeader) requests.push({ leader, batches });
  }
  const stateLeader = txn.partitions(STATE_TOPIC).find((p) => p.partitionId === 0)?.leader ?? -1;
  const ledgerBatch: BatchPlan = { topic: STATE_TOPIC, partition: 0, source: [ledger], indices: [0], baseSequence: 0 };
  const last = requests[requests.length - 1];
  if (last && last.leader === stateLeader) last.batches.push(ledgerBatch);
  else requests.push({ leader: stateLeader, batches: [ledgerBatch] });
  const partitions = [...perPartition.keys()].sort((a, b) => a - b);
  const registered = [{ topic: STATE_TOPIC, partitions: [0] }];
  if (partitions.length > 0) registered.unshift({ topic: seed.topic, partitions });
  return { requests, registered };
}

/** Sends the requests in order, up to IN_FLIGHT at once, reporting acknowledged seed messages; stops at the first failure. */
async function send(txn: SeedTransaction, seed: MaterialisedSeed, requests: RequestPlan[], progress: (acked: number) => void): Promise<void> {
  const writer = { producerId: txn.producerIdBig, producerEpoch: txn.producerEpoch, transactional: true };
  const { codec, compress } = codecOf(seed.compression);
  const inflight: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  let acked = 0;
  for (const req of requests) {
    if (failure) break;
    const batches: PartitionBatch[] = [];
    for (const b of req.batches) {
      const records = await encodeRecordBatch(b.source, b.indices, writer, b.baseSequence, codec, compress);
      batches.push({ topic: b.topic, partition: b.partition, records, messages: b.indices.length });
    }
    const seedMessages = req.batches.filter((b) => b.topic === seed.topic).reduce((n, b) => n + b.indices.length, 0);
    inflight.push(
      txn.produce(req.leader, batches).then(
        () => {
          acked += seedMessages;
          // After a failure the entry is being aborted: reporting more progress would mislead.
          if (seedMessages > 0 && !failure) progress(acked);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      ).catch((error: unknown) => {
        failure ??= { error };
      }),
    );
    if (inflight.length >= IN_FLIGHT) await inflight.shift();
  }
  await Promise.all(inflight);
  if (failure) throw (failure as { error: unknown }).error;
}

/** Estimated encoded size of one record. */
function messageSize(m: SeedMessage): number {
  let size = RECORD_OVERHEAD + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  for (const k in m.headers) size += k.length + Buffer.byteLength(m.headers[k]!) + 4;
  return size;
}
