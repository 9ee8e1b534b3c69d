// The scheduler's filters that the lab needs, as kube-scheduler's plugins decide them: Ready
// nodes only, NodeUnschedulable (cordon), TaintToleration (NoSchedule and NoExecute taints must
// be tolerated; PreferNoSchedule only scores), NodeAffinity (nodeSelector and required node
// affinity). The DaemonSet controller asks the same questions of each node.
import type { KubeObject } from '../common/client.js';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

interface SelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: SelectorRequirement[];
  matchFields?: SelectorRequirement[];
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  schedulerName?: string;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
  [k: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: { phase?: string; conditions?: Condition[]; [k: string]: unknown };
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: Taint[]; [k: string]: unknown };
  status?: { conditions?: Condition[]; [k: string]: unknown };
}

export function condition(obj: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

export function isNodeReady(n: Node): boolean {
  return condition(n, 'Ready')?.status === 'True';
}

export function isPodReady(p: Pod): boolean {
  return condition(p, 'Ready')?.status === 'True';
}

export function isTerminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

/** v1 helper ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
  return (t.key ?? '') === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** The first NoSchedule/NoExecute taint no toleration covers, or undefined. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerations.some((t) => tolerates(t, taint)));
}

function requirementMatches(r: SelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(vals[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(vals[0]);
    default:
      return false;
  }
}

export function matchesNodeAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || !terms.length) return true;
  // terms are ORed, requirements inside a term ANDed
  return terms.some(
    (term) =>
      (term.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key])) &&
      (term.matchFields ?? []).every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined)),
  );
}

/** Why a node does not fit a pod (kube-scheduler's reason texts for the release), or null when it fits. */
export function unfitReason(pod: Pod, node: Node, modern: boolean): string | null {
  const tol = pod.spec.tolerations ?? [];
  if (!isNodeReady(node)) {
    // a not-ready node carries the not-ready/unreachable taint; older releases had a condition check
    const key = condition(node, 'Ready')?.status === 'Unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready';
    const taint: Taint = { key, effect: 'NoSchedule' };
    if (!tol.some((t) => tolerates(t, taint))) return modern ? `node(s) had untolerated taint {${key}: }` : "node(s) were not ready";
  }
  if (node.spec?.unschedulable && !tol.some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))) return 'node(s) were unschedulable';
  // the default profile's filter order: NodeUnschedulable, TaintToleration, NodeAffinity; the first failure counts
  const taint = untoleratedTaint(node.spec?.taints ?? [], tol);
  if (taint) return modern ? `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}` : "node(s) had taints that the pod didn't tolerate";
  if (!matchesNodeAffinity(pod.spec, node)) return modern ? "node(s) didn't match Pod's node affinity/selector" : "node(s) didn't match node selector";
  return null;
}

/** `0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had ...` (reasons sorted as the scheduler sorts them). */
export function unschedulableMessage(total: number, reasons: readonly string[], modern: boolean): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  const base = `0/${total} nodes are available: ${parts.join(', ')}.`;
  return modern ? `${base} preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.` : base;
}
