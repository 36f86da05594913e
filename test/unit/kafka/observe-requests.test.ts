import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeDescribeTopicConfigs, encodeDescribeTopicConfigs } from '../../../src/kafka/describe-topic-configs.js';
import { isMalformedResponse, kafkaErrorName } from '../../../src/kafka/errors.js';
import { wireDecoder } from '../../../src/kafka/kafkajs-internals.js';
import { decodeListReassignments, encodeListAllReassignments } from '../../../src/kafka/ongoing-reassignments.js';
import { decodeMetadata, topicIds } from '../../../src/kafka/topic-ids.js';
import { array, compactBytes, compactString, int16, int32, int8, NO_TAGS, nullableString, string, uvarint } from '../../../src/kafka/wire.js';

// The requests observe frames itself, checked byte for byte against kafkajs' own encoders and decoders of the
// same versions (the reference: what observe sent and read before), on answers built here field by field.
const require = createRequire(import.meta.url);
type Encoded = { encode(): Promise<{ buffer: Buffer }> };
const kafkajs = {
  describeConfigsRequest: require('kafkajs/src/protocol/requests/describeConfigs/v2/request') as (a: object) => Encoded,
  describeConfigsResponse: require('kafkajs/src/protocol/requests/describeConfigs/v2/response') as { decode(b: Buffer): Promise<{ resources: unknown[] }> },
  reassignmentsRequest: require('kafkajs/src/protocol/requests/listPartitionReassignments/v0/request') as (a: object) => Encoded,
  reassignmentsResponse: require('kafkajs/src/protocol/requests/listPartitionReassignments/v0/response') as { decode(b: Buffer): Promise<{ topics: unknown[] }> },
};

/** A DescribeConfigs v2 answer: resources of [errorCode, name, entries of [name, value, source, sensitive, synonyms]]. */
function configsAnswer(resources: [number, string, [string, string | null, number, boolean, number][]][]): Buffer {
  return Buffer.concat([
    int32(0),
    ...array(resources, ([code, name, entries]) => [
      int16(code),
      nullableString(code === 0 ? null : 'gone'),
      int8(2),
      string(name),
      ...array(entries, ([n, v, source, sensitive, synonyms]) => [
        string(n),
        nullableString(v),
        int8(source === 5 ? 1 : 0),
        int8(source),
        int8(sensitive ? 1 : 0),
        ...array(Array.from({ length: synonyms }, (_, i) => i), (i) => [string(`${n}.syn${i}`), nullableString(String(i)), int8(4)]),
      ]),
    ]),
  ]);
}

