import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaConnection } from './client.js';
import { produceProtocol, sendRequest, type InternalBroker, type InternalCluster, type ProduceResponse } from './kafkajs-internals.js';

// A transactional producer that sends pre-encoded record batches (src/kafka/record-batch.ts), whatever they
// carry: what to produce is the caller's (src/seed/execute.ts). It drives the transaction protocol through
// kafkajs' internal cluster and broker objects (src/kafka/kafkajs-internals.ts), so only kafkajs' connection
// handling is reused and no per-message objects are built.

const TRANSACTION_COORDINATOR = 1;

/** The offset after the last record written to a partition. */
export interface PartitionEnd {
  topic: string;
  partition: number;
  end: bigint;
}

/** One pre-encoded record batch for one partition, carrying `messages` records. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: Buffer;
  messages: number;
}

/** Coordinator errors that clear up by themselves, by kafkajs' names (it keeps Kafka's pre-2.0 "GROUP" names). */
const RETRIABLE = new Set(['CONCURRENT_TRANSACTIONS', 'GROUP_LOAD_IN_PROGRESS', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR_FOR_GROUP']);
/** Of those, the ones that mean "ask another broker": the coordinator is looked up again. */
const STALE_COORDINATOR = new Set(['GROUP_COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR_FOR_GROUP']);

/** One Kafka transaction of a transactional id, driven step by step: begin, addPartitions, produce, end, close. */
export class RecordBatchTransaction {
  private coordinator: InternalBroker;
  private constructor(
    private readonly conn: KafkaConnection,
    private readonly cluster: InternalCluster,
    readonly transactionalId: string,
    coordinator: InternalBroker,
    /** Producer id as a decimal string, kafkajs' form (producerIdBig is the record batch's). */
    readonly producerId: string,
    readonly producerEpoch: number,
    private readonly timeoutMs: number,
  ) {
    this.coordinator = coordinator;
  }

  /**
   * Connects and initialises the transactional id: the broker fences any earlier producer with the same
   * id and aborts its unfinished transaction, so a crashed attempt can never commit later.
   */
  static async begin(
    conn: KafkaConnection,
    transactionalId: string,
    topics: string[],
    opts: { transactionTimeoutMs: number; refresh?: boolean },
  ): Promise<RecordBatchTransaction> {
    const cluster = await conn.internal();
    await cluster.addMultipleTargetTopics(topics);
    if (opts.refresh) await cluster.refreshMetadata();
    conn.count('Metadata');
    const find = async (): Promise<InternalBroker> => {
      conn.count('FindCoordinator');
      return cluster.findGroupCoordinator({ groupId: transactionalId, coordinatorType: TRANSACTION_COORDINATOR });
    };
    let coordinator = await findWithin(find, COORDINATOR_WAIT_MS);
    const init = await retryCoordinator(async () => {
      conn.count('InitProducerId');
      return coordinator.initProducerId({ transactionalId, transactionTimeout: opts.transactionTimeoutMs });
    }, async () => {
      coordinator = await find();
    });
    const timeoutMs = conn.options.requestTimeoutMs ?? 30_000;
    return new RecordBatchTransaction(conn, cluster, transactionalId, coordinator, String(init.producerId), init.producerEpoch, timeoutMs);
  }

  /** Producer id as a bigint, for record batch headers. */
  get producerIdBig(): bigint {
    return BigInt(this.producerId);
  }

  /** Partition ids and leaders of a topic, from the metadata loaded by begin(). */
  partitions(topic: string): { partitionId: number; leader: number }[] {
    return this.cluster.findTopicPartitionMetadata(topic);
  }

  /** Registers every partition the transaction will write to; must precede produce(). */
  async addPartitions(topics: { topic: string; partitions: number[] }[]): Promise<void> {
    await retryCoordinator(async () => {
      this.conn.count('AddPartitionsToTxn');
      await this.coordinator.addPartitionsToTxn({ transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, topics });
    }, () => this.refindCoordinator());
  }

  /**
   * Sends one Produce request to broker `nodeId` with at most one batch per partition; resolves when all
   * in-sync replicas acknowledged, with the offset after each batch (its base offset plus its records).
   */
  async produce(nodeId: number, batches: PartitionBatch[]): Promise<PartitionEnd[]> {
    const broker = await this.cluster.findBroker({ nodeId });
    const header = { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, timeoutMs: this.timeoutMs };
    const protocol = produceProtocol(broker, header, encodeProduceBody(this.transactionalId, this.timeoutMs, batches));
    if (protocol.request.apiVersion < 3) {
      throw new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, 'the broker does not support transactions (Produce v3+, Kafka 0.11+)');
    }
    this.conn.count('Produce');
    const response = (await sendRequest(broker, protocol)) as ProduceResponse;
    const ends: PartitionEnd[] = [];
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const sent = batches.find((b) => b.topic === t.topicName && b.partition === p.partition);
        if (sent) ends.push({ topic: t.topicName, partition: p.partition, end: BigInt(p.baseOffset) + BigInt(sent.messages) });
      }
    }
    return ends;
  }

  /**
   * Waits until read_committed readers see every record below each end. EndTxn returns once the commit is
   * decided; the markers that make records visible are written just after, so without this wait an
   * observation right after apply could miss the entry (and its ledger record). False on timeout.
   */
  async waitVisible(ends: PartitionEnd[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // The markers usually land within a few ms of EndTxn: poll soon, then back off to the old 20 ms pace.
    let delay = 2;
    const topics = [...new Set(ends.map((e) => e.topic))].map((topic) => ({
      topic,
      partitions: ends.filter((e) => e.topic === topic).map((e) => ({ partition: e.partition })),
      fromBeginning: false,
    }));
    for (;;) {
      this.conn.count('ListOffsets');
      const offsets = await this.cluster.fetchTopicsOffset(topics);
      const visible = ends.every((e) => {
        const o = offsets.find((t) => t.topic === e.topic)?.partitions.find((p) => p.partition === e.partition)?.offset;
        return o !== undefined && BigInt(o) >= e.end;
      });
      if (visible) return true;
      if (Date.now() > deadline) return false;
      await sleep(delay);
      delay = Math.min(delay * 2, 20);
    }
  }

  /** Commits (true) or aborts (false) the transaction. */
  async end(commit: boolean): Promise<void> {
    await retryCoordinator(async () => {
      this.conn.count('EndTxn');
      await this.coordinator.endTxn({ transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, transactionResult: commit });
    }, () => this.refindCoordinator());
  }

  /** Ends this transaction's use of the connection; its sockets belong to the KafkaConnection, which closes them. */
  async close(): Promise<void> {}

  private async refindCoordinator(): Promise<void> {
    this.conn.count('FindCoordinator');
    this.coordinator = await this.cluster.findGroupCoordinator({ groupId: this.transactionalId, coordinatorType: TRANSACTION_COORDINATOR });
  }
}

