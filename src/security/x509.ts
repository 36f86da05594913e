import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

// A minimal X.509 v3 issuer: DER by hand, signed by node:crypto (which signs bytes but builds no certificates).
// Only what a local cluster needs: EC P-256 keys, ECDSA-SHA256 signatures, a CN-only subject, and the extensions
// basicConstraints, keyUsage, extendedKeyUsage and subjectAltName (DNS names and IPv4 addresses).

/** A certificate and its private key, both PEM (the key unencrypted PKCS#8). */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

/** What a certificate says about its subject. */
export interface CertificateRequest {
  commonName: string;
  /** A CA may sign others; a leaf may not. */
  ca: boolean;
  /** Extended key usages: `server` (TLS server), `client` (TLS client). */
  usages: ('server' | 'client')[];
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Validity from `notBefore` for this many days. */
  days: number;
  notBefore: Date;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** One DER element: tag byte, definite length, contents. */
function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A positive INTEGER from big-endian bytes (a leading 0 keeps the sign bit clear). */
function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
  return tlv(0x02, b[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** BIT STRING with no unused bits. */
const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const name = (cn: string): Buffer => seq(set(seq(oid(OID.commonName), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function ipv4(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(parts);
}

/** keyUsage bits: digitalSignature (0) for leaves; keyCertSign (5) and cRLSign (6) for a CA. */
function keyUsage(ca: boolean): Buffer {
  // DER BIT STRING: first byte counts unused trailing bits of the last byte.
  return ca ? tlv(0x03, Buffer.from([1, 0x06])) : tlv(0x03, Buffer.from([7, 0x80]));
}

function extensions(req: CertificateRequest, subjectKeyId: Buffer, issuerKeyId: Buffer): Buffer {
  const exts = [
    extension(OID.basicConstraints, true, req.ca ? seq(bool(true)) : seq()),
    extension(OID.keyUsage, true, keyUsage(req.ca)),
    extension(OID.subjectKeyId, false, octets(subjectKeyId)),
    extension(OID.authorityKeyId, false, seq(tlv(0x80, issuerKeyId))),
  ];
  if (req.usages.length > 0) {
    exts.push(extension(OID.extKeyUsage, false, seq(...req.usages.map((u) => oid(u === 'server' ? OID.serverAuth : OID.clientAuth)))));
  }
  const san = [...(req.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...(req.ipAddresses ?? []).map((ip) => tlv(0x87, ipv4(ip)))];
  if (san.length > 0) exts.push(extension(OID.subjectAltName, false, seq(...san)));
  return explicit(3, seq(...exts));
}

/** The DER SubjectPublicKeyInfo of a public key, and its key id (SHA-1 of the key bits, RFC 5280 method 1). */
function publicKeyInfo(key: KeyObject): { spki: Buffer; keyId: Buffer } {
  const spki = key.export({ type: 'spki', format: 'der' });
  // The key bits are the last 65 bytes of a P-256 SPKI (uncompressed point).
  const keyId = createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
  return { spki, keyId };
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** The issuer of a certificate: its subject name, key id and signing key. */
export interface Issuer {
  commonName: string;
  keyId: Buffer;
  privateKey: KeyObject;
}

/**
 * Issues a certificate for a new EC P-256 key, signed by `issuer` (self-signed when null). The serial is random,
 * so two issues never collide in a client's cache.
 */
export function issueCertificate(req: CertificateRequest, issuer: Issuer | null): IssuedCertificate & { issuer: Issuer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const { spki, keyId } = publicKeyInfo(publicKey);
  const signer = issuer ?? { commonName: req.commonName, keyId, privateKey };
  const notAfter = new Date(req.notBefore.getTime() + req.days * 86_400_000);
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x40 | (randomBytes(1)[0]! & 0x3f)]), randomBytes(15)])),
    algorithm,
    name(signer.commonName),
    seq(time(req.notBefore), time(notAfter)),
    name(req.commonName),
    Buffer.from(spki),
    extensions(req, keyId, signer.keyId),
  );
  const signature = sign('sha256', tbs, signer.privateKey);
  const cert = seq(tbs, algorithm, bits(signature));
  return {
    certPem: pem('CERTIFICATE', cert),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    issuer: { commonName: req.commonName, keyId, privateKey },
  };
}

