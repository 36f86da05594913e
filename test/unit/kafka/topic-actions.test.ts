import { describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';
import type { KafkaConnection } from '../../../src/kafka/client.js';
import { noteStateTopicExists, STATE_TOPIC } from '../../../src/kafka/state.js';
import { batchThenEach, createTopics, deleteTopics, type TopicExecContext } from '../../../src/kafka/topic-actions.js';
import type { TopicCreateAction, TopicDeleteAction } from '../../../src/plan/types.js';
import type { Spec } from '../../../src/spec/types.js';

// Error paths of the topic executors that only a misbehaving cluster reaches. The Kafka admin surface is faked
// (admin requests, the state producer); the executors' own logic runs unchanged.

const PROJECT = 'shop';
const PROBE = 'kafkaform:create-probe';

/** A kafkajs-shaped broker error: `type` is the Kafka error name, `topic` the entry it belongs to. */
function brokerError(type: string, topic?: string): Error {
  return Object.assign(new Error(`${type} (fake)`), { name: 'KafkaJSProtocolError', type, ...(topic ? { topic } : {}) });
}

/** A kafkajs CreateTopics failure carrying per-topic errors, as kafkajs throws it. */
function createErrors(...errors: Error[]): Error {
  return Object.assign(new Error('Topic creation errors'), { name: 'KafkaJSAggregateError', errors });
}

/** The fake admin surface: what each request did, and how createTopics / deleteTopics answer. */
class FakeKafka {
  /** Every state-topic produce, in order: [key, value] pairs. */
  readonly stateWrites: [string, string | null][][] = [];
  readonly createCalls: string[][] = [];
  readonly deleteCalls: string[][] = [];
  /** Topics the fake metadata lists (1 partition each, with a leader). */
  readonly topics = new Set<string>();

  constructor(
    private readonly onCreate: (topics: string[]) => void,
    private readonly onDelete: (topics: string[]) => void = () => undefined,
  ) {}

  connection(): KafkaConnection {
    const admin = {
      createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
        const names = topics.map((t) => t.topic);
        this.createCalls.push(names);
        try {
          this.onCreate(names);
        } catch (err) {
          // Entries without their own error were created, as on a real broker.
          const refused = new Set(((err as { errors?: { topic?: string }[] }).errors ?? []).map((e) => e.topic));
          if (refused.size > 0) for (const n of names) if (!refused.has(n)) this.topics.add(n);
          throw err;
        }
        for (const n of names) if (n !== PROBE) this.topics.add(n);
        return true;
      },
      deleteTopics: async ({ topics }: { topics: string[] }) => {
        this.deleteCalls.push(topics);
        this.onDelete(topics);
        for (const t of topics) this.topics.delete(t);
      },
      describeCluster: async () => ({ brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }], controller: 1, clusterId: 'fake' }),
      fetchTopicMetadata: async () => ({
        topics: [...this.topics].map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }] })),
      }),
    };
    const producer = {
      send: async ({ topic, messages }: { topic: string; messages: { key: string; value: string | null }[] }) => {
        expect(topic).toBe(STATE_TOPIC);
        this.stateWrites.push(messages.map((m) => [m.key, m.value]));
      },
    };
    const owned = new Map<unknown, unknown>();
    const conn = {
      admin: async () => admin,
      producer: async () => producer,
      // As KafkaConnection.use: one instance per connection and maker.
      use: <T>(make: (c: KafkaConnection) => T): T => {
        if (!owned.has(make)) owned.set(make, make(conn));
        return owned.get(make) as T;
      },
    } as unknown as KafkaConnection;
    noteStateTopicExists(conn);
    return conn;
  }
}

function create(topic: string): TopicCreateAction {
  return { kind: 'topic.create', topic, partitions: 1, replicationFactor: 1, config: {}, reason: 'not found' } as TopicCreateAction;
}

function ctxOf(conn: KafkaConnection, owners: Record<string, string> = {}): TopicExecContext {
  return { conn, spec: { project: PROJECT } as Spec, owners, waitTimeoutMs: 1_000 };
}

/** The project an ownership write names, or null for a tombstone. */
function owner(value: string | null): string | null {
  return value === null ? null : (JSON.parse(value) as { project: string }).project;
}

