// The static pod manifests of the control plane (cmd/kubeadm/app/phases/controlplane and
// phases/etcd): kubeadm's default flags per release, then the config's extraArgs over them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toYaml as stringify } from './yaml.js';
import { parseVersion, type SemVer } from '../common/versions.js';
import type { ClusterConfig } from './config.js';
import type { Out } from './output.js';

export const MANIFESTS_DIR = '/etc/kubernetes/manifests';
export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type Component = (typeof COMPONENTS)[number] | 'etcd';

export interface LocalEndpoint {
  nodeName: string;
  advertiseAddress: string;
  bindPort: number;
}

/** The etcd image tag kubeadm pins per minor (constants.SupportedEtcdVersion), for the releases the lab carries. */
export function etcdImageTag(v: SemVer): string {
  const byMinor: Record<number, string> = { 14: '3.3.10', 15: '3.3.10', 16: '3.3.15-0', 17: '3.4.3-0', 18: '3.4.3-0' };
  return byMinor[v.minor] ?? (v.minor >= 34 ? '3.6.4-0' : '3.5.15-0');
}

export function image(cfg: ClusterConfig, name: string): string {
  return `${cfg.imageRepository}/${name}:${cfg.kubernetesVersion}`;
}

function flags(defaults: Record<string, string>, extra: Record<string, string>): string[] {
  const all = { ...defaults, ...extra };
  return Object.keys(all)
    .sort()
    .map((k) => `--${k}=${all[k]}`);
}

function hostPathVolumes(paths: Record<string, { path: string; type: string; readOnly: boolean }>): { volumes: object[]; mounts: object[] } {
  const names = Object.keys(paths).sort();
  return {
    volumes: names.map((n) => ({ hostPath: { path: paths[n]!.path, type: paths[n]!.type }, name: n })),
    mounts: names.map((n) => ({ mountPath: paths[n]!.path, name: n, ...(paths[n]!.readOnly ? { readOnly: true } : {}) })),
  };
}

function pod(name: string, img: string, command: string[], vols: ReturnType<typeof hostPathVolumes>, probe: { host: string; path: string; port: number; scheme: string }, v: SemVer, annotations?: Record<string, string>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(annotations ? { annotations } : {}),
      creationTimestamp: null,
      labels: { component: name, tier: 'control-plane' },
      name,
      namespace: 'kube-system',
    },
    spec: {
      containers: [
        {
          command,
          image: img,
          imagePullPolicy: 'IfNotPresent',
          livenessProbe: { failureThreshold: 8, httpGet: probe, initialDelaySeconds: v.minor >= 20 ? 10 : 15, timeoutSeconds: 15 },
          name,
          resources: { requests: { cpu: name === 'etcd' ? '100m' : name === 'kube-apiserver' ? '250m' : name === 'kube-scheduler' ? '100m' : '200m' } },
          volumeMounts: vols.mounts,
        },
      ],
      hostNetwork: true,
      priorityClassName: v.minor >= 17 ? 'system-node-critical' : 'system-cluster-critical',
      volumes: vols.volumes,
    },
    status: {},
  });
}

