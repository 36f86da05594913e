// DescribeUserScramCredentials (API key 50) and AlterUserScramCredentials (API key 51), which kafkajs lacks,
// encoded here for version 0, their only version. Both are flexible from version 0: compact strings, arrays and
// bytes (unsigned varint length + 1) and a tagged-field section after each struct. kafkajs frames requests with
// header v1; header v2 is v1 plus an empty tagged-field section, so each body starts with that one 0 byte, and
// each response body (after the correlation id) starts with the response header's tagged fields. Pure encoding
// and decoding; sending goes through the raw-request door in src/kafka/internals.ts.
//
// DescribeUserScramCredentials Request (Version: 0) => [users] TAG_BUFFER
//   users => name:COMPACT_STRING TAG_BUFFER                     (a null array: every user)
// DescribeUserScramCredentials Response (Version: 0) => throttle_time_ms:INT32 error_code:INT16
//     error_message:COMPACT_NULLABLE_STRING [results] TAG_BUFFER
//   results => user:COMPACT_STRING error_code:INT16 error_message:COMPACT_NULLABLE_STRING [credential_infos] TAG_BUFFER
//     credential_infos => mechanism:INT8 iterations:INT32 TAG_BUFFER
// AlterUserScramCredentials Request (Version: 0) => [deletions] [upsertions] TAG_BUFFER
//   deletions => name:COMPACT_STRING mechanism:INT8 TAG_BUFFER
//   upsertions => name:COMPACT_STRING mechanism:INT8 iterations:INT32 salt:COMPACT_BYTES salted_password:COMPACT_BYTES TAG_BUFFER
// AlterUserScramCredentials Response (Version: 0) => throttle_time_ms:INT32 [results] TAG_BUFFER
//   results => user:COMPACT_STRING error_code:INT16 error_message:COMPACT_NULLABLE_STRING TAG_BUFFER

/** The API key of DescribeUserScramCredentials. */
export const DESCRIBE_USER_SCRAM_CREDENTIALS_KEY = 50;

/** The API key of AlterUserScramCredentials. */
export const ALTER_USER_SCRAM_CREDENTIALS_KEY = 51;

/** The one version of both APIs (Kafka 2.7 to 4.4). */
export const SCRAM_CREDENTIALS_VERSION = 0;

/** The protocol's mechanism codes (0 is UNKNOWN). */
export const ScramMechanismCode = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const;

/** A SCRAM mechanism name as Kafka spells it. */
export type ScramMechanismName = keyof typeof ScramMechanismCode;

/** The mechanism name of a protocol code; null for UNKNOWN or a code this version does not know. */
export function mechanismName(code: number): ScramMechanismName | null {
  return code === 1 ? 'SCRAM-SHA-256' : code === 2 ? 'SCRAM-SHA-512' : null;
}

/** One credential to set: the salted password only, never the password itself, goes on the wire. */
export interface ScramUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

/** One credential to remove. */
export interface ScramDeletion {
  name: string;
  mechanism: number;
}

/** One user's described credentials; errorCode 0 means described. */
export interface DescribedScramUser {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentials: { mechanism: number; iterations: number }[];
}

/** The decoded DescribeUserScramCredentials response. */
export interface DescribeScramResult {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: DescribedScramUser[];
}

/** One user's answer to AlterUserScramCredentials (one per user named in the request); 0 means applied. */
export interface AlterScramUserResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

/** The decoded AlterUserScramCredentials response. */
export interface AlterScramResult {
  throttleTimeMs: number;
  results: AlterScramUserResult[];
}

/** The request body (request-header tagged fields first) describing `users`, or every user when null. */
export function encodeDescribeUserScramCredentials(users: string[] | null): Buffer {
  const w = new Writer();
  w.tags();
  if (users === null) w.uvarint(0);
  else {
    w.uvarint(users.length + 1);
    for (const u of users) w.string(u).tags();
  }
  w.tags();
  return w.done();
}

/** Decodes a DescribeUserScramCredentials response body (response-header tagged fields first). */
export function decodeDescribeUserScramCredentialsResponse(body: Buffer): DescribeScramResult {
  const r = new Reader(body, 'DescribeUserScramCredentials');
  r.tags();
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.nullableString();
  const results = r.array(() => {
    const user = r.string();
    const userError = r.int16();
    const userMessage = r.nullableString();
    const credentials = r.array(() => {
      const mechanism = r.int8();
      const iterations = r.int32();
      r.tags();
      return { mechanism, iterations };
    });
    r.tags();
    return { user, errorCode: userError, errorMessage: userMessage, credentials };
  });
  r.tags();
  r.end();
  return { throttleTimeMs, errorCode, errorMessage, results };
}

/** The request body (request-header tagged fields first) removing `deletions` and setting `upsertions`. */
export function encodeAlterUserScramCredentials(deletions: ScramDeletion[], upsertions: ScramUpsertion[]): Buffer {
  const w = new Writer();
  w.tags();
  w.uvarint(deletions.length + 1);
  for (const d of deletions) w.string(d.name).int8(d.mechanism).tags();
  w.uvarint(upsertions.length + 1);
  for (const u of upsertions) w.string(u.name).int8(u.mechanism).int32(u.iterations).bytes(u.salt).bytes(u.saltedPassword).tags();
  w.tags();
  return w.done();
}

/** Decodes an AlterUserScramCredentials response body (response-header tagged fields first). */
export function decodeAlterUserScramCredentialsResponse(body: Buffer): AlterScramResult {
  const r = new Reader(body, 'AlterUserScramCredentials');
  r.tags();
  const throttleTimeMs = r.int32();
  const results = r.array(() => {
    const user = r.string();
    const errorCode = r.int16();
    const errorMessage = r.nullableString();
    r.tags();
    return { user, errorCode, errorMessage };
  });
  r.tags();
  r.end();
  return { throttleTimeMs, results };
}

/** Appends big-endian fixed-width integers and compact (varint-length) fields. */
class Writer {
  private readonly parts: Buffer[] = [];

  uvarint(v: number): this {
    const bytes: number[] = [];
    let n = v >>> 0;
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(n);
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    this.parts.push(b);
    return this;
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }

  /** COMPACT_STRING: uvarint (byte length + 1), then UTF-8. */
  string(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  /** COMPACT_BYTES: uvarint (length + 1), then the bytes. */
  bytes(b: Buffer): this {
    this.uvarint(b.length + 1);
    this.parts.push(b);
    return this;
  }

  /** An empty tagged-field section. */
  tags(): this {
    return this.uvarint(0);
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A bounds-checked reader of the flexible encoding; unknown tagged fields are skipped. */
class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly api: string,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`${this.api} response is truncated`);
  }

  uvarint(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new Error(`${this.api} response has an overlong varint`);
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  nullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    this.need(n - 1);
    const s = this.buf.toString('utf8', this.pos, this.pos + n - 1);
    this.pos += n - 1;
    return s;
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new Error(`${this.api} response has a null where a string belongs`);
    return s;
  }

  /** A compact array; a null array reads as empty. */
  array<T>(item: () => T): T[] {
    const n = this.uvarint();
    const out: T[] = [];
    for (let i = 0; i < n - 1; i++) out.push(item());
    return out;
  }

  tags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.need(size);
      this.pos += size;
    }
  }

  end(): void {
    if (this.pos !== this.buf.length) throw new Error(`${this.api} response has ${this.buf.length - this.pos} unread bytes`);
  }
}
