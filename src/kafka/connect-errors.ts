import { ErrorCodes, type ErrorCode } from '../errors.js';
import type { SaslSpec, TlsSpec } from '../spec/types.js';

// Pure: why a connection failed, told from the error kafkajs and Node's TLS raise, as one sentence and one fix.

/** A diagnosed connection failure: a stable code, the reason (one line, no secrets) and how to fix it. */
export interface ConnectFailure {
  code: ErrorCode;
  reason: string;
  hint: string;
}

/** What the client tried: TLS and SASL as configured (the password is never read here). */
export interface ConnectAttempt {
  bootstrapServers: string[];
  tls: TlsSpec | null | undefined;
  sasl: Pick<SaslSpec, 'mechanism' | 'username'> | null | undefined;
}

/** Node TLS error codes of a server certificate no trusted CA signed. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Every error in a cause chain (kafkajs wraps in `cause` and `originalError`), outermost first. */
function chain(err: unknown): { message: string; code: string; type: string; name: string }[] {
  const out: { message: string; code: string; type: string; name: string }[] = [];
  let x: unknown = err;
  for (let depth = 0; x && depth < 8; depth++) {
    const e = x as { message?: unknown; code?: unknown; type?: unknown; name?: unknown; cause?: unknown; originalError?: unknown };
    out.push({ message: String(e.message ?? x), code: String(e.code ?? ''), type: String(e.type ?? ''), name: String(e.name ?? '') });
    x = e.originalError ?? e.cause;
  }
  return out;
}

const LOCAL_CA = 'for the local cluster, `kafkaform output ca` prints the CA (kafkaform trusts it by itself when cluster.tls is not set)';

/**
 * The diagnosis of a failed connection, or null when it is not an authentication or TLS problem (then it is
 * reported as an unreachable cluster). Messages name the mechanism and user, never the password.
 */
export function diagnoseConnectFailure(err: unknown, attempt: ConnectAttempt): ConnectFailure | null {
  const errors = chain(err);
  const has = (p: (e: (typeof errors)[number]) => boolean): boolean => errors.some(p);
  const text = errors.map((e) => e.message).join(' | ');
  const where = attempt.bootstrapServers.join(', ');
  const sasl = attempt.sasl;
  const mech = sasl ? sasl.mechanism.toUpperCase() : '';
  if (has((e) => e.type === 'UNSUPPORTED_SASL_MECHANISM')) {
    return {
      code: ErrorCodes.CLUSTER_AUTH_FAILED,
      reason: `the broker at ${where} does not enable SASL mechanism ${mech}`,
      hint: 'set cluster.sasl.mechanism (or containers.kafka.security.mechanism) to the mechanism the listener enables',
    };
  }
  if (has((e) => e.name === 'KafkaJSSASLAuthenticationError' || e.type === 'SASL_AUTHENTICATION_FAILED')) {
    return {
      code: ErrorCodes.CLUSTER_AUTH_FAILED,
      reason: `SASL ${mech} authentication as ${sasl?.username ?? '?'} failed at ${where}: wrong username or password`,
      hint: 'check the password variable named in the spec (cluster.sasl.password or containers.kafka.security.admin.password) and the username',
    };
  }
  if (has((e) => e.code === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    const detail = errors.find((e) => e.code === 'ERR_TLS_CERT_ALTNAME_INVALID')!.message.replace(/^.*altnames: /, '').replace(/[:\s]+$/, '');
    return {
      code: ErrorCodes.CLUSTER_TLS_FAILED,
      reason: `the broker's certificate does not name the address connected to (${where}): ${detail}`,
      hint: 'connect with a host name or address the certificate lists (the local cluster\'s lists 127.0.0.1 and localhost)',
    };
  }
  if (has((e) => UNTRUSTED.has(e.code)) || /self[- ]signed certificate|unable to verify|unable to get (local )?issuer/i.test(text)) {
    return {
      code: ErrorCodes.CLUSTER_TLS_FAILED,
      reason: `the broker's certificate at ${where} is not signed by a CA this client trusts`,
      hint: `set cluster.tls.ca to the CA that signed the broker certificate; ${LOCAL_CA}`,
    };
  }
  if (has((e) => /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE/.test(e.code)) || /alert certificate required|alert bad certificate/i.test(text)) {
    return {
      code: ErrorCodes.CLUSTER_TLS_FAILED,
      reason: `the broker at ${where} requires a client certificate (mutual TLS) and ${attempt.tls?.certFile ? 'refused the one sent' : 'none was sent'}`,
      hint: 'set cluster.tls.cert and cluster.tls.key to a certificate signed by the cluster\'s CA (the local cluster\'s admin certificate is .kafkaform/<project>/tls/client.pem)',
    };
  }
  if (attempt.tls && /before secure TLS connection|wrong version number|packet length too long|ECONNRESET|EPROTO/i.test(`${text} ${errors.map((e) => e.code).join(' ')}`)) {
    return {
      code: ErrorCodes.CLUSTER_TLS_FAILED,
      reason: `the TLS handshake with ${where} failed: the port does not speak TLS`,
      hint: 'remove cluster.tls for a PLAINTEXT or SASL_PLAINTEXT listener, or connect to the cluster\'s TLS port',
    };
  }
  if (!attempt.tls && has((e) => e.name === 'KafkaJSConnectionClosedError' || /Closed connection/i.test(e.message))) {
    return {
      code: ErrorCodes.CLUSTER_TLS_FAILED,
      reason: `the broker at ${where} closed the connection without answering: the listener expects TLS${sasl ? '' : ' or SASL'}`,
      hint: 'set cluster.tls (and cluster.sasl if the listener is SASL_SSL or SASL_PLAINTEXT) to match the listener',
    };
  }
  return null;
}