export function apiServerManifest(cfg: ClusterConfig, ep: LocalEndpoint, v: SemVer): string {
  const d = cfg.certificatesDir;
  const kv = parseVersion(cfg.kubernetesVersion) ?? v;
  const f: Record<string, string> = {
    'advertise-address': ep.advertiseAddress,
    'allow-privileged': 'true',
    'authorization-mode': 'Node,RBAC',
    'client-ca-file': `${d}/ca.crt`,
    'enable-admission-plugins': 'NodeRestriction',
    'enable-bootstrap-token-auth': 'true',
    'kubelet-client-certificate': `${d}/apiserver-kubelet-client.crt`,
    'kubelet-client-key': `${d}/apiserver-kubelet-client.key`,
    'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname',
    'proxy-client-cert-file': `${d}/front-proxy-client.crt`,
    'proxy-client-key-file': `${d}/front-proxy-client.key`,
    'requestheader-allowed-names': 'front-proxy-client',
    'requestheader-client-ca-file': `${d}/front-proxy-ca.crt`,
    'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
    'requestheader-group-headers': 'X-Remote-Group',
    'requestheader-username-headers': 'X-Remote-User',
    'secure-port': String(ep.bindPort),
    'service-account-key-file': `${d}/sa.pub`,
    'service-cluster-ip-range': cfg.networking.serviceSubnet,
    'tls-cert-file': `${d}/apiserver.crt`,
    'tls-private-key-file': `${d}/apiserver.key`,
  };
  if (kv.minor < 20) f['insecure-port'] = '0';
  if (kv.minor >= 20) {
    f['service-account-issuer'] = `https://kubernetes.default.svc.${cfg.networking.dnsDomain}`;
    f['service-account-signing-key-file'] = `${d}/sa.key`;
  }
  if (cfg.etcd.external) {
    f['etcd-servers'] = cfg.etcd.external.endpoints.join(',');
    if (cfg.etcd.external.caFile) f['etcd-cafile'] = cfg.etcd.external.caFile;
    if (cfg.etcd.external.certFile) f['etcd-certfile'] = cfg.etcd.external.certFile;
    if (cfg.etcd.external.keyFile) f['etcd-keyfile'] = cfg.etcd.external.keyFile;
  } else {
    f['etcd-servers'] = 'https://127.0.0.1:2379';
    f['etcd-cafile'] = `${d}/etcd/ca.crt`;
    f['etcd-certfile'] = `${d}/apiserver-etcd-client.crt`;
    f['etcd-keyfile'] = `${d}/apiserver-etcd-client.key`;
  }
  const vols: Record<string, { path: string; type: string; readOnly: boolean }> = {
    'ca-certs': { path: '/etc/ssl/certs', type: 'DirectoryOrCreate', readOnly: true },
    'k8s-certs': { path: d, type: 'DirectoryOrCreate', readOnly: true },
  };
  if (cfg.etcd.external?.caFile) vols['etcd-certs-0'] = { path: cfg.etcd.external.caFile.replace(/\/[^/]*$/, ''), type: 'DirectoryOrCreate', readOnly: true };
  const cmd = ['kube-apiserver', ...flags(f, cfg.apiServer.extraArgs)];
  const probeHost = cfg.apiServer.extraArgs['bind-address'] ?? ep.advertiseAddress;
  return pod('kube-apiserver', image(cfg, 'kube-apiserver'), cmd, hostPathVolumes(vols), { host: probeHost, path: kv.minor >= 20 ? '/livez' : '/healthz', port: ep.bindPort, scheme: 'HTTPS' }, kv, {
    'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ep.advertiseAddress}:${ep.bindPort}`,
  });
}

export function controllerManagerManifest(cfg: ClusterConfig, v: SemVer): string {
  const d = cfg.certificatesDir;
  const kv = parseVersion(cfg.kubernetesVersion) ?? v;
  const conf = '/etc/kubernetes/controller-manager.conf';
  const f: Record<string, string> = {
    'authentication-kubeconfig': conf,
    'authorization-kubeconfig': conf,
    'bind-address': '127.0.0.1',
    'client-ca-file': `${d}/ca.crt`,
    'cluster-signing-cert-file': `${d}/ca.crt`,
    'cluster-signing-key-file': `${d}/ca.key`,
    controllers: '*,bootstrapsigner,tokencleaner',
    kubeconfig: conf,
    'leader-elect': 'true',
    'requestheader-client-ca-file': `${d}/front-proxy-ca.crt`,
    'root-ca-file': `${d}/ca.crt`,
    'service-account-private-key-file': `${d}/sa.key`,
    'use-service-account-credentials': 'true',
  };
  if (kv.minor >= 19) f['cluster-name'] = cfg.clusterName;
  if (kv.minor >= 19) f['service-cluster-ip-range'] = cfg.networking.serviceSubnet;
  if (cfg.networking.podSubnet) {
    f['allocate-node-cidrs'] = 'true';
    f['cluster-cidr'] = cfg.networking.podSubnet;
    if (kv.minor < 19) f['node-cidr-mask-size'] = '24';
  }
  const port = kv.minor >= 20 ? 10257 : 10252;
  const vols = {
    'ca-certs': { path: '/etc/ssl/certs', type: 'DirectoryOrCreate', readOnly: true },
    'k8s-certs': { path: d, type: 'DirectoryOrCreate', readOnly: true },
    kubeconfig: { path: conf, type: 'FileOrCreate', readOnly: true },
  };
  const host = cfg.controllerManager.extraArgs['bind-address'] ?? '127.0.0.1';
  return pod('kube-controller-manager', image(cfg, 'kube-controller-manager'), ['kube-controller-manager', ...flags(f, cfg.controllerManager.extraArgs)], hostPathVolumes(vols), { host, path: '/healthz', port, scheme: kv.minor >= 20 ? 'HTTPS' : 'HTTP' }, kv);
}