/** The Produce request body (v3..v8 share it): transactional id, acks=-1, timeout, then topics and their batches. */
export function encodeProduceBody(transactionalId: string, timeoutMs: number, batches: PartitionBatch[]): Buffer {
  const byTopic = new Map<string, PartitionBatch[]>();
  for (const b of batches) byTopic.set(b.topic, [...(byTopic.get(b.topic) ?? []), b]);
  const tid = Buffer.from(transactionalId, 'utf8');
  let size = 2 + tid.length + 2 + 4 + 4;
  for (const [topic, list] of byTopic) {
    size += 2 + Buffer.byteLength(topic) + 4;
    for (const b of list) size += 4 + 4 + b.records.length;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = buf.writeInt16BE(tid.length, 0);
  pos += tid.copy(buf, pos);
  pos = buf.writeInt16BE(-1, pos); // acks: all in-sync replicas
  pos = buf.writeInt32BE(timeoutMs, pos);
  pos = buf.writeInt32BE(byTopic.size, pos);
  for (const [topic, list] of byTopic) {
    pos = buf.writeInt16BE(Buffer.byteLength(topic), pos);
    pos += buf.write(topic, pos, 'utf8');
    pos = buf.writeInt32BE(list.length, pos);
    for (const b of list) {
      pos = buf.writeInt32BE(b.partition, pos);
      pos = buf.writeInt32BE(b.records.length, pos);
      pos += b.records.copy(buf, pos);
    }
  }
  return buf;
}

/**
 * How long to keep asking for the transaction coordinator: the first transaction on a fresh broker creates
 * __transaction_state (50 partitions by default), and until it is loaded no coordinator is found.
 */
const COORDINATOR_WAIT_MS = 30_000;

/** Finds the coordinator, retrying "not found yet" (kafkajs gives up after its own few retries) until `ms` passed. */
async function findWithin(find: () => Promise<InternalBroker>, ms: number): Promise<InternalBroker> {
  const deadline = Date.now() + ms;
  let delay = 100;
  for (;;) {
    try {
      return await find();
    } catch (err) {
      const e = err as { name?: string; type?: string };
      const retriable = e.name === 'KafkaJSGroupCoordinatorNotFound' || RETRIABLE.has(e.type ?? '');
      if (!retriable || Date.now() + delay > deadline) throw err;
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** Runs a coordinator request, retrying errors that clear up by themselves (e.g. the previous transaction still completing). */
async function retryCoordinator<T>(fn: () => Promise<T>, onStaleCoordinator: () => Promise<void>): Promise<T> {
  let delay = 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const type = (err as { type?: string }).type ?? '';
      if (!RETRIABLE.has(type) || attempt >= 30) throw err;
      if (STALE_COORDINATOR.has(type)) await onStaleCoordinator();
      await sleep(delay);
      delay = Math.min(delay * 2, 1000);
    }
  }
}

