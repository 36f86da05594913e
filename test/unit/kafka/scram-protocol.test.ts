import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mechanismCode, saltedPassword } from '../../../src/kafka/scram.js';
import {
  decodeAlterUserScramCredentialsResponse,
  decodeDescribeUserScramCredentialsResponse,
  encodeAlterUserScramCredentials,
  encodeDescribeUserScramCredentials,
} from '../../../src/kafka/scram-protocol.js';

// Byte layouts of Kafka's DescribeUserScramCredentials and AlterUserScramCredentials version 0
// (clients/src/main/resources/common/message/{Describe,Alter}UserScramCredentials{Request,Response}.json, flexible
// from v0: COMPACT_* lengths are unsigned varints of length + 1, every struct ends in a tagged-field section).
// Expected bytes are written out by hand from those files; each body starts with the header's tagged fields (0).

const hex = (b: Buffer) => b.toString('hex');
const str = (s: string) => Buffer.concat([Buffer.from([s.length + 1]), Buffer.from(s)]);

describe('DescribeUserScramCredentials v0', () => {
  it('asks for every user with a null array', () => {
    // header tags | users: null (0) | tags
    expect(hex(encodeDescribeUserScramCredentials(null))).toBe('000000');
  });

  it('names users as compact strings, each with its own tagged fields', () => {
    const expected = Buffer.concat([Buffer.from([0, 3]), str('al'), Buffer.from([0]), str('bob'), Buffer.from([0, 0])]);
    expect(hex(encodeDescribeUserScramCredentials(['al', 'bob']))).toBe(hex(expected));
  });

  it('writes a length of 128 or more as a two-byte varint', () => {
    const users = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const body = encodeDescribeUserScramCredentials(users);
    // 201 = 0b1_1001001 → 0xc9 0x01
    expect(hex(body.subarray(0, 3))).toBe('00c901');
  });

  it('decodes results with credentials, skipping unknown tagged fields', () => {
    const body = Buffer.concat([
      Buffer.from([0]), // response header tags
      Buffer.from([0, 0, 0, 5]), // throttle
      Buffer.from([0, 0]), // error code
      Buffer.from([0]), // error message: null
      Buffer.from([3]), // 2 results
      str('alice'),
      Buffer.from([0, 0, 0]), // error 0, message null
      Buffer.from([3]), // 2 credential infos
      Buffer.from([2, 0, 0, 0x20, 0, 0]), // SCRAM-SHA-512, 8192, tags
      Buffer.from([1, 0, 0, 0x10, 0, 0]), // SCRAM-SHA-256, 4096, tags
      Buffer.from([1, 7, 2, 0xaa, 0xbb]), // one unknown tagged field (tag 7, 2 bytes) on the result
      str('bob'),
      Buffer.from([0, 0x5b]), // RESOURCE_NOT_FOUND (91)
      str('no credentials'),
      Buffer.from([1, 0]), // no credential infos, tags
      Buffer.from([0]), // top-level tags
    ]);
    expect(decodeDescribeUserScramCredentialsResponse(body)).toEqual({
      throttleTimeMs: 5,
      errorCode: 0,
      errorMessage: null,
      results: [
        { user: 'alice', errorCode: 0, errorMessage: null, credentials: [{ mechanism: 2, iterations: 8192 }, { mechanism: 1, iterations: 4096 }] },
        { user: 'bob', errorCode: 91, errorMessage: 'no credentials', credentials: [] },
      ],
    });
  });

  it('refuses a truncated or overlong body', () => {
    const ok = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(decodeDescribeUserScramCredentialsResponse(ok).results).toEqual([]);
    expect(() => decodeDescribeUserScramCredentialsResponse(ok.subarray(0, 8))).toThrow(/truncated/);
    expect(() => decodeDescribeUserScramCredentialsResponse(Buffer.concat([ok, Buffer.from([0])]))).toThrow(/unread/);
  });
});

describe('AlterUserScramCredentials v0', () => {
  it('encodes deletions then upsertions with salt and salted password as compact bytes', () => {
    const salt = Buffer.from('0102', 'hex');
    const salted = Buffer.from('a1a2a3', 'hex');
    const body = encodeAlterUserScramCredentials([{ name: 'old', mechanism: 1 }], [{ name: 'al', mechanism: 2, iterations: 8192, salt, saltedPassword: salted }]);
    const expected = Buffer.concat([
      Buffer.from([0]), // header tags
      Buffer.from([2]), // 1 deletion
      str('old'),
      Buffer.from([1, 0]), // SCRAM-SHA-256, tags
      Buffer.from([2]), // 1 upsertion
      str('al'),
      Buffer.from([2, 0, 0, 0x20, 0]), // SCRAM-SHA-512, 8192
      Buffer.from([3, 1, 2]), // salt
      Buffer.from([4, 0xa1, 0xa2, 0xa3]), // salted password
      Buffer.from([0]), // upsertion tags
      Buffer.from([0]), // top-level tags
    ]);
    expect(hex(body)).toBe(hex(expected));
  });

  it('encodes empty lists as length 0 + 1', () => {
    expect(hex(encodeAlterUserScramCredentials([], []))).toBe('00010100');
  });

  it('decodes per-user results', () => {
    const body = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 3]), str('al'), Buffer.from([0, 0, 0, 0]), str('bo'), Buffer.from([0, 0x5b]), str('gone'), Buffer.from([0, 0])]);
    expect(decodeAlterUserScramCredentialsResponse(body)).toEqual({
      throttleTimeMs: 0,
      results: [
        { user: 'al', errorCode: 0, errorMessage: null },
        { user: 'bo', errorCode: 91, errorMessage: 'gone' },
      ],
    });
  });
});

describe('SCRAM salted password (RFC 5802 Hi)', () => {
  it('reproduces the RFC 7677 SCRAM-SHA-256 exchange: client proof and server signature', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const sp = saltedPassword('scram-sha-256', 'pencil', salt, 4096);
    const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const clientKey = hmac(sp, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    expect(proof.toString('base64')).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(hmac(hmac(sp, 'Server Key'), authMessage).toString('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it('derives one hash length: 32 bytes for SHA-256, 64 for SHA-512', () => {
    expect(saltedPassword('scram-sha-256', 'p', Buffer.from('s'), 4096)).toHaveLength(32);
    expect(saltedPassword('scram-sha-512', 'p', Buffer.from('s'), 4096)).toHaveLength(64);
    expect([mechanismCode('scram-sha-256'), mechanismCode('scram-sha-512')]).toEqual([1, 2]);
  });
});
