import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KafkaformError, type Problem } from '../../../src/errors.js';
import type { IncludeIO } from '../../../src/spec/include.js';
import { parseSpec } from '../../../src/spec/load.js';

// include:, environments and ${VAR} interpolation in any scalar, through parseSpec with an in-memory file system.

/** A file system of absolute path → text, rooted at the directory of the root spec. */
function files(map: Record<string, string>): IncludeIO {
  const abs = new Map(Object.entries(map).map(([k, v]) => [resolve(k), v]));
  return {
    readFile: (p) => abs.get(p) ?? null,
    listDir: (d) => {
      const names = new Set<string>();
      for (const p of abs.keys()) if (p.startsWith(`${d}/`)) names.add(p.slice(d.length + 1).split('/')[0]!);
      return names.size ? [...names] : null;
    },
  };
}

/** The problems of a spec that must fail. */
function problems(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof KafkaformError) return e.problems;
    throw e;
  }
  throw new Error('expected the spec to be invalid');
}

const ROOT = `version: 1
project: shop
cluster:
  bootstrapServers: [localhost:9092]
include:
  - topics/*.yaml
topics:
  audit:
    partitions: 1
`;

describe('include:', () => {
  it('adds the topics of every matching file, in name order', () => {
    const io = files({
      'topics/orders.yaml': 'topics:\n  orders:\n    partitions: 6\n    config:\n      retention.ms: 7d\n',
      'topics/payments.yaml': '$schema: ../schema/kafka.topics.schema.json\ntopics:\n  payments: { partitions: 3 }\n  refunds: {}\n',
      'topics/notes.txt': 'not yaml: [',
    });
    const spec = parseSpec(ROOT, 'kafka.config.yaml', {}, { readFile: io });
    expect(spec.topics.map((t) => [t.name, t.partitions])).toEqual([['audit', 1], ['orders', 6], ['payments', 3], ['refunds', null]]);
    expect(spec.topics[1]!.config).toEqual({ 'retention.ms': '604800000' });
    expect(spec.topics[1]!.pos.name).toEqual({ file: 'topics/orders.yaml', line: 2, col: 3 });
  });

  it('points errors into the included file, at line and column', () => {
    const io = files({ 'topics/orders.yaml': 'topics:\n  orders:\n    partitions: many\n    config:\n      retention.ms: 7 parsecs\n' });
    const ps = problems(() => parseSpec(ROOT, 'kafka.config.yaml', {}, { readFile: io }));
    expect(ps.map((p) => `${p.at?.file}:${p.at?.line}:${p.at?.col}`)).toEqual(['topics/orders.yaml:3:17', 'topics/orders.yaml:5:21']);
  });

  it('refuses anything but topics in an included file', () => {
    const io = files({ 'topics/orders.yaml': 'project: other\ntopics:\n  orders: {}\n' });
    const ps = problems(() => parseSpec(ROOT, 'kafka.config.yaml', {}, { readFile: io }));
    expect(ps).toEqual([expect.objectContaining({ at: { file: 'topics/orders.yaml', line: 1, col: 1 }, message: expect.stringContaining('holds topics only') })]);
  });

  it('names both places of a topic declared twice', () => {
    const io = files({ 'topics/a.yaml': 'topics:\n  orders: {}\n', 'topics/b.yaml': 'topics:\n  audit: {}\n  orders: {}\n' });
    const ps = problems(() => parseSpec(ROOT, 'kafka.config.yaml', {}, { readFile: io }));
    expect(ps.map((p) => `${p.at?.file}:${p.at?.line}:${p.at?.col} ${p.message}`)).toEqual([
      'topics/b.yaml:2:3 topic "audit" is declared twice: here and at kafka.config.yaml:8:3',
      'topics/b.yaml:3:3 topic "orders" is declared twice: here and at topics/a.yaml:2:3',
    ]);
  });

  it('reports an include that matches nothing at its own line', () => {
    const ps = problems(() => parseSpec(ROOT, 'kafka.config.yaml', {}, { readFile: files({}) }));
    expect(ps).toEqual([expect.objectContaining({ at: { file: 'kafka.config.yaml', line: 6, col: 5 }, message: 'include "topics/*.yaml" matches no readable file' })]);
  });
});

const ENVS = `version: 1
project: shop
cluster:
  bootstrapServers: [localhost:9092]
topics:
  orders:
    partitions: 6
    replicationFactor: 1
    config:
      retention.ms: 1d
      cleanup.policy: delete
environments:
  prod:
    cluster:
      bootstrapServers: ["\${PROD_BOOTSTRAP:-kafka-1:9092}"]
    topics:
      orders:
        replicationFactor: 3
        config:
          retention.ms: 7d
  dev: {}
`;

