import type { KafkaConnection } from './client.js';
import { describeTopicConfigs } from './describe-topic-configs.js';
import { isBrokerError } from './errors.js';
import { sleep } from './wait.js';

/**
 * What a topic's overrides must look like after a config change: `overrides` set to these values, `unset`
 * keys absent, and with `exact` no other override present (a whole-set replacement).
 */
export interface ExpectedOverrides {
  topic: string;
  overrides: Record<string, string>;
  unset?: string[];
  exact?: boolean;
}

/**
 * Waits (best effort, at most `timeoutMs`) until every broker answer shows each topic's overrides as sent.
 * Brokers learn config changes from the controller asynchronously; waiting here keeps the plan that follows
 * apply from seeing the old values. A broker that normalises a value never matches: the wait just ends.
 */
export async function waitForOverrides(
  conn: KafkaConnection,
  expected: ExpectedOverrides[],
  timeoutMs: number,
): Promise<void> {
  if (expected.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      // Our own DescribeConfigs: kafkajs' admin would first fetch the metadata of every topic in the cluster.
      const resources = await describeTopicConfigs(conn, expected.map((e) => e.topic));
      const seen = new Map(
        resources.map((r) => [
          r.resourceName,
          Object.fromEntries(r.configEntries.filter((c) => c.configSource === 1).map((c) => [c.configName, c.configValue])),
        ]),
      );
      if (expected.every((e) => matches(seen.get(e.topic), e))) return;
    } catch (err) {
      // A broker's transient error: look again until the deadline. A lost connection is not transient here.
      if (!isBrokerError(err)) throw err;
    }
    await sleep(100);
  }
}

/** The seen overrides hold the expected values, lack the unset keys and, when exact, nothing else. */
function matches(seen: Record<string, string | null> | undefined, want: ExpectedOverrides): boolean {
  if (!seen) return false;
  const keys = Object.keys(want.overrides);
  if (want.exact && Object.keys(seen).length !== keys.length) return false;
  return keys.every((k) => seen[k] === want.overrides[k]) && (want.unset ?? []).every((k) => !(k in seen));
}
