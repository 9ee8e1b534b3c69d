// Bootstrap tokens, the CA public-key pin and the certificate key, as kubeadm makes them:
// token `[a-z0-9]{6}.[a-z0-9]{16}` (BootstrapTokenPattern), pin `sha256:` + hex SHA-256 of the CA
// certificate's DER SubjectPublicKeyInfo (pubkeypin.Hash), certificate key 32 random bytes in hex
// and AES-256-GCM with the nonce in front of the sealed bytes (cryptoutil.EncryptBytes).
import { createCipheriv, createDecipheriv, createHash, randomBytes, X509Certificate } from 'node:crypto';
import { KubeadmError } from './errors.js';

export const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(n: number): string {
  let s = '';
  // rejection sampling keeps the letters uniform, as bootstraputil.randBytes does
  while (s.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 252 && s.length < n) s += ALPHABET[b % 36];
    }
  }
  return s;
}

export function generateToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

export function parseToken(token: string): { id: string; secret: string } {
  const m = TOKEN_RE.exec(token);
  if (!m) throw new KubeadmError(`the bootstrap token "${token}" was not of the form "${TOKEN_RE.source.replace('^', '\\A').replace('$', '\\z')}"`);
  return { id: m[1]!, secret: m[2]! };
}

/** `sha256:<hex>` over the certificate's SubjectPublicKeyInfo. */
export function caCertHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return 'sha256:' + createHash('sha256').update(spki).digest('hex');
}

export function generateCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

function keyBytes(hexKey: string): Buffer {
  if (!/^[0-9a-fA-F]*$/.test(hexKey) || hexKey.length % 2 !== 0) throw new KubeadmError(`error decoding certificate key: encoding/hex: invalid byte`);
  const k = Buffer.from(hexKey, 'hex');
  if (k.length !== 32) throw new KubeadmError(`error decoding certificate key: crypto/aes: invalid key size ${k.length}`);
  return k;
}

export function encryptBytes(data: Buffer, hexKey: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyBytes(hexKey), nonce);
  const sealed = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([nonce, sealed, c.getAuthTag()]);
}

export function decryptBytes(data: Buffer, hexKey: string): Buffer {
  const key = keyBytes(hexKey);
  if (data.length < 12 + 16) throw new KubeadmError('size of data is less than the nonce');
  const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  d.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
  } catch {
    throw new KubeadmError('cipher: message authentication failed');
  }
}

/** Go's time.Duration text (`24h0m0s`, `2h`, `30m`) in milliseconds; `0` = never expires. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let total = 0;
  let used = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += n * { h: 3600000, m: 60000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
    used += m[0].length;
  }
  if (used !== text.length || used === 0) throw new KubeadmError(`time: invalid duration "${text}"`);
  return total;
}

/** Go's Duration.String(): 24h0m0s, 2h0m0s, 1m30s, 45s */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}
