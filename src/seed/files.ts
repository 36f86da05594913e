import { isUtf8 } from 'node:buffer';
import type { Problem } from '../errors.js';
import { isScanError, messageRanges, RANGE_KEY, RANGE_VALUE, scanJsonLine, type MessageRanges } from './json-scan.js';
import type { SeedMessage } from './types.js';

/** Receives a message that is its line's bytes as written, bytes[start, end), instead of a message object. */
export type VerbatimSink = (bytes: Buffer, start: number, end: number) => void;

/** At most this many bad lines are listed per file; the rest are counted. */
export const MAX_LINE_PROBLEMS = 20;

/** Messages read from a seed file and every problem found; messages are meaningless when problems is non-empty. */
export interface ParsedSeedFile {
  messages: SeedMessage[];
  problems: Problem[];
}

/** Parses a whole seed file's bytes at once (see SeedFileParser). */
export function parseSeedFile(bytes: Buffer, format: 'jsonl' | 'text', file: string): ParsedSeedFile {
  const messages: SeedMessage[] = [];
  const parser = new SeedFileParser(format, file);
  const emit = (m: SeedMessage): void => {
    messages.push(m);
  };
  parser.push(bytes, emit);
  parser.end(emit);
  return { messages, problems: parser.problems };
}

/**
 * Parses a seed file fed in chunks of any size, so a large file is never whole in memory. `file` is the path
 * as written in the spec, used in problem positions. jsonl: one JSON value per line (a message object, or the
 * value itself); text: one value per line. Blank lines are skipped in both; a UTF-8 byte-order mark is
 * ignored; CRLF line ends are accepted. Messages may share memory with the chunks they came from.
 */
export class SeedFileParser {
  /** Problems found so far (at most MAX_LINE_PROBLEMS lines, then a count once ended). */
  readonly problems: Problem[] = [];
  private bad = 0;
  private line = 0;
  /** Chunks of a line not yet ended by a newline. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private atStart = true;
  private readonly ranges = messageRanges();
  /** Messages produced as their line's bytes as written (not message objects, not JSON strings). */
  verbatimCount = 0;

  /**
   * `knownVerbatim`: the bytes were parsed before (same hash) and every line was a value produced as written, so
   * each non-blank line is taken as it is, without scanning it again. The caller checks the hash at the end.
   */
  constructor(
    private readonly format: 'jsonl' | 'text',
    private readonly file: string,
    private readonly knownVerbatim = false,
  ) {}

  /** Parses the lines that `chunk` completes, passing each message to `emit` in file order. */
  push(chunk: Buffer, emit: (m: SeedMessage) => void, verbatim?: VerbatimSink): void {
    const nl = chunk.lastIndexOf(0x0a);
    if (nl < 0 || (this.atStart && this.pendingBytes + chunk.length < 3)) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return;
    }
    let from = 0;
    if (this.pending.length > 0) {
      // Only the line that spans chunks is copied together; the rest of the chunk is parsed where it lies.
      const first = chunk.indexOf(0x0a) + 1;
      const head = Buffer.concat([...this.pending, chunk.subarray(0, first)]);
      this.pending = [];
      this.pendingBytes = 0;
      this.lines(head, this.skipBom(head), head.length, emit, verbatim);
      from = first;
    } else {
      from = this.skipBom(chunk);
    }
    this.lines(chunk, from, nl + 1, emit, verbatim);
    // A copy, so the rest of a line does not keep the whole chunk alive.
    if (nl + 1 < chunk.length) this.keep(Buffer.from(chunk.subarray(nl + 1)));
  }

  /** Parses the last line (without a newline) and closes the problem list. */
  end(emit: (m: SeedMessage) => void, verbatim?: VerbatimSink): void {
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.lines(bytes, this.skipBom(bytes), bytes.length, emit, verbatim);
    if (this.bad > MAX_LINE_PROBLEMS) {
      this.problems.push({ message: `... and ${this.bad - MAX_LINE_PROBLEMS} more malformed lines`, at: { file: this.file, line: 1, col: 1 } });
      this.bad = MAX_LINE_PROBLEMS;
    }
  }

  private keep(rest: Buffer): void {
    this.pending.push(rest);
    this.pendingBytes += rest.length;
  }

  /** Where parsing starts: after a UTF-8 byte-order mark at the very start of the file. */
  private skipBom(bytes: Buffer): number {
    if (!this.atStart) return 0;
    this.atStart = false;
    return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  }

  private report(line: number, col: number, message: string): void {
    this.bad++;
    if (this.bad <= MAX_LINE_PROBLEMS) this.problems.push({ message, at: { file: this.file, line, col } });
  }

  /** Parses the lines in bytes[from, to); `to` is the end of the buffer or just after a newline. Verbatim messages go to `verbatim` when given. */
  private lines(bytes: Buffer, from: number, to: number, emit: (m: SeedMessage) => void, verbatim?: VerbatimSink): void {
    const format = this.format;
    const ranges = this.ranges;
    // Lines end at '\n' (ASCII), so when the whole span is UTF-8 every line is: one check instead of one per line.
    const allUtf8 = format === 'jsonl' && !this.knownVerbatim && isUtf8(bytes.subarray(from, to));
    for (let begin = from; begin < to; ) {
      const line = ++this.line;
      const nl = bytes.indexOf(0x0a, begin);
      const end = nl < 0 || nl >= to ? to : nl;
      const lineBegin = begin;
      begin = end + 1;
      // Trim at both ends (jsonl: JSON whitespace; text: only a CR of CRLF); the bytes between are produced untouched.
      let a = lineBegin;
      let b = end;
      if (format === 'jsonl') while (a < b && isSpace(bytes[a]!)) a++;
      while (b > a && (bytes[b - 1] === 0x0d || (format === 'jsonl' && isSpace(bytes[b - 1]!)))) b--;
      if (a === b) continue;
      if (format === 'text' || this.knownVerbatim) {
        this.verbatimCount++;
        if (verbatim) verbatim(bytes, a, b);
        else emit(plain(bytes.subarray(a, b)));
        continue;
      }
      // JSON text is UTF-8 (RFC 8259): a line that is not would reach Kafka with its bad bytes replaced by U+FFFD.
      if (!allUtf8 && !isUtf8(bytes.subarray(a, b))) {
        const at = firstInvalidUtf8(bytes, a, b);
        this.report(line, bytes.toString('utf8', lineBegin, at).length + 1, `invalid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')}): JSON Lines files must be UTF-8`);
        continue;
      }
      const shape = scanJsonLine(bytes, a, b, ranges);
      if (isScanError(shape)) {
        // Columns count characters, as editors do, not bytes.
        this.report(line, bytes.toString('utf8', lineBegin, shape.offset).length + 1, shape.message);
        continue;
      }
      if (shape.messageObject) {
        const o = JSON.parse(bytes.toString('utf8', a, b)) as Record<string, unknown>;
        const msg = messageFromObject(o, (m) => this.report(line, a - lineBegin + 1, m));
        if (msg) {
          // Key and value as the exact bytes written: JSON.parse would round 12345678901234567890.
          msg.key = rawMember(bytes, ranges, RANGE_KEY);
          msg.value = rawMember(bytes, ranges, RANGE_VALUE);
          emit(msg);
        }
      } else if (shape.kind === 'string') {
        emit(plain(Buffer.from(JSON.parse(bytes.toString('utf8', a, b)) as string, 'utf8')));
      } else {
        // Any other JSON value is produced as the bytes written, so number precision and spacing survive.
        this.verbatimCount++;
        if (verbatim) verbatim(bytes, a, b);
        else emit(plain(bytes.subarray(a, b)));
      }
    }
  }
}

