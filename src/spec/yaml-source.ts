import { createRequire } from 'node:module';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import type * as YamlLib from 'yaml';
import type { Problem, SourcePos } from '../errors.js';
import { findTooDeep, MAX_YAML_DEPTH } from './yaml-depth.js';
import { readYamlFast } from './yaml-fast.js';
import { formatPath, quote, type DocPath } from './text.js';

let lib: typeof YamlLib | undefined;

/** The yaml package, loaded on first use: a spec the fast path reads never needs it (about 35 ms of a fresh process). */
function yaml(): typeof YamlLib {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof YamlLib);
}

/** Where a path's key and value sit in the YAML; `found` is how many leading segments resolved. */
interface Located {
  key: Node | null;
  value: Node | null;
  found: number;
}

function keyString(pair: Pair): string {
  return yaml().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Maps document paths to source positions; the same answers whichever reader (fast subset or full parser) read the text. */
export interface SourceMap {
  /** File name as positions show it. */
  readonly file: string;
  /** The full source text, for raw slices of scalars. */
  readonly text: string;
  /** 1-based position of a character offset. */
  posAt(offset: number): SourcePos;
  /**
   * Position of a path: of its key when `which` is "key" (or the value is empty), else of its value.
   * A path that does not exist reports its nearest existing ancestor.
   */
  pos(path: DocPath, which?: 'key' | 'value'): SourcePos;
  /** Keys of the mapping at a path in written order, or null when it is not a mapping in the source. */
  keys(path: DocPath): string[] | null;
  /** Raw source text of a scalar, as written (quotes and escapes included). */
  raw(path: DocPath): string | undefined;
  /** Position of `needle` inside a scalar's source (e.g. a ${VAR} reference), or of the scalar when absent. */
  posOfText(path: DocPath, needle: string): SourcePos;
  /** The source text of a plain scalar (digits beyond JS number precision survive here). */
  plainSource(path: DocPath): string | undefined;
}

/**
 * The SourceMap of a parsed yaml Document. Mapping lookups go through a per-map index built on first use,
 * so locating every key of a 1,000-topic spec stays linear instead of quadratic.
 */
export class YamlSourceMap implements SourceMap {
  private readonly indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    /** File name as positions show it. */
    readonly file: string,
    /** The full source text, for raw slices of scalars. */
    readonly text: string,
  ) {}

  /** 1-based position of a character offset. */
  posAt(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let index = this.indexes.get(map);
    if (!index) {
      index = new Map();
      // Later duplicates win, as they do in the parsed data.
      for (const item of map.items) index.set(keyString(item), item);
      this.indexes.set(map, index);
    }
    return index.get(key);
  }

  private deref(node: unknown): Node | null {
    if (yaml().isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  private locate(path: DocPath): Located {
    let value = this.deref(this.doc.contents);
    let key: Node | null = null;
    let found = 0;
    for (const seg of path) {
      if (yaml().isMap(value)) {
        const pair = this.pairOf(value, String(seg));
        if (!pair) break;
        key = yaml().isPair(pair) ? (pair.key as Node) : null;
        value = this.deref(pair.value);
      } else if (yaml().isSeq(value) && typeof seg === 'number' && seg < value.items.length) {
        key = null;
        value = this.deref(value.items[seg]);
      } else break;
      found++;
    }
    return { key, value, found };
  }

  /** The YAML node at a path, or null when the path does not exist in the source (e.g. merged in via `<<`). */
  node(path: DocPath): Node | null {
    const l = this.locate(path);
    return l.found === path.length ? l.value : null;
  }

  /**
   * Position of a path: of its key when `which` is "key" (or the value is empty), else of its value.
   * A path that does not exist reports its nearest existing ancestor.
   */
  pos(path: DocPath, which: 'key' | 'value' = 'value'): SourcePos {
    const l = this.locate(path);
    const emptyValue = !l.value || (yaml().isScalar(l.value) && l.value.value === null && l.value.source === '');
    const node = (which === 'key' || emptyValue) && l.key ? l.key : (l.value ?? l.key);
    return node?.range ? this.posAt(node.range[0]) : { file: this.file, line: 1, col: 1 };
  }

  /** Keys of the mapping at a path in written order, or null when it is not a mapping in the source. */
  keys(path: DocPath): string[] | null {
    const n = this.node(path);
    return yaml().isMap(n) ? n.items.map(keyString) : null;
  }

  /** Raw source text of a scalar, as written (quotes and escapes included). */
  raw(path: DocPath): string | undefined {
    const n = this.node(path);
    return yaml().isScalar(n) && n.range ? this.text.slice(n.range[0], n.range[1]) : undefined;
  }

  /** Position of `needle` inside a scalar's source (e.g. a ${VAR} reference), or of the scalar when absent. */
  posOfText(path: DocPath, needle: string): SourcePos {
    const n = this.node(path);
    if (yaml().isScalar(n) && n.range) {
      const i = this.text.slice(n.range[0], n.range[1]).indexOf(needle);
      if (i >= 0) return this.posAt(n.range[0] + i);
    }
    return this.pos(path);
  }

  /** The source text of a plain scalar (digits beyond JS number precision survive here). */
  plainSource(path: DocPath): string | undefined {
    const n = this.node(path);
    return yaml().isScalar(n) && n.type === 'PLAIN' && typeof n.source === 'string' ? n.source : undefined;
  }
}

/** The YAML layer's result: data as plain JS, positions, and YAML-level problems. */
export interface YamlSource {
  data: unknown;
  source: SourceMap;
  problems: Problem[];
  /** True when the problems are syntax errors, so schema checks on the partial data would only add noise. */
  fatal: boolean;
}

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent YAML with spaces, never tabs',
  BAD_INDENT: 'check the indentation here, and that brackets and quotes opened above are closed',
  MULTIPLE_DOCS: 'keep the whole spec in one YAML document (remove the extra "---")',
  MISSING_CHAR: 'a quote or bracket opened earlier is never closed',
  MULTILINE_IMPLICIT_KEY: 'a key and its colon must be on one line; quote values that contain ": "',
};

/**
 * Duplicate keys, found in one pass with a set per mapping. The parser's own check (uniqueKeys) compares each new
 * key with all earlier ones, which is quadratic in the number of topics.
 */
function duplicateKeys(doc: Document.Parsed, source: YamlSourceMap): Problem[] {
  const out: Problem[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (yaml().isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyString(pair);
        // Repeated merge keys are legal: each "<<" merges its own mapping.
        if (seen.has(key) && key !== '<<') {
          const keyNode = pair.key as Node | null;
          out.push({
            message: `duplicate key ${quote(key)}${path.length ? ` in ${formatPath(path)}` : ''}`,
            at: keyNode?.range ? source.posAt(keyNode.range[0]) : source.pos(path),
            path: formatPath([...path, key]),
            hint: 'each key may appear once per mapping; merge the two entries',
          });
        }
        seen.add(key);
        walk(pair.value, [...path, key]);
      }
    } else if (yaml().isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
  };
  walk(doc.contents, []);
  return out;
}

/**
 * Parses YAML text with positions. Duplicate keys are problems (the data keeps the last one) but not fatal;
 * other parser errors are fatal. Messages never include source excerpts, so secrets cannot leak through them.
 */
export function readYaml(text: string, file: string): YamlSource {
  // The parser recurses per level: far too deep a document would overflow the stack, reported as a syntax error.
  const deep = findTooDeep(text);
  if (deep) {
    return {
      data: null,
      source: new YamlSourceMap(yaml().parseDocument(''), new (yaml().LineCounter)(), file, ''),
      problems: [
        {
          message: `the document is nested more than ${MAX_YAML_DEPTH} levels deep here (${deep.depth} levels at least); kafkaform does not read specs this deep`,
          at: { file, line: deep.line, col: deep.col },
          hint: 'flatten the structure: a spec needs about 8 levels',
        },
      ],
      fatal: true,
    };
  }
  // Most specs are plain block YAML: read in one pass, without building a Document (same data and positions).
  const fast = readYamlFast(text, file);
  if (fast) return { data: fast.data, source: fast.source, problems: [], fatal: false };
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true });
  const source = new YamlSourceMap(doc, lines, file, text);
  const problems: Problem[] = [];
  let fatal = false;
  for (const err of doc.errors) {
    fatal = true;
    problems.push({
      message: `YAML syntax error: ${err.message.replace(/\s+at line \d+, column \d+.*$/s, '')}`,
      at: source.posAt(err.pos[0]),
      hint: SYNTAX_HINTS[err.code] ?? 'check indentation, colons and quoting near here',
    });
  }
  if (!fatal) problems.push(...duplicateKeys(doc, source));
  let data: unknown = null;
  if (!fatal) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      fatal = true;
      problems.push({ message: `YAML could not be read: ${(e as Error).message}`, at: { file, line: 1, col: 1 }, hint: 'use fewer aliases' });
    }
  }
  return { data, source, problems, fatal };
}
