// Certificates made with the real `openssl` CLI: kubeadm's shapes (RSA 2048, CA 10 years, leaf
// certificates 1 year, key usages per role) without reimplementing X.509 here.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeadmError } from './errors.js';

export interface CertSpec {
  cn: string;
  orgs?: string[];
  dns?: string[];
  ips?: string[];
  usage: 'server' | 'client' | 'both';
  days?: number;
}

export interface KeyPair {
  cert: string;
  key: string;
}

export function openssl(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile('openssl', args, { maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new KubeadmError(`failure while running openssl ${args[0]}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
    if (input !== undefined) p.stdin?.end(input);
  });
}

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeadm-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function subject(cn: string, orgs: string[] = []): string {
  return orgs.map((o) => `/O=${o}`).join('') + `/CN=${cn}`;
}

export async function newRsaKey(): Promise<string> {
  return openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
}

export async function publicKeyOf(keyPem: string): Promise<string> {
  return openssl(['pkey', '-pubout'], keyPem);
}

export async function newCA(cn: string): Promise<KeyPair> {
  return withTmp(async (dir) => {
    const key = await newRsaKey();
    await writeFile(join(dir, 'ca.key'), key, { mode: 0o600 });
    await openssl([
      'req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', subject(cn), '-days', '3650', '-sha256',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
      '-addext', `subjectAltName=DNS:${cn}`,
      '-out', join(dir, 'ca.crt'),
    ]);
    return { cert: await readFile(join(dir, 'ca.crt'), 'utf8'), key };
  });
}

export async function newSignedCert(ca: KeyPair, spec: CertSpec): Promise<KeyPair> {
  return withTmp(async (dir) => {
    const key = await newRsaKey();
    await writeFile(join(dir, 'k.key'), key, { mode: 0o600 });
    await writeFile(join(dir, 'ca.crt'), ca.cert);
    await writeFile(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    const eku = spec.usage === 'server' ? 'serverAuth' : spec.usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth';
    const sans = [...(spec.dns ?? []).map((d) => `DNS:${d}`), ...(spec.ips ?? []).map((i) => `IP:${i}`)];
    const ext = [
      '[v3]',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${eku}`,
      'authorityKeyIdentifier=keyid',
      ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
    ].join('\n');
    await writeFile(join(dir, 'ext.cnf'), ext + '\n');
    await openssl(['req', '-new', '-key', join(dir, 'k.key'), '-subj', subject(spec.cn, spec.orgs), '-out', join(dir, 'k.csr')]);
    await openssl([
      'x509', '-req', '-in', join(dir, 'k.csr'), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', '0x' + randomSerial(),
      '-days', String(spec.days ?? 365), '-sha256', '-extfile', join(dir, 'ext.cnf'), '-extensions', 'v3', '-out', join(dir, 'k.crt'),
    ]);
    return { cert: await readFile(join(dir, 'k.crt'), 'utf8'), key };
  });
}

function randomSerial(): string {
  return '1' + randomBytes(8).toString('hex');
}
