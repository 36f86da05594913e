import { createRng, type Rng } from '../../src/seed/prng.js';

/** A deterministic random source for the fuzz suite: same seed, same cases on every machine. */
export class Fuzz {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = createRng(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.rng.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rng.next() < p;
  }
}

const TOKENS = [':', '{', '}', '[', ']', '-', '"', "'", '\n', ' ', '  ', '#', '&a', '*a', '!!str', '|', '>', '%', '@', ',', '\t', '<<: *a', '${X}', '${kafka.bootstrap}', '$${', '\u0000', 'é', '\uFEFF'];
const VALUES = ['0', '-1', '1', '3', '99999999999999999999', '1e400', '1.5', 'true', 'null', '~', '""', '[]', '{}', '7d', '1MiB', '10KiB', '0.5', '"0"', 'abc', 'UPPER:case', '_kafkaform', '__x', '30d', 'host', 'bridge', 'auto'];

/** A random topic name, sometimes one Kafka refuses. */
export function topicName(f: Fuzz): string {
  return f.pick(['orders', 'a.b', 'a_b', 'x-1', 'T', '_kafkaform', '__internal', 'bad name', 'ü', 'a'.repeat(250), '.', 'purchases']);
}

/** A spec built from parts, each part sometimes wrong in one way: the generated half of the corpus. */
export function generatedSpec(f: Fuzz, port: number): string {
  // Each part goes wrong rarely, so a good share of specs is accepted and the accepted side is exercised too.
  const rare = (good: string[], bad: string[]): string => (f.chance(0.93) ? f.pick(good) : f.pick(bad));
  const lines = ['version: 1', `project: ${rare(['kft-i9-fuzz'], ['Bad Project', '', 'x'.repeat(300)])}`];
  if (f.chance(0.97)) lines.push('cluster:', `  bootstrapServers: 127.0.0.1:${port}`);
  if (f.chance(0.2)) lines.push(`  connectionTimeout: ${rare(['5s', '1h', '10000'], ['30d', '0', '-1', 'x'])}`);
  const n = f.int(5);
  if (n > 0) lines.push('topics:');
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = f.chance(0.95) ? `t${i}` : topicName(f);
    names.push(name);
    lines.push(`  ${JSON.stringify(name)}:`);
    if (f.chance(0.7)) lines.push(`    partitions: ${rare(['1', '2', '3'], ['0', '-2', 'x', '100000'])}`);
    if (f.chance(0.7)) lines.push(`    replicationFactor: ${rare(['1'], ['2', '0'])}`);
    if (f.chance(0.6)) {
      lines.push('    config:');
      for (let k = 0; k < 1 + f.int(3); k++) {
        const key = rare(['retention.ms', 'cleanup.policy', 'max.message.bytes', 'min.compaction.lag.ms', 'max.compaction.lag.ms', 'segment.bytes', 'min.cleanable.dirty.ratio', 'compression.type'], ['retention.mss', 'zookeeper.connect']);
        const good: Record<string, string[]> = {
          'retention.ms': ['7d', '1h', '-1'],
          'cleanup.policy': ['delete', 'compact', '[delete, compact]'],
          'max.message.bytes': ['1MiB', '10KiB'],
          'min.compaction.lag.ms': ['1h', '0'],
          'max.compaction.lag.ms': ['2h', '7d'],
          'segment.bytes': ['1GiB', '100MiB'],
          'min.cleanable.dirty.ratio': ['0.5', '0.1'],
          'compression.type': ['zstd', 'gzip', 'producer'],
        };
        const value = rare(good[key] ?? ['1'], ['x', '-5', '0', '2h', 'zip']);
        lines.push(`      ${key}: ${value}`);
      }
    }
    if (lines.at(-1)!.endsWith(':')) lines.push('    partitions: 1');
  }
  if (names.length > 0 && f.chance(0.6)) {
    lines.push('seed:');
    const topic = f.chance(0.95) ? f.pick(names) : 'ghost';
    lines.push(`  ${JSON.stringify(topic)}:`, '    messages:');
    for (let m = 0; m < 1 + f.int(3); m++) {
      const id = f.chance(0.3) ? `id: e${m}, ` : '';
      const ts = f.chance(0.2) ? `, timestamp: ${rare(['2025-12-31T00:00:00Z', '2020-01-01T00:00:00Z'], ['yesterday', '-5'])}` : '';
      lines.push(`      - { ${id}key: k${f.int(3)}, value: ${f.pick(['v', '{ a: 1 }', '12345678901234567890', 'null', '[1, 2]'])}${ts} }`);
    }
    if (f.chance(0.3)) lines.push('    generate:', `      - { count: ${rare(['1', '5', '20'], ['0', '-1', '10000000', 'x'])}, key: "k{{seq}}", value: "{{${rare(['uuid', 'seq', 'int:1:9'], ['nope', 'int:9:1'])}}}" }`);
  }
  return `${lines.join('\n')}\n`;
}

/** One random edit of a text: delete, insert a YAML-significant token, duplicate or swap lines, swap a value. */
export function mutate(f: Fuzz, text: string): string {
  const at = f.int(text.length + 1);
  switch (f.int(6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + f.int(4));
    case 1:
      return text.slice(0, at) + f.pick(TOKENS) + text.slice(at);
    case 2: {
      const lines = text.split('\n');
      const i = f.int(lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const lines = text.split('\n');
      const i = f.int(lines.length);
      const j = f.int(lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 4:
      return text.replace(/: [^\n{[]+/g, (m) => (f.chance(0.15) ? `: ${f.pick(VALUES)}` : m));
    default: {
      const lines = text.split('\n');
      const i = f.int(lines.length);
      lines[i] = (f.chance(0.5) ? ' ' : '') + (lines[i] ?? '').replace(/^ {2}/, f.chance(0.5) ? '' : '   ');
      return lines.join('\n');
    }
  }
}

/** A JSON Lines seed file: valid message lines mixed with broken ones and invalid UTF-8. */
export function seedFile(f: Fuzz): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < 1 + f.int(6); i++) {
    const line = f.pick([
      '{"key":"k","value":{"n":12345678901234567890}}',
      '{"value":"x","partition":0}',
      '{"value":1,"timestamp":"2024-01-01T00:00:00Z"}',
      '"just a string"',
      '[1,2,3]',
      '{"value":',
      '{"key":"k","value":1,"headers":[1]}',
      '{"value":"x","partition":-1}',
      '',
      '{"a":1} x',
    ]);
    let b = Buffer.from(line);
    if (f.chance(0.15)) b = Buffer.concat([b.subarray(0, f.int(b.length + 1)), Buffer.from([f.pick([0xff, 0xc0, 0xe2, 0x80, 0xed])]), b.subarray(f.int(b.length + 1))]);
    parts.push(b, Buffer.from(f.chance(0.1) ? '\r\n' : '\n'));
  }
  return Buffer.concat(parts);
}
