import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  ConfigOperation,
  decodeIncrementalAlterConfigsResponse,
  encodeIncrementalAlterConfigs,
  type AlterConfigsResource,
} from '../../../src/kafka/incremental-alter-configs.js';
import { incrementalResource } from '../../../src/kafka/alter-configs.js';

// The layouts checked here are Kafka's IncrementalAlterConfigsRequest/Response version 0
// (clients/src/main/resources/common/message/IncrementalAlterConfigs{Request,Response}.json): kafkajs' own
// Decoder and Encoder serve as the independent reference reader and writer.
const require = createRequire(import.meta.url);
interface Decoder {
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readString(): string | null;
  readBoolean(): boolean;
  canReadBytes(n: number): boolean;
}
const KafkaDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => Decoder;
interface Encoder {
  writeInt8(v: number): Encoder;
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeString(v: string | null): Encoder;
  buffer: Buffer;
}
const KafkaEncoder = require('kafkajs/src/protocol/encoder') as new () => Encoder;

/** Reads a version 0 request body with kafkajs' decoder, field by field as the spec lists them. */
function readRequest(body: Buffer) {
  const d = new KafkaDecoder(body);
  const resources = Array.from({ length: d.readInt32() }, () => ({
    resourceType: d.readInt8(),
    resourceName: d.readString(),
    configs: Array.from({ length: d.readInt32() }, () => ({ name: d.readString(), operation: d.readInt8(), value: d.readString() })),
  }));
  const validateOnly = d.readBoolean();
  return { resources, validateOnly, rest: d.canReadBytes(1) };
}

describe('IncrementalAlterConfigs v0 encoding', () => {
  const resources: AlterConfigsResource[] = [
    { resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', operation: ConfigOperation.SET, value: '604800000' }, { name: 'segment.ms', operation: ConfigOperation.DELETE, value: null }] },
    { resourceType: 2, resourceName: 'pägements', configs: [] },
  ];

  it('writes the exact bytes of the protocol layout', () => {
    const body = encodeIncrementalAlterConfigs([{ resourceType: 2, resourceName: 't', configs: [{ name: 'a', operation: 1, value: null }] }], true);
    // [resources]=1, type=2, name="t", [configs]=1, name="a", op=DELETE, value=null, validate_only=true
    expect([...body]).toEqual([0, 0, 0, 1, 2, 0, 1, 0x74, 0, 0, 0, 1, 0, 1, 0x61, 1, 0xff, 0xff, 1]);
  });

  it('round-trips through kafkajs\' reference decoder, UTF-8 names and null values included', () => {
    expect(readRequest(encodeIncrementalAlterConfigs(resources))).toEqual({ resources, validateOnly: false, rest: false });
  });

  it('maps a planned action to SET per set/pin and DELETE per unset, nothing else', () => {
    const resource = incrementalResource({
      kind: 'topic.alterConfig',
      topic: 'orders',
      method: 'incremental',
      changes: [
        { key: 'cleanup.policy', op: 'set', from: 'delete', to: 'compact', source: 'topic' },
        { key: 'retention.ms', op: 'pin', from: '604800000', to: '604800000', source: 'default' },
        { key: 'segment.ms', op: 'unset', from: '1', to: null, source: 'topic' },
      ],
      reason: 'r',
    });
    expect(resource).toEqual({
      resourceType: 2,
      resourceName: 'orders',
      configs: [
        { name: 'cleanup.policy', operation: ConfigOperation.SET, value: 'compact' },
        { name: 'retention.ms', operation: ConfigOperation.SET, value: '604800000' },
        { name: 'segment.ms', operation: ConfigOperation.DELETE, value: null },
      ],
    });
  });
});

describe('IncrementalAlterConfigs v0 response decoding', () => {
  /** A response body written with kafkajs' encoder, field by field as the spec lists them. */
  function response(throttle: number, rs: { code: number; message: string | null; type: number; name: string }[]): Buffer {
    const e = new KafkaEncoder().writeInt32(throttle).writeInt32(rs.length);
    for (const r of rs) e.writeInt16(r.code).writeString(r.message).writeInt8(r.type).writeString(r.name);
    return e.buffer;
  }

  it('reads per-resource error codes and messages', () => {
    const body = response(7, [
      { code: 0, message: null, type: 2, name: 'orders' },
      { code: 40, message: 'Unknown topic config name: x', type: 2, name: 'payments' },
    ]);
    expect(decodeIncrementalAlterConfigsResponse(body)).toEqual({
      throttleTimeMs: 7,
      responses: [
        { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
        { errorCode: 40, errorMessage: 'Unknown topic config name: x', resourceType: 2, resourceName: 'payments' },
      ],
    });
  });

  it('refuses a truncated or overlong body at every length', () => {
    const body = response(0, [{ code: 0, message: 'ok', type: 2, name: 'orders' }]);
    for (let n = 0; n < body.length; n++) expect(() => decodeIncrementalAlterConfigsResponse(body.subarray(0, n))).toThrow(/truncated/);
    expect(() => decodeIncrementalAlterConfigsResponse(Buffer.concat([body, Buffer.from([0])]))).toThrow(/unread/);
  });
});
