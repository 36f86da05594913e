import { createColors } from 'picocolors';
import type { FetchedMessage } from '../kafka/fetch.js';

/** Bytes as peek shows them: absent, UTF-8 text, or binary (not valid UTF-8). */
export type DecodedBytes = { kind: 'null' } | { kind: 'text'; text: string } | { kind: 'binary'; base64: string; length: number };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes key/value/header bytes; anything that is not valid UTF-8 is binary. */
export function decodeBytes(b: Buffer | null): DecodedBytes {
  if (b === null) return { kind: 'null' };
  try {
    return { kind: 'text', text: utf8.decode(b) };
  } catch {
    return { kind: 'binary', base64: b.toString('base64'), length: b.length };
  }
}

/** One message as a --json line: value parsed when it is JSON, else a string; binary as {"base64": ...}. */
export interface PeekJson {
  topic: string;
  partition: number;
  offset: number | string;
  /** ISO 8601, or null when the record carries no valid timestamp. */
  timestamp: string | null;
  key: string | null | { base64: string };
  value: unknown;
  /** A header written several times becomes an array of its values, in order. */
  headers: Record<string, string | { base64: string } | (string | { base64: string })[]>;
}

/** The --json object of a message. */
export function toPeekJson(m: FetchedMessage): PeekJson {
  const headers: PeekJson['headers'] = {};
  for (const [k, list] of Object.entries(m.headers)) {
    const values = list.map((b) => plain(decodeBytes(b)) ?? '');
    headers[k] = values.length === 1 ? values[0]! : values;
  }
  const value = decodeBytes(m.value);
  return {
    topic: m.topic,
    partition: m.partition,
    offset: toOffset(m.offset),
    timestamp: isoTime(m.timestamp),
    key: plain(decodeBytes(m.key)),
    value: value.kind === 'text' ? parseJson(value.text) ?? value.text : plain(value),
    headers,
  };
}

/** One message as one line of JSON (--json). */
export function formatMessageJson(m: FetchedMessage): string {
  return JSON.stringify(toPeekJson(m));
}

/**
 * One message as readable lines: a heading `topic[partition]@offset  time  key=...`, the headers, then the
 * value indented (JSON pretty-printed). Colour only when asked; control characters are escaped so a value
 * cannot drive the terminal.
 */
export function formatMessageText(m: FetchedMessage, opts: { color: boolean }): string[] {
  const c = createColors(opts.color);
  const key = decodeBytes(m.key);
  const lines = [
    `${c.bold(c.cyan(`${m.topic}[${m.partition}]@${m.offset}`))}  ${c.dim(isoTime(m.timestamp) ?? '(no timestamp)')}  ${c.yellow(`key=${inline(key)}`)}`,
  ];
  const headers = Object.entries(m.headers).flatMap(([k, list]) => list.map((b) => `${safe(k)}=${inline(decodeBytes(b))}`));
  if (headers.length > 0) lines.push(`  ${c.dim('headers:')} ${headers.join(', ')}`);
  const value = decodeBytes(m.value);
  if (value.kind === 'null') lines.push(`  ${c.dim('(null)')}`);
  else if (value.kind === 'binary') lines.push(`  ${c.dim(`(binary, ${value.length} bytes, base64)`)} ${value.base64}`);
  else if (value.text === '') lines.push(`  ${c.dim('(empty)')}`);
  else {
    const parsed = parseJson(value.text);
    const body = parsed !== undefined && typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed, null, 2) : value.text;
    for (const line of body.split('\n')) lines.push(`  ${safe(line)}`);
  }
  return lines;
}

/** A key or header value on one line: text escaped, (null), or a base64 marker. */
function inline(d: DecodedBytes): string {
  if (d.kind === 'null') return '(null)';
  if (d.kind === 'binary') return `(base64)${d.base64}`;
  if (d.text === '') return '(empty)';
  return safe(d.text).replace(/\n/g, '\\n');
}

/** Decoded bytes as JSON: text as a string, null as null, binary as {base64}. */
function plain(d: DecodedBytes): string | null | { base64: string } {
  if (d.kind === 'null') return null;
  if (d.kind === 'binary') return { base64: d.base64 };
  return d.text;
}

/** The parsed value when text is JSON, else undefined. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Escapes C0 control characters (ESC above all), DEL and C1 controls, keeping tabs and newlines. */
function safe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Epoch ms (string) as ISO 8601; null for absent (-1) or unrepresentable timestamps. */
function isoTime(ms: string): string | null {
  const n = Number(ms);
  if (!Number.isFinite(n) || n < 0) return null;
  const d = new Date(n);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An offset as a JSON number when exact, else as a string. */
function toOffset(offset: string): number | string {
  const n = Number(offset);
  return Number.isSafeInteger(n) ? n : offset;
}
