// The pod garbage collector (pkg/controller/podgc): every 20 s, pods bound to a node that no longer
// exists, after a 40 s quarantine and a live GET of the node, are marked Failed with the
// DisruptionTarget condition (DeletionByPodGC) and force-deleted (grace 0): nobody else would ever
// finish them once their kubelet is gone.
import { ApiError } from '../common/client.js';
import { errText, type ControllerContext } from './context.js';
import { nowTime, type Pod } from './types.js';

export const POD_GC_PERIOD_MS = 20000;
const QUARANTINE_MS = 40000;

export class PodGC {
  /** pod uid → when (our clock) its node was first seen missing */
  private readonly orphanSince = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  async sweep(): Promise<void> {
    const { pods, nodes } = this.ctx.caches;
    if (!pods.hasSynced() || !nodes.hasSynced()) return;
    const now = Date.now();
    const seen = new Set<string>();
    for (const p of pods.list()) {
      const node = p.spec.nodeName;
      if (!node || nodes.items.has(node)) continue;
      const uid = String(p.metadata.uid);
      seen.add(uid);
      const since = this.orphanSince.get(uid) ?? now;
      this.orphanSince.set(uid, since);
      if (now - since < QUARANTINE_MS) continue;
      try {
        await this.ctx.client.get(`/api/v1/nodes/${node}`);
        this.orphanSince.delete(uid); // the node is back: the cache was behind
        continue;
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
      await this.forceDelete(p);
    }
    for (const uid of [...this.orphanSince.keys()]) if (!seen.has(uid)) this.orphanSince.delete(uid);
  }

  private async forceDelete(p: Pod): Promise<void> {
    const base = `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`;
    try {
      if (p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') {
        const conditions = [...(p.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: nowTime() }];
        await this.ctx.client.update(`${base}/status`, { ...p, status: { ...p.status, phase: 'Failed', conditions } }).catch(() => undefined);
      }
      await this.ctx.client.delete(base, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } });
      this.ctx.log.info('gc_controller.go:350', `"Forced deletion of orphaned Pod succeeded" pod="${p.metadata.namespace}/${p.metadata.name}"`);
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) this.ctx.log.error('gc_controller.go:360', `failed to delete orphaned pod ${p.metadata.namespace}/${p.metadata.name}: ${errText(e)}`);
    }
  }
}
