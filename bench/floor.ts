import { Kafka, logLevel } from 'kafkajs';

// The raw floor of the whole-command bench: one kafkajs process that sends the one batched request a command
// needs, and nothing else (no spec, no plan, no state). Usage:
//   node dist/bench/floor.js describe|create|alter|observe-alter <bootstrap> <topic prefix> <count> [retention.ms]

/** Topic names `${prefix}0000`… as the bench's specs name them. */
export function benchTopicNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
}

/** The two overrides every bench topic carries. */
export const BENCH_TOPIC_CONFIG = { 'retention.ms': '604800000', 'cleanup.policy': 'delete' };

async function main(): Promise<void> {
  const [mode, bootstrap, prefix, countText, retention] = process.argv.slice(2);
  const names = benchTopicNames(prefix!, Number(countText));
  const admin = new Kafka({ brokers: bootstrap!.split(','), clientId: 'kafkaform-floor', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (mode === 'describe') {
      // What a plan reads: metadata of every topic, and their configs in one DescribeConfigs.
      await admin.fetchTopicMetadata({ topics: names });
      await admin.describeConfigs({ resources: names.map((name) => ({ type: 2, name })), includeSynonyms: false });
    } else if (mode === 'create') {
      const configEntries = Object.entries(BENCH_TOPIC_CONFIG).map(([name, value]) => ({ name, value }));
      await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1, configEntries })), waitForLeaders: false });
      // Created means usable: poll metadata until every partition has a leader (what kafkaform and topicctl wait for).
      for (;;) {
        const md = await admin.fetchTopicMetadata({ topics: names }).catch(() => null);
        if (md && md.topics.every((t) => t.partitions.length === 3 && t.partitions.every((p) => p.leader >= 0))) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } else if (mode === 'observe-alter') {
      // The least a correct one-config change can do: read what is there (metadata and every declared topic's
      // configs, to know the change is needed and what else is overridden), then send the one change.
      await admin.fetchTopicMetadata({ topics: names });
      await admin.describeConfigs({ resources: names.map((name) => ({ type: 2, name })), includeSynonyms: false });
      const configEntries = Object.entries({ ...BENCH_TOPIC_CONFIG, 'retention.ms': retention! }).map(([name, value]) => ({ name, value }));
      await admin.alterConfigs({ resources: [{ type: 2, name: names[0]!, configEntries }], validateOnly: false });
    } else if (mode === 'alter') {
      const configEntries = Object.entries({ ...BENCH_TOPIC_CONFIG, 'retention.ms': retention! }).map(([name, value]) => ({ name, value }));
      await admin.alterConfigs({ resources: [{ type: 2, name: names[0]!, configEntries }], validateOnly: false });
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    await admin.disconnect();
  }
}

if (process.argv[1]?.endsWith('floor.js')) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
