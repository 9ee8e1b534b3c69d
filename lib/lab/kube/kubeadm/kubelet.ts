// The kubelet-start phase (cmd/kubeadm/app/phases/kubelet): /var/lib/kubelet/config.yaml from
// the KubeletConfiguration document over kubeadm's defaults, kubeadm-flags.env, then the service
// (re)started through systemctl; a failure to start is a warning, as with the real kubeadm.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { toYaml as stringify } from './yaml.js';
import type { SemVer } from '../common/versions.js';
import { apiServerServiceIP } from './pki.js';
import type { ClusterConfig, NodeRegistration } from './config.js';
import type { Out } from './output.js';

export const KUBELET_DIR = '/var/lib/kubelet';
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
export const KUBELET_FLAGS_ENV = '/var/lib/kubelet/kubeadm-flags.env';

/** The cluster DNS address kubeadm defaults: the tenth address of the service subnet. */
export function clusterDNS(serviceSubnet: string): string {
  const first = apiServerServiceIP(serviceSubnet);
  const p = first.split('.').map(Number);
  if (p.length !== 4) return first;
  p[3] = p[3]! + 9;
  return p.join('.');
}

export function kubeletConfig(cfg: ClusterConfig, v: SemVer, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    authentication: { anonymous: { enabled: false }, webhook: { cacheTTL: '0s', enabled: true }, x509: { clientCAFile: `${cfg.certificatesDir}/ca.crt` } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    // kubeadm >= 1.22 defaults the kubelet to the systemd cgroup driver
    cgroupDriver: v.minor >= 22 ? 'systemd' : 'cgroupfs',
    clusterDNS: [clusterDNS(cfg.networking.serviceSubnet)],
    clusterDomain: cfg.networking.dnsDomain,
    kind: 'KubeletConfiguration',
    rotateCertificates: true,
    staticPodPath: '/etc/kubernetes/manifests',
  };
  return { ...defaults, ...(given ?? {}) };
}

export function kubeadmFlags(cfg: ClusterConfig, v: SemVer, reg: NodeRegistration, hostname: string): string {
  const f: Record<string, string> = {};
  if (v.minor < 24) {
    // kubeadm's buildKubeletArgMap before 1.24: dockershim flags for the docker socket (the
    // default), the remote-runtime pair for any other criSocket (containerd, cri-o)
    const socket = reg.criSocket ?? '/var/run/dockershim.sock';
    const dockershim = /dockershim\.sock$/.test(socket);
    if (dockershim) {
      f['network-plugin'] = 'cni';
    } else {
      f['container-runtime'] = 'remote';
      f['container-runtime-endpoint'] = socket;
    }
    if (dockershim || v.minor >= 21) f['pod-infra-container-image'] = `${cfg.imageRepository}/pause:${v.minor >= 18 ? '3.2' : '3.1'}`;
  } else {
    f['container-runtime-endpoint'] = reg.criSocket ?? 'unix:///var/run/containerd/containerd.sock';
    if (v.minor < 27) f['pod-infra-container-image'] = `${cfg.imageRepository}/pause:3.9`;
  }
  if (reg.name !== hostname.toLowerCase()) f['hostname-override'] = reg.name;
  const all = { ...f, ...reg.kubeletExtraArgs };
  return `KUBELET_KUBEADM_ARGS="${Object.keys(all)
    .sort()
    .map((k) => `--${k}=${all[k]}`)
    .join(' ')}"\n`;
}

export function systemctl(args: string[]): Promise<{ rc: number; out: string }> {
  return new Promise((resolve) => {
    execFile('systemctl', args, (err, stdout, stderr) => {
      const rc = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ rc, out: (String(stdout) + String(stderr)).trim() });
    });
  });
}

export async function tryStopKubelet(): Promise<void> {
  await systemctl(['stop', 'kubelet']);
}

export async function tryStartKubelet(v: SemVer, out: Out): Promise<void> {
  const r = await systemctl([v.minor >= 20 ? 'restart' : 'start', 'kubelet']);
  if (r.rc !== 0) {
    out.out(`[kubelet-start] WARNING: unable to start the kubelet service: [${r.out || `exit status ${r.rc}`}]`);
    out.out('[kubelet-start] Please ensure kubelet is reloadable and running manually.');
  }
}

export async function writeKubeletFiles(cfg: ClusterConfig, v: SemVer, reg: NodeRegistration, hostname: string, given: Record<string, unknown> | undefined, out: Out): Promise<void> {
  await mkdir(KUBELET_DIR, { recursive: true, mode: 0o700 });
  out.out(`[kubelet-start] Writing kubelet environment file with flags to file "${KUBELET_FLAGS_ENV}"`);
  await writeFile(KUBELET_FLAGS_ENV, kubeadmFlags(cfg, v, reg, hostname), { mode: 0o644 });
  out.out(`[kubelet-start] Writing kubelet configuration to file "${KUBELET_CONFIG}"`);
  await writeFile(KUBELET_CONFIG, stringify(kubeletConfig(cfg, v, given)), { mode: 0o644 });
}

export function startingLine(v: SemVer): string {
  return v.minor >= 20 ? '[kubelet-start] Starting the kubelet' : '[kubelet-start] Activating the kubelet service';
}
