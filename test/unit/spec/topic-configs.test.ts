import { describe, expect, it } from 'vitest';
import {
  normaliseTopicConfigValue,
  TOPIC_CONFIG_NAMES,
  TOPIC_CONFIGS,
  unknownTopicConfigMessage,
} from '../../../src/spec/topic-configs.js';

function norm(name: string, value: unknown) {
  const def = TOPIC_CONFIGS.get(name);
  if (!def) throw new Error(`no such config ${name}`);
  return normaliseTopicConfigValue(def, value);
}

describe('topic config catalogue', () => {
  it('lists exactly the topic configs of Kafka 4.4 (LogConfig), sorted', () => {
    // From the topic ConfigDef of kafka-storage-4.4.0 (test/fixtures/topic-configs/kafka-4.4.0.tsv, internal.* aside).
    expect(TOPIC_CONFIG_NAMES).toEqual([
      'cleanup.policy',
      'compression.gzip.level',
      'compression.lz4.level',
      'compression.type',
      'compression.zstd.level',
      'delete.retention.ms',
      'errors.deadletterqueue.group.enable',
      'file.delete.delay.ms',
      'flush.messages',
      'flush.ms',
      'follower.replication.throttled.replicas',
      'index.interval.bytes',
      'leader.replication.throttled.replicas',
      'local.retention.bytes',
      'local.retention.ms',
      'max.compaction.lag.ms',
      'max.decompressed.message.bytes',
      'max.message.bytes',
      'message.timestamp.after.max.ms',
      'message.timestamp.before.max.ms',
      'message.timestamp.type',
      'min.cleanable.dirty.ratio',
      'min.compaction.lag.ms',
      'min.insync.replicas',
      'preallocate',
      'remote.copy.lag.bytes',
      'remote.copy.lag.ms',
      'remote.log.copy.disable',
      'remote.log.delete.on.disable',
      'remote.storage.enable',
      'retention.bytes',
      'retention.ms',
      'segment.bytes',
      'segment.index.bytes',
      'segment.jitter.ms',
      'segment.ms',
      'unclean.leader.election.enable',
    ]);
  });

  it.each([
    ['retention.msx', 'unknown topic config "retention.msx"; did you mean "retention.ms"?'],
    ['retension.bytes', 'unknown topic config "retension.bytes"; did you mean "retention.bytes"?'],
    ['min.insync.replica', 'unknown topic config "min.insync.replica"; did you mean "min.insync.replicas"?'],
    ['totally.unrelated.thing', 'unknown topic config "totally.unrelated.thing"'],
    ['message.downconversion.enable', expect.stringMatching(/^topic config "message.downconversion.enable" was removed in Kafka 4.0/)],
    ['message.format.version', expect.stringMatching(/was removed in Kafka 4.0/)],
  ])('unknown name %s', (name, message) => {
    expect(unknownTopicConfigMessage(name)).toEqual(message);
  });
});

describe('normaliseTopicConfigValue', () => {
  it.each([
    ['retention.ms', '7d', '604800000'],
    ['retention.ms', 86_400_000, '86400000'],
    ['retention.ms', -1, '-1'],
    ['retention.ms', '-1', '-1'],
    ['local.retention.ms', -2, '-2'],
    ['segment.ms', '1h', '3600000'],
    ['retention.bytes', '512MiB', '536870912'],
    ['retention.bytes', -1, '-1'],
    ['max.message.bytes', '1MB', '1000000'],
    ['segment.bytes', '1GiB', '1073741824'],
    ['flush.messages', 9_223_372_036_854_775_807n, '9223372036854775807'],
    ['min.insync.replicas', 2, '2'],
    ['min.insync.replicas', '2', '2'],
    ['compression.gzip.level', -1, '-1'],
    ['compression.zstd.level', -5, '-5'],
    ['min.cleanable.dirty.ratio', 0.5, '0.5'],
    ['min.cleanable.dirty.ratio', '0.10', '0.1'],
    ['min.cleanable.dirty.ratio', 1, '1.0'],
    ['min.cleanable.dirty.ratio', '0', '0.0'],
    ['min.cleanable.dirty.ratio', 0.0001, '1.0E-4'],
    ['min.cleanable.dirty.ratio', 0.00025, '2.5E-4'],
    ['preallocate', true, 'true'],
    ['unclean.leader.election.enable', 'FALSE', 'false'],
    ['compression.type', 'zstd', 'zstd'],
    ['message.timestamp.type', 'LogAppendTime', 'LogAppendTime'],
    ['cleanup.policy', 'delete', 'delete'],
    ['cleanup.policy', 'compact, delete', 'compact,delete'],
    ['cleanup.policy', ['delete', 'compact'], 'delete,compact'],
    ['leader.replication.throttled.replicas', '*', '*'],
    ['leader.replication.throttled.replicas', ['0:1', '1:2'], '0:1,1:2'],
    ['follower.replication.throttled.replicas', '', ''],
  ])('%s: %s → %s', (name, value, expected) => {
    expect(norm(name, value)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['retention.ms', -2, 'retention.ms must be ≥ -1 (ms), got -2'],
    ['segment.ms', 0, 'segment.ms must be ≥ 1 (ms), got 0'],
    ['retention.ms', '7 days', 'unknown duration unit "days" in "7 days"; use ms, s, m, h, d or w'],
    ['segment.bytes', '1KB', 'segment.bytes must be ≥ 1048576 (bytes), got "1KB"'],
    ['max.message.bytes', '4GiB', 'max.message.bytes must be at most 2147483647 (bytes), got "4GiB"'],
    ['compression.lz4.level', 18, 'compression.lz4.level must be at most 17, got 18'],
    ['compression.lz4.level', 0, 'compression.lz4.level must be from 1 to 17, got 0'],
    ['compression.gzip.level', 0, 'compression.gzip.level must be from 1 to 9, or -1, got 0'],
    ['min.insync.replicas', 'two', 'expected an integer, got "two"'],
    ['min.cleanable.dirty.ratio', 1.5, 'min.cleanable.dirty.ratio must be from 0 to 1, got 1.5'],
    ['preallocate', 'yes', 'expected true or false, got "yes"'],
    ['compression.type', 'gzp', 'expected one of uncompressed, zstd, lz4, snappy, gzip, producer, got "gzp"; did you mean "gzip"?'],
    ['cleanup.policy', 'delete,compacted', 'unknown cleanup policy "compacted"; use delete, compact or both; did you mean "compact"?'],
    ['cleanup.policy', 'delete,delete', 'cleanup.policy lists a policy twice'],
    ['cleanup.policy', [], 'cleanup.policy needs "delete", "compact" or both'],
    ['leader.replication.throttled.replicas', '0-1', 'expected "*" or partition:broker pairs such as 0:1,1:2, got "0-1"'],
  ])('%s: %j is rejected', (name, value, error) => {
    expect(norm(name, value)).toEqual({ ok: false, error });
  });
});
