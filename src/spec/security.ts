import { join } from 'node:path';
import { asMap, asString, interpolateAt, type SpecContext } from './context.js';
import { quote } from './text.js';
import type { ClusterSpec, KafkaSecuritySpec, SaslMechanismName, SecuredListener } from './types.js';

/** The listener a secured local cluster gets when the spec names none. */
export const DEFAULT_SECURED_LISTENER: SecuredListener = 'SASL_SSL';
/** The SASL mechanism when the spec names none. */
export const DEFAULT_SASL_MECHANISM: SaslMechanismName = 'SCRAM-SHA-512';
/** The admin's user name when the spec names none. */
export const DEFAULT_ADMIN_USERNAME = 'admin';

const LISTENERS: readonly SecuredListener[] = ['SASL_SSL', 'SSL', 'SASL_PLAINTEXT'];
const MECHANISMS: readonly SaslMechanismName[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'];

/** Characters the admin password may not hold: StorageTool's --add-scram splits on "," and "]", JAAS quotes with '"'. */
const PASSWORD_FORBIDDEN = /[,\]"\\\r\n]/;

/** Broker property prefixes and names `security` sets; the spec's `properties` may not set them too. */
export const SECURITY_MANAGED_PROPERTY = /^(ssl\.|sasl\.|listener\.name\.|super\.users$|authorizer\.class\.name$|listener\.security\.protocol\.map$)/;

/** Where kafkaform keeps a project's CA, certificates and keys, under the spec's directory. */
export function securityStateDir(specDir: string, project: string): string {
  return join(specDir, '.kafkaform', project || 'default', 'tls');
}

/** Normalises `containers.kafka.security`; null when absent or false. */
export function normaliseSecurity(ctx: SpecContext, raw: unknown, project: string): KafkaSecuritySpec | null {
  if (raw === undefined || raw === null || raw === false) return null;
  const at = (...p: string[]) => ['containers', 'kafka', 'security', ...p];
  const m = raw === true ? {} : (asMap(raw) ?? {});
  // Values outside the enums are reported by the schema; the defaults stand in so no second problem follows.
  const listener = LISTENERS.includes(m.listener as SecuredListener) ? (m.listener as SecuredListener) : DEFAULT_SECURED_LISTENER;
  const sasl = listener !== 'SSL';
  let mechanism: SaslMechanismName | null = null;
  if (sasl) mechanism = MECHANISMS.includes(m.mechanism as SaslMechanismName) ? (m.mechanism as SaslMechanismName) : DEFAULT_SASL_MECHANISM;
  else if (m.mechanism !== undefined) {
    ctx.problems.add(at('mechanism'), 'listener SSL authenticates clients by certificate, not SASL: a mechanism does not apply', 'remove mechanism, or choose listener SASL_SSL or SASL_PLAINTEXT', 'key');
  }
  const admin = asMap(m.admin) ?? {};
  const username = asString(admin.username, DEFAULT_ADMIN_USERNAME);
  let password: string | null = null;
  if (sasl) {
    if (typeof admin.password !== 'string' || admin.password === '') {
      ctx.problems.add(
        m.admin === undefined ? at() : at('admin'),
        `listener ${listener} needs the admin's password`,
        'set containers.kafka.security.admin.password: ${KAFKA_ADMIN_PASSWORD} and export that variable (never write the password itself)',
        'key',
      );
    } else {
      const before = ctx.problems.size;
      password = interpolateAt(ctx, at('admin', 'password'), admin.password, true);
      if (ctx.problems.size > before) {
        // The reference itself is wrong (e.g. the variable is not set): that problem says it all.
      } else if (password === '') {
        ctx.problems.add(at('admin', 'password'), 'the admin password is empty', 'export the variable it names with a non-empty value');
      } else if (PASSWORD_FORBIDDEN.test(password)) {
        ctx.problems.add(at('admin', 'password'), 'the admin password holds a character Kafka cannot take at format time (one of , ] " \\ or a line break); value not shown', 'choose a password without those characters');
      }
    }
  } else if (admin.password !== undefined) {
    ctx.problems.add(at('admin', 'password'), 'listener SSL authenticates the admin by its client certificate: a password does not apply', 'remove admin.password, or choose listener SASL_SSL', 'key');
  }
  if (!/^[A-Za-z0-9._-]+$/.test(username)) {
    ctx.problems.add(at('admin', 'username'), `invalid admin username ${quote(username)}`, 'use letters, digits, ".", "_" and "-"');
  }
  return {
    listener,
    mechanism,
    admin: { username, password },
    authorizer: m.authorizer === true,
    stateDir: securityStateDir(ctx.dir, project),
    fingerprint: null,
    pos: ctx.source.pos(at(), 'key'),
  };
}

/**
 * The cluster section with the local cluster's own credentials filled in where the spec gave none: kafkaform
 * connects as the admin (SASL) or with the admin's client certificate (SSL), trusting the project's CA.
 */
export function withOwnCredentials(cluster: ClusterSpec, security: KafkaSecuritySpec | null): ClusterSpec {
  if (!security || cluster.bootstrapServers.length > 0) return cluster;
  const files = securityFiles(security.stateDir);
  const tlsOn = security.listener !== 'SASL_PLAINTEXT';
  return {
    ...cluster,
    tls: cluster.tls ?? (tlsOn ? { caFile: files.ca, certFile: security.mechanism ? null : files.clientCert, keyFile: security.mechanism ? null : files.clientKey, rejectUnauthorized: true } : null),
    sasl:
      cluster.sasl ??
      (security.mechanism && security.admin.password !== null
        ? { mechanism: security.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512', username: security.admin.username, password: security.admin.password }
        : null),
  };
}

/** The files of a project's TLS state directory. */
export function securityFiles(dir: string): { ca: string; caKey: string; brokerCert: string; brokerKey: string; clientCert: string; clientKey: string } {
  return {
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    brokerCert: join(dir, 'broker.pem'),
    brokerKey: join(dir, 'broker.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}
