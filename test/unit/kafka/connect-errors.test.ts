import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';
import { createKafkaConnection, type KafkaConnectionOptions } from '../../../src/kafka/client.js';
import { diagnoseConnectFailure } from '../../../src/kafka/connect-errors.js';
import { issueCertificate } from '../../../src/security/x509.js';

// Real TLS handshakes between kafkajs and Node TLS servers on loopback: each refusal happens before any Kafka
// request, so no broker is needed. The SASL refusals come from real brokers in test/integration/secure.test.ts.

const notBefore = new Date(Date.now() - 60_000);
const ca = issueCertificate({ commonName: 'unit CA', ca: true, usages: [], days: 2, notBefore }, null);
const otherCa = issueCertificate({ commonName: 'other CA', ca: true, usages: [], days: 2, notBefore }, null);
const good = issueCertificate({ commonName: 'broker', ca: false, usages: ['server', 'client'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 2, notBefore }, ca.issuer);
const wrongName = issueCertificate({ commonName: 'broker', ca: false, usages: ['server'], dnsNames: ['kafka-9'], days: 2, notBefore }, ca.issuer);
const dir = mkdtempSync(join(tmpdir(), 'kft-h12a-tls-'));
const file = (name: string, text: string): string => (writeFileSync(join(dir, name), text), join(dir, name));
const caFile = file('ca.pem', ca.certPem);
const otherCaFile = file('other.pem', otherCa.certPem);

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

let tlsPort = '';
let mtlsPort = '';
let wrongNamePort = '';
let plainPort = '';

beforeAll(async () => {
  tlsPort = await listen(createTlsServer({ cert: good.certPem, key: good.keyPem }, (s) => s.destroy()));
  mtlsPort = await listen(createTlsServer({ cert: good.certPem, key: good.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (s) => s.destroy()));
  wrongNamePort = await listen(createTlsServer({ cert: wrongName.certPem, key: wrongName.keyPem }, (s) => s.destroy()));
  // A plaintext Kafka port reads a request; TLS's ClientHello is not one, and the broker closes the connection.
  plainPort = await listen(createNetServer((s) => s.once('data', () => s.destroy())));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function refusal(o: Partial<KafkaConnectionOptions> & { bootstrapServers: string[] }): Promise<KafkaformError> {
  const conn = createKafkaConnection({ connectionTimeoutMs: 4000, requestTimeoutMs: 4000, ...o });
  try {
    await conn.admin();
  } catch (e) {
    expect(e).toBeInstanceOf(KafkaformError);
    return e as KafkaformError;
  } finally {
    await conn.close();
  }
  throw new Error('connected');
}

const tls = (over: Partial<{ caFile: string | null; certFile: string | null; keyFile: string | null }> = {}) => ({ caFile, certFile: null, keyFile: null, rejectUnauthorized: true, ...over });

describe('connection refusals get a stable code, one line and a fix', () => {
  it('untrusted CA', async () => {
    const e = await refusal({ bootstrapServers: [tlsPort], tls: tls({ caFile: otherCaFile }) });
    expect(e.code).toBe(ErrorCodes.CLUSTER_TLS_FAILED);
    expect(e.message).toBe(`the broker's certificate at ${tlsPort} is not signed by a CA this client trusts`);
    expect(e.hint).toContain('kafkaform output ca');
  });

  it('host name mismatch', async () => {
    const e = await refusal({ bootstrapServers: [wrongNamePort], tls: tls() });
    expect(e.code).toBe(ErrorCodes.CLUSTER_TLS_FAILED);
    expect(e.message).toMatch(/^the broker's certificate does not name the address connected to \(127\.0\.0\.1:\d+\): IP: 127\.0\.0\.1 is not in the cert's list$/);
  });

  it('client certificate missing', async () => {
    const e = await refusal({ bootstrapServers: [mtlsPort], tls: tls() });
    expect(e.code).toBe(ErrorCodes.CLUSTER_TLS_FAILED);
    expect(e.message).toBe(`the broker at ${mtlsPort} requires a client certificate (mutual TLS) and none was sent`);
    expect(e.hint).toContain('cluster.tls.cert');
  });

  it('TLS to a plaintext port', async () => {
    const e = await refusal({ bootstrapServers: [plainPort], tls: tls() });
    expect(e.code).toBe(ErrorCodes.CLUSTER_TLS_FAILED);
    expect(e.message).toBe(`the TLS handshake with ${plainPort} failed: the port does not speak TLS`);
  });

  it('plaintext to a TLS port', async () => {
    const e = await refusal({ bootstrapServers: [tlsPort] });
    expect(e.code).toBe(ErrorCodes.CLUSTER_TLS_FAILED);
    expect(e.message).toBe(`the broker at ${tlsPort} closed the connection without answering: the listener expects TLS or SASL`);
  });

  it('every message is one line without the password', async () => {
    const e = await refusal({ bootstrapServers: [tlsPort], tls: tls({ caFile: otherCaFile }), sasl: { mechanism: 'plain', username: 'u', password: 'Kn0wn-unit-pw' } });
    expect(`${e.message}\n${e.hint}`).not.toContain('Kn0wn-unit-pw');
    expect(e.message).not.toContain('\n');
  });
});

describe('diagnoseConnectFailure on kafkajs errors', () => {
  const attempt = { bootstrapServers: ['b:9092'], tls: null, sasl: { mechanism: 'scram-sha-512' as const, username: 'admin' } };
  it('wrong password and unknown mechanism are authentication failures', () => {
    const wrong = Object.assign(new Error('SASL SCRAM SHA512 authentication failed: Authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(diagnoseConnectFailure(wrong, attempt)).toMatchObject({ code: 'KF204', reason: 'SASL SCRAM-SHA-512 authentication as admin failed at b:9092: wrong username or password' });
    const mech = Object.assign(new Error('The broker does not support the requested SASL mechanism'), { type: 'UNSUPPORTED_SASL_MECHANISM' });
    expect(diagnoseConnectFailure({ message: 'retries', originalError: mech }, attempt)).toMatchObject({ code: 'KF204', reason: 'the broker at b:9092 does not enable SASL mechanism SCRAM-SHA-512' });
  });
  it('anything else stays an unreachable cluster', () => {
    expect(diagnoseConnectFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), attempt)).toBeNull();
  });
});
