// Kafka protocol primitives for the requests kafkajs lacks and we encode ourselves (non-flexible versions only:
// kafkajs frames requests with header v1). Pure: bytes in, bytes out.

/** INT8. */
export function int8(v: number): Buffer {
  const b = Buffer.alloc(1);
  b.writeInt8(v);
  return b;
}

/** INT16, big-endian. */
export function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}

/** INT32, big-endian. */
export function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

/** STRING: INT16 byte length, then UTF-8 bytes. */
export function string(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(bytes.length), bytes]);
}

/** NULLABLE_STRING: length -1 for null. */
export function nullableString(s: string | null): Buffer {
  return s === null ? int16(-1) : string(s);
}

/** ARRAY: INT32 count, then each element's bytes. */
export function array<T>(items: readonly T[], encode: (item: T) => Buffer[]): Buffer[] {
  return [int32(items.length), ...items.flatMap(encode)];
}

/** A bounds-checked big-endian reader of a response body; `what` names the response in errors. */
export class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what = 'response',
  ) {}

  /** Reads `n` bytes at the position with `read` and moves past them. */
  private take<T>(n: number, read: (at: number) => T): T {
    this.need(n);
    const v = read(this.pos);
    this.pos += n;
    return v;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`${this.what} is truncated`);
  }

  int8(): number {
    return this.take(1, (at) => this.buf.readInt8(at));
  }

  int16(): number {
    return this.take(2, (at) => this.buf.readInt16BE(at));
  }

  int32(): number {
    return this.take(4, (at) => this.buf.readInt32BE(at));
  }

  int64(): bigint {
    return this.take(8, (at) => this.buf.readBigInt64BE(at));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  /** ARRAY: INT32 count (a null array, -1, reads as empty), then each element read by `read`. */
  array<T>(read: (r: this) => T): T[] {
    const out: T[] = [];
    for (let i = this.int32(); i > 0; i--) out.push(read(this));
    return out;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** Throws when bytes are left over: the body is longer than the version we decode. */
  end(): void {
    if (this.pos !== this.buf.length) throw new Error(`${this.what} has ${this.buf.length - this.pos} unread bytes`);
  }
}
