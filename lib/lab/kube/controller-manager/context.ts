// What every controller of the controller-manager shares: the API client, the informer caches, a
// logger, the release, and the "expectations" that stop a controller from acting twice on a
// change its own cache has not seen yet (client-go's ControllerExpectations).
import type { KubeClient, KubeObject } from '../common/client.js';
import type { Klog } from '../common/leader.js';
import type { SemVer } from '../common/versions.js';
import type { Informer } from './informer.js';
import type { Csr, DaemonSet, Deployment, Lease, Node, Pod, PodDisruptionBudget, ReplicaSet } from './types.js';

export interface Caches {
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  replicasets: Informer<ReplicaSet>;
  deployments: Informer<Deployment>;
  daemonsets: Informer<DaemonSet>;
  pdbs: Informer<PodDisruptionBudget>;
  nodeLeases: Informer<Lease>;
  csrs: Informer<Csr>;
}

export interface ControllerContext {
  client: KubeClient;
  log: Klog;
  caches: Caches;
  version: SemVer;
  /** `policy/v1` from 1.21, `policy/v1beta1` before */
  policyVersion: string;
  /** `certificates.k8s.io/v1` from 1.19, `v1beta1` before */
  certificatesVersion: string;
  expectations: Expectations;
}

/** Per owner uid: pod names we created or deleted that the cache has not reflected yet. */
export class Expectations {
  private readonly pending = new Map<string, { adds: Set<string>; dels: Set<string>; at: number }>();

  expectAdd(owner: string, name: string): void {
    this.entry(owner).adds.add(name);
  }

  expectDel(owner: string, name: string): void {
    this.entry(owner).dels.add(name);
  }

  /** True when every expected change of `owner` is visible in `cache` (or 30 s passed, as client-go's TTL). */
  satisfied(owner: string, cache: Informer<KubeObject & { metadata: { name?: string } }>, ns: string): boolean {
    const e = this.pending.get(owner);
    if (!e) return true;
    for (const n of e.adds) if (cache.items.has(`${ns}/${n}`)) e.adds.delete(n);
    for (const n of e.dels) {
      const o = cache.items.get(`${ns}/${n}`);
      if (!o || o.metadata.deletionTimestamp) e.dels.delete(n);
    }
    if ((!e.adds.size && !e.dels.size) || Date.now() - e.at > 30000) {
      this.pending.delete(owner);
      return true;
    }
    return false;
  }

  private entry(owner: string): { adds: Set<string>; dels: Set<string>; at: number } {
    let e = this.pending.get(owner);
    if (!e) this.pending.set(owner, (e = { adds: new Set(), dels: new Set(), at: Date.now() }));
    e.at = Date.now();
    return e;
  }
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
