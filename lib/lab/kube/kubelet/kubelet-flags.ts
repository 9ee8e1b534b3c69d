// The kubelet's command line as pflag reads it, and which flags each version still accepts.
// The real kubelet refuses any flag it does not define (`unknown flag: --x`) and exits 1, which is
// how a kubelet upgraded under an old kubeadm-flags.env / KUBELET_EXTRA_ARGS fails to start
// (seed 004's 1.14 → 1.15 step: `--allow-privileged` was removed in 1.15).
import { FlagError, parseFlags, type ParsedFlags } from '../common/flags.js';
import { compareVersions, parseVersion, type SemVer } from '../common/versions.js';

/** Flags that take no value. */
const BOOLS = [
  'help', 'version', 'fail-swap-on', 'register-node', 'rotate-certificates', 'rotate-server-certificates',
  'anonymous-auth', 'authentication-token-webhook', 'cgroups-per-qos', 'serialize-image-pulls',
  'make-iptables-util-chains', 'runonce', 'enable-server', 'enable-debugging-handlers', 'enable-controller-attach-detach',
  'contention-profiling', 'protect-kernel-defaults', 'exit-on-lock-contention', 'seccomp-default', 'kernel-memcg-notification',
  'cpu-cfs-quota', 'logtostderr', 'alsologtostderr', 'skip-headers', 'skip-log-headers', 'one-output', 'add-dir-header',
  'local-storage-capacity-isolation', 'keep-terminated-pod-volumes', 'experimental-allocatable-ignore-eviction',
  'register-schedulable', 'allow-privileged', 'redirect-container-streaming', 'experimental-check-node-capabilities-before-mount',
  'fail-cgroupv1', 'enable-load-reader', 'docker-only', 'docker-disable-shared-pid', 'experimental-kernel-memcg-notification',
];

/** Flags current kubelets define (KubeletFlags + the KubeletConfiguration flags + klog/logs flags). */
const CURRENT = [
  'address', 'allowed-unsafe-sysctls', 'anonymous-auth', 'authentication-token-webhook', 'authentication-token-webhook-cache-ttl',
  'authorization-mode', 'authorization-webhook-cache-authorized-ttl', 'authorization-webhook-cache-unauthorized-ttl',
  'boot-id-file', 'bootstrap-kubeconfig', 'cert-dir', 'cgroup-driver', 'cgroup-root', 'cgroups-per-qos', 'client-ca-file',
  'cloud-config', 'cloud-provider', 'cluster-dns', 'cluster-domain', 'config', 'config-dir', 'container-log-max-files',
  'container-log-max-size', 'container-runtime-endpoint', 'contention-profiling', 'cpu-cfs-quota', 'cpu-cfs-quota-period',
  'cpu-manager-policy', 'cpu-manager-policy-options', 'cpu-manager-reconcile-period', 'enable-controller-attach-detach',
  'enable-debugging-handlers', 'enable-server', 'enforce-node-allocatable', 'event-burst', 'event-qps', 'eviction-hard',
  'eviction-max-pod-grace-period', 'eviction-minimum-reclaim', 'eviction-pressure-transition-period', 'eviction-soft',
  'eviction-soft-grace-period', 'exit-on-lock-contention', 'fail-swap-on', 'feature-gates', 'file-check-frequency',
  'hairpin-mode', 'healthz-bind-address', 'healthz-port', 'help', 'hostname-override', 'http-check-frequency',
  'image-credential-provider-bin-dir', 'image-credential-provider-config', 'image-gc-high-threshold', 'image-gc-low-threshold',
  'image-service-endpoint', 'kernel-memcg-notification', 'kube-api-burst', 'kube-api-content-type', 'kube-api-qps',
  'kube-reserved', 'kube-reserved-cgroup', 'kubeconfig', 'kubelet-cgroups', 'local-storage-capacity-isolation', 'lock-file',
  'log-flush-frequency', 'log-json-info-buffer-size', 'log-json-split-stream', 'log-text-info-buffer-size', 'log-text-split-stream',
  'logging-format', 'make-iptables-util-chains', 'manifest-url', 'manifest-url-header', 'max-open-files', 'max-pods',
  'maximum-dead-containers', 'maximum-dead-containers-per-container', 'memory-manager-policy', 'minimum-container-ttl-duration',
  'minimum-image-ttl-duration', 'node-ip', 'node-labels', 'node-status-max-images', 'node-status-update-frequency',
  'oom-score-adj', 'pod-cidr', 'pod-manifest-path', 'pod-max-pids', 'pods-per-core', 'port', 'protect-kernel-defaults',
  'provider-id', 'qos-reserved', 'read-only-port', 'register-node', 'register-schedulable', 'register-with-taints',
  'registry-burst', 'registry-qps', 'reserved-cpus', 'reserved-memory', 'resolv-conf', 'root-dir', 'rotate-certificates',
  'rotate-server-certificates', 'runonce', 'runtime-cgroups', 'runtime-request-timeout', 'seccomp-default',
  'serialize-image-pulls', 'streaming-connection-idle-timeout', 'sync-frequency', 'system-cgroups', 'system-reserved',
  'system-reserved-cgroup', 'tls-cert-file', 'tls-cipher-suites', 'tls-min-version', 'tls-private-key-file',
  'topology-manager-policy', 'topology-manager-policy-options', 'topology-manager-scope', 'v', 'version', 'vmodule',
  'volume-plugin-dir', 'volume-stats-agg-period',
  // klog flags: removed from the kubelet in 1.26 (KEP-2845) except -v/--vmodule; see REMOVED
];

