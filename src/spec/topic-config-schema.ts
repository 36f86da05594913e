import { TOPIC_CONFIGS, type TopicConfigDef } from './topic-configs.js';
import { DURATION_EXPECTED, SIZE_EXPECTED } from './units.js';

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** JSON Schema bounds for numbers written without units; values beyond JS precision are left to the loader. */
function bounds(def: TopicConfigDef): Record<string, number> {
  if (!def.range || def.range.also?.length) return {};
  const out: Record<string, number> = { minimum: Number(def.range.min) };
  if (def.range.max <= SAFE_MAX) out.maximum = Number(def.range.max);
  return out;
}

function valueSchema(def: TopicConfigDef): Record<string, unknown> {
  const described = { title: def.name, description: `${def.doc} Kafka default: ${def.kafkaDefault === '' ? '(empty)' : def.kafkaDefault}.` };
  switch (def.kind) {
    case 'duration-ms':
      return { ...described, type: ['integer', 'string'], ...bounds(def), 'x-expected': DURATION_EXPECTED };
    case 'size-bytes':
      return { ...described, type: ['integer', 'string'], ...bounds(def), 'x-expected': SIZE_EXPECTED };
    case 'int':
      return { ...described, type: ['integer', 'string'], ...bounds(def), 'x-expected': 'an integer' };
    case 'ratio':
      return { ...described, type: ['number', 'string'], minimum: 0, maximum: 1, 'x-expected': 'a number from 0 to 1' };
    case 'boolean':
      return { ...described, enum: [true, false, 'true', 'false'], 'x-expected': 'true or false' };
    case 'enum':
      return { ...described, type: 'string', enum: [...(def.values ?? [])] };
    case 'list':
      return def.item === 'cleanup-policy'
        ? {
            ...described,
            type: ['string', 'array'],
            pattern: '^\\s*(compact|delete)\\s*(,\\s*(compact|delete)\\s*)?$',
            items: { type: 'string', enum: [...(def.values ?? [])] },
            minItems: 1,
            uniqueItems: true,
            'x-expected': 'delete, compact, "compact,delete" or a list such as [delete, compact]',
          }
        : {
            ...described,
            type: ['string', 'array'],
            pattern: '^\\s*(\\*|[0-9]+:[0-9]+(\\s*,\\s*[0-9]+:[0-9]+)*)?\\s*$',
            items: { type: 'string', pattern: '^[0-9]+:[0-9]+$' },
            'x-expected': '"*" or partition:broker pairs such as "0:1,1:2"',
          };
  }
}

/**
 * The `topicConfig` definition of schema/kafka.config.schema.json, derived from the catalogue so the two cannot
 * drift: test/unit/spec/schema.test.ts compares them; scripts/update-schema.mjs rewrites the file.
 */
export function topicConfigSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const def of TOPIC_CONFIGS.values()) properties[def.name] = valueSchema(def);
  return {
    title: 'Topic configs',
    description:
      'Kafka topic-level config overrides (Kafka 4.4 names). Durations accept ms or units (500ms, 30s, 5m, 2h, 7d, 1w); sizes accept bytes or units (KB=1000, KiB=1024).',
    type: 'object',
    'x-key-noun': 'topic config',
    // Configs the catalogue lacks (newer Kafka, Kafka-compatible brokers) are allowed: validate warns and plan asks the broker.
    additionalProperties: {
      type: ['string', 'number', 'boolean', 'array'],
      description: 'A topic config not in the Kafka 4.4 catalogue: `kafkaform validate` warns, `kafkaform plan` asks the live broker whether it supports it.',
    },
    properties,
  };
}
