import { imageKafkaVersion, TOPIC_CONFIGS_ADDED, topicConfigKnown } from '../kafka/versions.js';
import type { SpecContext } from './context.js';
import { quote } from './text.js';
import type { KafkaClusterSpec, TopicSpec } from './types.js';

/**
 * Reports each topic config that the broker of containers.kafka.image does not know yet (a 4.4 config on a 4.0
 * image), where the image's tag tells its Kafka version; the broker would refuse it at apply time.
 */
export function checkTopicConfigsForImage(ctx: SpecContext, kafka: KafkaClusterSpec | null, topics: readonly TopicSpec[]): void {
  const version = kafka ? imageKafkaVersion(kafka.image) : null;
  if (!kafka || !version) return;
  for (const topic of topics) {
    for (const name of Object.keys(topic.config)) {
      if (topicConfigKnown(name, version)) continue;
      ctx.problems.add(
        ['topics', topic.name, 'config', name],
        `topic config ${quote(name)} needs Kafka ${TOPIC_CONFIGS_ADDED[name] ?? 'newer'} or newer, but containers.kafka.image is ${kafka.image} (Kafka ${version.text})`,
        'use a newer image (leave containers.kafka.image out for the default), or remove the config',
        'key',
      );
    }
  }
}
