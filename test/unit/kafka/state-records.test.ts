import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { isBrokerError, kafkaErrorName, requestFailed } from '../../../src/kafka/errors.js';
import { configSource } from '../../../src/kafka/observe-cluster.js';
import { liveOwners, ownershipMessage, ownershipRecord, ownershipTombstone, parseState, seedRecordMessage, statePartition } from '../../../src/kafka/state.js';

// Pure parts of the Kafka edge: the state topic's record format and compaction semantics, the configSource
// mapping and error unwrapping. The broker-facing behaviour is covered in test/integration/topics.test.ts.

const seed = { project: 'shop', topic: 'orders', entryId: 'file:seeds/o.jsonl', hash: 'abc', count: 2, producedAt: '2024-01-01T00:00:00.000Z' };

describe('state topic records', () => {
  it('writes the documented keys and JSON values', () => {
    expect(ownershipMessage(ownershipRecord('shop', 'orders', 'DzL4LW_NQ4S6zhz0TVxibA', new Date('2024-01-01T00:00:00Z')))).toEqual({
      key: 'owner/DzL4LW_NQ4S6zhz0TVxibA',
      value: '{"kind":"topic","project":"shop","topic":"orders","topicId":"DzL4LW_NQ4S6zhz0TVxibA","at":"2024-01-01T00:00:00.000Z"}',
    });
    expect(seedRecordMessage(seed)).toEqual({
      key: 'seed/shop/orders/file:seeds/o.jsonl',
      value: '{"kind":"seed","project":"shop","topic":"orders","entryId":"file:seeds/o.jsonl","hash":"abc","count":2,"producedAt":"2024-01-01T00:00:00.000Z"}',
    });
    expect(ownershipTombstone('DzL4LW_NQ4S6zhz0TVxibA')).toEqual({ key: 'owner/DzL4LW_NQ4S6zhz0TVxibA', value: null });
  });

  it('folds records like compaction: last per key wins, a tombstone removes, garbage is ignored', () => {
    const own = (project: string, topic: string, id: string) => ownershipMessage(ownershipRecord(project, topic, id));
    const state = parseState([
      own('shop', 'orders', 'id-orders-1'),
      own('shop', 'events', 'id-events'),
      own('billing', 'invoices', 'id-invoices'),
      own('billing', 'orders', 'id-orders-1'),
      ownershipTombstone('id-events'),
      // A record of a version before topic IDs (or a lingering create intent) is no ownership.
      { key: 'topic/legacy', value: '{"kind":"topic","project":"shop","topic":"legacy","at":"2024-01-01T00:00:00.000Z"}' },
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
    expect(state.ownerships.map((o) => o.topicId)).toEqual(['id-invoices', 'id-orders-1']);
    expect(state.seeds).toEqual([{ ...seed, hash: 'def' }]);
  });

  it('owns a live topic only while its ID is the recorded one', () => {
    const state = parseState([ownershipMessage(ownershipRecord('shop', 'orders', 'id-1')), ownershipMessage(ownershipRecord('shop', 'events', 'id-2'))]);
    // "orders" was deleted and created again by hand (new ID); "events" is the topic shop created.
    expect(liveOwners(state, new Map([['orders', 'id-9'], ['events', 'id-2']]))).toEqual({ events: 'shop' });
  });

  it('folds per partition: a tombstone in one partition leaves another partition\'s record, and the newest record of a topic ID wins', () => {
    const at = (iso: string) => new Date(iso);
    const shop = ownershipMessage(ownershipRecord('shop', 'orders', 'id-1', at('2024-01-01T00:00:00Z')));
    const billing = ownershipMessage(ownershipRecord('billing', 'orders', 'id-1', at('2024-02-01T00:00:00Z')));
    // billing took orders over (--take-ownership): its record is newer, whichever partition is read first.
    expect(parseState([{ ...billing, partition: 3 }, { ...shop, partition: 5 }]).owners).toEqual({ orders: 'billing' });
    expect(parseState([{ ...shop, partition: 5 }, { ...billing, partition: 3 }]).owners).toEqual({ orders: 'billing' });
    // The takeover's tombstone in shop's partition removes shop's record there only.
    const tomb = { ...ownershipTombstone('id-1'), partition: 5 };
    expect(parseState([{ ...billing, partition: 3 }, { ...shop, partition: 5 }, tomb]).ownerships).toEqual([
      expect.objectContaining({ project: 'billing', topicId: 'id-1' }),
    ]);
  });

  it('puts each project in one stable state partition', () => {
    expect(statePartition('shop', 1)).toBe(0);
    expect(statePartition('shop', 8)).toBe(statePartition('shop', 8));
    const used = new Set(['shop', 'billing', 'payments', 'a', 'b', 'c', 'd', 'e'].map((p) => statePartition(p, 8)));
    expect(used.size).toBeGreaterThan(3);
    for (const p of used) expect(p).toBeLessThan(8);
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
