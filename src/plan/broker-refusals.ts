import type { SourcePos } from '../errors.js';
import type { TopicSpec } from '../spec/types.js';
import type { ObservedCluster } from './observed.js';
import { DiagnosticCodes, type Diagnostic } from './types.js';

/**
 * Plan errors for the changes the broker refused when asked with validate_only: one per refused topic, at the
 * spec line of the config key refused, else at the topic's name. A refusal of a topic the spec no longer declares is still reported, without a position.
 */
export function brokerRefusalDiagnostics(topics: readonly TopicSpec[], cluster: ObservedCluster | null): Diagnostic[] {
  const byName = new Map(topics.map((t) => [t.name, t]));
  return (cluster?.refusals ?? []).map((r) => {
    const topic = byName.get(r.topic);
    const key = topic && r.key && r.key in topic.config ? r.key : undefined;
    const at: SourcePos | undefined = topic ? (key ? topic.pos.config[key] : undefined) ?? topic.pos.name : undefined;
    const what = r.change === 'create' ? 'create' : 'change the config of';
    return {
      code: DiagnosticCodes.BROKER_REFUSES,
      severity: 'error',
      subject: r.topic,
      ...(key ? { key } : {}),
      message: `the broker refuses to ${what} topic ${r.topic}: ${r.error}: ${r.message}`,
      hint: key
        ? `change or remove ${key} for topic ${r.topic}, or change the broker so it accepts it`
        : `change topic ${r.topic} in the spec so the broker accepts it, or change the broker`,
      ...(at ? { at } : {}),
    };
  });
}
