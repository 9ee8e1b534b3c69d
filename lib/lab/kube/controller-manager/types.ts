// The object shapes the controllers read and write (the fields they use, as the API sends them).
import type { KubeObject, ObjectMeta, OwnerReference } from '../common/client.js';
import type { Condition, PodSpec } from '../scheduler/predicates.js';

export type { Condition, Node, Pod, PodSpec, Taint, Toleration } from '../scheduler/predicates.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }[];
}

export interface PodTemplate {
  metadata?: Pick<ObjectMeta, 'labels' | 'annotations' | 'name'>;
  spec: PodSpec;
}

export interface Deployment extends KubeObject {
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplate; paused?: boolean; revisionHistoryLimit?: number; [k: string]: unknown };
  status?: Record<string, unknown> & { observedGeneration?: number; conditions?: Condition[]; collisionCount?: number };
}

export interface ReplicaSet extends KubeObject {
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplate; [k: string]: unknown };
  status?: Record<string, unknown>;
}

export interface DaemonSet extends KubeObject {
  spec: { selector: LabelSelector; template: PodTemplate; [k: string]: unknown };
  status?: Record<string, unknown>;
}

export interface PodDisruptionBudget extends KubeObject {
  spec: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string; unhealthyPodEvictionPolicy?: string };
  status?: PdbStatus;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string> | null;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

export interface Csr extends KubeObject {
  spec: { request: string; signerName?: string; usages?: string[]; username?: string; groups?: string[]; uid?: string; expirationSeconds?: number };
  status?: { conditions?: { type: string; status?: string; reason?: string; message?: string; lastUpdateTime?: string; lastTransitionTime?: string }[]; certificate?: string };
}

export function controllerRef(o: KubeObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

/** A controller ownerReference to `owner`, as the controllers set it (blockOwnerDeletion for foreground deletion). */
export function ownerRefTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: String(owner.metadata.name), uid: String(owner.metadata.uid), controller: true, blockOwnerDeletion: true };
}

/** metav1.LabelSelector semantics; `emptyMatchesAll` false gives policy/v1beta1's "empty selects nothing". */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined, emptyMatchesAll = true): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  const ml = Object.entries(sel.matchLabels ?? {});
  const me = sel.matchExpressions ?? [];
  if (!ml.length && !me.length) return emptyMatchesAll;
  for (const [k, v] of ml) if (l[k] !== v) return false;
  for (const r of me) {
    const v = l[r.key];
    const vals = r.values ?? [];
    if (r.operator === 'In' && (v === undefined || !vals.includes(v))) return false;
    if (r.operator === 'NotIn' && v !== undefined && vals.includes(v)) return false;
    if (r.operator === 'Exists' && v === undefined) return false;
    if (r.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

/** metav1.Time's wire form (seconds). */
export function nowTime(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Stable JSON (sorted keys) for comparisons and hashes. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** k8s.io/apimachinery rand.SafeEncodeString over the decimal FNV-32a of the text: `5d4c8b9f7`. */
export function templateHash(v: unknown, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const text = stableJson(v) + (collisionCount ? String(collisionCount) : '');
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(h)].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}
