import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKafkaformError, type KafkaformError, type Problem } from '../../../src/errors.js';
import { defaultClusterId, DEFAULT_KAFKA_IMAGE } from '../../../src/spec/defaults.js';
import { loadSpec, parseSpec } from '../../../src/spec/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../fixtures/specs');
const repoRoot = resolve(here, '../../..');

/** The SPEC_INVALID error parseSpec throws for `text`; fails the test when it does not throw one. */
function specError(text: string, env: Record<string, string> = {}, fileExists?: (p: string) => boolean): KafkaformError {
  try {
    parseSpec(text, 'kafka.config.yaml', env, fileExists ? { fileExists } : {});
  } catch (e) {
    if (isKafkaformError(e) && e.code === 'KF101') return e;
    throw e;
  }
  throw new Error('expected parseSpec to throw SPEC_INVALID');
}

/** Problems as one line each, "line:col path: message", in the order reported. */
function lines(problems: Problem[]): string[] {
  return problems.map((p) => `${p.at?.line}:${p.at?.col} ${p.path ?? ''}: ${p.message}`);
}

const HEAD = 'version: 1\nproject: shop\ncontainers:\n  kafka: {}\n'; // four lines every case below starts with

describe('parseSpec: a valid spec', () => {
  it('normalises the full fixture: units, ids, defaults, order', async () => {
    const file = join(fixtures, 'full/kafka.config.yaml');
    const spec = await loadSpec(file, { KAFKA_PASSWORD: 'pw', UI_SECRET: 's3cret' });
    expect(spec.file).toBe(file);
    expect(spec.project).toBe('shop');
    expect(spec.allowDelete).toBe(true);
    expect(spec.cluster).toEqual({
      bootstrapServers: ['localhost:9092', 'localhost:9093'],
      clientId: 'shop-admin',
      connectionTimeoutMs: 5_000,
      requestTimeoutMs: 60_000,
      tls: null,
      sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'pw' },
    });
    expect(spec.topics.map((t) => t.name)).toEqual(['audit.log', 'notes', 'purchases']);
    const purchases = spec.topics[2]!;
    expect(purchases).toMatchObject({ partitions: 3, replicationFactor: 1 });
    expect(purchases.config).toEqual({
      'retention.ms': '604800000',
      'retention.bytes': '536870912',
      'cleanup.policy': 'delete,compact',
      'min.cleanable.dirty.ratio': '0.5',
      'unclean.leader.election.enable': 'false',
      'compression.type': 'zstd',
      'flush.messages': '9223372036854775807',
    });
    expect(purchases.pos.name).toEqual({ file, line: 18, col: 3 });
    expect(purchases.pos.partitions).toEqual({ file, line: 19, col: 17 });
    expect(purchases.pos.config['retention.bytes']).toEqual({ file, line: 23, col: 7 });
    expect(spec.topics[0]).toMatchObject({ partitions: null, replicationFactor: null, config: { 'retention.ms': '-1', 'segment.bytes': '1073741824' } });

    const kafka = spec.containers?.kafka;
    expect(kafka).toMatchObject({
      image: DEFAULT_KAFKA_IMAGE,
      nodes: 3,
      network: 'auto',
      port: 9092,
      controllerPort: 10092,
      heap: '512m',
      properties: { 'log.retention.hours': '24', 'auto.create.topics.enable': 'false' },
      persistence: 'volume',
      clusterId: defaultClusterId('shop'),
      security: null,
    });
    expect(kafka?.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const [ui, api] = spec.containers?.services ?? [];
    expect(spec.containers?.services.map((s) => s.name)).toEqual(['zookeeper-free-ui', 'api']);
    expect(ui).toMatchObject({
      env: { KAFKA_CLUSTERS_0_NAME: 'local', SECRET: 's3cret' },
      ports: [
        { host: 8080, container: 8080, protocol: 'tcp', hostIp: '127.0.0.1' },
        { host: 8081, container: 80, protocol: 'udp', hostIp: '127.0.0.1' },
        { host: 9000, container: 9000, protocol: 'tcp', hostIp: '127.0.0.1' },
      ],
      command: ['serve', '--title', 'Kafka UI', '--verbose'],
      entrypoint: null,
      volumes: [
        { kind: 'volume', source: 'ui-data', target: '/var/lib/ui', readOnly: false },
        { kind: 'bind', source: join(fixtures, 'full/local'), target: '/etc/ui', readOnly: true },
        { kind: 'bind', source: '/tmp', target: '/scratch', readOnly: false },
      ],
      healthcheck: { test: ['CMD-SHELL', 'curl -f http://localhost:8080'], intervalMs: 2_000, timeoutMs: 3_000, retries: 10, startPeriodMs: 0 },
      dependsOn: ['kafka'],
    });
    expect(api).toMatchObject({ env: { MODE: 'demo', PORT: '9001' }, entrypoint: ['/bin/api', '--fast'], network: 'host' });

    expect(spec.seeds).toHaveLength(1);
    const seed = spec.seeds[0]!;
    expect(seed.compression).toBe('lz4');
    expect(seed.entries.map((e) => e.id)).toEqual([
      'inline:#6afc2136214f',
      'inline:second',
      'file:seeds/purchases.jsonl',
      'file:notes',
      'generate:load',
      'generate:1',
    ]);
    expect(seed.entries[0]).toMatchObject({
      kind: 'inline',
      message: { key: 'user-1', value: { item: 'book' }, headers: { source: 'demo' }, partition: 0, timestamp: Date.UTC(2024, 0, 1) },
    });
    expect(seed.entries[1]).toMatchObject({ message: { key: '42', value: 'plain', partition: null, timestamp: 1_700_000_000_000 } });
    expect(seed.entries[2]).toMatchObject({ kind: 'file', path: 'seeds/purchases.jsonl', format: 'jsonl' });
    expect(seed.entries[3]).toMatchObject({ kind: 'file', path: 'seeds/notes.txt', format: 'text' });
    expect(seed.entries[4]).toMatchObject({ kind: 'generate', count: 1000, key: 'user-{{seq}}', seed: 42 });
    expect(seed.entries[5]).toMatchObject({ kind: 'generate', count: 5, key: null, value: null, seed: null });
  });

  it('applies defaults to a minimal spec', () => {
    const spec = parseSpec('version: 1\nproject: tiny\ncluster:\n  bootstrapServers: [localhost:9092]\n', 'k.yaml');
    expect(spec).toMatchObject({
      cluster: { bootstrapServers: ['localhost:9092'], clientId: 'kafkaform', connectionTimeoutMs: 10_000, requestTimeoutMs: 30_000, tls: null, sasl: null },
      topics: [],
      containers: null,
      seeds: [],
      allowDelete: false,
    });
  });

  it('leaves bootstrapServers empty when containers.kafka derives them, and keeps empty-valued keys meaningful', () => {
    const spec = parseSpec(`${HEAD}topics:\n  t:\n    partitions:\n`, 'k.yaml');
    expect(spec.cluster.bootstrapServers).toEqual([]);
    expect(spec.containers?.kafka).toMatchObject({ nodes: 1, port: 9092, controllerPort: 10092 });
    expect(spec.topics[0]).toMatchObject({ name: 't', partitions: null });
  });

  it('accepts x- extension fields and merges anchors with <<', () => {
    const text = [
      'version: 1',
      'project: shop',
      'x-topic-defaults: &std',
      '  partitions: 3',
      '  config: { retention.ms: 1d }',
      'containers:',
      '  kafka: {}',
      'topics:',
      '  a: *std',
      '  b:',
      '    <<: *std',
      '    partitions: 6',
    ].join('\n');
    const spec = parseSpec(text, 'k.yaml');
    expect(spec.topics.map((t) => [t.name, t.partitions, t.config])).toEqual([
      ['a', 3, { 'retention.ms': '86400000' }],
      ['b', 6, { 'retention.ms': '86400000' }],
    ]);
    // A merged key has no place of its own under b: its position falls back to the topic's key.
    expect(spec.topics[1]?.pos.config['retention.ms']).toEqual({ file: 'k.yaml', line: 10, col: 3 });
  });

  it('resolves TLS paths against the spec directory', () => {
    const spec = parseSpec('version: 1\nproject: x\ncluster:\n  bootstrapServers: b:9093\n  tls: { ca: certs/ca.pem, rejectUnauthorized: false }\n', '/etc/kf/k.yaml');
    expect(spec.cluster.tls).toEqual({ caFile: '/etc/kf/certs/ca.pem', certFile: null, keyFile: null, rejectUnauthorized: false });
  });
});

