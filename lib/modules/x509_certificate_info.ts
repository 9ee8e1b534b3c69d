import { createHash, X509Certificate } from 'node:crypto';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { probe } from './common/probe.js';
import { normInt } from '../template/pyint.js';

// x509_certificate_info: community.crypto's module, with the fields kubespray reads (the CA's
// public key sha256 fingerprint for kubeadm's --discovery-token-ca-cert-hash, subject, SANs,
// validity) in that module's names and formats. The certificate is read from the host in one
// round trip (or given as `content`) and parsed on the controller with node's X509Certificate.
// Not returned: extensions other than SANs (key usage, basic constraints, ...), OCSP and
// authority-key fields, public_key_data.

export interface X509CertificateInfoArgs {
  /** the PEM (or DER) certificate on the host */
  path?: string;
  /** the PEM certificate itself */
  content?: string;
  /** name -> ASN.1 time (20240101000000Z) or relative (+32w1d2h, -1d): is the cert valid then */
  valid_at?: Record<string, string>;
}

export interface X509CertificateInfoResult extends ModuleResult {
  subject: Record<string, string>;
  subject_ordered: [string, string][];
  issuer: Record<string, string>;
  issuer_ordered: [string, string][];
  subject_alt_name: string[] | null;
  /** ASN.1 time, UTC: 20240101000000Z */
  not_before: string;
  not_after: string;
  expired: boolean;
  serial_number: number | bigint;
  version: number;
  signature_algorithm: string | null;
  public_key: string;
  public_key_type: string;
  /** hash name -> colon-separated hex of the DER SubjectPublicKeyInfo's digest */
  public_key_fingerprints: Record<string, string>;
  /** hash name -> colon-separated hex of the certificate's DER digest */
  fingerprints: Record<string, string>;
  valid_at: Record<string, boolean>;
}

export const x509CertificateInfoSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    content: { type: 'string', minLength: 1 },
    valid_at: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
} as const;

/** OpenSSL short names (node's text) -> the names cryptography gives community.crypto */
const NAME_OIDS: Record<string, string> = {
  CN: 'commonName', O: 'organizationName', OU: 'organizationalUnitName', C: 'countryName',
  ST: 'stateOrProvinceName', L: 'localityName', emailAddress: 'emailAddress', serialNumber: 'serialNumber',
  DC: 'domainComponent', street: 'streetAddress', title: 'title', GN: 'givenName', SN: 'surname',
  UID: 'userId', postalCode: 'postalCode', name: 'name', initials: 'initials', pseudonym: 'pseudonym',
  dnQualifier: 'dnQualifier', generationQualifier: 'generationQualifier', businessCategory: 'businessCategory',
  jurisdictionC: 'jurisdictionCountryName', jurisdictionST: 'jurisdictionStateOrProvinceName', jurisdictionL: 'jurisdictionLocalityName',
};

/** The hashes community.crypto lists: hashlib's guaranteed ones, shake_* cut to 32 bytes. */
const HASHES = ['blake2b', 'blake2s', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'sha512', 'shake_128', 'shake_256'];
const NODE_HASH: Record<string, string> = {
  blake2b: 'blake2b512', blake2s: 'blake2s256', sha3_224: 'sha3-224', sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512',
  shake_128: 'shake128', shake_256: 'shake256',
};

function fingerprints(der: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of HASHES) {
    try {
      const opts = h.startsWith('shake') ? { outputLength: 32 } : undefined;
      out[h] = createHash(NODE_HASH[h] ?? h, opts).update(der).digest('hex').match(/../g)!.join(':');
    } catch { /* not in this OpenSSL build (as hashlib would lack it) */ }
  }
  return out;
}

/** node's "CN=a\nO=b" -> ordered [longName, value] pairs */
function nameParts(text: string): [string, string][] {
  return text.split('\n').filter(Boolean).map((line) => {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    return [NAME_OIDS[key] ?? key, line.slice(eq + 1)];
  });
}

/** Python's ipaddress compressed text for an IPv6 address node prints in full. */
function compressV6(text: string): string {
  const words = text.split(':').map((w) => parseInt(w, 16));
  if (words.length !== 8 || words.some(Number.isNaN)) return text.toLowerCase();
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** node's "DNS:a, IP Address:1.2.3.4" -> community.crypto's ["DNS:a", "IP:1.2.3.4"] */
function altNames(text: string | undefined): string[] | null {
  if (!text) return null;
  return text.split(/, (?=[A-Za-z ]+:)/).map((entry) => {
    const colon = entry.indexOf(':');
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    if (kind === 'IP Address') return `IP:${value.includes(':') ? compressV6(value) : value}`;
    if (kind === 'email') return `email:${value}`;
    return `${kind}:${value}`;
  });
}

function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** community.crypto's time options: ASN.1 (20240101000000Z, +0000 too) or relative (+1w2d, -3h, now). */
function parseTime(spec: string, now: Date): Date {
  const s = spec.trim();
  if (s === 'now' || s === '+0s') return now;
  const rel = /^([+-])((?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?)$/.exec(s);
  if (rel && rel[2]) {
    const units: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
    let secs = 0;
    for (const m of rel[2].matchAll(/(\d+)([wdhms])/g)) secs += Number(m[1]) * units[m[2]!]!;
    return new Date(now.getTime() + (rel[1] === '-' ? -1 : 1) * secs * 1000);
  }
  const abs = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})?$/.exec(s);
  if (abs) {
    const [, y, mo, d, h, mi, se, tz] = abs;
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
    const off = tz && tz !== 'Z' ? (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3))) : 0;
    return new Date(base - off * 60000);
  }
  throw new ModuleFailure(`x509_certificate_info: valid_at time '${spec}' is neither an ASN.1 time (20240101000000Z) nor relative (+1d, -2h)`);
}

