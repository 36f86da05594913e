import { didYouMean } from '../spec/suggest.js';
import { isCatalogued } from '../spec/topic-configs.js';
import type { TopicSpec } from '../spec/types.js';
import type { ObservedCluster } from './observed.js';
import { DiagnosticCodes, type Diagnostic } from './types.js';

/**
 * Checks declared topic config keys the offline catalogue lacks against the live broker's list (what
 * DescribeConfigs of a topic reports). Known to the broker: accepted, no finding. Unknown: an error with the
 * broker's nearest name. No list (the cluster is created by this plan, or no topic could be described): a
 * warning, the broker decides when apply sends the key.
 */
export function checkConfigNames(topics: TopicSpec[], cluster: ObservedCluster | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  const supported = cluster?.topicConfigNames ? new Set(cluster.topicConfigNames) : null;
  for (const topic of topics) {
    for (const key of Object.keys(topic.config).sort()) {
      if (isCatalogued(key) || supported?.has(key)) continue;
      const at = topic.pos.config[key] ?? topic.pos.name;
      if (supported) {
        out.push({
          code: DiagnosticCodes.UNKNOWN_TOPIC_CONFIG,
          severity: 'error',
          subject: topic.name,
          message: `topic ${topic.name}: the broker does not support topic config "${key}"${didYouMean(key, cluster?.topicConfigNames ?? [])}`,
          hint: 'use a topic config name the broker lists (kafka-configs --describe --all --entity-type topics), or remove it',
          at,
        });
      } else {
        out.push({
          code: DiagnosticCodes.UNKNOWN_TOPIC_CONFIG,
          severity: 'warning',
          subject: topic.name,
          message: `topic ${topic.name}: topic config "${key}" is not in the catalogue and the broker's list could not be read; the broker decides when apply sends it`,
          hint: 'plan again once the cluster runs and holds a topic, to have the key checked before apply',
          at,
        });
      }
    }
  }
  return out;
}
