import type { Spec } from '../spec/types.js';

/** One declared topic as the outputs show it; null partitions/replicationFactor mean "the broker's default". */
export interface OutputTopic {
  name: string;
  partitions: number | null;
  replicationFactor: number | null;
  config: Record<string, string>;
}

/** What a pipeline or a test suite needs to reach the spec's world. Plain data, no secrets. */
export interface Outputs {
  formatVersion: 1;
  project: string;
  bootstrapServers: string[];
  clientId: string;
  /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL: Kafka's name for how clients connect. */
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** The SASL mechanism in Kafka's spelling (e.g. SCRAM-SHA-512), null without SASL. The password is never an output. */
  saslMechanism: string | null;
  saslUsername: string | null;
  topics: OutputTopic[];
}

/** The outputs of a spec whose bootstrap servers are resolved. */
export function outputsOf(spec: Spec, bootstrapServers: string[]): Outputs {
  const { tls, sasl, clientId } = spec.cluster;
  return {
    formatVersion: 1,
    project: spec.project,
    bootstrapServers,
    clientId,
    securityProtocol: sasl ? (tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : tls ? 'SSL' : 'PLAINTEXT',
    saslMechanism: sasl ? sasl.mechanism.toUpperCase() : null,
    saslUsername: sasl ? sasl.username : null,
    topics: spec.topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config } })),
  };
}

/**
 * The outputs as NAME=value lines for a CI environment file ($GITHUB_ENV, a GitLab dotenv report, `source`):
 * one variable a line, values without quotes, newlines or secrets. KAFKA_TOPICS lists the declared topics.
 */
export function envLines(o: Outputs): string[] {
  const vars: [string, string | null][] = [
    ['KAFKA_BOOTSTRAP_SERVERS', o.bootstrapServers.join(',')],
    ['KAFKA_CLIENT_ID', o.clientId],
    ['KAFKA_SECURITY_PROTOCOL', o.securityProtocol],
    ['KAFKA_SASL_MECHANISM', o.saslMechanism],
    ['KAFKA_SASL_USERNAME', o.saslUsername],
    ['KAFKA_TOPICS', o.topics.map((t) => t.name).join(',')],
    ['KAFKAFORM_PROJECT', o.project],
  ];
  return vars.filter((v): v is [string, string] => v[1] !== null).map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, '')}`);
}
