// The Node object a kubelet registers and the status it reports, as pure functions of its flags,
// config, version and host (pkg/kubelet/kubelet_node_status.go, nodestatus/setters.go).
import { compareVersions, gitVersion, parseVersion, type SemVer } from '../common/versions.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export const ALLOWED_LABELS: readonly string[] = [
  'beta.kubernetes.io/arch', 'beta.kubernetes.io/instance-type', 'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone',
  'kubernetes.io/arch', 'kubernetes.io/hostname', 'kubernetes.io/os',
  'node.kubernetes.io/instance-type', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone',
];

export class NodeFlagError extends Error {}

/** `--node-labels=a=b,c=` → map; ≥1.16 refuses kubernetes.io/k8s.io labels outside the allowed set (KEP 0000-node-restriction). */
export function parseNodeLabels(text: string | undefined, version: SemVer): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new NodeFlagError(`invalid argument "${text}" for "--node-labels" flag: ${part} must be formatted as key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  const bad = restrictedNodeLabels(out);
  if (bad.length && compareVersions(version, parseVersion('1.16.0')!) >= 0) {
    throw new NodeFlagError(
      `unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [${bad.join(' ')}]\n` +
        `--node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (kubelet.kubernetes.io, node.kubernetes.io) ` +
        `or be in the specifically allowed set (${ALLOWED_LABELS.join(', ')})`,
    );
  }
  return out;
}

/** Labels in the kubernetes.io / k8s.io namespaces a kubelet may not set on itself (1.13 warns, 1.16 refuses). */
export function restrictedNodeLabels(labels: Record<string, string>): string[] {
  return Object.keys(labels).filter((k) => {
    const ns = k.includes('/') ? k.slice(0, k.indexOf('/')) : '';
    const restricted = ns === 'kubernetes.io' || ns.endsWith('.kubernetes.io') || ns === 'k8s.io' || ns.endsWith('.k8s.io');
    if (!restricted || ALLOWED_LABELS.includes(k)) return false;
    return !/^(kubelet\.kubernetes\.io|node\.kubernetes\.io)$/.test(ns) && !ns.endsWith('.kubelet.kubernetes.io') && !ns.endsWith('.node.kubernetes.io');
  });
}

/** `--register-with-taints=k=v:NoSchedule,k2:NoExecute` */
export function parseTaints(text: string | undefined): Taint[] {
  if (!text) return [];
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t);
    if (!m) throw new NodeFlagError(`invalid argument "${text}" for "--register-with-taints" flag: invalid taint spec: ${t}`);
    return m[2] !== undefined ? { key: m[1]!, value: m[2], effect: m[3]! } : { key: m[1]!, effect: m[3]! };
  });
}

export interface HostFacts {
  nodeName: string;
  address: string;
  hostname: string;
  cpus: number;
  memoryKi: number;
  kernel: string;
  osImage: string;
  machineID: string;
  bootID: string;
}

export function defaultLabels(nodeName: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': 'linux',
  };
}

/** Ready=False text while no CNI config exists (seed 003), per era: dockershim before 1.24, CRI after. */
export function networkNotReadyMessage(version: SemVer): string {
  return compareVersions(version, parseVersion('1.24.0')!) < 0
    ? 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized'
    : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
}

export function conditions(networkReady: boolean, version: SemVer): NodeCondition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    networkReady
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: networkNotReadyMessage(version) },
  ];
}

export function nodeStatus(h: HostFacts, version: SemVer, maxPods: number, port: number): Record<string, unknown> {
  const cap = { cpu: String(h.cpus), memory: `${h.memoryKi}Ki`, pods: String(maxPods), 'ephemeral-storage': '20470Mi', 'hugepages-2Mi': '0' };
  const v = gitVersion(version);
  return {
    capacity: cap,
    allocatable: cap,
    addresses: [
      { type: 'InternalIP', address: h.address },
      { type: 'Hostname', address: h.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: port } },
    nodeInfo: {
      machineID: h.machineID,
      systemUUID: h.machineID,
      bootID: h.bootID,
      kernelVersion: h.kernel,
      osImage: h.osImage,
      // no container runtime in the lab: say so rather than name one
      containerRuntimeVersion: 'lab://none',
      kubeletVersion: v,
      kubeProxyVersion: compareVersions(version, parseVersion('1.31.0')!) < 0 ? v : '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}
