// Asks the broker, changing nothing, whether it would accept a plan's topic creates and config changes:
// CreateTopics and IncrementalAlterConfigs with validate_only set. The broker runs the same checks as for the
// real request (config values, tiered storage enabled, policies), so a value it refuses becomes a plan error
// at its spec line instead of a failed apply.
//
// CreateTopics Request (Version: 4, the newest non-flexible one) => [topics] timeout_ms validate_only
//   topics => name:STRING num_partitions:INT32 replication_factor:INT16 [assignments] [configs]
//     assignments => partition_index:INT32 [broker_ids:INT32]
//     configs => name:STRING value:NULLABLE_STRING
// CreateTopics Response (Version: 4) => throttle_time_ms:INT32 [topics]
//   topics => name:STRING error_code:INT16 error_message:NULLABLE_STRING
import type { BrokerRefusal } from '../plan/observed.js';
import type { Plan, TopicAlterConfigAction, TopicCreateAction } from '../plan/types.js';
import type { KafkaConnection } from './client.js';
import { encodeIncrementalAlterConfigs, decodeIncrementalAlterConfigsResponse, INCREMENTAL_ALTER_CONFIGS_KEY, INCREMENTAL_ALTER_CONFIGS_VERSION } from './incremental-alter-configs.js';
import { incrementalResource, supportsIncrementalAlterConfigs } from './alter-configs.js';
import { apiVersionRange, protocolError, sendRaw } from './kafkajs-internals.js';
import { chunkByRecords, createRecords } from './topic-actions.js';
import { array, int16, int32, int8, nullableString, Reader, string } from './wire.js';

/** The API key of CreateTopics. */
export const CREATE_TOPICS_KEY = 19;
/** The version we encode: v4 takes -1 for "the broker's default" partitions and replication factor (KIP-464). */
export const CREATE_TOPICS_VERSION = 4;

/** One topic's answer to a CreateTopics request: error code 0 means it would be (or was) created. */
export interface CreateTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

/** The CreateTopics v4 request body for `creates`, validate_only set as asked. */
export function encodeCreateTopics(creates: readonly TopicCreateAction[], timeoutMs: number, validateOnly: boolean): Buffer {
  return Buffer.concat([
    ...array(creates, (c) => [
      string(c.topic),
      int32(c.partitions ?? -1),
      int16(c.replicationFactor ?? -1),
      int32(0),
      ...array(Object.entries(c.config), ([k, v]) => [string(k), nullableString(v)]),
    ]),
    int32(timeoutMs),
    int8(validateOnly ? 1 : 0),
  ]);
}

/** Decodes a CreateTopics v4 response body; throws on a truncated or overlong body. */
export function decodeCreateTopicsResponse(body: Buffer): CreateTopicResult[] {
  const r = new Reader(body, 'CreateTopics response');
  r.int32(); // throttle_time_ms
  const out: CreateTopicResult[] = [];
  for (let i = r.int32(); i > 0; i--) out.push({ name: r.nullableString() ?? '', errorCode: r.int16(), errorMessage: r.nullableString() });
  r.end();
  return out;
}

/** Kafka's error code for a create of a topic that exists. */
const TOPIC_ALREADY_EXISTS = 36;

/**
 * What the broker would refuse of the plan's creates and incremental config changes, asked with validate_only
 * (one request per chunk of creates, split like the real creates below the KRaft controller's record limit; one for all config changes). Null when the broker could not be asked
 * (it lacks the API version, or the request failed): the plan then goes without the check, and apply reports
 * any refusal as it does without it.
 */
