import type { ConfigResourceTypes } from 'kafkajs';

/**
 * DescribeConfigs/AlterConfigs resource type of a topic (2 in the Kafka protocol). kafkajs' enum is not a
 * named ESM export of its CommonJS entry, so the value is spelled here once.
 */
export const TOPIC_RESOURCE = 2 as ConfigResourceTypes;
