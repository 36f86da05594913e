import { createHash, createHmac, createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { securityFiles } from '../spec/security.js';
import type { KafkaSecuritySpec } from '../spec/types.js';
import { issueCertificate, type Issuer } from './x509.js';

/** The local cluster's TLS material, as kept in the project's state directory (PEM text). */
export interface SecurityMaterial {
  dir: string;
  caCertPem: string;
  brokerCertPem: string;
  brokerKeyPem: string;
  /**
   * Digest of the CA and broker certificates and of the admin password (HMAC keyed by the CA's private key, so the
   * label cannot be used to guess the password): part of the container config, so a change recreates the brokers.
   */
  fingerprint: string;
}

/** Common name of the brokers' certificate; its principal (User:kafkaform-broker) is a super user. */
export const BROKER_PRINCIPAL = 'kafkaform-broker';
/** Host names and addresses the broker certificate is valid for: loopback and the bridge aliases of up to 9 nodes. */
export const BROKER_DNS_NAMES = ['localhost', ...Array.from({ length: 9 }, (_, i) => `kafka-${i + 1}`)];
export const BROKER_IPS = ['127.0.0.1'];

const CA_DAYS = 3650;
// Browsers and some TLS stacks refuse leaf certificates valid for more than 825 days.
const LEAF_DAYS = 825;

function write(path: string, text: string, mode: number): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

function read(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** True when the certificate at `pem` names `cn` and stays valid for at least 30 more days. */
function usable(pem: string | null, cn: string): boolean {
  if (!pem) return false;
  try {
    const cert = new X509Certificate(pem);
    return cert.subject === `CN=${cn}` && new Date(cert.validTo).getTime() > Date.now() + 30 * 86_400_000;
  } catch {
    return false;
  }
}

/**
 * Loads the project's CA, broker and admin client certificates from security.stateDir, issuing what is missing,
 * expiring or issued for another admin name. Existing files are kept, so repeated runs change nothing and the
 * brokers are not recreated. Keys are written 0600 in a 0700 directory.
 */
export function ensureSecurityMaterial(security: KafkaSecuritySpec, now = new Date()): SecurityMaterial {
  const dir = security.stateDir;
  const f = securityFiles(dir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let caPem = read(f.ca);
    let caKeyPem = read(f.caKey);
    const notBefore = new Date(now.getTime() - 3_600_000);
    let issuer: Issuer;
    if (!caPem || !caKeyPem || !usable(caPem, 'kafkaform local CA')) {
      const ca = issueCertificate({ commonName: 'kafkaform local CA', ca: true, usages: [], days: CA_DAYS, notBefore }, null);
      write(f.caKey, ca.keyPem, 0o600);
      write(f.ca, ca.certPem, 0o644);
      caPem = ca.certPem;
      caKeyPem = ca.keyPem;
      issuer = ca.issuer;
      // A new CA invalidates every certificate the old one signed.
      for (const stale of [f.brokerCert, f.clientCert]) if (existsSync(stale)) writeFileSync(stale, '');
    } else {
      issuer = { commonName: 'kafkaform local CA', keyId: subjectKeyId(caPem) ?? Buffer.alloc(0), privateKey: createPrivateKey(caKeyPem) };
    }
    const leaf = (cert: string, key: string, cn: string, usages: ('server' | 'client')[], names: boolean): { certPem: string; keyPem: string } => {
      const have = read(cert);
      const haveKey = read(key);
      if (have && haveKey && usable(have, cn) && new X509Certificate(have).checkIssued(new X509Certificate(caPem))) return { certPem: have, keyPem: haveKey };
      const issued = issueCertificate({ commonName: cn, ca: false, usages, days: LEAF_DAYS, notBefore, ...(names ? { dnsNames: BROKER_DNS_NAMES, ipAddresses: BROKER_IPS } : {}) }, issuer);
      write(key, issued.keyPem, 0o600);
      write(cert, issued.certPem, 0o644);
      return issued;
    };
    const broker = leaf(f.brokerCert, f.brokerKey, BROKER_PRINCIPAL, ['server', 'client'], true);
    leaf(f.clientCert, f.clientKey, security.admin.username, ['client'], false);
    const secret = createHmac('sha256', caKeyPem).update(security.admin.password ?? '').digest();
    const fingerprint = createHash('sha256').update(caPem).update(broker.certPem).update(secret).digest('hex').slice(0, 16);
    return { dir, caCertPem: caPem, brokerCertPem: broker.certPem, brokerKeyPem: broker.keyPem, fingerprint };
  } catch (err) {
    if (err instanceof KafkaformError) throw err;
    throw new KafkaformError(ErrorCodes.SPEC_INVALID, `cannot keep the local cluster's certificates in ${dir}: ${(err as Error).message}`, {
      hint: `make ${dir} writable, or delete it to have kafkaform issue a new CA (then re-apply)`,
      details: { dir },
      cause: err,
    });
  }
}

/** The subjectKeyIdentifier of a certificate, so certificates signed later carry the matching authorityKeyIdentifier. */
function subjectKeyId(pem: string): Buffer | null {
  const der = new X509Certificate(pem).raw;
  // OID 2.5.29.14, then OCTET STRING wrapping an OCTET STRING of the key id.
  const marker = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04]);
  const at = der.indexOf(marker);
  if (at < 0) return null;
  const inner = at + marker.length + 1;
  if (der[inner] !== 0x04) return null;
  const len = der[inner + 1]!;
  return der.subarray(inner + 2, inner + 2 + len);
}
