import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSecurityMaterial } from '../../../src/security/material.js';
import { issueCertificate } from '../../../src/security/x509.js';
import { securityFiles } from '../../../src/spec/security.js';
import type { KafkaSecuritySpec } from '../../../src/spec/types.js';

const notBefore = new Date(Date.now() - 60_000);

function security(dir: string, username = 'admin'): KafkaSecuritySpec {
  return { listener: 'SASL_SSL', mechanism: 'SCRAM-SHA-512', admin: { username, password: 'x' }, authorizer: false, stateDir: dir, fingerprint: null, pos: { file: 'f', line: 1, col: 1 } };
}

describe('X.509 issuing (DER by hand, signed by node:crypto)', () => {
  it('issues a CA and a leaf that openssl, an independent parser, verifies for TLS server and client use', () => {
    const ca = issueCertificate({ commonName: 'test CA', ca: true, usages: [], days: 30, notBefore }, null);
    const leaf = issueCertificate({ commonName: 'broker', ca: false, usages: ['server', 'client'], dnsNames: ['localhost', 'kafka-1'], ipAddresses: ['127.0.0.1'], days: 30, notBefore }, ca.issuer);
    const dir = mkdtempSync(join(tmpdir(), 'kft-h12a-x509-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'leaf.pem'), leaf.certPem);
    for (const purpose of ['sslserver', 'sslclient']) {
      expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', purpose, join(dir, 'leaf.pem')], { encoding: 'utf8' })).toContain('OK');
    }
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('DNS:localhost, DNS:kafka-1, IP Address:127.0.0.1');
    expect(text).toContain('CA:FALSE');
    const x = new X509Certificate(leaf.certPem);
    expect(x.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(x.checkHost('kafka-1')).toBe('kafka-1');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('example.com')).toBeUndefined();
    expect(new X509Certificate(ca.certPem).ca).toBe(true);
  });

  it('a certificate signed by another CA does not verify', () => {
    const ca = issueCertificate({ commonName: 'one', ca: true, usages: [], days: 30, notBefore }, null);
    const other = issueCertificate({ commonName: 'two', ca: true, usages: [], days: 30, notBefore }, null);
    const leaf = issueCertificate({ commonName: 'leaf', ca: false, usages: ['server'], days: 30, notBefore }, other.issuer);
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(false);
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(other.certPem).publicKey)).toBe(true);
  });
});

describe('the project TLS material', () => {
  it('is issued once and kept: a second run changes no file (no broker recreate)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kft-h12a-mat-')), 'tls');
    const first = ensureSecurityMaterial(security(dir));
    const f = securityFiles(dir);
    const before = Object.values(f).map((p) => readFileSync(p, 'utf8'));
    const second = ensureSecurityMaterial(security(dir));
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(Object.values(f).map((p) => readFileSync(p, 'utf8'))).toEqual(before);
    for (const key of [f.caKey, f.brokerKey, f.clientKey]) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(new X509Certificate(readFileSync(f.clientCert)).subject).toBe('CN=admin');
  });

  it('a new admin password changes the digest (the brokers are recreated), the password itself is not in it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kft-h12a-mat-')), 'tls');
    const one = ensureSecurityMaterial(security(dir));
    const two = ensureSecurityMaterial({ ...security(dir), admin: { username: 'admin', password: 'y' } });
    expect(two.fingerprint).not.toBe(one.fingerprint);
    expect(ensureSecurityMaterial(security(dir)).fingerprint).toBe(one.fingerprint);
  });

  it('re-issues only the admin client certificate when the admin is renamed', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kft-h12a-mat-')), 'tls');
    const first = ensureSecurityMaterial(security(dir));
    const second = ensureSecurityMaterial(security(dir, 'root'));
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(new X509Certificate(readFileSync(securityFiles(dir).clientCert)).subject).toBe('CN=root');
  });
});
