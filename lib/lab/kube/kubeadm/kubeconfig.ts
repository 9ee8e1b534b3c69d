// The kubeconfig files kubeadm writes (cmd/kubeadm/app/phases/kubeconfig): one cluster
// `<clusterName>` with the CA embedded, one user with an embedded client certificate or a token.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toYaml as stringify } from './yaml.js';
import type { SemVer } from '../common/versions.js';
import { adminGroup, exists, readPair } from './pki.js';
import type { ClusterConfig } from './config.js';
import { newSignedCert, type KeyPair } from './openssl.js';
import type { Out } from './output.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

export interface KubeconfigUser {
  name: string;
  clientCert?: KeyPair;
  token?: string;
}

export function kubeconfigText(clusterName: string, server: string, caPem: string, user: KubeconfigUser): string {
  const ctx = `${user.name}@${clusterName}`;
  const u: Record<string, string> = user.clientCert
    ? { 'client-certificate-data': b64(user.clientCert.cert), 'client-key-data': b64(user.clientCert.key) }
    : { token: user.token ?? '' };
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(caPem), server }, name: clusterName }],
    contexts: [{ context: { cluster: clusterName, user: user.name }, name: ctx }],
    'current-context': ctx,
    kind: 'Config',
    preferences: {},
    users: [{ name: user.name, user: u }],
  });
}

/** `https://host:port`, brackets around an IPv6 host */
export function serverURL(hostPort: string): string {
  return `https://${hostPort}`;
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface KubeconfigTargets {
  /** controlPlaneEndpoint or the local endpoint */
  clusterServer: string;
  /** this node's own API endpoint */
  localServer: string;
  nodeName: string;
}

interface Wanted {
  file: string;
  user: string;
  cn: string;
  orgs: string[];
  server: string;
}

export function kubeconfigsFor(v: SemVer, t: KubeconfigTargets, withKubelet: boolean): Wanted[] {
  // controller-manager and scheduler talk to their own node's API server since 1.25 (not verified for the exact release)
  const cmServer = v.minor >= 25 ? t.localServer : t.clusterServer;
  const list: Wanted[] = [{ file: 'admin.conf', user: 'kubernetes-admin', cn: 'kubernetes-admin', orgs: [adminGroup(v)], server: t.clusterServer }];
  if (v.minor >= 29) list.push({ file: 'super-admin.conf', user: 'kubernetes-super-admin', cn: 'kubernetes-super-admin', orgs: ['system:masters'], server: t.clusterServer });
  if (withKubelet) list.push({ file: 'kubelet.conf', user: `system:node:${t.nodeName}`, cn: `system:node:${t.nodeName}`, orgs: ['system:nodes'], server: t.clusterServer });
  list.push({ file: 'controller-manager.conf', user: 'system:kube-controller-manager', cn: 'system:kube-controller-manager', orgs: [], server: cmServer });
  list.push({ file: 'scheduler.conf', user: 'system:kube-scheduler', cn: 'system:kube-scheduler', orgs: [], server: cmServer });
  return list;
}

/** The `kubeconfig` phase: writes each missing file; an existing one is kept, as kubeadm does when it points at the same CA and server. */
export async function writeKubeconfigs(cfg: ClusterConfig, v: SemVer, t: KubeconfigTargets, out: Out, dir = '/etc/kubernetes', withKubelet = true): Promise<void> {
  const ca = await readPair(cfg.certificatesDir, 'ca');
  if (!ca) throw new Error(`couldn't create a kubeconfig; the CA files couldn't be loaded: open ${join(cfg.certificatesDir, 'ca.crt')}: no such file or directory`);
  out.out(`[kubeconfig] Using kubeconfig folder "${dir}"`);
  for (const w of kubeconfigsFor(v, t, withKubelet)) {
    const path = join(dir, w.file);
    if (await exists(path)) {
      out.out(`[kubeconfig] Using existing kubeconfig file: "${path}"`);
      continue;
    }
    out.out(`[kubeconfig] Writing "${w.file}" kubeconfig file`);
    const cert = await newSignedCert(ca, { cn: w.cn, orgs: w.orgs, usage: 'client' });
    await writeFile(path, kubeconfigText(cfg.clusterName, serverURL(w.server), ca.cert, { name: w.user, clientCert: cert }), { mode: 0o600 });
  }
}