describe('topic.create: ownership take-back after a failed create', () => {
  it('records intent first, then gives refused topics back to their previous owner or forgets them; created ones stay ours', async () => {
    const kafka = new FakeKafka(() => {
      throw createErrors(
        brokerError('INVALID_CONFIG', 'fresh'),
        brokerError('TOPIC_ALREADY_EXISTS', 'theirs'),
        brokerError('INVALID_TOPIC_EXCEPTION', PROBE),
      );
    });
    const actions = [create('fresh'), create('theirs'), create('made')];
    const outcomes = await createTopics(actions, ctxOf(kafka.connection(), { theirs: 'other-project' }));

    // One CreateTopics request, with the probe that makes kafkajs report per-topic errors.
    expect(kafka.createCalls).toEqual([['fresh', 'theirs', 'made', PROBE]]);
    // First the intent records (all three ours), then the take-back of the two Kafka refused.
    expect(kafka.stateWrites.map((w) => w.map(([k, v]) => [k, owner(v)]))).toEqual([
      [
        ['topic/fresh', PROJECT],
        ['topic/theirs', PROJECT],
        ['topic/made', PROJECT],
      ],
      [
        ['topic/fresh', null],
        ['topic/theirs', 'other-project'],
      ],
    ]);
    expect(outcomes.get(actions[2]!)).toBeNull();
    const fresh = outcomes.get(actions[0]!)!;
    expect(fresh.code).toBe(ErrorCodes.KAFKA_REQUEST_FAILED);
    expect(fresh.message).toContain('create topic "fresh" failed: INVALID_CONFIG');
    const theirs = outcomes.get(actions[1]!)!;
    expect(theirs.message).toContain('another client created it meanwhile');
    expect(theirs.hint).toMatch(/plan again/);
  });

  it('keeps the intent record when the error may hide a create that happened (a timeout)', async () => {
    const kafka = new FakeKafka(() => {
      throw createErrors(brokerError('REQUEST_TIMED_OUT', 'slow'), brokerError('INVALID_TOPIC_EXCEPTION', PROBE));
    });
    const action = create('slow');
    const outcomes = await createTopics([action], ctxOf(kafka.connection()));
    expect(kafka.stateWrites).toHaveLength(1);
    expect(outcomes.get(action)?.message).toContain('REQUEST_TIMED_OUT');
  });

  it('a refused create of a topic this project already owned keeps its record (the name stays ours)', async () => {
    const kafka = new FakeKafka(() => {
      throw createErrors(brokerError('INVALID_CONFIG', 'mine'), brokerError('INVALID_TOPIC_EXCEPTION', PROBE));
    });
    const action = create('mine');
    const outcomes = await createTopics([action], ctxOf(kafka.connection(), { mine: PROJECT }));
    expect(outcomes.get(action)?.message).toContain('INVALID_CONFIG');
    expect(kafka.stateWrites).toHaveLength(1);
  });

  it('TOPIC_ALREADY_EXISTS on a topic this project already owned is success, and nothing is taken back', async () => {
    const kafka = new FakeKafka(() => {
      throw createErrors(brokerError('TOPIC_ALREADY_EXISTS', 'ours'), brokerError('INVALID_TOPIC_EXCEPTION', PROBE));
    });
    const action = create('ours');
    kafka.topics.add('ours');
    const outcomes = await createTopics([action], ctxOf(kafka.connection(), { ours: PROJECT }));
    expect(outcomes.get(action)).toBeNull();
    expect(kafka.stateWrites).toHaveLength(1);
  });

  it('a failure with no per-topic errors (the connection dropped) fails every create and takes nothing back', async () => {
    const kafka = new FakeKafka(() => {
      throw new Error('Connection closed');
    });
    const actions = [create('a'), create('b')];
    const outcomes = await createTopics(actions, ctxOf(kafka.connection()));
    expect(kafka.stateWrites).toHaveLength(1);
    for (const a of actions) {
      expect(outcomes.get(a)).toBeInstanceOf(KafkaformError);
      expect(outcomes.get(a)?.message).toContain('Connection closed');
    }
  });
});

