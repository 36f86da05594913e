import type { KafkaSecuritySpec } from '../spec/types.js';

// Pure: how a secured local cluster is configured. Non-secret settings travel as KAFKA_* env (visible in
// `docker inspect`); the password lives only in files copied into the container, 0600, owned by the image's user.

/** Directory inside a secured Kafka container holding its certificates, JAAS file and start script. */
export const SECURITY_DIR = '/etc/kafkaform';

/** The image's user: files copied in belong to it. */
export const IMAGE_UID = 1000;

/** A file copied into a container before it starts. */
export interface ContainerFile {
  path: string;
  mode: number;
  content: string;
}

/** The entrypoint of a secured node: formats storage with the admin's SCRAM credential, then runs the image's own. */
export const SECURED_ENTRYPOINT = ['/bin/bash', `${SECURITY_DIR}/start.sh`];

/** Principal of the brokers' certificate (mapped from its CN), a super user so brokers and controllers trust each other. */
const BROKER_PRINCIPAL = 'kafkaform-broker';

/** Security protocol of the controller listener: mutual TLS between nodes with the broker certificate. */
export const CONTROLLER_PROTOCOL = 'SSL';

/**
 * Broker properties security adds: PEM key and trust stores, client certificates required on SSL listeners (the
 * controller's always; SASL_SSL listeners ignore the unprefixed setting, KIP-684), CN-only principals, the SASL
 * mechanism for clients and between brokers, super users, and the authorizer when asked.
 */
export function securityProperties(security: KafkaSecuritySpec): Record<string, string> {
  const props: Record<string, string> = {
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': `${SECURITY_DIR}/broker.pem`,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': `${SECURITY_DIR}/ca.pem`,
    'ssl.client.auth': 'required',
    // CN=alice,... → User:alice, so a client certificate names the same principal as a SASL user.
    'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+)$/$1/,DEFAULT',
    'super.users': `User:${security.admin.username};User:${BROKER_PRINCIPAL}`,
  };
  if (security.mechanism) {
    props['sasl.enabled.mechanisms'] = security.mechanism;
    props['sasl.mechanism.inter.broker.protocol'] = security.mechanism;
  }
  if (security.authorizer) props['authorizer.class.name'] = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';
  return props;
}

/** Env of a secured node beyond its properties: the JAAS file on SASL listeners (KAFKA_OPTS, read by the image's scripts). */
export function securityEnv(security: KafkaSecuritySpec): Record<string, string> {
  return security.mechanism ? { KAFKA_OPTS: `-Djava.security.auth.login.config=${SECURITY_DIR}/jaas.conf` } : {};
}

/** JAAS text of the brokers: the admin's credentials for inter-broker SASL, and on PLAIN the user table. Secret. */
export function jaasConfig(security: KafkaSecuritySpec): string | null {
  if (!security.mechanism || security.admin.password === null) return null;
  const user = security.admin.username;
  const password = security.admin.password;
  const module = security.mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  const users = security.mechanism === 'PLAIN' ? ` user_${user}="${password}"` : '';
  return `KafkaServer {\n  ${module} required\n  username="${user}" password="${password}"${users};\n};\n`;
}

/** StorageTool's --add-scram argument for the admin; null unless the mechanism is SCRAM. Secret. */
export function scramArgument(security: KafkaSecuritySpec): string | null {
  if (!security.mechanism?.startsWith('SCRAM') || security.admin.password === null) return null;
  return `${security.mechanism}=[name=${security.admin.username},password=${security.admin.password}]`;
}

/** The start script: StorageTool reads the SCRAM argument from a file, so the password is in no env or label. */
function startScript(): string {
  return [
    '#!/bin/bash',
    '# Written by kafkaform: formats storage with the admin SCRAM credential (KRaft takes it only at format time),',
    "# then runs the image's own entrypoint, which finds the storage formatted.",
    'set -euo pipefail',
    `if [ -s ${SECURITY_DIR}/admin.scram ]; then`,
    `  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "$CLUSTER_ID" -c ${SECURITY_DIR}/server.properties --add-scram "$(cat ${SECURITY_DIR}/admin.scram)"`,
    'fi',
    'exec /etc/kafka/docker/run',
    '',
  ].join('\n');
}

/** The files a secured node needs, all 0600 (the script 0700): certificates, key, JAAS, SCRAM argument, its properties. */
export function securityContainerFiles(
  security: KafkaSecuritySpec,
  properties: Record<string, string>,
  material: { caCertPem: string; brokerCertPem: string; brokerKeyPem: string },
): ContainerFile[] {
  const file = (name: string, content: string, mode = 0o600): ContainerFile => ({ path: `${SECURITY_DIR}/${name}`, mode, content });
  const props = Object.keys(properties)
    .sort()
    .map((k) => `${k}=${properties[k]}`)
    .join('\n');
  const files = [
    file('start.sh', startScript(), 0o700),
    file('ca.pem', material.caCertPem),
    // Kafka's PEM key store: the unencrypted PKCS#8 key, then the certificate chain.
    file('broker.pem', `${material.brokerKeyPem.trim()}\n${material.brokerCertPem.trim()}\n${material.caCertPem.trim()}\n`),
    file('server.properties', `${props}\n`),
  ];
  const jaas = jaasConfig(security);
  if (jaas) files.push(file('jaas.conf', jaas));
  const scram = scramArgument(security);
  if (scram) files.push(file('admin.scram', scram));
  return files;
}
