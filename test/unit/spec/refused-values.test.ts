import { describe, expect, it } from 'vitest';
import type { KafkaformError } from '../../../src/errors.js';
import { imageReferenceProblem } from '../../../src/spec/image-ref.js';
import { parseSpec } from '../../../src/spec/load.js';

/** "line:col message" of each problem of a spec, [] when it loads. */
function problems(text: string): string[] {
  try {
    parseSpec(`version: 1\nproject: p\n${text}`, 'kafka.config.yaml');
    return [];
  } catch (e) {
    return (e as KafkaformError).problems.map((p) => `${p.at?.line}:${p.at?.col} ${p.message}`);
  }
}

describe('values Kafka or Docker would refuse are spec errors', () => {
  it('min.compaction.lag.ms above max.compaction.lag.ms', () => {
    expect(problems('cluster: { bootstrapServers: h:1 }\ntopics:\n  t:\n    config:\n      min.compaction.lag.ms: 2h\n      max.compaction.lag.ms: 1h\n')).toEqual([
      '7:30 min.compaction.lag.ms (7200000) is above max.compaction.lag.ms (3600000); Kafka refuses the topic',
    ]);
    expect(problems('cluster: { bootstrapServers: h:1 }\ntopics:\n  t:\n    config:\n      min.compaction.lag.ms: 1h\n      max.compaction.lag.ms: 1h\n')).toEqual([]);
  });

  it('_kafkaform as a topic name', () => {
    expect(problems('cluster: { bootstrapServers: h:1 }\ntopics:\n  _kafkaform: {}\n')).toEqual([
      '5:3 topic name "_kafkaform" is reserved: kafkaform keeps its own state (ownership, seed records) there',
    ]);
  });

  it('an image reference Docker refuses', () => {
    expect(problems('containers:\n  kafka:\n    image: "UPPER:case"\n')).toEqual(['5:12 invalid image reference "UPPER:case": repository names are lower case']);
    expect(problems('containers:\n  kafka: {}\n  services:\n    ui: { image: "a b" }\n')).toEqual(['6:18 invalid image reference "a b"']);
    for (const ok of ['apache/kafka:4.1.1', 'localhost:5000/x/y:latest', 'busybox', 'ghcr.io/o/r@sha256:' + 'a'.repeat(64), 'my_repo/a-b.c:v1.0-rc_1']) {
      expect(imageReferenceProblem(ok), ok).toBeNull();
    }
    for (const bad of ['UPPER:case', 'a:b:c', 'x:', ':tag', 'a//b', '-a']) expect(imageReferenceProblem(bad), bad).not.toBeNull();
  });

  it('a timeout a timer cannot hold (connectionTimeout: 30d)', () => {
    expect(problems('cluster:\n  bootstrapServers: h:1\n  connectionTimeout: 30d\n')).toEqual(['5:22 expected a duration of at most 2147483647ms (about 24 days), got 30d']);
    expect(problems('cluster:\n  bootstrapServers: h:1\n  requestTimeout: 24d\n')).toEqual([]);
  });
});
