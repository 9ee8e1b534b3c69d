// The garbage collector, for the owner kinds this double keeps (Deployment, ReplicaSet,
// DaemonSet, Node, Pod): a dependent whose every ownerReference points at an object that no
// longer exists (checked with a live GET, as the real GC does before deleting) is deleted in the
// background. Dependents looked at: pods, replicasets and the node Leases in kube-node-lease.
import { ApiError, type KubeObject, type OwnerReference } from '../common/client.js';
import { errText, type ControllerContext } from './context.js';

const OWNER_PATHS: Record<string, (ns: string, name: string) => string> = {
  Deployment: (ns, n) => `/apis/apps/v1/namespaces/${ns}/deployments/${n}`,
  ReplicaSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/replicasets/${n}`,
  DaemonSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/daemonsets/${n}`,
  Node: (_ns, n) => `/api/v1/nodes/${n}`,
  Pod: (ns, n) => `/api/v1/namespaces/${ns}/pods/${n}`,
};

function dependentPath(o: KubeObject, kind: string): string {
  const ns = String(o.metadata.namespace);
  const n = String(o.metadata.name);
  if (kind === 'Pod') return `/api/v1/namespaces/${ns}/pods/${n}`;
  if (kind === 'ReplicaSet') return `/apis/apps/v1/namespaces/${ns}/replicasets/${n}`;
  return `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${n}`;
}

export class GarbageCollector {
  constructor(private readonly ctx: ControllerContext) {}

  private cached(ref: OwnerReference, ns: string): KubeObject | undefined {
    const c = this.ctx.caches;
    const cache = { Deployment: c.deployments, ReplicaSet: c.replicasets, DaemonSet: c.daemonsets, Node: c.nodes, Pod: c.pods }[ref.kind];
    const o = cache?.items.get(ref.kind === 'Node' ? ref.name : `${ns}/${ref.name}`);
    return o && o.metadata.uid === ref.uid ? o : undefined;
  }

  /** true when the owner is gone (404, or a new object of that name with another uid) */
  private async ownerGone(ref: OwnerReference, ns: string): Promise<boolean> {
    try {
      const live = await this.ctx.client.get(OWNER_PATHS[ref.kind]!(ns, ref.name));
      return live.metadata.uid !== ref.uid;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return true;
      throw e;
    }
  }

  async sweep(): Promise<void> {
    const c = this.ctx.caches;
    const all = [c.pods, c.replicasets, c.deployments, c.daemonsets, c.nodes, c.nodeLeases];
    if (!all.every((i) => i.hasSynced())) return;
    const dependents: [KubeObject, string][] = [
      ...c.pods.list().map((o): [KubeObject, string] => [o, 'Pod']),
      ...c.replicasets.list().map((o): [KubeObject, string] => [o, 'ReplicaSet']),
      ...c.nodeLeases.list().map((o): [KubeObject, string] => [o, 'Lease']),
    ];
    for (const [o, kind] of dependents) {
      const refs = o.metadata.ownerReferences ?? [];
      if (!refs.length || o.metadata.deletionTimestamp) continue;
      // only when every owner is of a kind we know and none is in the cache do we ask the API
      if (!refs.every((r) => OWNER_PATHS[r.kind]) || refs.some((r) => this.cached(r, String(o.metadata.namespace)))) continue;
      try {
        let gone = true;
        for (const r of refs) if (!(await this.ownerGone(r, String(o.metadata.namespace)))) gone = false;
        if (!gone) continue;
        await this.ctx.client.delete(dependentPath(o, kind), { propagationPolicy: 'Background', preconditions: { uid: o.metadata.uid } });
        this.ctx.log.info('garbagecollector.go:550', `"Deleting item" item="[${kind === 'Lease' ? 'coordination.k8s.io/v1' : kind === 'Pod' ? 'v1' : 'apps/v1'}/${kind}, namespace: ${o.metadata.namespace}, name: ${o.metadata.name}, uid: ${o.metadata.uid}]" propagationPolicy="Background"`);
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) this.ctx.log.error('garbagecollector.go:600', `error syncing item ${kind} ${o.metadata.namespace}/${o.metadata.name}: ${errText(e)}`);
      }
    }
  }
}
