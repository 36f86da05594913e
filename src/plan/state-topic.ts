/** Name of kafkaform's own state topic (ownership and seed records); the planner never manages or deletes it. */
export const STATE_TOPIC = '_kafkaform';

/** True for topics the planner must leave alone whatever the spec says: Kafka's internal ones and kafkaform's state. */
export function isReservedTopic(name: string): boolean {
  return name.startsWith('__') || name === STATE_TOPIC;
}
