import type { KafkaConnection } from './client.js';
import { TOPIC_RESOURCE } from './protocol.js';
import { isBrokerError } from './errors.js';
import { sleep } from './wait.js';

/**
 * Waits (best effort, at most `timeoutMs`) until every broker answer shows each topic's override set as sent.
 * Brokers learn config changes from the controller asynchronously; waiting here keeps the plan that follows
 * apply from seeing the old values. A broker that normalises a value never matches: the wait just ends.
 */
export async function waitForOverrides(
  conn: KafkaConnection,
  expected: { topic: string; overrides: Record<string, string> }[],
  timeoutMs: number,
): Promise<void> {
  if (expected.length === 0) return;
  const admin = await conn.admin();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const { resources } = await admin.describeConfigs({
        resources: expected.map((e) => ({ type: TOPIC_RESOURCE, name: e.topic })),
        includeSynonyms: false,
      });
      const seen = new Map(
        resources.map((r) => [
          r.resourceName,
          Object.fromEntries(r.configEntries.filter((c) => c.configSource === 1).map((c) => [c.configName, c.configValue])),
        ]),
      );
      if (expected.every((e) => sameOverrides(seen.get(e.topic), e.overrides))) return;
    } catch (err) {
      // A broker's transient error: look again until the deadline. A lost connection is not transient here.
      if (!isBrokerError(err)) throw err;
    }
    await sleep(100);
  }
}

/** Same keys, same values. */
function sameOverrides(seen: Record<string, string> | undefined, want: Record<string, string>): boolean {
  if (!seen) return false;
  const keys = Object.keys(want);
  return Object.keys(seen).length === keys.length && keys.every((k) => seen[k] === want[k]);
}
