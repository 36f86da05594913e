import type { SourcePos } from '../errors.js';
import type { DocPath } from './text.js';

// A one-pass reader for the plain block YAML that specs are mostly written in (mappings, "- " sequences, plain
// and simple quoted scalars, one-line flow sequences, comments), with the positions the spec's normalisers ask
// for. It builds no Document: on a 1,000-topic spec it takes a few ms where the full parser takes 150-250 ms in a
// fresh process. Anything it does not fully understand (anchors, tags, block scalars, escapes, multi-line
// scalars, flow mappings, duplicate keys, numbers other than decimal integers, odd indentation…) makes it
// return null, and the caller parses with the `yaml` package, which also reports every syntax problem.
// Invariant: when it returns a result, the data equals the `yaml` package's toJS() of the same text, and every
// position equals the one the yaml-backed SourceMap gives (test/unit/spec/yaml-fast.test.ts).

/** A scalar: its value, and where its text sits (quotes included); `src` is the plain text, or the quoted content. */
interface FScalar {
  k: 0;
  start: number;
  end: number;
  plain: boolean;
  src: string;
  value: unknown;
}

/** A block mapping: keys in written order (never duplicated), values by key. */
interface FMap {
  k: 1;
  start: number;
  keys: FScalar[];
  values: FNode[];
  index: Map<string, number>;
}

/** A block or one-line flow sequence. */
interface FSeq {
  k: 2;
  start: number;
  items: FNode[];
}

type FNode = FScalar | FMap | FSeq;

/** Thrown inside the reader when the text leaves the subset; caught at its entry point. */
class Unsupported extends Error {}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** True when s[from..] is one or more ASCII digits. */
function digitsFrom(s: string, from: number): boolean {
  if (s.length <= from) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Characters that may not start a plain scalar here (YAML indicators), plus the digits and signs of numbers we leave to the full parser. */
const PLAIN_FIRST_BAD = new Set([...'-?:,[]{}#&*!|>\'"%@`.+']);

/** Control characters, and characters some YAML readers treat as line breaks or marks: left to the full parser. */
function hasOddChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) return true;
  }
  return false;
}

/**
 * The YAML 1.2 core-schema value of a plain scalar, as the `yaml` package resolves it; throws Unsupported for
 * numbers other than decimal integers (floats, octal, hex, .inf) and for text we do not take plain.
 */
function plainValue(s: string, flow: boolean): unknown {
  if (NULLS.has(s)) return null;
  const b = BOOLS.get(s);
  if (b !== undefined) return b;
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    // Decimal integers, as the yaml package reads them (parseInt); the core schema's other numbers go to the
    // full parser. Everything else (2024-events, 127.0.0.1:9092) is a string there and here.
    if (digitsFrom(s, 0)) return parseInt(s, 10);
    // The core schema's other numbers: octal, hex, floats with a dot or an exponent.
    if (/^0o[0-7]+$|^0x[0-9a-fA-F]+$|^[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/.test(s)) throw new Unsupported();
  } else if (c === 45 /* - */) {
    if (digitsFrom(s, 1)) return parseInt(s, 10);
    throw new Unsupported();
  } else if (PLAIN_FIRST_BAD.has(s[0]!)) throw new Unsupported();
  // No ": " or " #" inside (mapping or comment indicators), no tabs or control characters, no flow indicators in flow.
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #') || hasOddChars(s)) throw new Unsupported();
  if (flow && /[,[\]{}]/.test(s)) throw new Unsupported();
  return s;
}

/** One scalar written from `start` to `end` of `text` (already trimmed, comment removed). */
function scalarAt(text: string, start: number, end: number, flow: boolean): FScalar {
  const q = text[start];
  if (q === '"' || q === "'") {
    // Quoted without escapes or line breaks only: the content is the value as written.
    if (end - start < 2 || text[end - 1] !== q) throw new Unsupported();
    const src = text.slice(start + 1, end - 1);
    if (src.includes(q) || (q === '"' && src.includes('\\')) || hasOddChars(src)) throw new Unsupported();
    return { k: 0, start, end, plain: false, src, value: src };
  }
  const src = text.slice(start, end);
  return { k: 0, start, end, plain: true, src, value: plainValue(src, flow) };
}

/** First index of `needle` in text[from, end), or -1; never scans past the line (indexOf would, when absent). */
function indexIn(text: string, needle: string, from: number, end: number): number {
  const first = needle.charCodeAt(0);
  const last = end - needle.length;
  for (let i = from; i <= last; i++) {
    if (text.charCodeAt(i) === first && text.startsWith(needle, i)) return i;
  }
  return -1;
}