/**
 * Flags the kubelet dropped, with the first release that refuses them. Sources: the Kubernetes
 * CHANGELOGs (1.12 cadvisor-port; 1.15 allow-privileged; 1.20 redirect-container-streaming; 1.24
 * dockershim removal: the docker/CNI networking flags; 1.26 klog flags (KEP-2845); 1.27
 * container-runtime; 1.30 azure-container-registry-config; 1.35 pod-infra-container-image,
 * kubernetes PR 133779).
 */
export const REMOVED: Readonly<Record<string, string>> = {
  'cadvisor-port': '1.12.0',
  'allow-privileged': '1.15.0',
  'redirect-container-streaming': '1.20.0',
  'network-plugin': '1.24.0',
  'network-plugin-mtu': '1.24.0',
  'cni-bin-dir': '1.24.0',
  'cni-conf-dir': '1.24.0',
  'cni-cache-dir': '1.24.0',
  'docker-endpoint': '1.24.0',
  'image-pull-progress-deadline': '1.24.0',
  'experimental-dockershim-root-directory': '1.24.0',
  'non-masquerade-cidr': '1.24.0',
  'dynamic-config-dir': '1.24.0',
  'log-dir': '1.26.0',
  'log-file': '1.26.0',
  'log-file-max-size': '1.26.0',
  'logtostderr': '1.26.0',
  'alsologtostderr': '1.26.0',
  'stderrthreshold': '1.26.0',
  'skip-headers': '1.26.0',
  'skip-log-headers': '1.26.0',
  'one-output': '1.26.0',
  'add-dir-header': '1.26.0',
  'log-backtrace-at': '1.26.0',
  'container-runtime': '1.27.0',
  'azure-container-registry-config': '1.30.0',
  'pod-infra-container-image': '1.35.0',
};

/** Flags that only newer kubelets know: a kubelet older than the version refuses them. */
const ADDED: Readonly<Record<string, string>> = {
  'config-dir': '1.28.0',
  'image-credential-provider-config': '1.20.0',
  'image-credential-provider-bin-dir': '1.20.0',
  'seccomp-default': '1.22.0',
  'reserved-memory': '1.21.0',
  'memory-manager-policy': '1.21.0',
  'logging-format': '1.19.0',
};

const SHORT = { v: 'v', h: 'help' } as const;

export class KubeletFlagError extends Error {}

/** Parses the kubelet's argv for `version`, refusing flags that version does not define. */
export function parseKubeletFlags(argv: readonly string[], version: SemVer): ParsedFlags {
  const known = new Set<string>([...CURRENT, ...Object.keys(REMOVED)]);
  // pflag reports an unknown flag where it meets it, before any value problem of later flags
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const m = /^--([^=]+)(=)?/.exec(a) ?? /^-([A-Za-z])(=)?$/.exec(a);
    if (!m) continue;
    const name = a.startsWith('--') ? m[1]! : (SHORT as Record<string, string>)[m[1]!] ?? m[1]!;
    if (!known.has(name) || !definedIn(name, version)) {
      throw new KubeletFlagError(a.startsWith('--') ? `unknown flag: --${name}` : `unknown shorthand flag: '${m[1]}' in ${a}`);
    }
    if (!m[2] && !BOOLS.includes(name)) i++; // its value
  }
  let parsed: ParsedFlags;
  try {
    parsed = parseFlags(argv, { bools: BOOLS, short: SHORT });
  } catch (e) {
    if (e instanceof FlagError) throw new KubeletFlagError(e.message);
    throw e;
  }
  return parsed;
}

function definedIn(name: string, v: SemVer): boolean {
  const removed = REMOVED[name];
  if (removed && compareVersions(v, parseVersion(removed)!) >= 0) return false;
  const added = ADDED[name];
  if (added && compareVersions(v, parseVersion(added)!) < 0) return false;
  return true;
}
