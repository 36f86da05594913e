import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kafkaNodeProperties } from '../../../src/plan/kafka-node-config.js';
import {
  compareKafkaVersions,
  controllerQuorumProperties,
  DEFAULT_KAFKA_IMAGE,
  DEFAULT_KAFKA_VERSION,
  imageKafkaVersion,
  internalTopicProperties,
  internalTopics,
  parseKafkaVersion,
  SUPPORTED_KAFKA_LINES,
  TESTED_KAFKA_VERSIONS,
  topicConfigDefault,
  topicConfigKnown,
  TOPIC_CONFIGS_REMOVED_IN_4,
  unsupportedImage,
  zookeeperProperty,
  type KafkaVersion,
} from '../../../src/kafka/versions.js';
import { TOPIC_CONFIGS } from '../../../src/spec/topic-configs.js';
import { kafkaSpec } from '../plan/container-spec-builder.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtureDir = join(root, 'test/fixtures/topic-configs');

/** A topic config as the version's own jar defines it (scripts/topic-configs.sh). */
interface JarConfig {
  type: string;
  default: string;
  validator: string;
}

/** The topic configs of one Kafka version, read from its fixture; internal.* testing knobs left out. */
function jarConfigs(version: string): Map<string, JarConfig> {
  const out = new Map<string, JarConfig>();
  for (const line of readFileSync(join(fixtureDir, `kafka-${version}.tsv`), 'utf8').split('\n')) {
    if (!line) continue;
    const [name, type, dflt, validator] = line.split('\t') as [string, string, string, string];
    if (!name.startsWith('internal.')) out.set(name, { type, default: dflt, validator });
  }
  return out;
}

const v = (text: string): KafkaVersion => parseKafkaVersion(text)!;

/** Every version with a fixture: one per supported minor line (3.9 to 4.4). */
const FIXTURE_VERSIONS = readdirSync(fixtureDir)
  .map((f) => /^kafka-(.+)\.tsv$/.exec(f)?.[1])
  .filter((x): x is string => x !== undefined)
  .sort((a, b) => compareKafkaVersions(v(a), v(b)));

describe('the pinned version', () => {
  it('is the newest tested version and the default image', () => {
    expect(DEFAULT_KAFKA_IMAGE).toBe(`apache/kafka:${DEFAULT_KAFKA_VERSION}`);
    expect(TESTED_KAFKA_VERSIONS.at(-1)).toBe(DEFAULT_KAFKA_VERSION);
    expect(FIXTURE_VERSIONS.at(-1)).toBe(DEFAULT_KAFKA_VERSION);
  });

  it('is read by scripts/test-env.sh with the pattern it uses, and is the schema default', () => {
    const source = readFileSync(join(root, 'src/kafka/versions.ts'), 'utf8');
    const pinned = [...source.matchAll(/^export const DEFAULT_KAFKA_VERSION = '([^']*)';$/gm)].map((m) => m[1]);
    expect(pinned).toEqual([DEFAULT_KAFKA_VERSION]);
    expect(readFileSync(join(root, 'scripts/test-env.sh'), 'utf8')).toContain("s/^export const DEFAULT_KAFKA_VERSION = ");
    const schema = JSON.parse(readFileSync(join(root, 'schema/kafka.config.schema.json'), 'utf8')) as {
      definitions: Record<string, { properties: Record<string, { default?: string }> }>;
    };
    const kafka = Object.values(schema.definitions).find((d) => d.properties?.image?.default !== undefined);
    expect(kafka?.properties.image?.default).toBe(DEFAULT_KAFKA_IMAGE);
  });

  it('is the version .ci/run tests whole, next to the compatibility versions it lists', () => {
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    const compat = /^COMPAT_VERSIONS="([^"]*)"$/m.exec(ci)?.[1]?.split(' ');
    expect([...(compat ?? []), DEFAULT_KAFKA_VERSION]).toEqual(TESTED_KAFKA_VERSIONS);
  });

  it('has a topic-config fixture for every supported line, and CI tests the oldest, 4.0 and the newest', () => {
    expect(FIXTURE_VERSIONS.map((x) => x.split('.').slice(0, 2).join('.'))).toEqual(SUPPORTED_KAFKA_LINES);
    expect(TESTED_KAFKA_VERSIONS.map((x) => x.split('.').slice(0, 2).join('.'))).toEqual(['3.9', '4.0', '4.4']);
  });
});

describe('parseKafkaVersion and imageKafkaVersion', () => {
  it.each([
    ['4.4.0', [4, 4, 0]],
    ['3.9', [3, 9, 0]],
    ['4.0.0-rc1', [4, 0, 0]],
  ])('parses %s', (text, [major, minor, patch]) => {
    expect(parseKafkaVersion(text)).toEqual({ major, minor, patch, text });
  });

  it.each(['latest', '4', 'v4.0.0', '4.0.0.0', ''])('rejects %j', (text) => {
    expect(parseKafkaVersion(text)).toBeNull();
  });

  it.each([
    ['apache/kafka:3.9.2', '3.9.2'],
    ['apache/kafka-native:4.0.0', '4.0.0'],
    ['docker.io/apache/kafka:4.4.0', '4.4.0'],
    ['localhost:5000/apache/kafka:4.1.1', '4.1.1'],
    ['apache/kafka:4.4.0@sha256:abcd', '4.4.0'],
    ['apache/kafka', null],
    ['apache/kafka:latest', null],
    ['apache/kafka@sha256:abcd', null],
    ['bitnami/kafka:3.5.1', null],
    ['confluentinc/cp-kafka:7.6.0', null],
    ['localhost:5000/kafka', null],
  ])('%s → %s', (image, text) => {
    expect(imageKafkaVersion(image)?.text ?? null).toBe(text);
  });
});