export async function brokerRefusals(conn: KafkaConnection, plan: Plan): Promise<BrokerRefusal[] | null> {
  const creates = plan.actions.filter((a): a is TopicCreateAction => a.kind === 'topic.create');
  const alters = plan.actions.filter((a): a is TopicAlterConfigAction => a.kind === 'topic.alterConfig' && a.method === 'incremental');
  if (creates.length === 0 && alters.length === 0) return [];
  try {
    const refusals: BrokerRefusal[] = [];
    if (creates.length > 0) {
      const range = await apiVersionRange(conn, CREATE_TOPICS_KEY);
      if (!range || range.min > CREATE_TOPICS_VERSION || range.max < CREATE_TOPICS_VERSION) return null;
      const byTopic = new Map(creates.map((c) => [c.topic, c]));
      for (const chunk of chunkByRecords(creates, createRecords)) {
        for (const t of await validateCreates(conn, chunk)) {
          // TOPIC_ALREADY_EXISTS: created since the observation (another apply, maybe of this project). Not a
          // value the broker refuses: the create step decides whether the topic is this project's.
          if (t.errorCode === 0 || t.errorCode === TOPIC_ALREADY_EXISTS) continue;
          const create = byTopic.get(t.name);
          const key = create ? await culpritKey(Object.keys(create.config), t.errorMessage, async (k) => (await validateCreates(conn, [{ ...create, config: { [k]: create.config[k]! } }]))[0]?.errorCode !== 0) : undefined;
          refusals.push(refusal(t.name, 'create', t.errorCode, t.errorMessage, key));
        }
      }
    }
    if (alters.length > 0 && (await supportsIncrementalAlterConfigs(conn))) {
      const byTopic = new Map(alters.map((a) => [a.topic, a]));
      for (const r of await validateAlters(conn, alters)) {
        if (r.errorCode === 0) continue;
        const alter = byTopic.get(r.resourceName);
        const keys = alter ? alter.changes.map((c) => c.key) : [];
        const key = alter ? await culpritKey(keys, r.errorMessage, async (k) => (await validateAlters(conn, [{ ...alter, changes: alter.changes.filter((c) => c.key === k) }]))[0]?.errorCode !== 0) : undefined;
        refusals.push(refusal(r.resourceName, 'alterConfig', r.errorCode, r.errorMessage, key));
      }
    }
    return refusals.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  } catch {
    return null;
  }
}

/** One validate-only CreateTopics request for `creates`. */
async function validateCreates(conn: KafkaConnection, creates: readonly TopicCreateAction[]): Promise<CreateTopicResult[]> {
  const body = await sendRaw(conn, { apiKey: CREATE_TOPICS_KEY, apiVersion: CREATE_TOPICS_VERSION, apiName: 'CreateTopics', body: encodeCreateTopics(creates, 10_000, true) });
  return decodeCreateTopicsResponse(body);
}

/** One validate-only IncrementalAlterConfigs request for `alters`. */
async function validateAlters(conn: KafkaConnection, alters: readonly TopicAlterConfigAction[]) {
  const body = await sendRaw(conn, {
    apiKey: INCREMENTAL_ALTER_CONFIGS_KEY,
    apiVersion: INCREMENTAL_ALTER_CONFIGS_VERSION,
    apiName: 'IncrementalAlterConfigs',
    body: encodeIncrementalAlterConfigs(alters.map(incrementalResource), true),
  });
  return decodeIncrementalAlterConfigsResponse(body).responses;
}

/**
 * The config key a refusal is about: the longest key the broker's message names, else (only on this error path)
 * the first key the broker refuses when asked about it alone; undefined when no single key is refused.
 */
async function culpritKey(keys: string[], message: string | null, refusedAlone: (key: string) => Promise<boolean>): Promise<string | undefined> {
  const named = keys.filter((k) => message?.includes(k)).sort((a, b) => b.length - a.length)[0];
  if (named) return named;
  for (const k of [...keys].sort()) if (await refusedAlone(k)) return k;
  return undefined;
}

/** A refusal with the Kafka error name (e.g. INVALID_CONFIG) and the broker's own message. */
function refusal(topic: string, change: BrokerRefusal['change'], code: number, message: string | null, key: string | undefined): BrokerRefusal {
  const err = protocolError(code, null) as Error & { type?: string };
  return { topic, change, error: err.type ?? `error code ${code}`, message: message ?? err.message, ...(key ? { key } : {}) };
}