describe('batch-then-each: one request, then each action alone to attribute a refusal', () => {
  type Sent = string[];
  const del = (topic: string): TopicDeleteAction => ({ kind: 'topic.delete', topic, reason: 'no longer declared' }) as TopicDeleteAction;

  /** A send that refuses any request containing one of `refused` with its Kafka error, and records every request. */
  function sender(refused: Record<string, Error>, sent: Sent[]): (as: TopicDeleteAction[]) => Promise<void> {
    return async (as) => {
      sent.push(as.map((a) => a.topic));
      const hit = as.find((a) => refused[a.topic]);
      if (hit) throw refused[hit.topic];
    };
  }

  it('a batch the broker accepts is one request, every action applied', async () => {
    const sent: Sent[] = [];
    const actions = [del('a'), del('b')];
    const outcomes = await batchThenEach(actions, sender({}, sent), async () => false, 'delete topic');
    expect(sent).toEqual([['a', 'b']]);
    expect([...outcomes.values()]).toEqual([null, null]);
  });

  it('a refused batch is retried per action, and only the refused action fails, naming its topic and Kafka error', async () => {
    const sent: Sent[] = [];
    const actions = [del('a'), del('b'), del('c')];
    const outcomes = await batchThenEach(actions, sender({ b: brokerError('POLICY_VIOLATION') }, sent), async () => false, 'delete topic');
    expect(sent).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    expect(outcomes.get(actions[0]!)).toBeNull();
    expect(outcomes.get(actions[2]!)).toBeNull();
    const b = outcomes.get(actions[1]!)!;
    expect(b.code).toBe(ErrorCodes.KAFKA_REQUEST_FAILED);
    expect(b.message).toContain('delete topic "b" failed: POLICY_VIOLATION');
    expect(b.hint).toMatch(/policy/);
  });

  it('a benign refusal when sent alone counts as applied', async () => {
    const sent: Sent[] = [];
    const actions = [del('a'), del('gone')];
    const gone = async (a: TopicDeleteAction, err: unknown) => a.topic === 'gone' && (err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
    const outcomes = await batchThenEach(actions, sender({ gone: brokerError('UNKNOWN_TOPIC_OR_PARTITION') }, sent), gone, 'delete topic');
    expect(sent).toEqual([['a', 'gone'], ['a'], ['gone']]);
    expect([...outcomes.values()]).toEqual([null, null]);
  });

  it('a single refused action is not sent twice; the benign check still applies', async () => {
    const sent: Sent[] = [];
    const action = del('x');
    const outcomes = await batchThenEach([action], sender({ x: brokerError('POLICY_VIOLATION') }, sent), async () => false, 'delete topic');
    expect(sent).toEqual([['x']]);
    expect(outcomes.get(action)?.message).toContain('POLICY_VIOLATION');
  });

  it('a failure that is not the broker\'s (connection lost) fails every action without retrying each', async () => {
    const sent: Sent[] = [];
    const actions = [del('a'), del('b')];
    const outcomes = await batchThenEach(actions, sender({ a: new Error('Connection closed') }, sent), async () => true, 'delete topic');
    expect(sent).toEqual([['a', 'b']]);
    for (const a of actions) expect(outcomes.get(a)?.message).toContain('delete topic "' + a.topic + '" failed: Connection closed');
  });

  it('deleteTopics falls back per topic and forgets ownership only of the topics that went', async () => {
    const kafka = new FakeKafka(
      () => undefined,
      (topics) => {
        if (topics.includes('kept')) throw brokerError('POLICY_VIOLATION');
      },
    );
    for (const t of ['old', 'kept']) kafka.topics.add(t);
    const actions = [del('old'), del('kept'), del('missing')];
    const outcomes = await deleteTopics(actions, ctxOf(kafka.connection()));
    expect(kafka.deleteCalls).toEqual([['old', 'kept'], ['old'], ['kept']]);
    expect(outcomes.get(actions[0]!)).toBeNull();
    expect(outcomes.get(actions[2]!)).toBeNull();
    expect(outcomes.get(actions[1]!)?.message).toContain('POLICY_VIOLATION');
    expect(kafka.stateWrites).toEqual([
      [
        ['topic/old', null],
        ['topic/missing', null],
      ],
    ]);
  });
});