describe('unsupportedImage', () => {
  it.each(['apache/kafka:3.9.0', 'apache/kafka:3.9.2', 'apache/kafka:4.0.2', 'apache/kafka:4.4.0', 'apache/kafka:4.5.0', 'apache/kafka:latest', 'bitnami/kafka:3.5.1'])(
    'accepts %s',
    (image) => {
      expect(unsupportedImage(image)).toBeNull();
    },
  );

  it('refuses Kafka before 3.9, which needs ZooKeeper or lacks KRaft features', () => {
    expect(unsupportedImage('apache/kafka:3.8.1')).toEqual({
      message:
        'image apache/kafka:3.8.1 runs Kafka 3.8.1, older than 3.9: kafkaform runs KRaft clusters of Kafka 3.9 to 4.4, and Kafka before 3.9 needs ZooKeeper or lacks KRaft features',
      fix: 'use apache/kafka:4.4.0 (the default; leave image out), or apache/kafka:3.9.2 if you need 3.x',
    });
    expect(unsupportedImage('apache/kafka:2.8.0')?.message).toMatch(/older than 3\.9/);
  });

  it('refuses a major version it does not know', () => {
    expect(unsupportedImage('apache/kafka:5.0.0')?.message).toBe(
      'image apache/kafka:5.0.0 runs Kafka 5.0.0, a major version kafkaform does not support yet (newest: 4.4.0)',
    );
  });
});

describe('zookeeperProperty', () => {
  it.each(['zookeeper.connect', 'zookeeper.session.timeout.ms', 'zookeeper.ssl.client.enable'])('refuses %s', (name) => {
    expect(zookeeperProperty(name)?.message).toBe(
      `broker property "${name}" configures ZooKeeper, but Kafka 4 runs without ZooKeeper: kafkaform's nodes are KRaft brokers and controllers`,
    );
  });

  it('lets other properties pass', () => {
    expect(zookeeperProperty('log.retention.hours')).toBeNull();
  });
});

describe.each(FIXTURE_VERSIONS)('Kafka %s', (text) => {
  const version = v(text);
  const jar = jarConfigs(text);

  it('topicConfigKnown matches the topic configs of its jar exactly', () => {
    const candidates = new Set([...TOPIC_CONFIGS.keys(), ...TOPIC_CONFIGS_REMOVED_IN_4, ...jar.keys()]);
    const known = [...candidates].filter((name) => topicConfigKnown(name, version)).sort();
    expect(known).toEqual([...jar.keys()].sort());
  });

  it('the catalogue agrees with its jar on each shared config: type and default', () => {
    const kindOf: Record<string, string[]> = {
      'duration-ms': ['LONG'],
      'size-bytes': ['INT', 'LONG'],
      int: ['INT', 'LONG'],
      ratio: ['DOUBLE'],
      boolean: ['BOOLEAN'],
      enum: ['STRING'],
      list: ['LIST'],
    };
    for (const [name, def] of TOPIC_CONFIGS) {
      const c = jar.get(name);
      if (!c) continue;
      expect(kindOf[def.kind], name).toContain(c.type);
      expect(topicConfigDefault(name, version) ?? def.kafkaDefault, name).toBe(c.default);
    }
  });

  it('internal topics and their broker properties fit the version', () => {
    const share = compareKafkaVersions(version, v('4.0')) >= 0;
    expect(internalTopics(version)).toEqual(['__consumer_offsets', '__transaction_state', ...(share ? ['__share_group_state'] : [])]);
    const props = internalTopicProperties(version, 3);
    expect(props['transaction.state.log.min.isr']).toBe('2');
    expect('share.coordinator.state.topic.replication.factor' in props).toBe(share);
  });
});

describe('the catalogue of the newest version', () => {
  it('checks ranges as its jar does', () => {
    const jar = jarConfigs(DEFAULT_KAFKA_VERSION);
    expect(jar.get('max.decompressed.message.bytes')?.validator).toBe('[1,...,2147483639]');
    expect(TOPIC_CONFIGS.get('max.decompressed.message.bytes')?.range).toEqual({ min: 1n, max: 2_147_483_639n });
    expect(jar.get('remote.copy.lag.ms')?.validator).toBe('[-1,...]');
    expect(TOPIC_CONFIGS.get('remote.copy.lag.ms')?.range?.min).toBe(-1n);
  });
});

describe('node properties by image version', () => {
  it('sets share-group state replication only where the topic exists (4.0+)', () => {
    const three = kafkaNodeProperties(kafkaSpec({ nodes: 3, image: 'apache/kafka:3.9.2' }), 1, 'host');
    const four = kafkaNodeProperties(kafkaSpec({ nodes: 3, image: 'apache/kafka:4.0.2' }), 1, 'host');
    const unknown = kafkaNodeProperties(kafkaSpec({ nodes: 3, image: 'example/kafka:dev' }), 1, 'host');
    expect(three['share.coordinator.state.topic.replication.factor']).toBeUndefined();
    expect(four['share.coordinator.state.topic.replication.factor']).toBe('3');
    expect(unknown['share.coordinator.state.topic.min.isr']).toBe('2');
    expect(three['transaction.state.log.replication.factor']).toBe('3');
  });

  it('writes the static voter list every supported version reads', () => {
    expect(controllerQuorumProperties(['127.0.0.1:10092', '127.0.0.1:10093'])).toEqual({
      'controller.quorum.voters': '1@127.0.0.1:10092,2@127.0.0.1:10093',
    });
  });
});
