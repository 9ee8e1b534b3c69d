// The configuration of `init` and its phases: the --config file, or kubeadm's defaults with the
// command-line flags over them, then the dynamic defaults (advertise address, node name, version).
import type { ParsedFlags } from '../common/flags.js';
import { compareVersions, gitVersion, parseVersion, type SemVer } from '../common/versions.js';
import { clusterFrom, initFrom, loadConfig, type ClusterConfig, type ConfigFile, type InitConfig } from './config.js';
import { defaultAdvertiseAddress, listFlag, type Ctx } from './context.js';
import { KubeadmError } from './errors.js';
import { minimumControlPlaneVersion } from './policy.js';

export interface InitSetup {
  file: ConfigFile;
  cluster: ClusterConfig;
  init: InitConfig;
}

export const INIT_FLAGS = [
  'config', 'upload-certs', 'ignore-preflight-errors', 'skip-phases', 'certificate-key', 'control-plane-endpoint',
  'apiserver-advertise-address', 'apiserver-bind-port', 'apiserver-cert-extra-sans', 'pod-network-cidr', 'service-cidr',
  'service-dns-domain', 'kubernetes-version', 'cert-dir', 'node-name', 'cri-socket', 'token', 'token-ttl',
  'image-repository', 'skip-token-print', 'skip-certificate-key-print', 'dry-run', 'feature-gates', 'patches', 'experimental-upload-certs',
] as const;
export const INIT_BOOLS = ['upload-certs', 'experimental-upload-certs', 'skip-token-print', 'skip-certificate-key-print', 'dry-run'];
export const INIT_MIXABLE = ['ignore-preflight-errors', 'skip-phases', 'upload-certs', 'experimental-upload-certs', 'certificate-key', 'dry-run', 'skip-token-print', 'skip-certificate-key-print', 'kubeconfig', 'node-name', 'patches'];

export async function resolveInit(ctx: Ctx, p: ParsedFlags): Promise<InitSetup> {
  const cfgPath = p.flags.get('config');
  const file: ConfigFile = cfgPath ? await loadConfig(cfgPath, ctx.v, ctx.hostname) : {};
  const clusterDoc: Record<string, unknown> = {};
  const f = (n: string): string | undefined => p.flags.get(n);
  if (!cfgPath) {
    if (f('control-plane-endpoint')) clusterDoc.controlPlaneEndpoint = f('control-plane-endpoint');
    if (f('kubernetes-version')) clusterDoc.kubernetesVersion = f('kubernetes-version');
    if (f('cert-dir')) clusterDoc.certificatesDir = f('cert-dir');
    if (f('image-repository')) clusterDoc.imageRepository = f('image-repository');
    const net: Record<string, string> = {};
    if (f('pod-network-cidr')) net.podSubnet = f('pod-network-cidr')!;
    if (f('service-cidr')) net.serviceSubnet = f('service-cidr')!;
    if (f('service-dns-domain')) net.dnsDomain = f('service-dns-domain')!;
    if (Object.keys(net).length) clusterDoc.networking = net;
    if (p.flags.has('apiserver-cert-extra-sans')) clusterDoc.apiServer = { certSANs: listFlag(p, 'apiserver-cert-extra-sans') };
  }
  const cluster = file.cluster ?? clusterFrom(clusterDoc, ctx.v);
  const initDoc: Record<string, unknown> = {};
  if (!cfgPath) {
    initDoc.localAPIEndpoint = { advertiseAddress: f('apiserver-advertise-address') ?? '', bindPort: Number(f('apiserver-bind-port') ?? 6443) };
    const reg: Record<string, unknown> = {};
    if (f('cri-socket')) reg.criSocket = f('cri-socket');
    initDoc.nodeRegistration = reg;
    if (f('token') || f('token-ttl')) initDoc.bootstrapTokens = [{ ...(f('token') ? { token: f('token') } : {}), ...(f('token-ttl') ? { ttl: f('token-ttl') } : {}) }];
    if (f('certificate-key')) initDoc.certificateKey = f('certificate-key');
  }
  const init = file.init ?? initFrom(initDoc, ctx.hostname);
  if (f('node-name')) init.nodeRegistration.name = f('node-name')!;
  if (cfgPath && f('certificate-key')) init.certificateKey = f('certificate-key')!;
  if (!init.localAPIEndpoint.advertiseAddress) init.localAPIEndpoint.advertiseAddress = await defaultAdvertiseAddress(ctx.hostname);
  checkControlPlaneVersion(ctx.v, cluster.kubernetesVersion);
  return { file, cluster, init };
}

/** kubeadm 1.N deploys control planes from 1.(N-1).0 up (constants.MinimumControlPlaneVersion). */
export function checkControlPlaneVersion(kubeadm: SemVer, k8s: string): void {
  const kv = parseVersion(k8s);
  if (!kv) throw new KubeadmError(`couldn't parse Kubernetes version "${k8s}"`);
  const min = minimumControlPlaneVersion(kubeadm);
  if (compareVersions(kv, min) < 0) {
    throw new KubeadmError(`this version of kubeadm only supports deploying clusters with the control plane version >= ${gitVersion(min).slice(1)}. Current version: ${gitVersion(kv)}`);
  }
}

/** localAPIEndpoint host:port, or controlPlaneEndpoint (with 6443 added when it has no port). */
export function clusterHostPort(cluster: ClusterConfig, init: { localAPIEndpoint: { advertiseAddress: string; bindPort: number } }): string {
  if (cluster.controlPlaneEndpoint) return /:\d+$/.test(cluster.controlPlaneEndpoint) ? cluster.controlPlaneEndpoint : `${cluster.controlPlaneEndpoint}:${init.localAPIEndpoint.bindPort}`;
  const a = init.localAPIEndpoint.advertiseAddress;
  return `${a.includes(':') ? `[${a}]` : a}:${init.localAPIEndpoint.bindPort}`;
}