/** Where a value's text ends: before a " #" comment (outside quotes) and trailing spaces. */
function valueEnd(text: string, start: number, lineEnd: number): number {
  // A comment right after the key ("key:  # note") leaves the value empty.
  if (text[start] === '#') return start;
  let end = lineEnd;
  const q = text[start];
  let from = start;
  if (q === '"' || q === "'") {
    const close = indexIn(text, q, start + 1, lineEnd);
    if (close < 0) throw new Unsupported();
    from = close + 1;
  }
  const hash = indexIn(text, ' #', from, lineEnd);
  if (hash >= 0) end = hash;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return end;
}

/** A one-line flow sequence `[a, b]` of scalars, from `start` ("[") to `end` ("]" included). */
function flowSeq(text: string, start: number, end: number): FSeq {
  if (text[end - 1] !== ']') throw new Unsupported();
  const seq: FSeq = { k: 2, start, items: [] };
  const inner = text.slice(start + 1, end - 1);
  if (inner.trim() === '') return seq;
  let at = start + 1;
  for (const part of inner.split(',')) {
    let s = at;
    let e = at + part.length;
    while (s < e && text.charCodeAt(s) === 32) s++;
    while (e > s && text.charCodeAt(e - 1) === 32) e--;
    // An empty item ("[a,,b]", or a trailing comma) is the full parser's business.
    if (s === e) throw new Unsupported();
    seq.items.push(scalarAt(text, s, e, true));
    at += part.length + 1;
  }
  return seq;
}

/** A value written on its key's line (or after "- "): a scalar or a one-line flow sequence. */
function inlineValue(text: string, start: number, lineEnd: number): FNode {
  const end = valueEnd(text, start, lineEnd);
  if (text[start] === '[') return flowSeq(text, start, end);
  return scalarAt(text, start, end, false);
}

/** A block collection under construction, with the column its entries start at. */
interface Frame {
  indent: number;
  node: FMap | FSeq;
}

/** The key of a mapping entry: a plain string (or an integer written canonically), never a merge key. */
function keyAt(text: string, start: number, end: number): FScalar {
  const key = scalarAt(text, start, end, false);
  if (!key.plain) throw new Unsupported();
  if (typeof key.value === 'number' ? String(key.value) !== key.src : typeof key.value !== 'string') throw new Unsupported();
  if (key.src === '<<' || key.src === '__proto__') throw new Unsupported();
  return key;
}

/** Parses the subset; null when the text leaves it (the caller then uses the full parser). */
function parse(text: string): FMap | null {
  if (text.includes('\t') || text.includes('\r')) return null;
  const stack: Frame[] = [];
  /** A key whose value is on the following lines: its map, its index, and the key's column. */
  let pending: { map: FMap; i: number; indent: number } | null = null;
  /** The column of the last entry whose value was a scalar on its line: deeper lines after it would continue it. */
  let scalarIndent = -1;
  let root: FMap | null = null;

  const addEntry = (map: FMap, keyStart: number, lineEnd: number, indent: number): void => {
    // "key: value" or "key:" at the end of the line.
    let colon = indexIn(text, ': ', keyStart, lineEnd);
    let valueStart: number;
    if (colon < 0) {
      const end = valueEnd(text, keyStart, lineEnd);
      if (text[end - 1] !== ':') throw new Unsupported();
      colon = end - 1;
      valueStart = -1;
    } else {
      valueStart = colon + 2;
      while (valueStart < lineEnd && text.charCodeAt(valueStart) === 32) valueStart++;
      const end = valueEnd(text, valueStart, lineEnd);
      if (end <= valueStart) valueStart = -1;
    }
    let keyEnd = colon;
    while (keyEnd > keyStart && text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
    if (keyEnd === keyStart) throw new Unsupported();
    const key = keyAt(text, keyStart, keyEnd);
    if (map.index.has(key.src)) throw new Unsupported();
    map.index.set(key.src, map.keys.length);
    map.keys.push(key);
    if (valueStart < 0) {
      // The value is the block below, or empty (null) when nothing deeper follows.
      map.values.push({ k: 0, start: colon + 1, end: colon + 1, plain: true, src: '', value: null });
      pending = { map, i: map.values.length - 1, indent };
      scalarIndent = -1;
    } else {
      map.values.push(inlineValue(text, valueStart, lineEnd));
      scalarIndent = indent;
    }
  };

  for (let lineStart = 0; lineStart < text.length; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let at = lineStart;
    while (at < lineEnd && text.charCodeAt(at) === 32) at++;
    const next = lineEnd + 1;
    if (at === lineEnd || text[at] === '#') {
      lineStart = next;
      continue;
    }
    const indent = at - lineStart;
    // Document markers and directives belong to the full parser.
    if (indent === 0 && (text.startsWith('---', at) || text.startsWith('...', at) || text[at] === '%')) return null;
    if (scalarIndent >= 0 && indent > scalarIndent) return null;
    const item = text[at] === '-' && (at + 1 === lineEnd || text[at + 1] === ' ');

    if (pending !== null) {
      const p: { map: FMap; i: number; indent: number } = pending;
      pending = null;
      if (indent > p.indent) {
        const node: FMap | FSeq = item ? { k: 2, start: at, items: [] } : { k: 1, start: at, keys: [], values: [], index: new Map() };
        p.map.values[p.i] = node;
        stack.push({ indent, node });
      }
    } else if (root === null) {
      if (indent !== 0 || item) return null;
      root = { k: 1, start: at, keys: [], values: [], index: new Map() };
      stack.push({ indent: 0, node: root });
    }
    while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
    const top = stack[stack.length - 1];
    if (!top || top.indent !== indent) return null;

    try {
      if (item) {
        if (top.node.k !== 2) return null;
        let s = at + 1;
        while (s < lineEnd && text.charCodeAt(s) === 32) s++;
        if (s >= lineEnd || text[s] === '#' || text[s] === '-') return null;
        const itemIndent = s - lineStart;
        const end = valueEnd(text, s, lineEnd);
        const colon = indexIn(text, ': ', s, end);
        if (colon >= 0 || text[end - 1] === ':') {
          // "- key: value": a mapping whose entries start at the key's column.
          const map: FMap = { k: 1, start: s, keys: [], values: [], index: new Map() };
          top.node.items.push(map);
          stack.push({ indent: itemIndent, node: map });
          addEntry(map, s, lineEnd, itemIndent);
        } else {
          top.node.items.push(inlineValue(text, s, lineEnd));
          scalarIndent = indent;
        }
      } else {
        if (top.node.k !== 1) return null;
        addEntry(top.node, at, lineEnd, indent);
      }
    } catch (e) {
      if (e instanceof Unsupported) return null;
      throw e;
    }
    lineStart = next;
  }
  return root;
}

/** Plain JS data of a node, as the yaml package's toJS() makes it. */
function toJS(n: FNode): unknown {
  if (n.k === 0) return n.value;
  if (n.k === 2) return n.items.map(toJS);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n.keys.length; i++) out[n.keys[i]!.src] = toJS(n.values[i]!);
  return out;
}

