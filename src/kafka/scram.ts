import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { ObservedScramCredential, ScramMechanismId } from '../plan/access-types.js';
import type { KafkaConnection } from './client.js';
import { requestFailed } from './errors.js';
import { apiVersionRange, protocolError, sendRaw } from './kafkajs-internals.js';
import {
  ALTER_USER_SCRAM_CREDENTIALS_KEY,
  decodeAlterUserScramCredentialsResponse,
  decodeDescribeUserScramCredentialsResponse,
  DESCRIBE_USER_SCRAM_CREDENTIALS_KEY,
  encodeAlterUserScramCredentials,
  encodeDescribeUserScramCredentials,
  mechanismName,
  SCRAM_CREDENTIALS_VERSION,
  ScramMechanismCode,
  type AlterScramUserResult,
} from './scram-protocol.js';

/** Salt length in bytes (Kafka's own tooling uses a random salt of similar size). */
const SALT_BYTES = 32;

/** Kafka's protocol code of a mechanism. */
export function mechanismCode(m: ScramMechanismId): number {
  return ScramMechanismCode[m.toUpperCase() as keyof typeof ScramMechanismCode];
}

/**
 * SaltedPassword := Hi(password, salt, i) of RFC 5802 §2.2: PBKDF2 with HMAC of the mechanism's hash and a
 * derived-key length of one hash output. Kafka stores the server's keys derived from it; the password itself
 * never leaves this process.
 */
export function saltedPassword(mechanism: ScramMechanismId, password: string, salt: Buffer, iterations: number): Buffer {
  const hash = mechanism === 'scram-sha-256' ? 'sha256' : 'sha512';
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hash === 'sha256' ? 32 : 64, hash);
}

/**
 * Sends one version-0 request of `apiKey` through the raw-request door, after checking the broker has the API
 * (Kafka 2.7 or later); returns the response body. Failures become KAFKA_REQUEST_FAILED naming `operation`.
 */
async function send(conn: KafkaConnection, apiKey: number, apiName: string, operation: string, body: Buffer): Promise<Buffer> {
  const range = await apiVersionRange(conn, apiKey);
  if (!range || range.min > SCRAM_CREDENTIALS_VERSION) {
    throw new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `the broker does not support ${apiName} (Kafka 2.7 or later has it)`, {
      hint: 'manage SCRAM users with the broker\'s own tools, or remove the users section',
    });
  }
  try {
    return await sendRaw(conn, { apiKey, apiVersion: SCRAM_CREDENTIALS_VERSION, apiName, body });
  } catch (err) {
    throw requestFailed(operation, null, err);
  }
}

/** Every user's SCRAM credentials (mechanism and iterations; no secret is ever returned), with one request. */
export async function describeScramUsers(conn: KafkaConnection): Promise<Record<string, ObservedScramCredential[]>> {
  const body = await send(conn, DESCRIBE_USER_SCRAM_CREDENTIALS_KEY, 'DescribeUserScramCredentials', 'describe SCRAM users', encodeDescribeUserScramCredentials(null));
  const res = decodeDescribeUserScramCredentialsResponse(body);
  if (res.errorCode !== 0) throw requestFailed('describe SCRAM users', null, protocolError(res.errorCode, res.errorMessage));
  const out: Record<string, ObservedScramCredential[]> = {};
  for (const r of [...res.results].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))) {
    // RESOURCE_NOT_FOUND answers a named user without credentials; with "all users" it does not occur.
    if (r.errorCode !== 0) continue;
    const creds: ObservedScramCredential[] = [];
    for (const c of r.credentials) {
      const name = mechanismName(c.mechanism);
      if (name) creds.push({ mechanism: name.toLowerCase() as ScramMechanismId, iterations: c.iterations });
    }
    creds.sort((a, b) => (a.mechanism < b.mechanism ? -1 : 1));
    if (creds.length > 0) out[r.user] = creds;
  }
  return out;
}

/** One credential to set: the password is salted here and dropped; only salt and salted password are sent. */
export interface ScramSet {
  user: string;
  mechanism: ScramMechanismId;
  iterations: number;
  password: string;
}

/** One credential to remove. */
export interface ScramRemove {
  user: string;
  mechanism: ScramMechanismId;
}

/**
 * Sets and removes credentials with one AlterUserScramCredentials request. Returns each named user's error (null
 * when applied); a request-level failure throws KAFKA_REQUEST_FAILED.
 */
export async function alterScramUsers(conn: KafkaConnection, sets: ScramSet[], removes: ScramRemove[]): Promise<Map<string, KafkaformError | null>> {
  const out = new Map<string, KafkaformError | null>();
  if (sets.length === 0 && removes.length === 0) return out;
  const upsertions = sets.map((s) => {
    const salt = randomBytes(SALT_BYTES);
    return { name: s.user, mechanism: mechanismCode(s.mechanism), iterations: s.iterations, salt, saltedPassword: saltedPassword(s.mechanism, s.password, salt, s.iterations) };
  });
  const deletions = removes.map((r) => ({ name: r.user, mechanism: mechanismCode(r.mechanism) }));
  const body = await send(conn, ALTER_USER_SCRAM_CREDENTIALS_KEY, 'AlterUserScramCredentials', 'alter SCRAM users', encodeAlterUserScramCredentials(deletions, upsertions));
  for (const r of decodeAlterUserScramCredentialsResponse(body).results) out.set(r.user, userError(r));
  return out;
}

/** A user's result as our error; the message never carries anything but Kafka's error name and text. */
function userError(r: AlterScramUserResult): KafkaformError | null {
  if (r.errorCode === 0) return null;
  return requestFailed('set SCRAM credentials of user', r.user, protocolError(r.errorCode, r.errorMessage));
}
