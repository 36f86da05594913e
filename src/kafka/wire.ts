// The primitive types of Kafka's non-flexible protocol versions (big-endian integers, INT16-length strings,
// INT32-length arrays), for the requests kafkajs lacks and we frame ourselves. Pure: no I/O, no kafkajs.

/** Builds a request body field by field, in protocol order. */
export class ProtocolWriter {
  private readonly parts: Buffer[] = [];

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }

  boolean(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  /** STRING: INT16 byte length, then UTF-8 bytes. */
  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeInt16BE(bytes.length);
    return this.push(len).push(bytes);
  }

  /** NULLABLE_STRING: length -1 for null. */
  nullableString(s: string | null): this {
    if (s !== null) return this.string(s);
    const len = Buffer.alloc(2);
    len.writeInt16BE(-1);
    return this.push(len);
  }

  /** ARRAY: INT32 count, then each item written by `write`. */
  array<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  /** The bytes written so far. */
  get buffer(): Buffer {
    return Buffer.concat(this.parts);
  }

  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
}

/** A bounds-checked reader of a response body; `what` names the response in its errors. */
export class ProtocolReader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

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

  /** STRING read as NULLABLE_STRING: a null (length -1) reads as null. */
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** ARRAY: INT32 count (a null array, -1, reads as empty), then each item read by `read`. */
  array<T>(read: (r: this) => T): T[] {
    const count = this.int32();
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(read(this));
    return out;
  }

  /** Throws when bytes are left over: the body was longer than the layout we read. */
  end(): void {
    if (this.pos !== this.buf.length) throw new Error(`${this.what} response has ${this.buf.length - this.pos} unread bytes`);
  }

  /** Reads `n` bytes at the position with `read` and moves past them. */
  private take<T>(n: number, read: (at: number) => T): T {
    this.need(n);
    const v = read(this.pos);
    this.pos += n;
    return v;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`${this.what} response is truncated`);
  }
}
