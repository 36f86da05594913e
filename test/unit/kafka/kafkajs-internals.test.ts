import { createRequire } from 'node:module';
import { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';
import {
  createInternalCluster,
  decodeFetchedPartition,
  produceProtocol,
  protocolError,
  rawProtocol,
  sendRequest,
  type FetchPartition,
} from '../../../src/kafka/kafkajs-internals.js';
import { encodeProduceBody } from '../../../src/kafka/record-batch-transaction.js';

// The door's surface without a broker: what it hands kafkajs to frame, what it makes of kafkajs' decoded
// answers, and that the private symbols it looks up exist in the installed kafkajs.
const require = createRequire(import.meta.url);
const { lookup } = require('kafkajs/src/protocol/requests') as {
  lookup(versions: Record<number, { minVersion: number; maxVersion: number }>): (apiKey: number, definition: unknown) => unknown;
};
interface Decoder {
  readInt16(): number;
  readInt32(): number;
  readString(): string;
  readBytes(n: number): Buffer;
  canReadBytes(n: number): boolean;
}
const KafkaDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => Decoder;

/** A broker stand-in that negotiates Produce up to `max`, as a connected kafkajs broker does. */
const brokerWithProduce = (max: number) =>
  ({ lookupRequest: lookup({ 0: { minVersion: 0, maxVersion: max } }) }) as unknown as Parameters<typeof produceProtocol>[0];

const header = { transactionalId: 'tx-1', producerId: '4242', producerEpoch: 3, timeoutMs: 30_000 };

describe('raw requests', () => {
  it('hand kafkajs the body as is and return the response body untouched', async () => {
    const body = Buffer.from([1, 2, 3]);
    const p = rawProtocol({ apiKey: 44, apiVersion: 0, apiName: 'IncrementalAlterConfigs', body });
    expect(p.request).toMatchObject({ apiKey: 44, apiVersion: 0, apiName: 'IncrementalAlterConfigs' });
    const encoded = (await p.request.encode()) as { buffer: Buffer };
    expect(encoded.buffer).toBe(body);
    const answer = Buffer.from([9, 9]);
    expect(await p.response.parse(await p.response.decode(answer))).toBe(answer);
  });

  it('refuse an object that is not a kafkajs broker, as a bug', async () => {
    const err = await sendRequest({}, rawProtocol({ apiKey: 0, apiVersion: 0, apiName: 'x', body: Buffer.alloc(0) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaformError);
    expect((err as KafkaformError).code).toBe(ErrorCodes.INTERNAL);
  });
});

describe('Produce with our pre-encoded batches', () => {
  const batches = [
    { topic: 'orders', partition: 1, records: Buffer.from('batch-a'), messages: 2 },
    { topic: 'orders', partition: 0, records: Buffer.from('b'), messages: 1 },
    { topic: '_kafkaform_state', partition: 0, records: Buffer.from('ledger'), messages: 1 },
  ];

  it('uses the version kafkajs negotiates and sends our body in place of its encoder', async () => {
    const body = encodeProduceBody(header.transactionalId, header.timeoutMs, batches);
    const p = produceProtocol(brokerWithProduce(9), header, body);
    expect(p.request.apiKey).toBe(0);
    expect(p.request.apiVersion).toBe(7); // the highest kafkajs implements
    expect(((await p.request.encode()) as { buffer: Buffer }).buffer).toBe(body);
    expect(produceProtocol(brokerWithProduce(2), header, body).request.apiVersion).toBe(2); // the caller refuses < 3
  });

  it('encodes the v3+ body: transactional id, acks=-1, timeout, topics with their batches', () => {
    const d = new KafkaDecoder(encodeProduceBody(header.transactionalId, header.timeoutMs, batches));
    const read = () => ({
      transactionalId: d.readString(),
      acks: d.readInt16(),
      timeout: d.readInt32(),
      topics: Array.from({ length: d.readInt32() }, () => ({
        topic: d.readString(),
        partitions: Array.from({ length: d.readInt32() }, () => ({ partition: d.readInt32(), records: d.readBytes(d.readInt32()).toString() })),
      })),
    });
    expect(read()).toEqual({
      transactionalId: 'tx-1',
      acks: -1,
      timeout: 30_000,
      topics: [
        { topic: 'orders', partitions: [{ partition: 1, records: 'batch-a' }, { partition: 0, records: 'b' }] },
        { topic: '_kafkaform_state', partitions: [{ partition: 0, records: 'ledger' }] },
      ],
    });
    expect(d.canReadBytes(1)).toBe(false);
  });

  it('lets kafkajs parse the response into the shape the transaction reads', async () => {
    const b: Buffer[] = [];
    const i16 = (n: number) => b.push(Buffer.from([(n >> 8) & 0xff, n & 0xff]));
    const i32 = (n: number) => { const x = Buffer.alloc(4); x.writeInt32BE(n); b.push(x); };
    const i64 = (n: bigint) => { const x = Buffer.alloc(8); x.writeBigInt64BE(n); b.push(x); };
    i32(1); i16(6); b.push(Buffer.from('orders')); i32(1); i32(1); i16(0); i64(41n); i64(-1n); i32(0);
    const p = produceProtocol(brokerWithProduce(3), header, Buffer.alloc(0));
    expect(await p.response.parse(await p.response.decode(Buffer.concat(b)))).toMatchObject({
      topics: [{ topicName: 'orders', partitions: [{ partition: 1, errorCode: 0, baseOffset: '41' }] }],
    });
  });
});

describe('decoding a fetched partition', () => {
  const rec = (offset: number, more: object = {}) => ({
    offset: String(offset),
    timestamp: '1700000000000',
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    headers: {},
    isControlRecord: false,
    batchContext: { producerId: '7', inTransaction: true },
    ...more,
  });
  const part = (messages: unknown[], abortedTransactions: FetchPartition['abortedTransactions'] = []): FetchPartition => ({
    partition: 0,
    highWatermark: '10',
    abortedTransactions,
    messages,
  });

  it('drops records before the fetch offset and control records, and reports the last offset read', () => {
    const out = decodeFetchedPartition('t', '4', part([rec(3), rec(4), rec(5), rec(6, { isControlRecord: true, key: Buffer.from([0, 0, 0, 1]) })]));
    expect(out.messages.map((m) => m.offset)).toEqual(['4', '5']);
    expect(out).toMatchObject({ empty: false, lastOffset: '6' });
  });

  it('drops the records of an aborted transaction up to its abort marker', () => {
    const abortMarker = rec(6, { isControlRecord: true, key: Buffer.from([0, 0, 0, 0]) });
    const out = decodeFetchedPartition('t', '4', part([rec(4), rec(5), abortMarker, rec(7, { batchContext: { producerId: '7', inTransaction: false } })], [{ producerId: '7', firstOffset: '4' }]));
    expect(out.messages.map((m) => m.offset)).toEqual(['7']);
  });

  it('is empty when nothing lies at or after the fetch offset', () => {
    expect(decodeFetchedPartition('t', '9', part([rec(3)]))).toMatchObject({ messages: [], empty: true, lastOffset: '9' });
    expect(decodeFetchedPartition('t', '9', part([]))).toMatchObject({ empty: true });
  });
});

describe('kafkajs internals reached through private symbols', () => {
  it('makes an internal cluster without contacting a broker', () => {
    const cluster = createInternalCluster(new Kafka({ brokers: ['127.0.0.1:1'], logLevel: 0 }));
    expect(typeof cluster.findBroker).toBe('function');
    expect(typeof cluster.findGroupCoordinator).toBe('function');
    expect(typeof cluster.fetchTopicsOffset).toBe('function');
  });

  it('names a Kafka error code as kafkajs does, with the broker\'s message', () => {
    const err = protocolError(40, 'retention.ms must be a number') as Error & { type?: string };
    expect(err.type).toBe('INVALID_CONFIG');
    expect(err.message).toContain('retention.ms must be a number');
  });
});
