/** What a valid JSON Lines line holds at its top level. */
export interface JsonLineShape {
  kind: 'object' | 'string' | 'other';
  /** An object with a "value" key and only these keys: key, value, headers, partition, timestamp. */
  messageObject: boolean;
}

/** Where a line first stops being JSON: byte offset into the buffer and a short lower-case message. */
export interface JsonScanError {
  offset: number;
  message: string;
}

const MESSAGE_NAMES = ['key', 'value', 'headers', 'partition', 'timestamp'];
const MESSAGE_KEYS = MESSAGE_NAMES.map((k) => Buffer.from(k));
const VALUE_KEY = 1;

/** Index of `key` and `value` in MessageRanges (start at 2i, end at 2i + 1). */
export const RANGE_KEY = 0;
export const RANGE_VALUE = 1;

/**
 * Byte ranges of a top-level message object's members, filled by scanJsonLine: for member i of
 * key/value/headers/partition/timestamp, [2i] is where its value starts and [2i + 1] where it ends; -1 when absent.
 * They let a message's key and value be produced as the exact bytes written (no number rounding).
 */
export type MessageRanges = Int32Array;

/** A fresh MessageRanges to pass to scanJsonLine. */
export function messageRanges(): MessageRanges {
  return new Int32Array(MESSAGE_KEYS.length * 2);
}

/** Index in MESSAGE_KEYS of a key written with escapes (e.g. "val\\u0075e"), from its decoded text, or -1. */
function escapedMessageKeyIndex(b: Uint8Array, start: number, end: number): number {
  const text = JSON.parse(Buffer.from(b.buffer, b.byteOffset + start - 1, end - start + 2).toString('utf8')) as string;
  return MESSAGE_NAMES.indexOf(text);
}

/** Index in MESSAGE_KEYS of the raw key bytes b[start, end), or -1. */
function messageKeyIndex(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  for (let k = 0; k < MESSAGE_KEYS.length; k++) {
    const key = MESSAGE_KEYS[k]!;
    if (key.length !== len) continue;
    let j = 0;
    while (j < len && b[start + j] === key[j]) j++;
    if (j === len) return k;
  }
  return -1;
}
class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/**
 * Validates buf[start, end) as one JSON value without decoding it: seed files are mostly values that are
 * produced as their raw bytes, so building objects (JSON.parse) for every line would be wasted work.
 * Returns the top-level shape, or where and why the text is not JSON.
 */
export function scanJsonLine(buf: Uint8Array, start: number, end: number, ranges?: MessageRanges): JsonLineShape | JsonScanError {
  const s = SCANNER;
  s.reset(buf, start, end, ranges ?? null);
  try {
    const shape = s.top();
    s.ws();
    if (s.i < end) s.fail(`unexpected ${s.describe()} after the JSON value`);
    return shape;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}

// Shared results: a seed file has one shape per line, so fresh objects would only feed the garbage collector.
const OBJECT: JsonLineShape = Object.freeze({ kind: 'object', messageObject: false });
const MESSAGE_OBJECT: JsonLineShape = Object.freeze({ kind: 'object', messageObject: true });
const STRING: JsonLineShape = Object.freeze({ kind: 'string', messageObject: false });
const OTHER: JsonLineShape = Object.freeze({ kind: 'other', messageObject: false });

/** 1 for bytes that may stand unescaped inside a JSON string: all but control characters, '"' and '\\'. */
const PLAIN = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x20; c < 256; c++) t[c] = c === 0x22 || c === 0x5c ? 0 : 1;
  return t;
})();

/** True when scanJsonLine found an error. */
export function isScanError(r: JsonLineShape | JsonScanError): r is JsonScanError {
  return (r as JsonScanError).message !== undefined;
}