describe('environments', () => {
  it('without -e, the root spec as written', () => {
    const spec = parseSpec(ENVS, 'kafka.config.yaml', {});
    expect(spec.cluster.bootstrapServers).toEqual(['localhost:9092']);
    expect(spec.topics[0]).toMatchObject({ partitions: 6, replicationFactor: 1, config: { 'retention.ms': '86400000', 'cleanup.policy': 'delete' } });
  });

  it('-e prod replaces the cluster and overrides declared topics, config keys merged', () => {
    const spec = parseSpec(ENVS, 'kafka.config.yaml', { PROD_BOOTSTRAP: 'broker-a:9093' }, { environment: 'prod' });
    expect(spec.cluster.bootstrapServers).toEqual(['broker-a:9093']);
    expect(spec.topics[0]).toMatchObject({ partitions: 6, replicationFactor: 3, config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' } });
    expect(spec.topics[0]!.pos.replicationFactor).toEqual({ file: 'kafka.config.yaml', line: 18, col: 28 });
    expect(parseSpec(ENVS, 'kafka.config.yaml', {}, { environment: 'prod' }).cluster.bootstrapServers).toEqual(['kafka-1:9092']);
  });

  it('an environment may set the safety lint\'s per-topic opt-ins (allow, maxPartitions)', () => {
    const text = ENVS.replace('  dev: {}\n', '  dev:\n    topics:\n      orders:\n        allow: [L001]\n        maxPartitions: 20000\n');
    expect(parseSpec(text, 'kafka.config.yaml', {}).topics[0]!.allow).toBeUndefined();
    const dev = parseSpec(text, 'kafka.config.yaml', {}, { environment: 'dev' }).topics[0]!;
    expect(dev).toMatchObject({ allow: ['L001'], maxPartitions: 20000 });
    expect(dev.pos.allow).toMatchObject({ file: 'kafka.config.yaml', line: 24 });
  });

  it('an unknown environment is an error listing the declared ones', () => {
    const ps = problems(() => parseSpec(ENVS, 'kafka.config.yaml', {}, { environment: 'prd' }));
    expect(ps).toEqual([expect.objectContaining({ message: 'environment "prd" is not declared in the spec', hint: expect.stringContaining('did you mean "prod"') })]);
  });

  it('errors inside an environment point at its lines', () => {
    const bad = ENVS.replace('replicationFactor: 3', 'replicationFactor: three').replace('  dev: {}', '  dev:\n    topics:\n      ghost: { partitions: 1 }');
    const ps = problems(() => parseSpec(bad, 'kafka.config.yaml', {}, { environment: 'dev' }));
    expect(ps.map((p) => `${p.at?.line}:${p.at?.col}`)).toEqual(['18:28', '23:7']);
    expect(ps[1]!.message).toBe('environment "dev" overrides topic "ghost", which the spec does not declare');
    expect(ps[1]!.path).toBe('environments.dev.topics.ghost');
  });

  it('the schema refuses unknown keys in an environment', () => {
    const ps = problems(() => parseSpec(ENVS.replace('  dev: {}', '  dev:\n    containers: {}'), 'kafka.config.yaml', {}));
    expect(ps[0]).toMatchObject({ at: { line: 22, col: 5 } });
  });
});

describe('${VAR} in any scalar', () => {
  const spec = (topics: string) => `version: 1\nproject: shop\ncluster:\n  bootstrapServers: ["\${BOOTSTRAP:-localhost:9092}"]\ntopics:\n${topics}`;

  it('resolves values and defaults, typed where the key is a number', () => {
    const s = parseSpec(spec('  orders:\n    partitions: ${PARTS:-3}\n    config:\n      retention.ms: ${RETENTION}\n'), 'k.yaml', { RETENTION: '2d', BOOTSTRAP: 'b:1' });
    expect(s.cluster.bootstrapServers).toEqual(['b:1']);
    expect(s.topics[0]).toMatchObject({ partitions: 3, config: { 'retention.ms': '172800000' } });
  });

  it('a missing variable without default names it and its line and column', () => {
    const ps = problems(() => parseSpec(spec('  orders:\n    config:\n      retention.ms: ${RETENTION}\n'), 'k.yaml', {}));
    expect(ps).toEqual([expect.objectContaining({ message: 'environment variable RETENTION is not set', at: { file: 'k.yaml', line: 8, col: 21 } })]);
  });

  it('never prints a secret from the environment', () => {
    const text = `version: 1\nproject: shop\ncluster:\n  bootstrapServers: [localhost:9092]\n  sasl:\n    mechanism: plain\n    username: u\n    password: \${PW}\ntopics:\n  orders:\n    partitions: \${PW}\n`;
    const ps = problems(() => parseSpec(text, 'k.yaml', { PW: 's3cr3t-value' }));
    expect(JSON.stringify(ps)).not.toContain('s3cr3t');
  });
});

describe('schema/kafka.topics.schema.json (for editors, on included files)', () => {
  it('accepts a topics-only file and refuses anything else, through the root schema\'s topics', async () => {
    const { Ajv } = await import('ajv');
    const { readFileSync } = await import('node:fs');
    const { findSchemaFile } = await import('../../../src/spec/schema-check.js');
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'x-key-noun', schemaType: 'string' });
    ajv.addSchema(JSON.parse(readFileSync(findSchemaFile(), 'utf8')) as object, 'kafka.config.schema.json');
    const validate = ajv.compile(JSON.parse(readFileSync(findSchemaFile().replace('kafka.config.schema.json', 'kafka.topics.schema.json'), 'utf8')) as object);
    expect(validate({ $schema: './x.json', topics: { orders: { partitions: 3, config: { 'retention.ms': '7d' } } } })).toBe(true);
    expect(validate({ topics: { orders: { partitions: 'many' } } })).toBe(false);
    expect(validate({ project: 'x', topics: {} })).toBe(false);
  });
});

describe('a bad ${VAR} inside an environment', () => {
  it('is reported once, at the reference, not again by the checks of the half-resolved value', () => {
    const text = ENVS.replace('["${PROD_BOOTSTRAP:-kafka-1:9092}"]', '"${PROD_BOOTSTRAP}"');
    const ps = problems(() => parseSpec(text, 'kafka.config.yaml', {}, { environment: 'prod' }));
    expect(ps.map((p) => `${p.at?.line}:${p.at?.col} ${p.message}`)).toEqual(['15:26 environment variable PROD_BOOTSTRAP is not set']);
  });
});
