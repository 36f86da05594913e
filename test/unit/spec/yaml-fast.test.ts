import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isKafkaformError, type KafkaformError } from '../../../src/errors.js';
import { parseSpec } from '../../../src/spec/load.js';
import type { DocPath } from '../../../src/spec/text.js';
import { readYamlFast, type FastSourceMap } from '../../../src/spec/yaml-fast.js';
import { readYaml, YamlSourceMap } from '../../../src/spec/yaml-source.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

/** The old path: a full yaml Document and its SourceMap. */
function full(text: string): { data: unknown; source: YamlSourceMap } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true });
  expect(doc.errors).toEqual([]);
  return { data: doc.toJS({ maxAliasCount: 1000 }), source: new YamlSourceMap(doc, lines, 'k.yaml', text) };
}

/** Every path in the data (keys and items), plus a missing child under each mapping and sequence. */
function paths(data: unknown, at: DocPath = []): DocPath[] {
  const out: DocPath[] = [at];
  if (Array.isArray(data)) {
    data.forEach((v, i) => out.push(...paths(v, [...at, i])));
    out.push([...at, data.length], [...at, 'nope']);
  } else if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) out.push(...paths(v, [...at, k]));
    out.push([...at, 'missing-key'], [...at, 'missing-key', 'deeper']);
  }
  return out;
}

/** Asserts the fast path reads `text`, with the same data and the same answer to every position question. */
function expectSame(text: string): FastSourceMap {
  const fast = readYamlFast(text, 'k.yaml');
  expect(fast, 'the fast path should read this text').not.toBeNull();
  const old = full(text);
  expect(fast!.data).toEqual(old.data);
  expect(JSON.stringify(fast!.data)).toBe(JSON.stringify(old.data));
  for (const p of paths(old.data)) {
    const label = JSON.stringify(p);
    expect(fast!.source.pos(p), label).toEqual(old.source.pos(p));
    expect(fast!.source.pos(p, 'key'), label).toEqual(old.source.pos(p, 'key'));
    expect(fast!.source.keys(p), label).toEqual(old.source.keys(p));
    expect(fast!.source.raw(p), label).toEqual(old.source.raw(p));
    expect(fast!.source.plainSource(p), label).toEqual(old.source.plainSource(p));
    expect(fast!.source.posOfText(p, '1'), label).toEqual(old.source.posOfText(p, '1'));
  }
  for (let o = 0; o <= text.length; o += 7) expect(fast!.source.posAt(o)).toEqual(old.source.posAt(o));
  return fast!.source;
}

/** The 1,000-topic spec of bench/whole.ts (6,005 lines). */
function benchSpec(n: number): string {
  const lines = ['version: 1', 'project: shop', 'cluster:', '  bootstrapServers: [127.0.0.1:9092]', 'topics:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  w${String(i).padStart(4, '0')}:`, '    partitions: 3', '    replicationFactor: 1', '    config:', '      retention.ms: 604800000', '      cleanup.policy: delete');
  }
  return `${lines.join('\n')}\n`;
}

/** Every node kind the fast path takes: nested maps, sequences of maps and scalars, flow sequences, quotes, comments, empty values. */
const KINDS = `# a comment before everything

version: 1
project: shop   # trailing comment
allowDelete: false
cluster:
  bootstrapServers: [localhost:9092, 127.0.0.1:9093]
  clientId: "shop admin"
  empty: []
  sasl:
    mechanism: 'scram-sha-512'
    username: alice
    password: \${KAFKA_PASSWORD}
topics:
  orders.v1:
    partitions: 12
    replicationFactor: -1
    config:
      retention.ms: 12345678901234567890
      cleanup.policy: compact
      note: a value with spaces, commas and a # inside
      empty:
      nothing: ~
      flag: TRUE
      name: 2024-events
      zero: 0
      words: [constructor, toString, __proto__x, yes, no, on, 'null']
      proto: constructor
  # a comment between topics
  payments:
    config:   # a comment after a key
      segment.bytes: 1048576
  "7": x
seeds:
  - topic: orders.v1
    messages:
      - key: a
        value: 1
      - plain
      - "quoted # not a comment"
      - [1, two]
  - topic: payments
    file: seeds/p.jsonl
empty-last:
`;

