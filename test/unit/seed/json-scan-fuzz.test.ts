import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSeedFile } from '../../../src/seed/files.js';
import { isScanError, messageRanges, RANGE_KEY, RANGE_VALUE, scanJsonLine } from '../../../src/seed/json-scan.js';
import { createRng, type Rng } from '../../../src/seed/prng.js';

// Differential fuzz of the JSON Lines scanner against JSON.parse: generated JSON lines (with escaped keys,
// odd spacing, big numbers, deep nesting, message objects) and mutations of them must be accepted exactly
// when JSON.parse accepts them, and mean the same: the same top-level kind, the same message-object verdict,
// and key/value ranges whose bytes parse to the members JSON.parse found. Deterministic (fixed seed).

const MESSAGE_KEYS = ['key', 'value', 'headers', 'partition', 'timestamp'];
const ALPHABET = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E', ' ', '\t', 'a', 't', 'n', 'l', 'f', 'é', '\u2028', '😀', '\u0001', '\r'];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)]!;
}

/** A JSON string literal for `s`, some characters written as \uXXXX or short escapes. */
function quote(rng: Rng, s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const r = rng.next();
    if (ch === '"' || ch === '\\' || code < 0x20 || (r < 0.15 && code <= 0xffff)) out += `\\u${rng.next() < 0.5 ? code.toString(16).padStart(4, '0') : code.toString(16).padStart(4, '0').toUpperCase()}`;
    else if (r < 0.2 && ch === '/') out += '\\/';
    else out += ch;
  }
  return `${out}"`;
}

function ws(rng: Rng): string {
  return rng.next() < 0.7 ? '' : pick(rng, [' ', '  ', '\t', ' \t ', '\r ']);
}

function number(rng: Rng): string {
  const r = rng.next();
  if (r < 0.2) return String(rng.int(-1000, 1000));
  if (r < 0.4) return `${rng.next() < 0.5 ? '-' : ''}1234567890123456789012345678901234567890`;
  if (r < 0.6) return `${rng.int(0, 99)}.${rng.int(0, 999)}`;
  if (r < 0.8) return `${rng.int(1, 9)}${pick(rng, ['e', 'E'])}${pick(rng, ['', '+', '-'])}${rng.int(0, 400)}`;
  return pick(rng, ['0', '-0', '0.0', '1e-7', '9007199254740993']);
}

function text(rng: Rng): string {
  const n = rng.int(0, 6);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, ['a', 'Z', ' ', '"', '\\', '/', '\n', '\u0000', 'é', '\u2028', '😀', 'value', 'key', '\ud800']);
  return s;
}

/** A JSON value as text, up to `depth` levels of nesting. */
function value(rng: Rng, depth: number): string {
  const r = rng.next();
  if (depth <= 0 || r < 0.45) {
    const s = rng.next();
    if (s < 0.35) return quote(rng, text(rng));
    if (s < 0.7) return number(rng);
    return pick(rng, ['true', 'false', 'null']);
  }
  if (r < 0.7) return `[${ws(rng)}${Array.from({ length: rng.int(0, 3) }, () => value(rng, depth - 1)).join(`${ws(rng)},${ws(rng)}`)}${ws(rng)}]`;
  return object(rng, depth - 1, rng.next() < 0.3 ? MESSAGE_KEYS : [...MESSAGE_KEYS, 'other', 'Value', 'keys', '']);
}

function object(rng: Rng, depth: number, keys: readonly string[]): string {
  const members = Array.from({ length: rng.int(0, 5) }, () => `${ws(rng)}${quote(rng, pick(rng, keys))}${ws(rng)}:${ws(rng)}${value(rng, depth)}${ws(rng)}`);
  return `{${members.join(',')}}`;
}

/** A line: mostly message-shaped objects, sometimes any value, sometimes deeply nested. */
function line(rng: Rng): string {
  const r = rng.next();
  if (r < 0.5) return `${ws(rng)}${object(rng, 3, MESSAGE_KEYS)}${ws(rng)}`;
  if (r < 0.97) return `${ws(rng)}${value(rng, 4)}${ws(rng)}`;
  const depth = rng.int(500, 1200);
  const inner = rng.next() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return rng.next() < 0.5 ? inner : `{"value":${inner},"key":"k"}`;
}

function mutate(rng: Rng, s: string): string {
  const chars = [...s];
  const at = rng.int(0, chars.length);
  const r = rng.next();
  if (r < 0.35 && chars.length > 0) chars.splice(Math.min(at, chars.length - 1), 1);
  else if (r < 0.7) chars.splice(at, 0, pick(rng, ALPHABET));
  else if (r < 0.85 && chars.length > 0) chars[Math.min(at, chars.length - 1)] = pick(rng, ALPHABET);
  else {
    const from = rng.int(0, chars.length);
    chars.splice(at, 0, ...chars.slice(from, from + rng.int(1, 8)));
  }
  return chars.join('');
}