describe('DescribeConfigs of many topics', () => {
  it('encodes the request as kafkajs v2 does (every key, no synonyms)', async () => {
    const topics = ['orders', 'ünïcode-topic', 'x'];
    const reference = await kafkajs.describeConfigsRequest({ resources: topics.map((name) => ({ type: 2, name })), includeSynonyms: false }).encode();
    expect(encodeDescribeTopicConfigs(topics).equals(reference.buffer)).toBe(true);
  });

  it('decodes every entry as kafkajs does: names, values (null too), sources and sensitivity, skipping synonyms', async () => {
    const body = configsAnswer([
      [0, 'orders', [['cleanup.policy', 'compact', 1, false, 0], ['retention.ms', '604800000', 5, false, 2], ['sasl.secret', null, 4, true, 1]]],
      [0, 'ünïcode-topic', []],
    ]);
    const ours = decodeDescribeTopicConfigs(body);
    const theirs = (await kafkajs.describeConfigsResponse.decode(body)) as { resources: { resourceName: string; configEntries: { configName: string; configValue: string | null; configSource: number; isSensitive: boolean }[] }[] };
    expect(ours).toEqual(
      theirs.resources.map((r) => ({
        resourceName: r.resourceName,
        configEntries: r.configEntries.map((e) => ({ configName: e.configName, configValue: e.configValue, configSource: e.configSource, isSensitive: e.isSensitive })),
      })),
    );
    expect(ours[0]!.configEntries[2]).toEqual({ configName: 'sasl.secret', configValue: null, configSource: 4, isSensitive: true });
  });

  it('decodes many topics whose names and values mostly repeat (reused strings) exactly as kafkajs does', async () => {
    const keys = ['cleanup.policy', 'compression.type', 'max.message.bytes', 'retention.ms', 'segment.bytes'];
    const topics = Array.from({ length: 60 }, (_, i): [number, string, [string, string | null, number, boolean, number][]] => [
      0,
      `t${i}`,
      // Values repeat, change, go null and come back; one topic lists a key fewer, one a different key.
      keys
        .filter((k) => !(i === 7 && k === 'max.message.bytes'))
        .map((k, j): [string, string | null, number, boolean, number] => [i === 9 && j === 0 ? 'cleanup.polic' : k, i % 5 === j ? null : i % 3 === 0 ? `v${j}` : `value-${i % 4}`, i % 2 ? 1 : 5, false, 0]),
    ]);
    const body = configsAnswer(topics);
    const theirs = (await kafkajs.describeConfigsResponse.decode(body)) as { resources: { resourceName: string; configEntries: { configName: string; configValue: string | null }[] }[] };
    expect(decodeDescribeTopicConfigs(body).map((r) => [r.resourceName, r.configEntries.map((e) => [e.configName, e.configValue])])).toEqual(
      theirs.resources.map((r) => [r.resourceName, r.configEntries.map((e) => [e.configName, e.configValue])]),
    );
  });

  it("throws kafkajs' protocol error of the first resource that has one (a topic deleted meanwhile is retried by observe)", () => {
    const body = configsAnswer([
      [0, 'a', []],
      [3, 'b', []],
      [29, 'c', []],
    ]);
    expect(() => decodeDescribeTopicConfigs(body)).toThrow();
    try {
      decodeDescribeTopicConfigs(body);
    } catch (e) {
      expect(kafkaErrorName(e)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    }
  });

  it('reports an answer cut short or too long as a malformed response, like a lost connection', () => {
    const body = configsAnswer([[0, 'orders', [['cleanup.policy', 'compact', 1, false, 0]]]]);
    for (const bad of [body.subarray(0, body.length - 3), Buffer.concat([body, Buffer.from([0])])]) {
      let err: unknown;
      try {
        decodeDescribeTopicConfigs(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect(isMalformedResponse(err)).toBe(true);
    }
  });
});

describe('ongoing reassignments', () => {
  it('asks for every ongoing reassignment with the bytes kafkajs v0 sends for topics: null', async () => {
    const reference = await kafkajs.reassignmentsRequest({ topics: null, timeout: 5000 }).encode();
    expect(encodeListAllReassignments(5000).equals(reference.buffer)).toBe(true);
  });

  it('lists the topics with a partition moving, as kafkajs decodes them', async () => {
    const ints = (xs: number[]): Buffer => Buffer.concat([uvarint(xs.length + 1), ...xs.map(int32)]);
    const partition = (p: number): Buffer => Buffer.concat([int32(p), ints([1, 2, 3]), ints([3]), ints([1]), NO_TAGS]);
    const topic = (name: string, ps: number[]): Buffer => Buffer.concat([compactString(name), uvarint(ps.length + 1), ...ps.map(partition), NO_TAGS]);
    const body = Buffer.concat([NO_TAGS, int32(0), int16(0), uvarint(0), uvarint(3), topic('moving', [0, 2]), topic('idle', []), NO_TAGS]);
    expect(decodeListReassignments(body)).toEqual(['moving']);
    const theirs = await kafkajs.reassignmentsResponse.decode(body);
    expect(theirs.topics.map((t) => (t as { name: string }).name)).toEqual(['moving', 'idle']);
    const failed = Buffer.concat([NO_TAGS, int32(0), int16(41), compactBytes(Buffer.from('not the controller')), uvarint(1), NO_TAGS]);
    expect(() => decodeListReassignments(failed)).toThrow(/not the controller/);
  });
});

describe('Metadata v10-12 of every topic', () => {
  /** A Metadata v12 answer: two brokers, then topics of [errorCode, name, id byte, partitions of [leader, replicas, isr]]. */
  function metadataAnswer(topics: [number, string, number, [number, number[], number[]][]][]): Buffer {
    const ints = (xs: number[]): Buffer => Buffer.concat([uvarint(xs.length + 1), ...xs.map(int32)]);
    const broker = (id: number, port: number): Buffer => Buffer.concat([int32(id), compactString('127.0.0.1'), int32(port), uvarint(0), NO_TAGS]);
    return Buffer.concat([
      NO_TAGS,
      int32(0),
      uvarint(3),
      broker(1, 9092),
      broker(2, 9094),
      compactString('cluster'),
      int32(1),
      uvarint(topics.length + 1),
      ...topics.map(([code, name, idByte, parts]) =>
        Buffer.concat([
          int16(code),
          compactString(name),
          Buffer.alloc(16, idByte),
          int8(0),
          uvarint(parts.length + 1),
          ...parts.map(([leader, replicas, isr], i) => Buffer.concat([int16(leader < 0 ? 5 : 0), int32(i), int32(leader), int32(0), ints(replicas), ints(isr), ints([]), NO_TAGS])),
          int32(-2147483648),
          NO_TAGS,
        ]),
      ),
      NO_TAGS,
    ]);
  }

  it('reads brokers, partitions with leaders, replicas and ISR, and IDs (none for an unknown topic)', () => {
    const body = metadataAnswer([
      [0, 'orders', 7, [[1, [1, 2], [1, 2]], [2, [2, 1], [2]]]],
      [5, 'new', 8, [[-1, [1], []]]],
      [3, 'unknown', 0, []],
    ]);
    const md = decodeMetadata(12, wireDecoder(body));
    expect(md.brokers).toEqual([
      { nodeId: 1, host: '127.0.0.1', port: 9092 },
      { nodeId: 2, host: '127.0.0.1', port: 9094 },
    ]);
    expect(md.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => [p.errorCode, p.partitionId, p.leader, p.replicas, p.isr])])).toEqual([
      ['orders', 0, [[0, 0, 1, [1, 2], [1, 2]], [0, 1, 2, [2, 1], [2]]]],
      ['new', 5, [[5, 0, -1, [1], []]]],
      ['unknown', 3, []],
    ]);
    // A topic still electing its leader already has its ID; an unknown one has none.
    expect([...topicIds(md).keys()]).toEqual(['orders', 'new']);
    expect(topicIds(md).get('orders')).toBe(Buffer.alloc(16, 7).toString('base64url'));
  });
});
