import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeCreateTopicsResponse, encodeCreateTopics } from '../../../src/kafka/broker-check.js';
import { CREATE_RECORD_BUDGET, chunkByRecords, createRecords } from '../../../src/kafka/topic-actions.js';

const chunkCreates = (creates: TopicCreateAction[]) => chunkByRecords(creates, createRecords);
import { brokerRefusalDiagnostics } from '../../../src/plan/broker-refusals.js';
import type { ObservedCluster } from '../../../src/plan/observed.js';
import type { TopicCreateAction } from '../../../src/plan/types.js';
import type { TopicSpec } from '../../../src/spec/types.js';

// CreateTopics v2, v3 and v4 requests share one layout (v4 only allows -1 for the broker's defaults), as do their
// responses: kafkajs' own v3 request encoder and its Encoder serve as the independent reference.
const require = createRequire(import.meta.url);
const requestV3 = require('kafkajs/src/protocol/requests/createTopics/v3/request') as (a: object) => { encode(): Promise<{ buffer: Buffer }> };
interface Encoder {
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeString(v: string | null): Encoder;
  buffer: Buffer;
}
const KafkaEncoder = require('kafkajs/src/protocol/encoder') as new () => Encoder;

const create = (topic: string, partitions: number | null, config: Record<string, string> = {}): TopicCreateAction => ({
  kind: 'topic.create',
  topic,
  partitions,
  replicationFactor: partitions === null ? null : 1,
  config,
  reason: 'declared',
});

describe('CreateTopics v4 encoding (validate_only)', () => {
  it('writes the bytes kafkajs writes for the same request, defaults as -1', async () => {
    const creates = [create('a', 3, { 'retention.ms': '1000', 'cleanup.policy': 'compact' }), create('b', null)];
    const reference = await requestV3({
      topics: [
        { topic: 'a', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: 'compact' }] },
        { topic: 'b', numPartitions: -1, replicationFactor: -1 },
      ],
      validateOnly: true,
      timeout: 10_000,
    }).encode();
    expect(encodeCreateTopics(creates, 10_000, true).equals(reference.buffer)).toBe(true);
  });

  it('reads per-topic answers with the broker message, and refuses a truncated or overlong body', () => {
    const body = new KafkaEncoder().writeInt32(0).writeInt32(2).writeString('a').writeInt16(0).writeString(null).writeString('b').writeInt16(40).writeString('Tiered Storage functionality is disabled').buffer;
    expect(decodeCreateTopicsResponse(body)).toEqual([
      { name: 'a', errorCode: 0, errorMessage: null },
      { name: 'b', errorCode: 40, errorMessage: 'Tiered Storage functionality is disabled' },
    ]);
    expect(() => decodeCreateTopicsResponse(body.subarray(0, body.length - 3))).toThrow(/truncated/);
    expect(() => decodeCreateTopicsResponse(Buffer.concat([body, Buffer.alloc(1)]))).toThrow(/unread/);
  });

  it('splits creates below the controller record budget, a lone big topic alone', () => {
    const big = Math.floor(CREATE_RECORD_BUDGET * 0.6);
    const chunks = chunkCreates([create('a', big), create('b', big), create('c', CREATE_RECORD_BUDGET), create('d', 1)]);
    expect(chunks.map((c) => c.map((x) => x.topic))).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(chunkCreates([create('a', 10), create('b', 10)]).length).toBe(1);
  });
});

describe('refusals become plan errors', () => {
  const pos = (line: number) => ({ file: 'k.yaml', line, col: 3 });
  const topic: TopicSpec = { name: 't', partitions: 1, replicationFactor: 1, config: { 'remote.storage.enable': 'true' }, pos: { name: pos(5), config: { 'remote.storage.enable': pos(9) } } };
  const cluster = (refusals: ObservedCluster['refusals']): ObservedCluster => ({ brokers: [], topics: [], owners: {}, seeds: [], reassigning: [], refusals });

  it('at the refused key when one is known, else at the topic', () => {
    const [keyed] = brokerRefusalDiagnostics([topic], cluster([{ topic: 't', change: 'create', error: 'INVALID_CONFIG', message: 'no tiered storage', key: 'remote.storage.enable' }]));
    expect(keyed).toMatchObject({ code: 'P022', severity: 'error', subject: 't', key: 'remote.storage.enable', at: pos(9) });
    expect(keyed!.message).toContain('INVALID_CONFIG: no tiered storage');
    const [bare] = brokerRefusalDiagnostics([topic], cluster([{ topic: 't', change: 'alterConfig', error: 'POLICY_VIOLATION', message: 'refused by policy' }]));
    expect(bare).toMatchObject({ code: 'P022', at: pos(5) });
    expect(bare).not.toHaveProperty('key');
  });

  it('nothing when the broker was not asked or refused nothing', () => {
    expect(brokerRefusalDiagnostics([topic], null)).toEqual([]);
    expect(brokerRefusalDiagnostics([topic], cluster(undefined))).toEqual([]);
  });
});
