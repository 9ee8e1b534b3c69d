// The certificate tree `kubeadm init` writes under certificatesDir (cmd/kubeadm/app/phases/certs):
// CAs reused when present, leaf certificates reused when present, as the real phases do.
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SemVer } from '../common/versions.js';
import type { ClusterConfig } from './config.js';
import { newCA, newRsaKey, newSignedCert, publicKeyOf, type CertSpec, type KeyPair } from './openssl.js';
import type { Out } from './output.js';

export async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function readPair(dir: string, base: string): Promise<KeyPair | null> {
  const c = join(dir, `${base}.crt`);
  const k = join(dir, `${base}.key`);
  if (!(await exists(c)) || !(await exists(k))) return null;
  return { cert: await readFile(c, 'utf8'), key: await readFile(k, 'utf8') };
}

export async function writePair(dir: string, base: string, p: KeyPair): Promise<void> {
  await mkdir(dirname(join(dir, base)), { recursive: true, mode: 0o755 });
  await writeFile(join(dir, `${base}.crt`), p.cert, { mode: 0o644 });
  await writeFile(join(dir, `${base}.key`), p.key, { mode: 0o600 });
}

/** The first address of the service subnet: the `kubernetes` Service's ClusterIP. */
export function apiServerServiceIP(serviceSubnet: string): string {
  const first = serviceSubnet.split(',')[0]!.trim();
  const [addr] = first.split('/');
  const parts = addr!.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !(n >= 0 && n <= 255))) return addr!;
  const n = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]! + 1;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const isIP = (s: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(':');

export interface NodeIdentity {
  nodeName: string;
  advertiseAddress: string;
}

export function apiServerSANs(cfg: ClusterConfig, node: NodeIdentity): { dns: string[]; ips: string[] } {
  const dns = [node.nodeName, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${cfg.networking.dnsDomain}`];
  const ips = [apiServerServiceIP(cfg.networking.serviceSubnet), node.advertiseAddress];
  const cpe = cfg.controlPlaneEndpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  for (const s of [...(cpe ? [cpe] : []), ...cfg.apiServer.certSANs]) (isIP(s) ? ips : dns).push(s);
  return { dns: [...new Set(dns)], ips: [...new Set(ips.filter(Boolean))] };
}

function etcdSANs(node: NodeIdentity, extra: string[]): { dns: string[]; ips: string[] } {
  const dns = [node.nodeName, 'localhost'];
  const ips = [node.advertiseAddress, '127.0.0.1', '::1'];
  for (const s of extra) (isIP(s) ? ips : dns).push(s);
  return { dns: [...new Set(dns)], ips: [...new Set(ips.filter(Boolean))] };
}

/** `system:masters` until 1.28; 1.29 moved admin.conf to kubeadm:cluster-admins (super-admin.conf keeps system:masters). */
export function adminGroup(v: SemVer): string {
  return v.minor >= 29 ? 'kubeadm:cluster-admins' : 'system:masters';
}

async function ensureCA(dir: string, base: string, cn: string, name: string, out: Out): Promise<KeyPair> {
  const have = await readPair(dir, base);
  if (have) {
    out.out(`[certs] Using existing ${name} certificate authority`);
    return have;
  }
  out.out(`[certs] Generating "${name}" certificate and key`);
  const ca = await newCA(cn);
  await writePair(dir, base, ca);
  return ca;
}

async function ensureLeaf(dir: string, base: string, name: string, ca: KeyPair, spec: CertSpec, out: Out, servingLabel?: string): Promise<void> {
  if (await readPair(dir, base)) {
    out.out(`[certs] Using existing ${name} certificate and key on disk`);
    return;
  }
  out.out(`[certs] Generating "${name}" certificate and key`);
  if (servingLabel) out.out(`[certs] ${servingLabel} serving cert is signed for DNS names [${(spec.dns ?? []).join(' ')}] and IPs [${(spec.ips ?? []).join(' ')}]`);
  await writePair(dir, base, await newSignedCert(ca, spec));
}

export async function apiServerCert(cfg: ClusterConfig, node: NodeIdentity, out: Out): Promise<void> {
  const dir = cfg.certificatesDir;
  const ca = await readPair(dir, 'ca');
  if (!ca) throw new Error(`couldn't load CA certificate ca: open ${join(dir, 'ca.crt')}: no such file or directory`);
  await ensureLeaf(dir, 'apiserver', 'apiserver', ca, { cn: 'kube-apiserver', usage: 'server', ...apiServerSANs(cfg, node) }, out, 'apiserver');
}

/** Every certificate of the `certs` phase, in kubeadm's order. */
export async function allCerts(cfg: ClusterConfig, node: NodeIdentity, v: SemVer, out: Out): Promise<void> {
  const dir = cfg.certificatesDir;
  out.out(`[certs] Using certificateDir folder "${dir}"`);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const ca = await ensureCA(dir, 'ca', 'kubernetes', 'ca', out);
  await ensureLeaf(dir, 'apiserver', 'apiserver', ca, { cn: 'kube-apiserver', usage: 'server', ...apiServerSANs(cfg, node) }, out, 'apiserver');
  await ensureLeaf(dir, 'apiserver-kubelet-client', 'apiserver-kubelet-client', ca, { cn: 'kube-apiserver-kubelet-client', orgs: [adminGroup(v)], usage: 'client' }, out);
  const fp = await ensureCA(dir, 'front-proxy-ca', 'front-proxy-ca', 'front-proxy-ca', out);
  await ensureLeaf(dir, 'front-proxy-client', 'front-proxy-client', fp, { cn: 'front-proxy-client', usage: 'client' }, out);
  if (cfg.etcd.local) {
    const eca = await ensureCA(dir, 'etcd/ca', 'etcd-ca', 'etcd/ca', out);
    await ensureLeaf(dir, 'etcd/server', 'etcd/server', eca, { cn: node.nodeName, usage: 'both', ...etcdSANs(node, cfg.etcd.local.serverCertSANs) }, out, 'etcd/server');
    await ensureLeaf(dir, 'etcd/peer', 'etcd/peer', eca, { cn: node.nodeName, usage: 'both', ...etcdSANs(node, cfg.etcd.local.peerCertSANs) }, out, 'etcd/peer');
    await ensureLeaf(dir, 'etcd/healthcheck-client', 'etcd/healthcheck-client', eca, { cn: 'kube-etcd-healthcheck-client', orgs: ['system:masters'], usage: 'client' }, out);
    await ensureLeaf(dir, 'apiserver-etcd-client', 'apiserver-etcd-client', eca, { cn: 'kube-apiserver-etcd-client', orgs: ['system:masters'], usage: 'client' }, out);
  } else {
    out.out('[certs] External etcd mode: Skipping etcd/ca certificate authority generation');
    out.out('[certs] External etcd mode: Skipping etcd/server certificate generation');
    out.out('[certs] External etcd mode: Skipping etcd/peer certificate generation');
    out.out('[certs] External etcd mode: Skipping etcd/healthcheck-client certificate generation');
    out.out('[certs] External etcd mode: Skipping apiserver-etcd-client certificate generation');
  }
  if ((await exists(join(dir, 'sa.key'))) && (await exists(join(dir, 'sa.pub')))) {
    out.out('[certs] Using the existing "sa" key');
  } else {
    out.out('[certs] Generating "sa" key and public key');
    const key = await newRsaKey();
    await writeFile(join(dir, 'sa.key'), key, { mode: 0o600 });
    await writeFile(join(dir, 'sa.pub'), await publicKeyOf(key), { mode: 0o644 });
  }
}

/** The files `upload-certs` shares (copycerts.certsToTransfer), Secret key => path under the cert dir. */
export function sharedCertFiles(cfg: ClusterConfig): Record<string, string> {
  const d = cfg.certificatesDir;
  const files: Record<string, string> = {
    'ca.crt': join(d, 'ca.crt'),
    'ca.key': join(d, 'ca.key'),
    'front-proxy-ca.crt': join(d, 'front-proxy-ca.crt'),
    'front-proxy-ca.key': join(d, 'front-proxy-ca.key'),
    'sa.key': join(d, 'sa.key'),
    'sa.pub': join(d, 'sa.pub'),
  };
  if (cfg.etcd.local) {
    files['etcd-ca.crt'] = join(d, 'etcd/ca.crt');
    files['etcd-ca.key'] = join(d, 'etcd/ca.key');
  } else if (cfg.etcd.external) {
    files['external-etcd-ca.crt'] = cfg.etcd.external.caFile;
    files['external-etcd.crt'] = cfg.etcd.external.certFile;
    files['external-etcd.key'] = cfg.etcd.external.keyFile;
  }
  return files;
}