describe('parseSpec: problems', () => {
  it.each([
    [
      'unknown key, with did-you-mean',
      `${HEAD}topics:\n  purchases:\n    partitons: 3\n`,
      ['7:5 topics.purchases.partitons: unknown key "partitons" in topics.purchases; did you mean "partitions"?'],
    ],
    ['wrong type', `${HEAD}topics:\n  purchases:\n    partitions: three\n`, ['7:17 topics.purchases.partitions: expected an integer ≥ 1, got "three"']],
    ['below minimum', `${HEAD}topics:\n  purchases:\n    partitions: 0\n`, ['7:17 topics.purchases.partitions: expected an integer ≥ 1, got 0']],
    [
      'duplicate key',
      `${HEAD}topics:\n  purchases:\n    partitions: 3\n    partitions: 4\n`,
      ['8:5 topics.purchases.partitions: duplicate key "partitions" in topics.purchases'],
    ],
    [
      'topic config removed in Kafka 4.0',
      `${HEAD}topics:\n  purchases:\n    config:\n      message.format.version: 3.0-IV1\n`,
      ['8:7 topics.purchases.config.message.format.version: topic config "message.format.version" was removed in Kafka 4.0 (only the v2 record format exists); delete it'],
    ],
    [
      'bad topic config value',
      `${HEAD}topics:\n  purchases:\n    config:\n      retention.ms: 7 days\n`,
      ['8:21 topics.purchases.config.retention.ms: unknown duration unit "days" in "7 days"; use ms, s, m, h, d or w'],
    ],
    [
      'internal topic name',
      `${HEAD}topics:\n  __consumer_offsets: {}\n`,
      ['6:3 topics.__consumer_offsets: topic name "__consumer_offsets" is reserved: names starting with "__" belong to Kafka\'s internal topics'],
    ],
    ['invalid topic name', `${HEAD}topics:\n  "bad name": {}\n`, ['6:3 topics.bad name: invalid topic name "bad name": use 1 to 249 letters, digits, ".", "_" or "-"']],
    [
      'seed for an undeclared topic',
      `${HEAD}topics:\n  purchases: {}\nseed:\n  purchase:\n    messages: [{ value: 1 }]\n`,
      ['8:3 seed.purchase: seed for undeclared topic "purchase"; did you mean "purchases"?'],
    ],
    [
      'enum with suggestion',
      `${HEAD}topics:\n  p: {}\nseed:\n  p:\n    compression: gzp\n`,
      ['9:18 seed.p.compression: expected one of none, gzip, snappy, lz4, zstd, got "gzp"; did you mean "gzip"?'],
    ],
    ['missing required key', 'version: 1\ncontainers:\n  kafka: {}\n', ['1:1 project: missing required key "project" at the top level']],
    [
      'missing required key in a nested mapping, at its parent key',
      `${HEAD}  services:\n    ui:\n      ports: [8080]\n`,
      ['6:5 containers.services.ui.image: missing required key "image" in containers.services.ui'],
    ],
    ['wrong version', 'version: 2\nproject: shop\ncontainers:\n  kafka: {}\n', ['1:10 version: expected 1, got 2']],
    [
      'no cluster',
      'version: 1\nproject: shop\ntopics: {}\n',
      ['1:1 : no cluster: set cluster.bootstrapServers or declare containers.kafka'],
    ],
    [
      'dependsOn cycle',
      `${HEAD}  services:\n    a: { image: x, dependsOn: [b] }\n    b: { image: x, dependsOn: [a] }\n`,
      ['6:20 containers.services.a.dependsOn: dependency cycle: a → b → a'],
    ],
    [
      'unknown dependsOn',
      `${HEAD}  services:\n    a: { image: x, dependsOn: [kafak] }\n`,
      ['6:32 containers.services.a.dependsOn[0]: unknown service "kafak" in dependsOn; did you mean "kafka"?'],
    ],
    [
      'overlapping kafka ports',
      'version: 1\nproject: shop\ncontainers:\n  kafka: { nodes: 3, port: 9092, controllerPort: 9094 }\n',
      ['4:50 containers.kafka.controllerPort: client ports 9092-9094 overlap controller ports 9094-9096'],
    ],
    [
      'managed broker property',
      `version: 1\nproject: shop\ncontainers:\n  kafka:\n    properties:\n      node.id: 7\n`,
      ['6:7 containers.kafka.properties.node.id: broker property "node.id" is managed by kafkaform'],
    ],
    [
      'seed partition beyond the topic',
      `${HEAD}topics:\n  p: { partitions: 2 }\nseed:\n  p:\n    messages:\n      - { partition: 2 }\n`,
      ['10:22 seed.p.messages[0].partition: partition 2 does not exist: topic "p" has 2 partition(s)'],
    ],
    [
      'timestamp without a zone',
      `${HEAD}topics:\n  p: {}\nseed:\n  p:\n    messages:\n      - { timestamp: "2024-01-01T10:00:00" }\n`,
      [
        '10:22 seed.p.messages[0].timestamp: expected an ISO 8601 time with a zone such as 2024-01-01T00:00:00Z, or epoch milliseconds, got "2024-01-01T10:00:00"; add Z or an offset such as +02:00',
      ],
    ],
    [
      'duplicate seed ids',
      `${HEAD}topics:\n  p: {}\nseed:\n  p:\n    messages:\n      - { id: a }\n      - { id: a }\n`,
      ['11:9 seed.p.messages[1]: duplicate seed entry id "inline:a" in seed.p'],
    ],
  ])('%s', (_name, text, expected) => {
    const err = specError(text);
    expect(lines(err.problems)).toEqual(expected);
    for (const p of err.problems) expect(p.hint, `hint of ${p.message}`).toBeTruthy();
  });

  it('reports a value that breaks two schema rules once', () => {
    const err = specError(`${HEAD}topics:\n  p:\n    config: { compression.type: 5 }\n`);
    expect(lines(err.problems)).toEqual([
      '7:33 topics.p.config.compression.type: expected one of uncompressed, zstd, lz4, snappy, gzip, producer, got 5',
    ]);
  });

  it('reports every problem at once, in source order, each with file, path and hint', () => {
    const err = specError(
      [
        'version: 1',
        'project: Shop!',
        'containers:',
        '  kafka: { nodes: 12 }',
        'topics:',
        '  purchases:',
        '    partitions: -1',
        '    config: { cleanup.policy: compacted, retention.bytes: 512m }',
        'seed:',
        '  purchases:',
        '    compresion: gzip',
      ].join('\n'),
    );
    expect(lines(err.problems)).toEqual([
      '2:10 project: expected a project name: 1 to 63 lowercase letters, digits, "_", "." or "-", starting with a letter or digit, got "Shop!"',
      '4:19 containers.kafka.nodes: expected an integer from 1 to 9, got 12',
      '7:17 topics.purchases.partitions: expected an integer ≥ 1, got -1',
      '8:31 topics.purchases.config.cleanup.policy: expected delete, compact, "compact,delete" or a list such as [delete, compact], got "compacted"',
      '8:59 topics.purchases.config.retention.bytes: "512m" is ambiguous: write MB (powers of 1000) or MiB (powers of 1024)',
      '11:5 seed.purchases.compresion: unknown key "compresion" in seed.purchases; did you mean "compression"?',
    ]);
    expect(err.message).toBe('kafka.config.yaml has 6 problems');
    for (const p of err.problems) {
      expect(p.at?.file).toBe('kafka.config.yaml');
      expect(p.hint).toBeTruthy();
    }
  });

  it('reports a YAML syntax error at its position, without schema noise', () => {
    const err = specError('version: 1\nproject: shop\ntopics:\n\tpurchases: {}\n');
    expect(lines(err.problems)).toEqual(['4:1 : YAML syntax error: Tabs are not allowed as indentation']);
    expect(err.problems[0]?.hint).toBe('indent YAML with spaces, never tabs');
  });

  it('reports an unclosed flow mapping where YAML notices it', () => {
    const err = specError('version: 1\nproject: shop\ntopics:\n  a: {partitions: 3\n  b: {}\n');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ at: { line: 5, col: 3 }, message: expect.stringMatching(/^YAML syntax error: Flow map/) });
  });

  it('says so when the file is empty', () => {
    expect(lines(specError('# nothing yet\n').problems)).toEqual(['1:1 : the spec is empty']);
  });

  it('locates problems deep in a large spec', () => {
    let text = `${HEAD}topics:\n`;
    for (let i = 0; i < 1000; i++) text += `  t${i}:\n    partitions: 1\n`;
    text += '  t1000:\n    partitions: many\n';
    expect(lines(specError(text).problems)).toEqual(['2007:17 topics.t1000.partitions: expected an integer ≥ 1, got "many"']);
  });
});

