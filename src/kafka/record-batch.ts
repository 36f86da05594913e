// Kafka's record batch format (magic 2), written straight from plain records: kafkajs' producer builds
// an object per record and regroups messages quadratically, which made seeding 3x slower than kcat.

/** One record to encode: bytes, not templates (a seed message is one). */
export interface BatchRecord {
  key: Buffer | null;
  /** null is a tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
  /** Epoch ms as a decimal string; null means "when encoded" (`now`). */
  timestamp: string | null;
}

/** Bytes of a record batch header (magic 2), up to and including the record count. */
export const BATCH_HEADER_BYTES = 61;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
/** Attribute bit marking a batch as part of a transaction. */
const TRANSACTIONAL = 0x10;

/** Identity of the writer, stamped on each batch so the broker can de-duplicate and fence. */
export interface BatchWriter {
  producerId: bigint;
  producerEpoch: number;
  transactional: boolean;
}

/** A compressor of the records section; null for none. */
export type Compress = ((records: Buffer) => Buffer | Promise<Buffer>) | null;

/**
 * Encodes messages[indices] as one record batch starting at `baseSequence`. Compression `codec`
 * is the attribute value (1 gzip, ...) and `compress` turns the records section into its compressed form.
 */
export async function encodeRecordBatch(
  messages: readonly BatchRecord[],
  indices: ArrayLike<number>,
  writer: BatchWriter,
  baseSequence: number,
  codec: number,
  compress: Compress,
  now: number = Date.now(),
): Promise<Buffer> {
  const n = indices.length;
  const stamps = new Float64Array(n);
  let first = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const ts = timestampOf(messages[indices[i]!]!, now);
    stamps[i] = ts;
    if (ts < first) first = ts;
    if (ts > max) max = ts;
  }
  if (n === 0) first = max = now;
  let recordsBytes = 0;
  const sizes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const size = recordBodySize(messages[indices[i]!]!, i, stamps[i]! - first);
    sizes[i] = size;
    recordsBytes += varintSize(zigzag(size)) + size;
  }
  const uncompressed = compress === null;
  const records = Buffer.allocUnsafe(uncompressed ? BATCH_HEADER_BYTES + recordsBytes : recordsBytes);
  let pos = uncompressed ? BATCH_HEADER_BYTES : 0;
  for (let i = 0; i < n; i++) {
    pos = writeRecord(records, pos, messages[indices[i]!]!, sizes[i]!, i, stamps[i]! - first);
  }
  return finishBatch(await withRoomForHeader(records, compress), n, first, max, writer, baseSequence, codec);
}

/** Lines of a chunk as byte ranges: value i is buf[starts[i], ends[i]). */
export interface ValueRanges {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

/** Values [from, to) of one ValueRanges: a run of a record batch. */
export interface ValueRun {
  ranges: ValueRanges;
  from: number;
  to: number;
}

/**
 * Encodes the values of `runs`, in order, as one record batch of keyless, header-less records stamped `now`:
 * the same bytes encodeRecordBatch writes for such messages, without a message object per record.
 */
export async function encodeValueRuns(runs: readonly ValueRun[], writer: BatchWriter, baseSequence: number, codec: number, compress: Compress, now: number = Date.now()): Promise<Buffer> {
  let n = 0;
  let recordsBytes = 0;
  for (const { ranges, from, to } of runs) {
    const { starts, ends } = ranges;
    for (let i = from; i < to; i++, n++) {
      const len = ends[i]! - starts[i]!;
      // attributes, timestamp delta 0, offset delta, null key, value length and bytes, no headers
      const size = 1 + 1 + varintSize(zigzag(n)) + 1 + varintSize(zigzag(len)) + len + 1;
      recordsBytes += varintSize(zigzag(size)) + size;
    }
  }
  const uncompressed = compress === null;
  const records = Buffer.allocUnsafe(uncompressed ? BATCH_HEADER_BYTES + recordsBytes : recordsBytes);
  let pos = uncompressed ? BATCH_HEADER_BYTES : 0;
  let delta = 0;
  for (const { ranges, from, to } of runs) {
    const { starts, ends } = ranges;
    // A plain Uint8Array view: its subarray is cheap, where Buffer#subarray and Buffer#copy build a Buffer per call.
    const src = new Uint8Array(ranges.buf.buffer, ranges.buf.byteOffset, ranges.buf.length);
    for (let i = from; i < to; i++, delta++) {
      const start = starts[i]!;
      const len = ends[i]! - start;
      const size = 1 + 1 + varintSize(zigzag(delta)) + 1 + varintSize(zigzag(len)) + len + 1;
      pos = writeVarint(records, pos, zigzag(size));
      records[pos++] = 0; // record attributes
      records[pos++] = 0; // timestamp delta
      pos = writeVarint(records, pos, zigzag(delta));
      records[pos++] = 1; // key: zigzag(-1), null
      pos = writeVarint(records, pos, zigzag(len));
      records.set(src.subarray(start, start + len), pos);
      pos += len;
      records[pos++] = 0; // headers: none
    }
  }
  return finishBatch(await withRoomForHeader(records, compress), n, now, now, writer, baseSequence, codec);
}

/** The batch buffer: the records as written after the header's room, or compressed behind a fresh header's room. */
async function withRoomForHeader(records: Buffer, compress: Compress): Promise<Buffer> {
  if (compress === null) return records;
  const packed = await compress(records);
  const buf = Buffer.allocUnsafe(BATCH_HEADER_BYTES + packed.length);
  packed.copy(buf, BATCH_HEADER_BYTES);
  return buf;
}

/** Writes the batch header in front of the records already in buf (after BATCH_HEADER_BYTES) and its CRC. */
function finishBatch(buf: Buffer, n: number, first: number, max: number, writer: BatchWriter, baseSequence: number, codec: number): Buffer {
  buf.writeBigInt64BE(0n, 0); // base offset: assigned by the broker
  buf.writeInt32BE(buf.length - 12, 8); // batch length after this field
  buf.writeInt32BE(-1, 12); // partition leader epoch: unknown to producers
  buf.writeInt8(2, 16); // magic
  buf.writeInt16BE((codec & 0x07) | (writer.transactional ? TRANSACTIONAL : 0), ATTRIBUTES_OFFSET);
  buf.writeInt32BE(n - 1, 23); // last offset delta
  buf.writeBigInt64BE(BigInt(first), 27);
  buf.writeBigInt64BE(BigInt(max), 35);
  buf.writeBigInt64BE(writer.producerId, 43);
  buf.writeInt16BE(writer.producerEpoch, 51);
  buf.writeInt32BE(baseSequence, 53);
  buf.writeInt32BE(n, 57);
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_OFFSET, buf.length), CRC_OFFSET);
  return buf;
}

