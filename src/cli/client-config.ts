import type { Outputs } from './outputs.js';

/** Client config formats: librdkafka (kcat -F, confluent-kafka) and Java properties (the Kafka CLI tools). */
export type ClientConfigFormat = 'librdkafka' | 'properties';

/** What a client needs to connect as kafkaform does. Secret: password, clientKeyPem. */
export interface ClientCredentials {
  password: string | null;
  /** Absolute paths, for librdkafka. */
  caFile: string | null;
  certFile: string | null;
  keyFile: string | null;
  /** PEM texts, inlined into Java properties so the file works anywhere (e.g. copied into a container). */
  caPem: string | null;
  certPem: string | null;
  keyPem: string | null;
}

/** Shown instead of a secret when the config goes to a terminal or a log rather than a file. */
export const REDACTED = '<secret: write the config with -o FILE>';

/** Java properties escaping of a value: backslashes, then line breaks as \n (Properties.load reads them back). */
function javaValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

/**
 * The client config for `o`'s cluster in `format`, one `key=value` a line. With `secrets` false every secret
 * (the password, a client key) is replaced by REDACTED, so the text is safe to print.
 */
export function renderClientConfig(o: Outputs, c: ClientCredentials, format: ClientConfigFormat, secrets: boolean): string {
  const lines: [string, string][] = [['bootstrap.servers', o.bootstrapServers.join(',')], ['security.protocol', o.securityProtocol]];
  const password = c.password === null ? null : secrets ? c.password : REDACTED;
  if (format === 'librdkafka') {
    lines.push(['client.id', o.clientId]);
    if (o.saslMechanism) lines.push(['sasl.mechanisms', o.saslMechanism], ['sasl.username', o.saslUsername ?? ''], ['sasl.password', password ?? '']);
    if (c.caFile) lines.push(['ssl.ca.location', c.caFile]);
    if (c.certFile) lines.push(['ssl.certificate.location', c.certFile]);
    if (c.keyFile) lines.push(['ssl.key.location', c.keyFile]);
    return `${lines.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
  }
  lines.push(['client.id', o.clientId]);
  if (o.saslMechanism) {
    const module = o.saslMechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    lines.push(['sasl.mechanism', o.saslMechanism], ['sasl.jaas.config', `${module} required username="${o.saslUsername ?? ''}" password="${password ?? ''}";`]);
  }
  if (c.caPem) lines.push(['ssl.truststore.type', 'PEM'], ['ssl.truststore.certificates', c.caPem.trim()]);
  if (c.certPem && c.keyPem) {
    lines.push(['ssl.keystore.type', 'PEM'], ['ssl.keystore.certificate.chain', c.certPem.trim()], ['ssl.keystore.key', secrets ? c.keyPem.trim() : REDACTED]);
  }
  return `${lines.map(([k, v]) => `${k}=${javaValue(v)}`).join('\n')}\n`;
}
