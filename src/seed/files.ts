import type { Problem } from '../errors.js';
import { isScanError, scanJsonLine } from './json-scan.js';
import type { SeedMessage } from './types.js';

/** At most this many bad lines are listed per file; the rest are counted. */
export const MAX_LINE_PROBLEMS = 20;

/** Messages read from a seed file and every problem found; messages are meaningless when problems is non-empty. */
export interface ParsedSeedFile {
  messages: SeedMessage[];
  problems: Problem[];
}

/**
 * Parses a seed file's bytes. `file` is the path as written in the spec, used in problem positions.
 * jsonl: one JSON value per line (a message object, or the value itself); text: one value per line.
 * Blank lines are skipped in both; a UTF-8 byte-order mark is ignored; CRLF line ends are accepted.
 */
export function parseSeedFile(bytes: Buffer, format: 'jsonl' | 'text', file: string): ParsedSeedFile {
  const messages: SeedMessage[] = [];
  const problems: Problem[] = [];
  let bad = 0;
  const report = (line: number, col: number, message: string): void => {
    bad++;
    if (bad <= MAX_LINE_PROBLEMS) problems.push({ message, at: { file, line, col } });
  };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 0;
  for (let begin = bom; begin < bytes.length; ) {
    line++;
    const nl = bytes.indexOf(0x0a, begin);
    const end = nl < 0 ? bytes.length : nl;
    const lineBegin = begin;
    begin = end + 1;
    // Trim at both ends (jsonl: JSON whitespace; text: only a CR of CRLF); the bytes between are produced untouched.
    let a = lineBegin;
    let b = end;
    if (format === 'jsonl') while (a < b && isSpace(bytes[a]!)) a++;
    while (b > a && (bytes[b - 1] === 0x0d || (format === 'jsonl' && isSpace(bytes[b - 1]!)))) b--;
    if (a === b) continue;
    if (format === 'text') {
      messages.push(plain(bytes.subarray(a, b)));
      continue;
    }
    const shape = scanJsonLine(bytes, a, b);
    if (isScanError(shape)) {
      // Columns count characters, as editors do, not bytes.
      report(line, bytes.toString('utf8', lineBegin, shape.offset).length + 1, shape.message);
      continue;
    }
    if (shape.messageObject) {
      const msg = messageFromObject(JSON.parse(bytes.toString('utf8', a, b)) as Record<string, unknown>, (m) => report(line, a - lineBegin + 1, m));
      if (msg) messages.push(msg);
    } else if (shape.kind === 'string') {
      messages.push(plain(Buffer.from(JSON.parse(bytes.toString('utf8', a, b)) as string, 'utf8')));
    } else {
      // Any other JSON value is produced as the bytes written, so number precision and spacing survive.
      messages.push(plain(bytes.subarray(a, b)));
    }
  }
  if (bad > MAX_LINE_PROBLEMS) {
    problems.push({ message: `... and ${bad - MAX_LINE_PROBLEMS} more malformed lines`, at: { file, line: 1, col: 1 } });
  }
  return { messages, problems };
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

/** A message from a message object; reports its problems and returns null when it has any. */
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
  return { key: toBytes(o.key), value: toBytes(o.value), headers, partition, timestamp };
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
