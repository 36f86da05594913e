// Golden cases: desired + observed (+ the container part, fixed here so these goldens only change
// when topic/seed planning or rendering does) → plan.json and plan.txt in a directory per case.
import type { Desired, PlanOptions } from '../../../src/plan/desired.js';
import type { Observed } from '../../../src/plan/observed.js';
import type { ContainersPlan } from '../../../src/plan/containers.js';
import {
  seedDigest,
  cfg,
  cluster,
  desired,
  kafkaContainers,
  observed,
  observedFromDesired,
  observedTopic,
  options,
  seedRecord,
  seedSpec,
  spec,
  topic,
} from '../../unit/plan/builders.js';

/** One golden case; `name` is its directory. */
export interface GoldenCase {
  name: string;
  desired: Desired;
  observed: Observed;
  options: PlanOptions;
  containers?: ContainersPlan;
  /** Render plan.txt verbosely. */
  verbose?: boolean;
}

const freshSpec = spec({
  containers: kafkaContainers(1),
  topics: [
    topic('purchases', { partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000' } }),
    topic('audit', { partitions: null, replicationFactor: null, config: { 'cleanup.policy': 'compact' } }),
  ],
  seeds: [seedSpec('purchases', ['file:seeds/purchases.jsonl', 'inline:0'])],
});

const shopSpec = spec({
  topics: [
    topic('orders', { partitions: 6, replicationFactor: 3, config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' } }),
    topic('payments', { partitions: 3, replicationFactor: 1, config: { 'max.message.bytes': '2097152' } }),
    topic('purchases', { partitions: 3, replicationFactor: 1 }),
  ],
  seeds: [seedSpec('purchases', ['file:seeds/purchases.jsonl']), seedSpec('orders', ['generate:load'])],
});

const shopCluster = cluster({
  brokerCount: 3,
  topics: [
    observedTopic('__consumer_offsets', { partitions: 50, rf: 1, brokers: [1, 2, 3] }),
    observedTopic('_kafkaform', { partitions: 1, rf: 1, brokers: [1] }),
    observedTopic('old-stuff', { partitions: 1, brokers: [2] }),
    observedTopic('billing-events', { brokers: [3] }),
    observedTopic('orders', {
      partitions: 3,
      rf: 1,
      brokers: [1, 2, 3],
      overrides: { 'retention.ms': '86400000', 'cleanup.policy': 'compact', 'segment.bytes': '104857600' },
    }),
    observedTopic('payments', { partitions: 3, rf: 1, brokers: [1, 2, 3], overrides: { 'max.message.bytes': '1048588' }, configs: { 'retention.ms': cfg('604800000', 'broker') } }),
  ],
  owners: { 'old-stuff': 'shop', orders: 'shop', payments: 'shop', 'billing-events': 'billing' },
  seeds: [seedRecord('orders', 'generate:load', 'h1')],
});

const noChanges = desired(
  spec({ topics: [topic('orders', { partitions: 6, replicationFactor: 3, config: { 'retention.ms': '604800000' } })], seeds: [seedSpec('orders', ['inline:0'])] }),
  [seedDigest('orders', 'inline:0', 'h1', 1)],
);

/** The cases, each a directory under test/golden/plan. */
export const cases: GoldenCase[] = [
  {
    name: 'fresh-cluster',
    desired: desired(freshSpec, [seedDigest('purchases', 'file:seeds/purchases.jsonl', 'h1', 1000), seedDigest('purchases', 'inline:0', 'h2', 1)]),
    observed: observed(null),
    options: options(),
    containers: {
      actions: [
        { kind: 'container.create', name: 'shop-kafka-1', role: 'kafka', image: 'apache/kafka:4.1.1', configHash: 'c0ffee', pull: true, reason: 'not found' },
        { kind: 'cluster.wait', bootstrapServers: ['127.0.0.1:19092'], nodes: 1, reason: '1 Kafka node (re)started' },
      ],
      diagnostics: [],
    },
  },
  {
    name: 'shop-changes',
    desired: desired(shopSpec, [seedDigest('purchases', 'file:seeds/purchases.jsonl', 'h1', 1234567), seedDigest('orders', 'generate:load', 'h1', 500)]),
    observed: observed(shopCluster),
    options: options({ allowDelete: true }),
    containers: {
      actions: [
        { kind: 'container.remove', name: 'shop-redis', role: 'service', volumes: [], reason: 'no longer declared in the spec' },
        { kind: 'container.recreate', name: 'shop-kafka-1', role: 'kafka', image: 'apache/kafka:4.1.1', fromHash: 'aaa', configHash: 'bbb', pull: false, changes: ['image', 'heap'], reason: 'configuration changed' },
        { kind: 'cluster.wait', bootstrapServers: ['127.0.0.1:19092'], nodes: 1, reason: '1 Kafka node (re)started' },
        { kind: 'container.start', name: 'shop-connect', role: 'service', reason: 'stopped' },
      ],
      diagnostics: [],
    },
  },
  {
    name: 'shop-changes-verbose',
    desired: desired(shopSpec, [seedDigest('purchases', 'file:seeds/purchases.jsonl', 'h1', 1234567), seedDigest('orders', 'generate:load', 'h1', 500)]),
    observed: observed(shopCluster),
    options: options({ allowDelete: true }),
    verbose: true,
  },
  {
    name: 'refusals',
    desired: desired(
      spec({
        topics: [
          topic('orders', { partitions: 2 }),
          topic('payments', { replicationFactor: 5 }),
          topic('__internal', {}),
          topic('new-big', { replicationFactor: 4 }),
          topic('purchases'),
        ],
        seeds: [seedSpec('ghost', ['inline:0'], 90), seedSpec('purchases', ['file:seeds/p.jsonl'], 95)],
      }),
      [seedDigest('ghost', 'inline:0'), seedDigest('purchases', 'file:seeds/p.jsonl', 'edited', 20)],
    ),
    observed: observed(
      cluster({
        brokerCount: 3,
        topics: [observedTopic('orders', { partitions: 3 }), observedTopic('payments'), observedTopic('purchases'), observedTopic('stale')],
        owners: { orders: 'shop', payments: 'shop', purchases: 'shop', stale: 'shop' },
        seeds: [seedRecord('purchases', 'file:seeds/p.jsonl', 'original')],
      }),
    ),
    options: options(),
  },
  {
    name: 'no-changes',
    desired: noChanges,
    observed: observedFromDesired(noChanges),
    options: options(),
  },
  {
    name: 'unknown-cluster',
    desired: desired(spec({ topics: [topic('orders')] })),
    observed: observed(null),
    options: options(),
  },
  {
    name: 'many-unmanaged',
    desired: desired(spec({ topics: [topic('orders', { config: { 'retention.ms': '604800000' } })] })),
    observed: observed(
      cluster({
        topics: [observedTopic('orders'), ...Array.from({ length: 12 }, (_, i) => observedTopic(`legacy-${String(i + 1).padStart(2, '0')}`))],
      }),
    ),
    options: options({ allowDelete: true }),
  },
  {
    name: 'destroy',
    desired: desired(freshSpec),
    observed: observed(cluster({ topics: [observedTopic('purchases')], owners: { purchases: 'shop' } })),
    options: options({ destroy: true, removeVolumes: true }),
    containers: {
      actions: [
        { kind: 'container.remove', name: 'shop-kafka-1', role: 'kafka', volumes: ['shop-kafka-1-data'], reason: 'destroy' },
      ],
      diagnostics: [],
    },
  },
  {
    // The safety lint: a blocked retention drop with what is at stake, an allowed compaction, a throttled
    // reassignment with its bytes, a partition count above the cap.
    name: 'lint',
    desired: desired(
      spec({
        topics: [
          topic('events', { config: { 'retention.ms': '86400000', 'cleanup.policy': 'compact' } }),
          topic('huge', { partitions: 2147483647, replicationFactor: 3 }),
          topic('moves', { replicationFactor: 3 }),
        ],
      }),
    ),
    observed: observed(
      cluster({
        brokerCount: 3,
        topics: [observedTopic('events', { brokers: [1, 2, 3] }), observedTopic('moves', { brokers: [1, 2, 3] })],
        usage: {
          events: { partitionBytes: { 0: 1048576, 1: 2097152, 2: 0 }, oldestMs: Date.UTC(2025, 0, 1) },
          moves: { partitionBytes: { 0: 1000, 1: 2000, 2: 3000 }, oldestMs: Date.UTC(2025, 0, 9) },
        },
        observedAtMs: Date.UTC(2025, 0, 10),
      }),
    ),
    options: options({ allow: ['L002'] }),
  },
  {
    name: 'adopt',
    desired: desired(
      spec({
        topics: [
          topic('orders', { partitions: 6, config: { 'retention.ms': '604800000' } }),
          topic('payments'),
          topic('ledger'),
        ],
      }),
    ),
    observed: observed(
      cluster({
        topics: [observedTopic('orders', { partitions: 6 }), observedTopic('payments'), observedTopic('ledger'), observedTopic('legacy')],
        owners: { ledger: 'billing' },
      }),
    ),
    options: options({ noAdopt: false }),
  },
];