/** A message object's key or value as produced: a JSON string as its text, null as null, anything else as the bytes written. */
function rawMember(bytes: Buffer, ranges: MessageRanges, member: number): Buffer | null {
  const start = ranges[2 * member]!;
  const end = ranges[2 * member + 1]!;
  if (start < 0) return null;
  if (bytes[start] === 0x22) return Buffer.from(JSON.parse(bytes.toString('utf8', start, end)) as string, 'utf8');
  if (end - start === 4 && bytes.toString('latin1', start, end) === 'null') return null;
  return bytes.subarray(start, end);
}

/** Offset of the first byte in b[start, end) that does not begin or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > end) return i;
    if (n > 1 && !isUtf8(b.subarray(i, i + n))) return i;
    i += n;
  }
  return end;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** The headers of every message without any: one frozen object instead of one per line of a large file. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A message that is only a value. */
function plain(value: Buffer): SeedMessage {
  return { key: null, value, headers: NO_HEADERS, partition: null, timestamp: null };
}

/** A message from a message object, its key and value still null (the caller takes them as written); reports its problems and returns null when it has any. */
function messageFromObject(o: Record<string, unknown>, report: (message: string) => void): SeedMessage | null {
  let ok = true;
  const problem = (m: string): void => {
    ok = false;
    report(m);
  };
  const headers: Record<string, string> = {};
  if (o.headers !== undefined && o.headers !== null) {
    if (typeof o.headers !== 'object' || Array.isArray(o.headers)) {
      problem('"headers" must be an object of strings');
    } else {
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) {
        if (typeof v === 'string') headers[k] = v;
        else if (typeof v === 'number' || typeof v === 'boolean') headers[k] = String(v);
        else problem(`header "${k}" must be a string`);
      }
    }
  }
  let partition: number | null = null;
  if (o.partition !== undefined && o.partition !== null) {
    if (typeof o.partition === 'number' && Number.isInteger(o.partition) && o.partition >= 0) partition = o.partition;
    else problem('"partition" must be a non-negative integer');
  }
  let timestamp: string | null = null;
  if (o.timestamp !== undefined && o.timestamp !== null) {
    timestamp = toEpochMs(o.timestamp);
    if (timestamp === null) problem('"timestamp" must be epoch milliseconds or an ISO 8601 date-time');
  }
  if (!ok) return null;
  return { key: null, value: null, headers, partition, timestamp };
}

/** A key or value: strings as their UTF-8 bytes, null/absent as null, anything else as JSON. */
export function toBytes(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return Buffer.from(JSON.stringify(v), 'utf8');
}

/** Epoch ms (decimal string) from a number of ms or an ISO date-time; null when neither. */
export function toEpochMs(v: unknown): string | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : null;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) || ms < 0 ? null : String(ms);
  }
  return null;
}
