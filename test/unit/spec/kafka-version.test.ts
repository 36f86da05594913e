import { describe, expect, it } from 'vitest';
import { isKafkaformError } from '../../../src/errors.js';
import { parseSpec } from '../../../src/spec/load.js';

/** The problems of parseSpec's SPEC_INVALID error, "line:col path: message | fix" each; [] when the spec loads. */
function problems(text: string): string[] {
  try {
    parseSpec(text, 'kafka.config.yaml', {});
    return [];
  } catch (e) {
    if (!isKafkaformError(e) || e.code !== 'KF101') throw e;
    return e.problems.map((p) => `${p.at?.line}:${p.at?.col} ${p.path ?? ''}: ${p.message} | ${p.hint ?? ''}`);
  }
}

const spec = (kafka: string, topics = '') => `version: 1\nproject: shop\ncontainers:\n  kafka:\n${kafka}${topics}`;

describe('containers.kafka.image: supported Kafka versions', () => {
  it('refuses an image older than 3.9 at the image line', () => {
    expect(problems(spec('    image: apache/kafka:3.7.0\n'))).toEqual([
      '5:12 containers.kafka.image: image apache/kafka:3.7.0 runs Kafka 3.7.0, older than 3.9: kafkaform runs KRaft clusters of Kafka 3.9 to 4.4, and Kafka before 3.9 needs ZooKeeper or lacks KRaft features | use apache/kafka:4.4.0 (the default; leave image out), or apache/kafka:3.9.2 if you need 3.x',
    ]);
  });

  it.each(['apache/kafka:3.9.2', 'apache/kafka:4.0.2', 'apache/kafka:4.4.0', 'example/kafka:1.0'])('accepts %s', (image) => {
    expect(problems(spec(`    image: ${image}\n`))).toEqual([]);
  });
});

describe('containers.kafka.properties: ZooKeeper', () => {
  it('refuses zookeeper.connect, saying Kafka 4 runs without ZooKeeper', () => {
    expect(problems(spec('    properties:\n      zookeeper.connect: zookeeper:2181\n'))).toEqual([
      "6:7 containers.kafka.properties.zookeeper.connect: broker property \"zookeeper.connect\" configures ZooKeeper, but Kafka 4 runs without ZooKeeper: kafkaform's nodes are KRaft brokers and controllers | remove it; the controller quorum of containers.kafka.nodes replaces ZooKeeper",
    ]);
  });
});

describe('topic configs newer than the image', () => {
  const topics = 'topics:\n  orders:\n    partitions: 1\n    config:\n      max.decompressed.message.bytes: 1MiB\n';

  it('refuses a 4.4 config on a 4.0 image', () => {
    expect(problems(spec('    image: apache/kafka:4.0.2\n', topics))).toEqual([
      '10:7 topics.orders.config.max.decompressed.message.bytes: topic config "max.decompressed.message.bytes" needs Kafka 4.4 or newer, but containers.kafka.image is apache/kafka:4.0.2 (Kafka 4.0.2) | use a newer image (leave containers.kafka.image out for the default), or remove the config',
    ]);
  });

  it('accepts it on the default image and on an image whose version is unknown', () => {
    expect(problems(spec('    nodes: 1\n', topics))).toEqual([]);
    expect(problems(spec('    image: example/kafka:dev\n', topics))).toEqual([]);
  });
});
