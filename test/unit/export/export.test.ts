import { describe, expect, it } from 'vitest';
import { buildExport, exportValue } from '../../../src/export/build.js';
import { humanDuration, humanSize } from '../../../src/export/human-units.js';
import { renderExport, renderSplitExport } from '../../../src/export/render.js';
import { parseSpec } from '../../../src/spec/load.js';
import { checkDuration, checkSize } from '../../../src/spec/units.js';
import { cfg, cluster, observedTopic } from '../plan/builders.js';

describe('human units, the reverse of src/spec/units.ts', () => {
  it('writes the largest exact unit, and leaves the rest as Kafka reports them', () => {
    expect(['604800000', '86400000', '3600000', '90000', '1000', '1234567', '0', '-1', '9223372036854775807'].map(humanDuration)).toEqual([
      '7d', '1d', '1h', '90s', '1s', null, null, null, null,
    ]);
    expect(['536870912', '1073741824', '2097152', '1000000', '1048588', '0', '-1'].map(humanSize)).toEqual(['512MiB', '1GiB', '2MiB', '1MB', null, null, null]);
  });

  it('reads back to exactly the same number, for every value tried', () => {
    for (let i = 1; i < 5000; i++) {
      const ms = String(BigInt(i) * 997n * 1000n);
      const d = humanDuration(ms);
      if (d) expect(checkDuration(d)).toEqual({ ok: true, value: BigInt(ms) });
      const bytes = String(BigInt(i) * 1024n * 3n);
      const s = humanSize(bytes);
      if (s) expect(checkSize(s)).toEqual({ ok: true, value: BigInt(bytes) });
    }
  });

  it('keeps a config value only when the loader reads it back exactly', () => {
    expect(exportValue('retention.ms', '604800000')).toEqual({ key: 'retention.ms', value: '7d' });
    expect(exportValue('retention.ms', '1234567')).toEqual({ key: 'retention.ms', value: 1234567 });
    expect(exportValue('retention.ms', '-1')).toEqual({ key: 'retention.ms', value: -1 });
    expect(exportValue('max.message.bytes', '1048588')).toEqual({ key: 'max.message.bytes', value: 1048588 });
    expect(exportValue('flush.ms', '9223372036854775807')).toEqual({ key: 'flush.ms', value: '9223372036854775807' });
    expect(exportValue('min.insync.replicas', '2')).toEqual({ key: 'min.insync.replicas', value: 2 });
    expect(exportValue('unclean.leader.election.enable', 'true')).toEqual({ key: 'unclean.leader.election.enable', value: true });
    expect(exportValue('min.cleanable.dirty.ratio', '0.3')).toEqual({ key: 'min.cleanable.dirty.ratio', value: 0.3 });
    expect(exportValue('cleanup.policy', 'compact,delete')).toEqual({ key: 'cleanup.policy', value: 'compact,delete' });
    expect(exportValue('some.future.config', 'x')).toEqual({ key: 'some.future.config', leftOut: 'kafkaform does not know this topic config (value x)' });
  });
});

const observedCluster = cluster({
  brokerCount: 3,
  topics: [
    observedTopic('__consumer_offsets', { partitions: 50, rf: 1, brokers: [1, 2, 3] }),
    observedTopic('_kafkaform', { partitions: 1, rf: 1, brokers: [1] }),
    observedTopic('orders', {
      partitions: 6,
      rf: 3,
      brokers: [1, 2, 3],
      overrides: { 'retention.ms': '604800000', 'segment.bytes': '536870912' },
      configs: { 'max.message.bytes': cfg('1048588', 'default'), 'cleanup.policy': cfg('delete', 'broker') },
    }),
    observedTopic('1234', { partitions: 1, rf: 1, brokers: [1] }),
    observedTopic('tmp-scratch', { partitions: 1, rf: 1, brokers: [1] }),
  ],
});
observedCluster.topics.find((t) => t.name === 'orders')!.configs['sasl.secret'] = { value: null, source: 'topic', sensitive: true };

describe('buildExport + renderExport', () => {
  const exported = buildExport(observedCluster, { project: 'shop', bootstrapServers: ['localhost:9092'], include: [], exclude: [/^tmp-/] });
  const text = renderExport(exported);

  it('writes topic overrides only, in human units, never internal topics, sensitive values as a comment', () => {
    expect(text).toBe(`# Written by \`kafkaform export\`: 2 topics.
# Topic overrides only (configSource TOPIC_CONFIG): broker and default values are inherited, so they are not written.
version: 1
project: shop
cluster:
  bootstrapServers: [localhost:9092]
topics:
  "1234":
    partitions: 1
    replicationFactor: 1
  orders:
    partitions: 6
    replicationFactor: 3
    config:
      retention.ms: 7d
      # sasl.secret: left out (sensitive: Kafka does not return its value)
      segment.bytes: 512MiB
`);
    expect(exported.skipped).toBe(1);
  });

  it('is a valid spec that declares the same topics and values', () => {
    const spec = parseSpec(text, 'exported.yaml');
    expect(spec.topics.map((t) => [t.name, t.partitions, t.replicationFactor, t.config])).toEqual([
      ['1234', 1, 1, {}],
      ['orders', 6, 3, { 'retention.ms': '604800000', 'segment.bytes': '536870912' }],
    ]);
  });

  it('--include selects, and the split form is a root file including one file per topic', () => {
    const only = buildExport(observedCluster, { project: 'shop', bootstrapServers: [], include: [/^ord/], exclude: [] });
    expect(only.topics.map((t) => t.name)).toEqual(['orders']);
    const files = renderSplitExport(exported);
    expect([...files.keys()]).toEqual(['kafka.config.yaml', 'topics/1234.yaml', 'topics/orders.yaml']);
    expect(files.get('kafka.config.yaml')).toContain('include:\n  - topics/*.yaml\n');
    const io = {
      readFile: (p: string) => files.get(p.replace(/^.*\/split\//, '')) ?? null,
      listDir: (d: string) => (d.endsWith('/split/topics') ? ['1234.yaml', 'orders.yaml'] : null),
    };
    const spec = parseSpec(files.get('kafka.config.yaml')!, 'split/kafka.config.yaml', {}, { readFile: io });
    expect(spec.topics.map((t) => t.name)).toEqual(['1234', 'orders']);
    expect(spec.topics[1]!.pos.name.file).toBe('split/topics/orders.yaml');
  });
});
