import { ErrorCodes, KafkaformError } from '../errors.js';
import type { TopicAlterConfigAction } from '../plan/types.js';
import type { KafkaConnection } from './client.js';
import { requestFailed } from './errors.js';
import {
  ConfigOperation,
  decodeIncrementalAlterConfigsResponse,
  encodeIncrementalAlterConfigs,
  INCREMENTAL_ALTER_CONFIGS_KEY,
  INCREMENTAL_ALTER_CONFIGS_VERSION,
  type AlterConfigsResource,
} from './incremental-alter-configs.js';
import { apiVersionRange, protocolError, sendRaw } from './kafkajs-internals.js';
import { TOPIC_RESOURCE } from './client.js';
import type { ExpectedOverrides } from './verify.js';

/** True when the broker answers IncrementalAlterConfigs at the version we encode. */
export async function supportsIncrementalAlterConfigs(conn: KafkaConnection): Promise<boolean> {
  const range = await apiVersionRange(conn, INCREMENTAL_ALTER_CONFIGS_KEY);
  return range !== null && range.min <= INCREMENTAL_ALTER_CONFIGS_VERSION && range.max >= INCREMENTAL_ALTER_CONFIGS_VERSION;
}

/** The protocol resource of an action: SET for set and pin, DELETE for unset; no other key is touched. */
export function incrementalResource(a: TopicAlterConfigAction): AlterConfigsResource {
  return {
    resourceType: TOPIC_RESOURCE,
    resourceName: a.topic,
    configs: a.changes.map((c) =>
      c.op === 'unset' ? { name: c.key, operation: ConfigOperation.DELETE, value: null } : { name: c.key, operation: ConfigOperation.SET, value: c.to },
    ),
  };
}

/** What the topic's overrides must show once the action is visible. */
export function expectedAfter(a: TopicAlterConfigAction): ExpectedOverrides {
  if (a.method === 'replace') return { topic: a.topic, overrides: a.overrides ?? {}, exact: true };
  const overrides: Record<string, string> = {};
  for (const c of a.changes) if (c.op !== 'unset' && c.to !== null) overrides[c.key] = c.to;
  return { topic: a.topic, overrides, unset: a.changes.filter((c) => c.op === 'unset').map((c) => c.key) };
}

/**
 * Sends every action's per-key operations in one IncrementalAlterConfigs request; the broker answers per
 * topic, so each action gets its own outcome (null when applied). Repeating it is harmless: SET and DELETE
 * are idempotent. A failure before any answer (connection lost) fails every action.
 */
export async function alterConfigsIncrementally(
  conn: KafkaConnection,
  actions: TopicAlterConfigAction[],
): Promise<Map<TopicAlterConfigAction, KafkaformError | null>> {
  const outcomes = new Map<TopicAlterConfigAction, KafkaformError | null>();
  if (actions.length === 0) return outcomes;
  if (!(await supportsIncrementalAlterConfigs(conn))) {
    const err = new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, 'the broker no longer offers IncrementalAlterConfigs, which this plan relies on', {
      hint: 'run plan again: for such brokers it plans a whole-set replacement',
    });
    for (const a of actions) outcomes.set(a, err);
    return outcomes;
  }
  let answers: Map<string, { errorCode: number; errorMessage: string | null }>;
  try {
    const body = await sendRaw(conn, {
      apiKey: INCREMENTAL_ALTER_CONFIGS_KEY,
      apiVersion: INCREMENTAL_ALTER_CONFIGS_VERSION,
      apiName: 'IncrementalAlterConfigs',
      body: encodeIncrementalAlterConfigs(actions.map(incrementalResource)),
    });
    answers = new Map(decodeIncrementalAlterConfigsResponse(body).responses.map((r) => [r.resourceName, r]));
  } catch (err) {
    for (const a of actions) outcomes.set(a, requestFailed('alter config of', a.topic, err));
    return outcomes;
  }
  for (const a of actions) {
    const answer = answers.get(a.topic);
    if (!answer) outcomes.set(a, requestFailed('alter config of', a.topic, new Error('the broker did not answer for this topic')));
    else if (answer.errorCode !== 0) outcomes.set(a, requestFailed('alter config of', a.topic, protocolError(answer.errorCode, answer.errorMessage)));
    else outcomes.set(a, null);
  }
  return outcomes;
}