function parseCertificate(data: Buffer, where: string): X509Certificate {
  try {
    return new X509Certificate(data);
  } catch (e) {
    throw new ModuleFailure(`x509_certificate_info: ${where} is not a certificate (${(e as Error).message})`);
  }
}

/** The signature algorithm's name, read from the DER (node does not expose it). */
function signatureAlgorithm(der: Buffer): string | null {
  const known: Record<string, string> = {
    '2a864886f70d01010b': 'sha256WithRSAEncryption', '2a864886f70d01010c': 'sha384WithRSAEncryption',
    '2a864886f70d01010d': 'sha512WithRSAEncryption', '2a864886f70d010105': 'sha1WithRSAEncryption',
    '2a8648ce3d040302': 'ecdsa-with-SHA256', '2a8648ce3d040303': 'ecdsa-with-SHA384', '2a8648ce3d040304': 'ecdsa-with-SHA512',
    '2b6570': 'ed25519', '2b6571': 'ed448',
  };
  // the certificate's signatureAlgorithm is the last AlgorithmIdentifier in the DER
  const hex = der.toString('hex');
  let best: { at: number; name: string } | null = null;
  for (const [oid, name] of Object.entries(known)) {
    const at = hex.lastIndexOf(`06${(oid.length / 2).toString(16).padStart(2, '0')}${oid}`);
    if (at >= 0 && at % 2 === 0 && (!best || at > best.at)) best = { at, name };
  }
  return best ? best.name : null;
}

/** X.509 version from the DER: TBSCertificate's optional [0] version (v1 when absent). */
function certVersion(der: Buffer): number {
  // skip a SEQUENCE header (tag, then a short or long length) and return where its content starts
  const enter = (at: number): number => {
    const len = der[at + 1]!;
    return at + 2 + (len & 0x80 ? len & 0x7f : 0);
  };
  const tbs = enter(0);
  const first = enter(tbs);
  if (der[first] !== 0xa0) return 1;
  // a0 03 02 01 vv
  return der[first + 4]! + 1;
}

async function run(args: X509CertificateInfoArgs, ctx: ModuleContext): Promise<X509CertificateInfoResult> {
  if ((args.path === undefined) === (args.content === undefined)) throw new ModuleFailure('x509_certificate_info: give one of path or content');
  let data: Buffer;
  let where: string;
  if (args.content !== undefined) {
    data = Buffer.from(args.content, 'utf8');
    where = 'content';
  } else {
    const [st] = await probe(ctx, [{ path: args.path!, follow: true, content: true }]);
    if (!st.exists) throw new ModuleFailure(`x509_certificate_info: the file ${args.path} does not exist`);
    if (st.type !== 'file') throw new ModuleFailure(`x509_certificate_info: ${args.path} is not a regular file (it is a ${st.type})`);
    data = st.content ?? Buffer.alloc(0);
    where = args.path!;
  }
  const cert = parseCertificate(data, where);
  const now = new Date();
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const subject = nameParts(cert.subject);
  const issuer = nameParts(cert.issuer);
  const keyType = cert.publicKey.asymmetricKeyType;
  const validAt: Record<string, boolean> = {};
  for (const [name, spec] of Object.entries(args.valid_at ?? {})) {
    const t = parseTime(spec, now);
    validAt[name] = notBefore <= t && t <= notAfter;
  }
  return {
    changed: false,
    subject: Object.fromEntries(subject),
    subject_ordered: subject,
    issuer: Object.fromEntries(issuer),
    issuer_ordered: issuer,
    subject_alt_name: altNames(cert.subjectAltName),
    not_before: asn1Time(notBefore),
    not_after: asn1Time(notAfter),
    expired: notAfter < now,
    serial_number: normInt(BigInt(`0x${cert.serialNumber}`)),
    version: certVersion(cert.raw),
    signature_algorithm: signatureAlgorithm(cert.raw),
    public_key: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    public_key_type: keyType === 'rsa' ? 'RSA' : keyType === 'ec' ? 'ECC' : keyType === 'ed25519' ? 'Ed25519' : keyType === 'ed448' ? 'Ed448' : keyType === 'dsa' ? 'DSA' : String(keyType),
    public_key_fingerprints: fingerprints(spki),
    fingerprints: fingerprints(cert.raw),
    valid_at: validAt,
  };
}

export const x509_certificate_info = defineModule<X509CertificateInfoArgs, X509CertificateInfoResult>({
  name: 'x509_certificate_info',
  schema: x509CertificateInfoSchema,
  run,
});
