import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName, requestFailed } from './errors.js';
import { waitForTopics } from './wait.js';

/** Partitions of a state topic kafkaform creates; never changed afterwards (a project's partition must not move). */
export const STATE_PARTITIONS = 8;

/** The state partition of a project (FNV-1a of its name): stable as long as the state topic's partition count is. */
export function statePartition(project: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(project, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return partitions <= 1 ? 0 : h % partitions;
}

/** How long a state write retries leader changes on a young state topic. */
const WRITE_RETRY_MS = 15_000;
const RETRIABLE_WRITE = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'NOT_ENOUGH_REPLICAS']);

/** One message for the state topic; a null value is a tombstone. */
export interface StateMessage {
  key: string;
  value: string | null;
}

/**
 * The writing side of the state topic for one connection: whether the topic is known to exist, and the one
 * producer that writes it. One per connection (`conn.use(stateTopicWriter)`); the connection closes its producer,
 * and a new connection (after a reconnect) starts afresh.
 */
export class StateTopicWriter {
  /** Settles once the state topic exists; reset after a failure so the next call tries again. */
  private ensured: Promise<void> | null = null;
  /** The producer for state writes, made on first write; reset after a failure to connect. */
  private producer: Promise<Producer> | null = null;

  constructor(private readonly conn: KafkaConnection) {}

  /** The state topic's partition count, learnt once (from the observer, or asked on the first write). */
  private partitions: Promise<number> | null = null;

  /** Records that the state topic is known to exist (seen by the observer, with its partition count), so ensure() and write() ask nothing more. */
  noteExists(partitions?: number): void {
    this.ensured ??= Promise.resolve();
    if (partitions !== undefined && partitions > 0) this.partitions ??= Promise.resolve(partitions);
  }

  /** The partition count of the state topic; asked once, again after a failure. */
  private partitionCount(): Promise<number> {
    if (!this.partitions) {
      const p = stateTopicPartitions(this.conn);
      p.catch(() => {
        if (this.partitions === p) this.partitions = null;
      });
      this.partitions = p;
    }
    return this.partitions;
  }

  /**
   * Creates the compacted state topic when missing (STATE_PARTITIONS partitions, RF = min(3, brokers)) and waits
   * for its leaders.
   * Done once per connection; safe when another client creates it at the same time.
   */
  ensure(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.ensured) {
      const p = createStateTopic(this.conn, opts.timeoutMs ?? 60_000);
      p.catch(() => {
        if (this.ensured === p) this.ensured = null;
      });
      this.ensured = p;
    }
    return this.ensured;
  }

  /** Writes a project's state records to its partition in one produce request (acks from all in-sync replicas); ensures the topic first. */
  async write(project: string, messages: StateMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensure();
    const producer = await this.stateProducer();
    const deadline = Date.now() + WRITE_RETRY_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
      try {
        const partition = statePartition(project, await this.partitionCount());
        await producer.send({ topic: STATE_TOPIC, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, partition })) });
        return;
      } catch (err) {
        // A state topic born a moment ago may not be hosted by its leader yet. Writing a record twice is
        // harmless (same key, same value), so the write is simply repeated.
        if (!RETRIABLE_WRITE.has(kafkaErrorName(err) ?? '') || Date.now() + delay > deadline) throw requestFailed('write state topic', STATE_TOPIC, err);
        await sleep(delay);
      }
    }
  }

  /** The producer used for state writes, one per connection (closed with it: KafkaConnection.producer registers it). */
  private stateProducer(): Promise<Producer> {
    if (!this.producer) {
      const p = this.conn.producer();
      p.catch(() => {
        if (this.producer === p) this.producer = null;
      });
      this.producer = p;
    }
    return this.producer;
  }
}

/** The create itself; TOPIC_ALREADY_EXISTS is the normal case after the first apply. */
async function createStateTopic(conn: KafkaConnection, timeoutMs: number): Promise<void> {
  const admin = await conn.admin();
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.max(1, Math.min(3, brokers.length));
  try {
    await admin.createTopics({
      topics: [
        {
          topic: STATE_TOPIC,
          numPartitions: STATE_PARTITIONS,
          replicationFactor,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      waitForLeaders: false,
    });
  } catch (err) {
    if (kafkaErrorName(err) !== 'TOPIC_ALREADY_EXISTS') throw requestFailed('create state topic', STATE_TOPIC, err);
  }
  // A state topic made by an older version keeps its single partition: null accepts any count.
  const { pending } = await waitForTopics(conn, new Map([[STATE_TOPIC, null]]), { timeoutMs });
  if (pending.length > 0) {
    throw new KafkaformError(ErrorCodes.CLUSTER_NOT_READY, `the state topic ${STATE_TOPIC} has no leader after ${timeoutMs} ms`, {
      hint: 'check that every broker is up (`kafkaform status`), then run apply again',
    });
  }
}

/** Partition count of the state topic as the connection's metadata has it (1 for state topics of older versions). */
async function stateTopicPartitions(conn: KafkaConnection): Promise<number> {
  const admin = await conn.admin();
  const { topics } = await admin.fetchTopicMetadata({ topics: [STATE_TOPIC] });
  return Math.max(1, topics[0]?.partitions.length ?? 1);
}

/** Makes a connection's state topic writer: pass to `conn.use` to get the connection's one writer. */
export function stateTopicWriter(conn: KafkaConnection): StateTopicWriter {
  return new StateTopicWriter(conn);
}