/** JSON.parse's verdict: the value, or undefined when it throws. */
function parsed(s: string): { ok: true; v: unknown } | { ok: false } {
  try {
    return { ok: true, v: JSON.parse(s) as unknown };
  } catch {
    return { ok: false };
  }
}

function isMessageObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.includes('value') && keys.every((k) => MESSAGE_KEYS.includes(k));
}

/** Disagreements of the scanner with JSON.parse on one line (empty when they agree). */
function disagreements(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  // Lone surrogates do not survive UTF-8 encoding: compare against what the bytes say.
  const textOfBytes = bytes.toString('utf8');
  const ranges = messageRanges();
  const shape = scanJsonLine(bytes, 0, bytes.length, ranges);
  const truth = parsed(textOfBytes);
  if (isScanError(shape) || !truth.ok) return isScanError(shape) === !truth.ok ? [] : [`accepts: scanner ${!isScanError(shape)}, JSON.parse ${truth.ok}`];
  const out: string[] = [];
  const v = truth.v;
  const kind = typeof v === 'string' ? 'string' : v !== null && typeof v === 'object' && !Array.isArray(v) ? 'object' : 'other';
  if (shape.kind !== kind) out.push(`kind: scanner ${shape.kind}, JSON.parse ${kind}`);
  if (shape.messageObject !== isMessageObject(v)) out.push(`message object: scanner ${shape.messageObject}, JSON.parse ${isMessageObject(v)}`);
  if (shape.messageObject && isMessageObject(v)) {
    for (const [name, member] of [['key', RANGE_KEY], ['value', RANGE_VALUE]] as const) {
      const start = ranges[2 * member]!;
      const end = ranges[2 * member + 1]!;
      const got = start < 0 ? undefined : (JSON.parse(bytes.toString('utf8', start, end)) as unknown);
      if (!isDeepStrictEqual(got, v[name])) out.push(`${name}: scanner ${JSON.stringify(got)}, JSON.parse ${JSON.stringify(v[name])}`);
    }
    // What is produced: a JSON string as its text, null as null, anything else as bytes that parse to the member.
    const { messages, problems } = parseSeedFile(bytes, 'jsonl', 'f.jsonl');
    if (problems.length === 0) {
      const m = messages[0]!;
      for (const name of ['key', 'value'] as const) {
        const want = v[name];
        const got = m[name];
        const ok =
          want === undefined || want === null
            ? got === null
            : typeof want === 'string'
              ? got !== null && got.toString('utf8') === Buffer.from(want, 'utf8').toString('utf8')
              : got !== null && isDeepStrictEqual(JSON.parse(got.toString('utf8')), want);
        if (!ok) out.push(`produced ${name}: ${got === null ? 'null' : got.toString('utf8')}`);
      }
    }
  }
  return out;
}

describe('the JSON Lines scanner against JSON.parse (differential fuzz)', () => {
  it('agrees on acceptance and meaning for thousands of generated and mutated lines', () => {
    const rng = createRng(20261130);
    const failures: string[] = [];
    let accepted = 0;
    let messageObjects = 0;
    for (let i = 0; i < 6000 && failures.length < 10; i++) {
      let s = line(rng);
      const mutations = rng.next() < 0.5 ? 0 : rng.int(1, 3);
      for (let k = 0; k < mutations; k++) s = mutate(rng, s);
      if (s.includes('\n')) continue; // a newline ends a JSON Lines line
      const d = disagreements(s);
      if (d.length > 0) failures.push(`${JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}…` : s)}: ${d.join('; ')}`);
      if (parsed(Buffer.from(s).toString('utf8')).ok) {
        accepted++;
        if (isMessageObject(JSON.parse(Buffer.from(s).toString('utf8')))) messageObjects++;
      }
    }
    expect(failures).toEqual([]);
    // The corpus exercises both sides: many valid lines and message objects, many invalid ones.
    expect(accepted).toBeGreaterThan(1500);
    expect(messageObjects).toBeGreaterThan(500);
  });

  it('recognises a message object whose keys are written with escapes', () => {
    expect(disagreements('{"val\\u0075e":"x","key":"k"}')).toEqual([]);
    const { messages } = parseSeedFile(Buffer.from('{"val\\u0075e":"x","\\u006bey":"k"}\n'), 'jsonl', 'f.jsonl');
    expect(messages.map((m) => [m.key?.toString(), m.value?.toString()])).toEqual([['k', 'x']]);
  });

  it('accepts nesting as deep as JSON.parse does, and produces such a value as written', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(scanJsonLine(Buffer.from(deep), 0, deep.length)).toEqual({ kind: 'other', messageObject: false });
    const { messages, problems } = parseSeedFile(Buffer.from(`{"value":${deep},"key":"k"}\n`), 'jsonl', 'f.jsonl');
    expect(problems).toEqual([]);
    expect(messages[0]!.value!.toString()).toBe(deep);
    expect(messages[0]!.key!.toString()).toBe('k');
    expect(isScanError(scanJsonLine(Buffer.from('['.repeat(50_000)), 0, 50_000))).toBe(true);
  });
});