describe('parseSpec: topic configs the catalogue lacks', () => {
  it('accepts them with a warning that the broker decides, did-you-mean included, values kept as strings', () => {
    const spec = parseSpec(`${HEAD}topics:\n  purchases:\n    config:\n      retention.msx: 1d\n      vendor.tier: 3\n`, 'k.yaml');
    expect(spec.topics[0]?.config).toEqual({ 'retention.msx': '1d', 'vendor.tier': '3' });
    expect(spec.warnings?.map((w) => `${w.at?.line}:${w.at?.col} ${w.path}: ${w.message}`)).toEqual([
      '8:7 topics.purchases.config.retention.msx: topic config "retention.msx" is not in kafkaform\'s catalogue of Kafka 4.4.0 topic configs; did you mean "retention.ms"?; the broker will decide at plan time',
      '9:7 topics.purchases.config.vendor.tier: topic config "vendor.tier" is not in kafkaform\'s catalogue of Kafka 4.4.0 topic configs; the broker will decide at plan time',
    ]);
  });

  it('has no warnings when every key is catalogued', () => {
    expect(parseSpec(`${HEAD}topics:\n  purchases:\n    config:\n      retention.ms: 1d\n`, 'k.yaml').warnings).toBeUndefined();
  });
});

describe('parseSpec: ${VAR} interpolation and secrets', () => {
  const sasl = (password: string) =>
    `version: 1\nproject: shop\ncluster:\n  bootstrapServers: [localhost:9092]\n  sasl:\n    mechanism: plain\n    username: \${KAFKA_USER}\n    password: ${password}\n`;

  it('replaces references in sasl credentials and service env values', () => {
    const spec = parseSpec(`${sasl('"${KAFKA_PASSWORD}"')}containers:\n  services:\n    ui: { image: x, env: { TOKEN: "t-\${TOKEN}" } }\n`, 'k.yaml', {
      KAFKA_USER: 'alice',
      KAFKA_PASSWORD: 'hunter2',
      TOKEN: 'abc',
    });
    expect(spec.cluster.sasl).toEqual({ mechanism: 'plain', username: 'alice', password: 'hunter2' });
    expect(spec.containers?.services[0]?.env).toEqual({ TOKEN: 't-abc' });
  });

  it('reports a missing variable at the reference, naming it, never showing any secret', () => {
    const err = specError(`${sasl('"${KAFKA_PASSWORD}"')}containers:\n  services:\n    ui: { image: x, env: { TOKEN: "t-\${TOKEN}" } }\n`, {
      KAFKA_USER: 'hunter2-user',
      TOKEN: 'hunter2-token',
    });
    expect(lines(err.problems)).toEqual(['8:16 cluster.sasl.password: environment variable KAFKA_PASSWORD is not set']);
    expect(err.problems[0]?.hint).toMatch(/set KAFKA_PASSWORD/);
    expect(JSON.stringify({ m: err.message, p: err.problems, h: err.hint })).not.toMatch(/hunter2/);
  });

  it('never echoes a literal password, even when it is wrong', () => {
    const err = specError(sasl('987654321'), { KAFKA_USER: 'u' });
    expect(lines(err.problems)).toEqual(['8:15 cluster.sasl.password: expected a string, got a number']);
    expect(JSON.stringify({ m: err.message, p: err.problems })).not.toContain('987654321');
  });

  it('does not quote a malformed reference inside a secret', () => {
    const err = specError(sasl('"pa${ss word}"'), { KAFKA_USER: 'u' });
    expect(lines(err.problems)).toEqual(['8:18 cluster.sasl.password: malformed "${…}" reference (value not shown)']);
    expect(JSON.stringify({ m: err.message, p: err.problems })).not.toContain('ss word');
  });

  it('keeps a literal password out of problems elsewhere in the file', () => {
    const err = specError(`${sasl('"s3cr3t-literal"')}topics:\n  t: { partitions: x }\n`, { KAFKA_USER: 'u' });
    expect(err.problems).toHaveLength(1);
    expect(JSON.stringify({ m: err.message, p: err.problems })).not.toContain('s3cr3t-literal');
  });
});

