import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32c, encodeRecordBatch, varintSize, writeVarint, zigzag } from '../../../src/kafka/record-batch.js';
import type { SeedMessage } from '../../../src/seed/types.js';

// kafkajs' own decoder and checksum are the independent reference for our encoder.
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<DecodedBatch>;
const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;

interface DecodedBatch {
  inTransaction: boolean;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  firstTimestamp: string;
  maxTimestamp: string;
  lastOffsetDelta: number;
  records: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer>; offset: string; timestamp: string }[];
}

const msg = (key: string | null, value: string | Buffer | null, more: Partial<SeedMessage> = {}): SeedMessage => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
  headers: {},
  partition: null,
  timestamp: null,
  ...more,
});

const writer = { producerId: 4242n, producerEpoch: 3, transactional: true };

describe('encodeRecordBatch', () => {
  const messages = [
    msg('k1', 'héllo', { headers: { source: 'demo', 'ünï': 'cödé' }, timestamp: '1704067200000' }),
    msg(null, Buffer.from([0, 255, 16])),
    msg('gone', null, { timestamp: '1704067260000' }),
    msg('big', 'x'.repeat(300)),
  ];

  it('writes a batch kafkajs decodes to the same records, with a valid CRC-32C', async () => {
    const buf = await encodeRecordBatch(messages, [0, 1, 2, 3], writer, 17, 0, null, 1704067230000);
    expect(buf.readUInt32BE(17)).toBe(kafkajsCrc(buf.subarray(21)));
    expect(buf.readInt32BE(8)).toBe(buf.length - 12);
    const batch = await decodeBatch(new Decoder(buf));
    expect(batch).toMatchObject({ inTransaction: true, producerId: '4242', producerEpoch: 3, firstSequence: 17, lastOffsetDelta: 3 });
    expect(batch.firstTimestamp).toBe('1704067200000');
    expect(batch.maxTimestamp).toBe('1704067260000');
    expect(batch.records.map((r) => r.key?.toString() ?? null)).toEqual(['k1', null, 'gone', 'big']);
    expect(batch.records[0]!.value!.toString()).toBe('héllo');
    expect(batch.records[1]!.value!.equals(Buffer.from([0, 255, 16]))).toBe(true);
    expect(batch.records[2]!.value).toBeNull();
    expect(batch.records[3]!.value!.toString()).toBe('x'.repeat(300));
    expect(Object.fromEntries(Object.entries(batch.records[0]!.headers).map(([k, v]) => [k, v.toString()]))).toEqual({ source: 'demo', 'ünï': 'cödé' });
    expect(batch.records.map((r) => r.offset)).toEqual(['0', '1', '2', '3']);
    expect(batch.records.map((r) => r.timestamp)).toEqual(['1704067200000', '1704067230000', '1704067260000', '1704067230000']);
  });

  it('encodes a chosen subset in the given order', async () => {
    const buf = await encodeRecordBatch(messages, [3, 0], { ...writer, transactional: false }, 0, 0, null);
    const batch = await decodeBatch(new Decoder(buf));
    expect(batch.inTransaction).toBe(false);
    expect(batch.records.map((r) => r.key?.toString())).toEqual(['big', 'k1']);
  });

  it('compresses the records section with the codec bit set (gzip)', async () => {
    const buf = await encodeRecordBatch(messages, [0, 1, 2, 3], writer, 0, 1, (r) => gzipSync(r));
    expect(buf.readInt16BE(21) & 0x07).toBe(1);
    expect(buf.readUInt32BE(17)).toBe(kafkajsCrc(buf.subarray(21)));
    const batch = await decodeBatch(new Decoder(buf));
    expect(batch.records.map((r) => r.value?.toString('base64') ?? null)).toEqual(messages.map((m) => m.value?.toString('base64') ?? null));
  });
});

describe('varints and CRC-32C', () => {
  it('zigzag-encodes like Kafka, beyond 32 bits too', () => {
    const cases: [number, number[]][] = [
      [0, [0]],
      [-1, [1]],
      [1, [2]],
      [63, [126]],
      [-64, [127]],
      [64, [128, 1]],
      [2 ** 40, [128, 128, 128, 128, 128, 64]],
    ];
    for (const [n, bytes] of cases) {
      const buf = Buffer.alloc(12);
      const end = writeVarint(buf, 0, zigzag(n));
      expect([...buf.subarray(0, end)]).toEqual(bytes);
      expect(varintSize(zigzag(n))).toBe(bytes.length);
    }
  });

  it('computes the CRC-32C check value and agrees with kafkajs on odd lengths', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    for (let len = 0; len < 40; len++) {
      const b = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff));
      expect(crc32c(b)).toBe(kafkajsCrc(b));
    }
  });

  it('agrees with kafkajs on long buffers at every alignment (the word loop)', () => {
    const memory = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + (i >> 7)) & 0xff));
    for (const [start, len] of [[0, 64], [1, 65], [2, 200], [3, 1000], [5, 4000], [7, 71], [4, 4092]] as const) {
      const view = memory.subarray(start, start + len);
      expect({ start, len, crc: crc32c(view) }).toEqual({ start, len, crc: kafkajsCrc(view) });
      expect(crc32c(memory, start, start + len)).toBe(kafkajsCrc(view));
    }
  });
});