/** A message's timestamp in epoch ms; `now` when it has none. */
function timestampOf(m: BatchRecord, now: number): number {
  return m.timestamp === null ? now : Number(m.timestamp);
}

/** Bytes of a record after its length prefix. */
function recordBodySize(m: BatchRecord, offsetDelta: number, timestampDelta: number): number {
  let size = 1 + varintSize(zigzag(timestampDelta)) + varintSize(zigzag(offsetDelta));
  size += m.key === null ? 1 : varintSize(zigzag(m.key.length)) + m.key.length;
  size += m.value === null ? 1 : varintSize(zigzag(m.value.length)) + m.value.length;
  let count = 0;
  for (const k in m.headers) {
    const kl = Buffer.byteLength(k);
    const vl = Buffer.byteLength(m.headers[k]!);
    size += varintSize(zigzag(kl)) + kl + varintSize(zigzag(vl)) + vl;
    count++;
  }
  return size + varintSize(zigzag(count));
}

/** Writes one record (length-prefixed) at `pos`; returns the position after it. */
function writeRecord(buf: Buffer, pos: number, m: BatchRecord, size: number, offsetDelta: number, timestampDelta: number): number {
  pos = writeVarint(buf, pos, zigzag(size));
  buf[pos++] = 0; // record attributes: unused
  pos = writeVarint(buf, pos, zigzag(timestampDelta));
  pos = writeVarint(buf, pos, zigzag(offsetDelta));
  pos = writeBytes(buf, pos, m.key);
  pos = writeBytes(buf, pos, m.value);
  let count = 0;
  for (const _ in m.headers) count++;
  pos = writeVarint(buf, pos, zigzag(count));
  for (const k in m.headers) {
    pos = writeString(buf, pos, k);
    pos = writeString(buf, pos, m.headers[k]!);
  }
  return pos;
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, 1); // zigzag(-1): null
  pos = writeVarint(buf, pos, zigzag(b.length));
  // TypedArray#set is a plain memcpy; Buffer#copy costs more per call than a ~200-byte record is worth.
  buf.set(b, pos);
  return pos + b.length;
}

function writeString(buf: Buffer, pos: number, s: string): number {
  const len = Buffer.byteLength(s);
  pos = writeVarint(buf, pos, zigzag(len));
  buf.write(s, pos, 'utf8');
  return pos + len;
}

/** Zigzag encoding of a safe integer (as Kafka's varint/varlong): small magnitudes give small numbers. */
export function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** Bytes of an unsigned base-128 varint. */
export function varintSize(z: number): number {
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes an unsigned base-128 varint; returns the position after it. Division keeps values above 2^32 exact. */
export function writeVarint(buf: Buffer, pos: number, z: number): number {
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/** CRC-32C lookup tables for slicing by 8: table t maps a byte followed by t zero bytes. */
const CRC_TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const prev = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
})();

/** True where 32-bit words read the bytes in little-endian order, as the word loop of crc32c assumes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32C (Castagnoli) of buf[start, end), as Kafka checksums record batches. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const t = CRC_TABLES;
  let c = -1;
  let i = start;
  // Bytes up to a 4-byte boundary of the memory, then eight bytes per step read as two aligned words:
  // one load instead of four per word is what makes the slicing-by-8 loop fast in JS.
  if (LITTLE_ENDIAN && end - start >= 64) {
    for (; ((buf.byteOffset + i) & 3) !== 0; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
    const words = new Int32Array(buf.buffer, buf.byteOffset + i, (end - i) >>> 2);
    const pairs = words.length >>> 1;
    for (let w = 0; w < pairs; w++) {
      c ^= words[2 * w]!;
      const d = words[2 * w + 1]!;
      c =
        t[1792 + (c & 0xff)]! ^
        t[1536 + ((c >>> 8) & 0xff)]! ^
        t[1280 + ((c >>> 16) & 0xff)]! ^
        t[1024 + (c >>> 24)]! ^
        t[768 + (d & 0xff)]! ^
        t[512 + ((d >>> 8) & 0xff)]! ^
        t[256 + ((d >>> 16) & 0xff)]! ^
        t[d >>> 24]!;
    }
    i += pairs * 8;
  }
  for (; i + 8 <= end; i += 8) {
    c ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + buf[i + 4]!]! ^
      t[512 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
