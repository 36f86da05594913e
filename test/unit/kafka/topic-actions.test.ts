import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { batchThenEach } from '../../../src/kafka/topic-actions.js';
import type { TopicDeleteAction } from '../../../src/plan/types.js';

// Error paths of the topic executors that only a misbehaving cluster reaches. The Kafka admin surface is faked
// (admin requests, the state producer); the executors' own logic runs unchanged.


/** A kafkajs-shaped broker error: `type` is the Kafka error name, `topic` the entry it belongs to. */
function brokerError(type: string, topic?: string): Error {
  return Object.assign(new Error(`${type} (fake)`), { name: 'KafkaJSProtocolError', type, ...(topic ? { topic } : {}) });
}

// The create and delete paths (records only after a certain create, deletes by topic ID) need topic IDs from a
// real broker: test/integration/ownership.test.ts covers them.

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

});
