import { compactBytes, compactString, int32, int8, NO_TAGS, Reader, uvarint } from './wire.js';

// DescribeUserScramCredentials (API key 50) and AlterUserScramCredentials (API key 51), which kafkajs lacks,
// encoded here for version 0, their only version. Both are flexible from version 0: compact strings, arrays and
// bytes (unsigned varint length + 1) and a tagged-field section after each struct. kafkajs frames requests with
// header v1; header v2 is v1 plus an empty tagged-field section, so each body starts with that one 0 byte, and
// each response body (after the correlation id) starts with the response header's tagged fields. Pure encoding
// and decoding (primitives in wire.ts); sending goes through the raw-request door in src/kafka/kafkajs-internals.ts.
//
// DescribeUserScramCredentials Request (Version: 0) => [users] TAG_BUFFER
//   users => name:COMPACT_STRING TAG_BUFFER                     (a null array: every user)
// DescribeUserScramCredentials Response (Version: 0) => throttle_time_ms:INT32 error_code:INT16
//     error_message:COMPACT_NULLABLE_STRING [results] TAG_BUFFER
//   results => user:COMPACT_STRING error_code:INT16 error_message:COMPACT_NULLABLE_STRING [credential_infos] TAG_BUFFER
//     credential_infos => mechanism:INT8 iterations:INT32 TAG_BUFFER
// AlterUserScramCredentials Request (Version: 0) => [deletions] [upsertions] TAG_BUFFER
//   deletions => name:COMPACT_STRING mechanism:INT8 TAG_BUFFER
//   upsertions => name:COMPACT_STRING mechanism:INT8 iterations:INT32 salt:COMPACT_BYTES salted_password:COMPACT_BYTES TAG_BUFFER
// AlterUserScramCredentials Response (Version: 0) => throttle_time_ms:INT32 [results] TAG_BUFFER
//   results => user:COMPACT_STRING error_code:INT16 error_message:COMPACT_NULLABLE_STRING TAG_BUFFER

/** The API key of DescribeUserScramCredentials. */
export const DESCRIBE_USER_SCRAM_CREDENTIALS_KEY = 50;

/** The API key of AlterUserScramCredentials. */
export const ALTER_USER_SCRAM_CREDENTIALS_KEY = 51;

/** The one version of both APIs (Kafka 2.7 to 4.4). */
export const SCRAM_CREDENTIALS_VERSION = 0;

/** The protocol's mechanism codes (0 is UNKNOWN). */
export const ScramMechanismCode = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const;

/** A SCRAM mechanism name as Kafka spells it. */
export type ScramMechanismName = keyof typeof ScramMechanismCode;

/** The mechanism name of a protocol code; null for UNKNOWN or a code this version does not know. */
export function mechanismName(code: number): ScramMechanismName | null {
  return code === 1 ? 'SCRAM-SHA-256' : code === 2 ? 'SCRAM-SHA-512' : null;
}

/** One credential to set: the salted password only, never the password itself, goes on the wire. */
export interface ScramUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

/** One credential to remove. */
export interface ScramDeletion {
  name: string;
  mechanism: number;
}

/** One user's described credentials; errorCode 0 means described. */
export interface DescribedScramUser {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentials: { mechanism: number; iterations: number }[];
}

/** The decoded DescribeUserScramCredentials response. */
export interface DescribeScramResult {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: DescribedScramUser[];
}

/** One user's answer to AlterUserScramCredentials (one per user named in the request); 0 means applied. */
export interface AlterScramUserResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

/** The decoded AlterUserScramCredentials response. */
export interface AlterScramResult {
  throttleTimeMs: number;
  results: AlterScramUserResult[];
}

/** The request body (request-header tagged fields first) describing `users`, or every user when null. */
export function encodeDescribeUserScramCredentials(users: string[] | null): Buffer {
  const list = users === null ? [uvarint(0)] : [uvarint(users.length + 1), ...users.flatMap((u) => [compactString(u), NO_TAGS])];
  return Buffer.concat([NO_TAGS, ...list, NO_TAGS]);
}

/** Decodes a DescribeUserScramCredentials response body (response-header tagged fields first). */
export function decodeDescribeUserScramCredentialsResponse(body: Buffer): DescribeScramResult {
  const r = new Reader(body, 'DescribeUserScramCredentials response');
  r.tags();
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const results = r.compactArray(() => {
    const user = r.compactString();
    const userError = r.int16();
    const userMessage = r.compactNullableString();
    const credentials = r.compactArray(() => {
      const mechanism = r.int8();
      const iterations = r.int32();
      r.tags();
      return { mechanism, iterations };
    });
    r.tags();
    return { user, errorCode: userError, errorMessage: userMessage, credentials };
  });
  r.tags();
  r.end();
  return { throttleTimeMs, errorCode, errorMessage, results };
}

/** The request body (request-header tagged fields first) removing `deletions` and setting `upsertions`. */
export function encodeAlterUserScramCredentials(deletions: ScramDeletion[], upsertions: ScramUpsertion[]): Buffer {
  return Buffer.concat([
    NO_TAGS,
    uvarint(deletions.length + 1),
    ...deletions.flatMap((d) => [compactString(d.name), int8(d.mechanism), NO_TAGS]),
    uvarint(upsertions.length + 1),
    ...upsertions.flatMap((u) => [compactString(u.name), int8(u.mechanism), int32(u.iterations), compactBytes(u.salt), compactBytes(u.saltedPassword), NO_TAGS]),
    NO_TAGS,
  ]);
}

/** Decodes an AlterUserScramCredentials response body (response-header tagged fields first). */
export function decodeAlterUserScramCredentialsResponse(body: Buffer): AlterScramResult {
  const r = new Reader(body, 'AlterUserScramCredentials response');
  r.tags();
  const throttleTimeMs = r.int32();
  const results = r.compactArray(() => {
    const user = r.compactString();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    r.tags();
    return { user, errorCode, errorMessage };
  });
  r.tags();
  r.end();
  return { throttleTimeMs, results };
}
