import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { isBrokerError, kafkaErrorName, requestFailed } from '../../../src/kafka/errors.js';
import { configSource } from '../../../src/kafka/observe-cluster.js';
import { ownershipMessage, ownershipRecord, ownershipTombstone, parseState, seedRecordMessage } from '../../../src/kafka/state.js';

// Pure parts of the Kafka edge: the state topic's record format and compaction semantics, the configSource
// mapping and error unwrapping. The broker-facing behaviour is covered in test/integration/topics.test.ts.

const seed = { project: 'shop', topic: 'orders', entryId: 'file:seeds/o.jsonl', hash: 'abc', count: 2, producedAt: '2024-01-01T00:00:00.000Z' };

describe('state topic records', () => {
  it('writes the documented keys and JSON values', () => {
    expect(ownershipMessage(ownershipRecord('shop', 'orders', new Date('2024-01-01T00:00:00Z')))).toEqual({
      key: 'topic/orders',
      value: '{"kind":"topic","project":"shop","topic":"orders","at":"2024-01-01T00:00:00.000Z"}',
    });
    expect(seedRecordMessage(seed)).toEqual({
      key: 'seed/shop/orders/file:seeds/o.jsonl',
      value: '{"kind":"seed","project":"shop","topic":"orders","entryId":"file:seeds/o.jsonl","hash":"abc","count":2,"producedAt":"2024-01-01T00:00:00.000Z"}',
    });
    expect(ownershipTombstone('orders')).toEqual({ key: 'topic/orders', value: null });
  });

  it('folds records like compaction: last per key wins, a tombstone removes, garbage is ignored', () => {
    const own = (project: string, topic: string) => ownershipMessage(ownershipRecord(project, topic));
    const state = parseState([
      own('shop', 'orders'),
      own('shop', 'events'),
      own('billing', 'invoices'),
      own('billing', 'orders'),
      ownershipTombstone('events'),
      seedRecordMessage(seed),
      seedRecordMessage({ ...seed, hash: 'def' }),
      seedRecordMessage({ ...seed, entryId: 'inline:0' }),
      { key: 'seed/shop/orders/inline:0', value: null },
      { key: 'topic/broken', value: '{not json' },
      { key: null, value: '{"kind":"topic"}' },
      { key: 'future/thing', value: '{"kind":"quota","x":1}' },
    ]);
    expect(state.owners).toEqual({ invoices: 'billing', orders: 'billing' });
    expect(Object.keys(state.owners)).toEqual(['invoices', 'orders']);
    expect(state.seeds).toEqual([{ ...seed, hash: 'def' }]);
  });

  it('reads Buffer keys and values as the fetcher returns them', () => {
    const m = seedRecordMessage(seed);
    expect(parseState([{ key: Buffer.from(m.key), value: Buffer.from(m.value) }]).seeds).toEqual([seed]);
  });
});

describe('configSource', () => {
  it('maps DescribeConfigs sources, never isDefault', () => {
    expect([0, 1, 2, 3, 4, 5, 6, undefined].map(configSource)).toEqual(['other', 'topic', 'broker', 'broker', 'broker', 'default', 'other', 'other']);
  });
});

describe('kafkajs error unwrapping', () => {
  it('finds the broker error through retry wrappers and names the topic', () => {
    const inner = Object.assign(new Error('Topic with this name already exists'), { type: 'TOPIC_ALREADY_EXISTS' });
    const wrapped = Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: inner });
    expect(kafkaErrorName(wrapped)).toBe('TOPIC_ALREADY_EXISTS');
    expect(isBrokerError(wrapped)).toBe(true);
    expect(isBrokerError(new Error('Connection error: ECONNREFUSED'))).toBe(false);
    const e = requestFailed('create topic', 'orders', wrapped);
    expect(e.code).toBe(ErrorCodes.KAFKA_REQUEST_FAILED);
    expect(e.message).toBe('create topic "orders" failed: TOPIC_ALREADY_EXISTS: Topic with this name already exists');
    expect(e.details).toMatchObject({ topic: 'orders', kafkaError: 'TOPIC_ALREADY_EXISTS' });
  });
});