export function schedulerManifest(cfg: ClusterConfig, v: SemVer): string {
  const kv = parseVersion(cfg.kubernetesVersion) ?? v;
  const conf = '/etc/kubernetes/scheduler.conf';
  const f: Record<string, string> = { 'bind-address': '127.0.0.1', kubeconfig: conf, 'leader-elect': 'true' };
  if (kv.minor >= 19) {
    f['authentication-kubeconfig'] = conf;
    f['authorization-kubeconfig'] = conf;
  }
  const port = kv.minor >= 20 ? 10259 : 10251;
  const host = cfg.scheduler.extraArgs['bind-address'] ?? '127.0.0.1';
  const vols = { kubeconfig: { path: conf, type: 'FileOrCreate', readOnly: true } };
  return pod('kube-scheduler', image(cfg, 'kube-scheduler'), ['kube-scheduler', ...flags(f, cfg.scheduler.extraArgs)], hostPathVolumes(vols), { host, path: '/healthz', port, scheme: kv.minor >= 20 ? 'HTTPS' : 'HTTP' }, kv);
}

export function etcdManifest(cfg: ClusterConfig, ep: LocalEndpoint, v: SemVer, initialCluster?: string): string {
  const d = cfg.certificatesDir;
  const local = cfg.etcd.local!;
  const a = ep.advertiseAddress;
  const f: Record<string, string> = {
    'advertise-client-urls': `https://${a}:2379`,
    'cert-file': `${d}/etcd/server.crt`,
    'client-cert-auth': 'true',
    'data-dir': local.dataDir,
    'initial-advertise-peer-urls': `https://${a}:2380`,
    'initial-cluster': initialCluster ?? `${ep.nodeName}=https://${a}:2380`,
    'key-file': `${d}/etcd/server.key`,
    'listen-client-urls': `https://127.0.0.1:2379,https://${a}:2379`,
    'listen-metrics-urls': 'http://127.0.0.1:2381',
    'listen-peer-urls': `https://${a}:2380`,
    name: ep.nodeName,
    'peer-cert-file': `${d}/etcd/peer.crt`,
    'peer-client-cert-auth': 'true',
    'peer-key-file': `${d}/etcd/peer.key`,
    'peer-trusted-ca-file': `${d}/etcd/ca.crt`,
    'snapshot-count': '10000',
    'trusted-ca-file': `${d}/etcd/ca.crt`,
  };
  if (initialCluster) f['initial-cluster-state'] = 'existing';
  const vols = {
    'etcd-certs': { path: `${d}/etcd`, type: 'DirectoryOrCreate', readOnly: false },
    'etcd-data': { path: local.dataDir, type: 'DirectoryOrCreate', readOnly: false },
  };
  const metrics = (local.extraArgs['listen-metrics-urls'] ?? 'http://127.0.0.1:2381').split(',')[0]!;
  const mu = new URL(metrics);
  return pod('etcd', `${cfg.imageRepository}/etcd:${etcdImageTag(v)}`, ['etcd', ...flags(f, local.extraArgs)], hostPathVolumes(vols), { host: mu.hostname, path: '/health', port: Number(mu.port || 2381), scheme: 'HTTP' }, v, {
    'kubeadm.kubernetes.io/etcd.advertise-client-urls': f['advertise-client-urls']!,
  });
}

export async function writeManifest(name: Component, text: string, dir = MANIFESTS_DIR): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(join(dir, `${name}.yaml`), text, { mode: 0o600 });
}

/** The control-plane phase: the three component manifests. */
export async function writeControlPlane(cfg: ClusterConfig, ep: LocalEndpoint, v: SemVer, out: Out, dir = MANIFESTS_DIR): Promise<void> {
  out.out(`[control-plane] Using manifest folder "${dir}"`);
  out.out('[control-plane] Creating static Pod manifest for "kube-apiserver"');
  await writeManifest('kube-apiserver', apiServerManifest(cfg, ep, v), dir);
  out.out('[control-plane] Creating static Pod manifest for "kube-controller-manager"');
  await writeManifest('kube-controller-manager', controllerManagerManifest(cfg, v), dir);
  out.out('[control-plane] Creating static Pod manifest for "kube-scheduler"');
  await writeManifest('kube-scheduler', schedulerManifest(cfg, v), dir);
}