/** Start offsets of every line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Positions of a text read by the fast path; the same answers as the yaml-backed SourceMap. */
export class FastSourceMap {
  private starts: number[] | null = null;

  constructor(
    private readonly root: FMap,
    /** File name as positions show it. */
    readonly file: string,
    /** The full source text, for raw slices of scalars. */
    readonly text: string,
  ) {}

  /** 1-based position of a character offset. */
  posAt(offset: number): SourcePos {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - starts[lo]! + 1 };
  }

  private locate(path: DocPath): { key: FScalar | null; value: FNode | null; found: number } {
    let value: FNode = this.root;
    let key: FScalar | null = null;
    let found = 0;
    for (const seg of path) {
      if (value.k === 1) {
        const i = value.index.get(String(seg));
        if (i === undefined) break;
        key = value.keys[i]!;
        value = value.values[i]!;
      } else if (value.k === 2 && typeof seg === 'number' && seg < value.items.length) {
        key = null;
        value = value.items[seg]!;
      } else break;
      found++;
    }
    return { key, value, found };
  }

  private node(path: DocPath): FNode | null {
    const l = this.locate(path);
    return l.found === path.length ? l.value : null;
  }

  /** See SourceMap.pos. */
  pos(path: DocPath, which: 'key' | 'value' = 'value'): SourcePos {
    const l = this.locate(path);
    const emptyValue = !l.value || (l.value.k === 0 && l.value.value === null && l.value.src === '');
    const node = (which === 'key' || emptyValue) && l.key ? l.key : (l.value ?? l.key);
    return node ? this.posAt(node.start) : { file: this.file, line: 1, col: 1 };
  }

  /** See SourceMap.keys. */
  keys(path: DocPath): string[] | null {
    const n = this.node(path);
    return n?.k === 1 ? n.keys.map((k) => k.src) : null;
  }

  /** See SourceMap.raw. */
  raw(path: DocPath): string | undefined {
    const n = this.node(path);
    return n?.k === 0 ? this.text.slice(n.start, n.end) : undefined;
  }

  /** See SourceMap.posOfText. */
  posOfText(path: DocPath, needle: string): SourcePos {
    const n = this.node(path);
    if (n?.k === 0) {
      const i = this.text.slice(n.start, n.end).indexOf(needle);
      if (i >= 0) return this.posAt(n.start + i);
    }
    return this.pos(path);
  }

  /** See SourceMap.plainSource. */
  plainSource(path: DocPath): string | undefined {
    const n = this.node(path);
    return n?.k === 0 && n.plain ? n.src : undefined;
  }
}

/** Data and positions of a spec in the fast subset, or null when the full parser must read it. */
export function readYamlFast(text: string, file: string): { data: unknown; source: FastSourceMap } | null {
  const root = parse(text);
  if (root === null) return null;
  return { data: toJS(root), source: new FastSourceMap(root, file, text) };
}