describe('the fast YAML path', () => {
  it('reads every node kind with the same data and positions as the yaml package', () => {
    // The quoted "7" key is outside the subset: a copy without it is read fast.
    expectSame(KINDS.replace('  "7": x\n', '  7: x\n'));
  });

  it('reads the 1,000-topic bench spec with the same data and positions', () => {
    const source = expectSame(benchSpec(1000));
    expect(source.pos(['topics', 'w0537', 'config', 'retention.ms'], 'key')).toEqual({ file: 'k.yaml', line: 5 + 537 * 6 + 5, col: 7 });
  });

  it('gives the example spec and every fixture spec the same result as the full parser, fast or not', () => {
    const files = ['kafka.config.yaml', 'test/fixtures/specs/full/kafka.config.yaml'];
    for (const f of files) {
      const text = readFileSync(resolve(repoRoot, f), 'utf8');
      const r = readYaml(text, 'k.yaml');
      const old = full(text);
      expect(r.data).toEqual(old.data);
      for (const p of paths(old.data)) expect(r.source.pos(p), `${f} ${JSON.stringify(p)}`).toEqual(old.source.pos(p));
    }
  });

  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a float', 'a: 1.5\n'],
    ['an exponent', 'a: 1e3\n'],
    ['hex', 'a: 0x1f\n'],
    ['octal', 'a: 0o17\n'],
    ['infinity', 'a: .inf\n'],
    ['a signed plus', 'a: +1\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a doubled single quote', "a: 'it''s'\n"],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a flow map', 'a: {x: 1}\n'],
    ['a multi-line flow sequence', 'a: [1,\n  2]\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a document marker', '---\na: 1\n'],
    ['a sequence at the key’s column', 'a:\n- 1\n'],
    ['a nested sequence', 'a:\n  - - 1\n'],
    ['a quoted key', '"a": 1\n'],
    ['a bad indent', 'a:\n    b: 1\n  c: 2\n'],
    ['a value with ": "', 'a: b: c\n'],
    ['a root sequence', '- a\n'],
    ['nothing but comments', '# x\n'],
    ['a float key', '1.0: x\n'],
    ['a __proto__ key', '__proto__: x\n'],
  ])('leaves %s to the full parser', (_, text) => {
    expect(readYamlFast(text, 'k.yaml')).toBeNull();
  });

  it('reads the 1,000-topic spec in one pass: far fewer ms than the full parser (no timing asserted, only that it is taken)', () => {
    const text = benchSpec(1000);
    const r = readYaml(text, 'k.yaml');
    expect(r.source).not.toBeInstanceOf(YamlSourceMap);
  });
});

/** The SPEC_INVALID error parseSpec throws for `text`. */
function specError(text: string): KafkaformError {
  try {
    parseSpec(text, 'k.yaml', {});
  } catch (e) {
    if (isKafkaformError(e) && e.code === 'KF101') return e;
    throw e;
  }
  throw new Error('expected parseSpec to throw SPEC_INVALID');
}

describe('errors of specs read by the fast path point at their line and column', () => {
  it('in a large spec: bad values and a misspelt key, spread over the file', () => {
    const lines = benchSpec(1000).split('\n');
    const at = (topic: number, row: number): number => 5 + topic * 6 + row; // 0-based line index of a topic's row
    lines[at(3, 1)] = '    partitions: many';
    lines[at(400, 2)] = '    replicationFactr: 1';
    lines[at(777, 4)] = '      retention.ms: forever';
    lines[at(999, 5)] = '      cleanup.policy: sometimes';
    const text = lines.join('\n');
    expect(readYamlFast(text, 'k.yaml')).not.toBeNull();
    const got = specError(text).problems.map((p) => `${p.at?.line}:${p.at?.col} ${p.path}`);
    expect(got).toEqual([
      `${at(3, 1) + 1}:17 topics.w0003.partitions`,
      `${at(400, 2) + 1}:5 topics.w0400.replicationFactr`,
      `${at(777, 4) + 1}:21 topics.w0777.config.retention.ms`,
      `${at(999, 5) + 1}:23 topics.w0999.config.cleanup.policy`,
    ]);
    // The same text through the full parser (a tag on the first line leaves the subset; lines stay put).
    const slow = text.replace('version: 1', 'version: !!int 1');
    expect(readYamlFast(slow, 'k.yaml')).toBeNull();
    expect(specError(slow).problems).toEqual(specError(text).problems);
  });
});