/** True when any byte of the 32-bit word is '"', '\\' or below 0x20 (exact: no false positives for "any"). */
function stopsString(v: number): boolean {
  const q = v ^ 0x22222222;
  const s = v ^ 0x5c5c5c5c;
  return ((((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((v - 0x20202020) & ~v)) & 0x80808080) !== 0;
}

class Scanner {
  i = 0;
  strStart = 0;
  strEnd = 0;
  /** Whether the last string scanned holds an escape (its raw bytes are not its text). */
  strEscaped = false;
  ranges: MessageRanges | null = null;
  private b: Uint8Array = new Uint8Array(0);
  private end = 0;
  /** The buffer's memory as aligned 32-bit words (strings are skipped four bytes at a time), and the index in b of words[0]. */
  private words: Int32Array = new Int32Array(0);
  private wordBase = 0;

  /** Points the scanner at b[start, end); the word view is rebuilt only when the buffer changes (one per chunk, not per line). */
  reset(b: Uint8Array, start: number, end: number, ranges: MessageRanges | null): void {
    if (b !== this.b) {
      this.b = b;
      this.wordBase = (4 - (b.byteOffset & 3)) & 3;
      this.words = b.length > this.wordBase ? new Int32Array(b.buffer, b.byteOffset + this.wordBase, (b.length - this.wordBase) >> 2) : new Int32Array(0);
    }
    this.i = start;
    this.end = end;
    this.ranges = ranges;
    if (ranges) ranges.fill(-1);
  }

  /** The byte at the current position, or -1 at the end of the line (the buffer goes on with the next line). */
  peek(): number {
    return this.i < this.end ? this.b[this.i]! : -1;
  }

  fail(message: string, at = this.i): never {
    throw new Stop(at, message);
  }

  /** The token at the current position, for messages. */
  describe(): string {
    if (this.i >= this.end) return 'end of line';
    const text = Buffer.from(this.b.buffer, this.b.byteOffset + this.i, Math.min(4, this.end - this.i)).toString('utf8');
    return `token ${JSON.stringify(String.fromCodePoint(text.codePointAt(0) ?? 0xfffd))}`;
  }

  ws(): void {
    const b = this.b;
    const end = this.end;
    let i = this.i;
    while (i < end) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
    this.i = i;
  }

  top(): JsonLineShape {
    this.ws();
    const c = this.peek();
    if (c === 0x7b) return this.object() ? MESSAGE_OBJECT : OBJECT;
    if (c === 0x22) {
      this.string();
      return STRING;
    }
    this.value();
    return OTHER;
  }

  /**
   * Scans one JSON value. Nested arrays and objects are tracked on an explicit stack, not by recursion, so
   * any depth JSON.parse accepts is accepted here too.
   */
  value(): void {
    this.ws();
    const first = this.peek();
    if (first !== 0x7b && first !== 0x5b) {
      this.scalar(first);
      return;
    }
    const open: number[] = [];
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === 0x7b || c === 0x5b) {
        this.i++;
        this.ws();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (this.peek() === close) this.i++;
        else {
          open.push(close);
          if (close === 0x7d) this.memberName();
          continue;
        }
      } else this.scalar(c);
      // A value ended: close the containers it completes, until one expects another member.
      for (;;) {
        const close = open[open.length - 1];
        if (close === undefined) return;
        if (!this.closedAfterMember(close, close === 0x7d ? '}' : ']')) {
          if (close === 0x7d) this.memberName();
          break;
        }
        open.pop();
      }
    }
  }

  /** Scans a string, literal or number starting with byte c. */
  private scalar(c: number): void {
    if (c === 0x22) this.string();
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.number();
    else this.fail(`unexpected ${this.describe()}, expected a JSON value`);
  }

  /** Scans `"name" :` of an object member. */
  private memberName(): void {
    this.ws();
    if (this.peek() !== 0x22) this.fail(`unexpected ${this.describe()}, expected a property name in double quotes`);
    this.string();
    this.ws();
    if (this.peek() !== 0x3a) this.fail(`unexpected ${this.describe()}, expected ':'`);
    this.i++;
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.i + k >= this.end || this.b[this.i + k] !== word.charCodeAt(k)) {
        this.fail(`unexpected ${this.describe()}, expected a JSON value`);
      }
    }
    this.i += word.length;
  }

  private digits(): number {
    const b = this.b;
    const end = this.end;
    const from = this.i;
    let i = from;
    while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    this.i = i;
    return i - from;
  }

  private number(): void {
    if (this.peek() === 0x2d) this.i++;
    if (this.peek() === 0x30) this.i++;
    else if (this.digits() === 0) this.fail(`unexpected ${this.describe()}, expected a digit`);
    if (this.peek() === 0x2e) {
      this.i++;
      if (this.digits() === 0) this.fail(`unexpected ${this.describe()}, expected a digit after '.'`);
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (this.digits() === 0) this.fail(`unexpected ${this.describe()}, expected an exponent`);
    }
  }

  /** Scans a string starting at its opening quote; its raw contents are b[strStart, strEnd). */
  string(): void {
    // The hot loop of seed files (most bytes are inside strings): plain bytes are skipped a word at a time.
    const b = this.b;
    const end = this.end;
    const from = this.i + 1;
    let i = from;
    let escaped = false;
    while (i < end) {
      i = this.plainRun(i);
      if (i >= end) break;
      const c = b[i]!;
      if (c === 0x22) {
        this.i = i + 1;
        this.strStart = from;
        this.strEnd = i;
        this.strEscaped = escaped;
        return;
      }
      this.i = i;
      if (c < 0x20) this.fail('control character in string (escape it, e.g. \\n)');
      // A backslash: validate the escape.
      escaped = true;
      const e = i + 1 < end ? b[i + 1] : undefined;
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          const h = i + k < end ? b[i + k]! : -1;
          const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
          if (!hex) this.fail('bad unicode escape, expected \\uXXXX');
        }
        i += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(String.fromCharCode(e))) {
        i += 2;
      } else {
        this.fail(`bad escape "\\${e === undefined ? '' : String.fromCharCode(e)}"`);
      }
    }
    this.i = i;
    this.fail('unterminated string', from - 1);
  }

  /** Index of the first byte at or after i that cannot stand unescaped in a string ('"', '\\', a control character), or end. */
  private plainRun(i: number): number {
    const b = this.b;
    const end = this.end;
    const plain = PLAIN;
    const base = this.wordBase;
    // Byte by byte up to a word boundary, then whole words while none holds a stop, then bytes to the stop.
    while (i < end && ((i - base) & 3) !== 0) {
      if (plain[b[i]!] !== 1) return i;
      i++;
    }
    // Here i is at a word boundary (i - base is a multiple of 4 and not negative) or at the end.
    if (i >= end) return end;
    const words = this.words;
    const last = Math.min(words.length, (end - base) >> 2);
    let k = (i - base) >> 2;
    while (k < last && !stopsString(words[k]!)) k++;
    if (k > (i - base) >> 2) i = base + 4 * k;
    while (i < end && plain[b[i]!] === 1) i++;
    return i;
  }

  /** Scans an object; at the top level, tells whether its keys make it a message object. */
  private object(): boolean {
    this.i++;
    this.ws();
    let hasValue = false;
    let onlyKnown = true;
    if (this.peek() === 0x7d) {
      this.i++;
      return false;
    }
    for (;;) {
      this.memberName();
      const known = this.strEscaped ? escapedMessageKeyIndex(this.b, this.strStart, this.strEnd) : messageKeyIndex(this.b, this.strStart, this.strEnd);
      if (known === VALUE_KEY) hasValue = true;
      if (known < 0) onlyKnown = false;
      this.ws();
      const valueStart = this.i;
      this.value();
      if (known >= 0 && this.ranges) {
        this.ranges[2 * known] = valueStart;
        this.ranges[2 * known + 1] = this.i;
      }
      if (this.closedAfterMember(0x7d, '}')) return hasValue && onlyKnown;
    }
  }

  /** After an object member or array item: consumes ',' (false: another follows) or the closing bracket (true). */
  private closedAfterMember(close: number, closeChar: string): boolean {
    this.ws();
    const c = this.peek();
    if (c === 0x2c) {
      this.i++;
      return false;
    }
    if (c === close) {
      this.i++;
      return true;
    }
    return this.fail(`unexpected ${this.describe()}, expected ',' or '${closeChar}'`);
  }
}

/** One scanner for every line: lines are scanned one at a time, and a fresh one per line would only feed the garbage collector. */
const SCANNER = new Scanner();