describe('loadSpec: files', () => {
  it('reports a missing seed file at the line of its path', async () => {
    const file = join(fixtures, 'missing-seed/kafka.config.yaml');
    const err = await loadSpec(file, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isKafkaformError(err) && err.code).toBe('KF101');
    const problems = (err as KafkaformError).problems;
    expect(lines(problems)).toEqual([`11:9 seed.purchases.files[0]: seed file not found: seeds/missing.jsonl`]);
    expect(problems[0]?.hint).toContain(join(fixtures, 'missing-seed'));
  });

  it('checks seed files only when given a way to (parseSpec stays pure)', () => {
    const text = `${HEAD}topics:\n  p: {}\nseed:\n  p:\n    files: [seeds/a.jsonl, { path: ./seeds/b.txt, format: jsonl }]\n`;
    expect(parseSpec(text, '/nowhere/k.yaml').seeds[0]?.entries).toMatchObject([
      { kind: 'file', id: 'file:seeds/a.jsonl', path: 'seeds/a.jsonl', format: 'jsonl' },
      { kind: 'file', id: 'file:seeds/b.txt', path: 'seeds/b.txt', format: 'jsonl' },
    ]);
    const seen: string[] = [];
    const err = specError(text, {}, (p) => {
      seen.push(p);
      return p.endsWith('a.jsonl');
    });
    expect(seen).toEqual([resolve(repoRoot, 'kafka.config.yaml', '..', 'seeds/a.jsonl'), resolve(repoRoot, 'seeds/b.txt')]);
    expect(lines(err.problems)).toEqual(['9:36 seed.p.files[1].path: seed file not found: ./seeds/b.txt']);
  });

  it('fails with SPEC_NOT_FOUND and a hint naming -f when the file is absent', async () => {
    const err = await loadSpec(join(fixtures, 'no-such-dir/kafka.config.yaml')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isKafkaformError(err) && err.code).toBe('KF100');
    expect((err as KafkaformError).hint).toMatch(/kafka\.config\.yaml.*-f <file>/);
  });

  it('fails with SPEC_NOT_FOUND when given a directory', async () => {
    const err = await loadSpec(fixtures).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isKafkaformError(err) && err.message).toMatch(/is a directory/);
  });

  it('loads the full fixture spec from its file: paths resolve against its directory, seed files are found', async () => {
    // Every field's normalised value is asserted in 'normalises the full fixture' above; this checks what reading
    // from disk adds: the file's absolute path, bind mounts resolved against the spec's directory (not the
    // working directory), and seed file paths kept relative to it, both files present.
    const dir = join(fixtures, 'full');
    const spec = await loadSpec(join(dir, 'kafka.config.yaml'), { KAFKA_PASSWORD: 'x', UI_SECRET: 'y' });
    expect(spec.file).toBe(join(dir, 'kafka.config.yaml'));
    expect(spec.containers?.services.map((s) => s.volumes.map((v) => `${v.kind}:${v.source}`))).toEqual([[`volume:ui-data`, `bind:${join(dir, 'local')}`, 'bind:/tmp'], []]);
    const files = spec.seeds[0]!.entries.flatMap((e) => (e.kind === 'file' ? [`${e.id} ${e.path} ${e.format}`] : []));
    expect(files).toEqual(['file:seeds/purchases.jsonl seeds/purchases.jsonl jsonl', 'file:notes seeds/notes.txt text']);
    expect(existsSync(join(dir, 'seeds/purchases.jsonl')) && existsSync(join(dir, 'seeds/notes.txt'))).toBe(true);
    expect(spec.cluster.sasl?.password).toBe('x');
  });

  it("loads the repository's example kafka.config.yaml as the README describes it", async () => {
    const spec = await loadSpec(join(repoRoot, 'kafka.config.yaml'), {});
    expect(spec.project).toBe('shop');
    expect(spec.topics.map((t) => t.name)).toEqual(['customers', 'purchases']);
    expect(spec.topics.find((t) => t.name === 'purchases')?.config['retention.ms']).toBe('604800000');
    expect(spec.containers?.kafka?.nodes).toBe(1);
    expect(spec.cluster.bootstrapServers).toEqual([]);
    expect(spec.seeds.map((s) => s.topic)).toEqual(['customers', 'purchases']);
  });
});

describe('large specs', () => {
  // Speed is measured by the benchmarks, not asserted here; this checks a 1,000-topic spec loads completely.
  it('normalises every topic of a spec with 1,000 topics', () => {
    let text = `${HEAD}topics:\n`;
    for (let i = 0; i < 1000; i++) {
      text += `  topic-${i}:\n    partitions: 3\n    replicationFactor: 1\n    config:\n      retention.ms: 7d\n      cleanup.policy: delete\n      retention.bytes: 512MiB\n`;
    }
    const spec = parseSpec(text, 'k.yaml');
    expect(spec.topics).toHaveLength(1000);
    for (const t of spec.topics) {
      expect(t.config).toEqual({ 'retention.ms': '604800000', 'cleanup.policy': 'delete', 'retention.bytes': '536870912' });
    }
  });
});
