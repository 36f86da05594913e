import type { Producer } from 'kafkajs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName, requestFailed } from './errors.js';
import { waitForTopics } from './wait.js';

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

  /** Records that the state topic is known to exist (seen by the observer), so ensure() costs nothing. */
  noteExists(): void {
    this.ensured ??= Promise.resolve();
  }

  /**
   * Creates the compacted state topic when missing (1 partition, RF = min(3, brokers)) and waits for its leader.
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

  /** Writes state records in one produce request (acks from all in-sync replicas); ensures the topic first. */
  async write(messages: StateMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensure();
    const producer = await this.stateProducer();
    try {
      await producer.send({ topic: STATE_TOPIC, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
    } catch (err) {
      throw requestFailed('write state topic', STATE_TOPIC, err);
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
          numPartitions: 1,
          replicationFactor,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      waitForLeaders: false,
    });
  } catch (err) {
    if (kafkaErrorName(err) !== 'TOPIC_ALREADY_EXISTS') throw requestFailed('create state topic', STATE_TOPIC, err);
  }
  const { pending } = await waitForTopics(conn, new Map([[STATE_TOPIC, 1]]), { timeoutMs });
  if (pending.length > 0) {
    throw new KafkaformError(ErrorCodes.CLUSTER_NOT_READY, `the state topic ${STATE_TOPIC} has no leader after ${timeoutMs} ms`, {
      hint: 'check that every broker is up (`kafkaform status`), then run apply again',
    });
  }
}

/** Makes a connection's state topic writer: pass to `conn.use` to get the connection's one writer. */
export function stateTopicWriter(conn: KafkaConnection): StateTopicWriter {
  return new StateTopicWriter(conn);
}
