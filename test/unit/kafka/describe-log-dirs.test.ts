import { describe, expect, it } from 'vitest';
import { decodeDescribeLogDirsResponse, encodeDescribeLogDirs } from '../../../src/kafka/describe-log-dirs.js';

/** Big-endian writer for hand-built protocol bytes. */
class W {
  parts: Buffer[] = [];
  i16(n: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    this.parts.push(b);
    return this;
  }
  i32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    this.parts.push(b);
    return this;
  }
  i64(n: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    this.parts.push(b);
    return this;
  }
  str(s: string): this {
    this.i16(Buffer.byteLength(s));
    this.parts.push(Buffer.from(s));
    return this;
  }
  bool(v: boolean): this {
    this.parts.push(Buffer.from([v ? 1 : 0]));
    return this;
  }
  get buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

describe('DescribeLogDirs v1 framing', () => {
  it('encodes the topics and partitions asked for', () => {
    const body = encodeDescribeLogDirs([{ topic: 'a', partitions: [0, 2] }]);
    expect(body.equals(new W().i32(1).str('a').i32(2).i32(0).i32(2).buffer)).toBe(true);
  });

  it('decodes sizes, skipping future replicas and log dirs with an error', () => {
    const raw = new W()
      .i32(0) // throttle
      .i32(2) // results
      .i16(0).str('/data').i32(1).str('a').i32(2)
      .i32(0).i64(1234).i64(0).bool(false)
      .i32(2).i64(99).i64(0).bool(true) // a future replica (being moved between dirs): not counted
      .i16(57).str('/broken').i32(1).str('a').i32(1).i32(1).i64(5).i64(0).bool(false) // KAFKA_STORAGE_ERROR
      .buffer;
    expect(decodeDescribeLogDirsResponse(raw)).toEqual([{ topic: 'a', partition: 0, size: 1234 }]);
  });

  it('refuses a truncated response', () => {
    const raw = new W().i32(0).i32(1).i16(0).str('/data').i32(1).str('a').i32(1).i32(0).i64(7).i64(0).bool(false).buffer;
    expect(decodeDescribeLogDirsResponse(raw)).toEqual([{ topic: 'a', partition: 0, size: 7 }]);
    expect(() => decodeDescribeLogDirsResponse(raw.subarray(0, raw.length - 1))).toThrow(/truncated/);
  });
});
