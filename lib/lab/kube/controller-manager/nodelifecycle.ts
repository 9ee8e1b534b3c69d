// The node lifecycle controller (ANCHORS §5.2): every --node-monitor-period it checks each node's
// last sign of life, seen on our own clock (the Ready condition's lastHeartbeatTime changing, or
// the node's Lease in kube-node-lease being renewed). After --node-monitor-grace-period without
// one (--node-startup-grace-period for a node that never posted Ready) the Ready, MemoryPressure,
// DiskPressure and PIDPressure conditions become Unknown/NodeStatusUnknown and the pods on the
// node get Ready=False. Taints follow the conditions on every pass: not-ready/unreachable
// NoSchedule and NoExecute, unschedulable for cordoned nodes. When every node is down (master
// disruption mode) no NoExecute taint is kept. The taint manager then deletes pods that do not
// tolerate a NoExecute taint (after tolerationSeconds; the 300 s default of the
// DefaultTolerationSeconds admission plugin when the pod carries none for these taints).
import { ApiError } from '../common/client.js';
import { errText, type ControllerContext } from './context.js';
import { condition, isNodeReady, tolerates } from '../scheduler/predicates.js';
import { nowTime, stableJson, type Condition, type Node, type Pod, type Taint } from './types.js';

export interface NodeLifecycleConfig {
  monitorPeriodMs: number;
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const STATUS_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const DEFAULT_TOLERATION_S = 300;

/** The taints a node should carry for its Ready condition and cordon (the rest of its taints kept). */
export function desiredTaints(node: Node, allDown: boolean): Taint[] {
  const managed = new Set([NOT_READY, UNREACHABLE, UNSCHEDULABLE]);
  const old = node.spec?.taints ?? [];
  const keep = old.filter((t) => !managed.has(t.key));
  const ready = condition(node, 'Ready')?.status;
  const want: Taint[] = [];
  const key = ready === 'False' ? NOT_READY : ready === 'Unknown' || ready === undefined ? UNREACHABLE : undefined;
  // a node that never posted Ready keeps the not-ready taint admission gave it
  const k = ready === undefined ? NOT_READY : key;
  if (k) {
    want.push({ key: k, effect: 'NoSchedule' });
    if (!allDown && ready !== undefined) want.push({ key: k, effect: 'NoExecute' });
  }
  if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE, effect: 'NoSchedule' });
  // keep timeAdded of taints already there
  const merged = want.map((t) => old.find((o) => o.key === t.key && o.effect === t.effect) ?? (t.effect === 'NoExecute' ? { ...t, timeAdded: nowTime() } : t));
  return [...keep, ...merged];
}

/** When (ms since epoch) the taint manager deletes `pod` on a node with these taints; null = never. */
export function evictionTime(pod: Pod, taints: readonly Taint[]): number | null {
  let at: number | null = null;
  for (const taint of taints.filter((t) => t.effect === 'NoExecute')) {
    const matching = (pod.spec.tolerations ?? []).filter((t) => tolerates(t, taint));
    let seconds: number | undefined;
    if (!matching.length) {
      if (taint.key !== NOT_READY && taint.key !== UNREACHABLE) return Date.now();
      seconds = DEFAULT_TOLERATION_S;
    } else {
      const bounded = matching.filter((t) => typeof t.tolerationSeconds === 'number').map((t) => Math.max(0, t.tolerationSeconds!));
      if (!bounded.length) continue; // no tolerationSeconds on any match: tolerated forever (getMinTolerationTime)
      seconds = Math.min(...bounded);
    }
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : Date.now();
    const t = added + seconds * 1000;
    at = at === null ? t : Math.min(at, t);
  }
  return at;
}

export class NodeLifecycle {
  /** per node: what we last saw and when (our clock) it last changed */
  private readonly probes = new Map<string, { heartbeat?: string; renew?: string; at: number }>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly cfg: NodeLifecycleConfig,
  ) {}

  /** One monitor pass. */
  async monitor(): Promise<void> {
    const { caches } = this.ctx;
    if (!caches.nodes.hasSynced() || !caches.nodeLeases.hasSynced() || !caches.pods.hasSynced()) return;
    const now = Date.now();
    const nodes = caches.nodes.list();
    for (const n of nodes) await this.checkHealth(n, now);
    await this.taintPass();
    for (const name of [...this.probes.keys()]) if (!caches.nodes.items.has(name)) this.probes.delete(name);
    await this.evictPods();
  }

  /**
   * The NoSchedule/NoExecute taints follow the conditions; run on every node change too (as
   * doNoScheduleTaintingPass is), so a node that posts Ready loses admission's not-ready taint at once.
   */
  async taintPass(): Promise<void> {
    const nodes = this.ctx.caches.nodes;
    if (!nodes.hasSynced()) return;
    const all = nodes.list();
    const allDown = all.length > 0 && all.every((n) => !isNodeReady(n));
    for (const n of all) await this.reconcileTaints(n, allDown);
  }

  private async checkHealth(node: Node, now: number): Promise<void> {
    const name = String(node.metadata.name);
    const ready = condition(node, 'Ready');
    const lease = this.ctx.caches.nodeLeases.items.get(`kube-node-lease/${name}`);
    const seen = { heartbeat: ready?.lastHeartbeatTime, renew: lease?.spec?.renewTime };
    const probe = this.probes.get(name);
    if (!probe) {
      // first sight: the node gets a full grace period from now, as the real controller does
      this.probes.set(name, { ...seen, at: now });
      return;
    }
    if (probe.heartbeat !== seen.heartbeat || (seen.renew && probe.renew !== seen.renew)) {
      this.probes.set(name, { ...seen, at: now });
      return;
    }
    const grace = ready ? this.cfg.gracePeriodMs : this.cfg.startupGracePeriodMs;
    if (now - probe.at <= grace) return;
    const stale = STATUS_CONDITIONS.filter((t) => condition(node, t)?.status !== 'Unknown');
    if (!stale.length) return;
    const stamp = nowTime();
    const conditions: Condition[] = (node.status?.conditions ?? []).map((c) =>
      STATUS_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
        ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp }
        : c,
    );
    for (const t of STATUS_CONDITIONS)
      if (!conditions.some((c) => c.type === t))
        conditions.push({ type: t, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: stamp, lastTransitionTime: stamp });
    try {
      const updated = await this.ctx.client.update<Node>(`/api/v1/nodes/${name}/status`, { ...node, status: { ...node.status, conditions } });
      this.ctx.caches.nodes.items.set(name, updated);
      this.probes.set(name, { heartbeat: condition(updated, 'Ready')?.lastHeartbeatTime, renew: seen.renew, at: probe.at });
      this.ctx.log.info('node_lifecycle_controller.go:1100', `"Node hasn't been updated" node="${name}" duration="${Math.round((now - probe.at) / 1000)}s" condition="Ready" currentCondition="${ready?.status ?? 'none'}"`);
      if (ready?.status === 'True') await this.markPodsNotReady(name);
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 409 || e.code === 404))) this.ctx.log.error('node_lifecycle_controller.go:1150', `failed to update node status of ${name}: ${errText(e)}`);
    }
  }

  private async markPodsNotReady(node: string): Promise<void> {
    for (const p of this.ctx.caches.pods.list().filter((x) => x.spec.nodeName === node)) {
      const ready = condition(p, 'Ready');
      if (!ready || ready.status === 'False') continue;
      const conditions = (p.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: nowTime() } : c));
      try {
        await this.ctx.client.update(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/status`, { ...p, status: { ...p.status, conditions } });
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 409 || e.code === 404))) this.ctx.log.error('controller_utils.go:150', `failed to mark pod ${p.metadata.namespace}/${p.metadata.name} NotReady: ${errText(e)}`);
      }
    }
    this.ctx.log.info('controller_utils.go:120', `"Recording status change event message for node" status="NodeNotReady" node="${node}"`);
  }

  private async reconcileTaints(node: Node, allDown: boolean): Promise<void> {
    const want = desiredTaints(node, allDown);
    const have = node.spec?.taints ?? [];
    const norm = (ts: readonly Taint[]): string => stableJson([...ts].map((t) => ({ key: t.key, effect: t.effect, value: t.value ?? '' })).sort((a, b) => (a.key + a.effect < b.key + b.effect ? -1 : 1)));
    if (norm(want) === norm(have)) return;
    try {
      await this.ctx.client.update(`/api/v1/nodes/${node.metadata.name}`, { ...node, spec: { ...node.spec, taints: want } });
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 409 || e.code === 404))) this.ctx.log.error('node_lifecycle_controller.go:800', `failed to update taints of ${node.metadata.name}: ${errText(e)}`);
    }
  }

  /** The taint manager: delete pods whose NoExecute toleration ran out (a graceful delete). */
  private async evictPods(): Promise<void> {
    const now = Date.now();
    for (const node of this.ctx.caches.nodes.list()) {
      const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
      if (!taints.length) continue;
      for (const p of this.ctx.caches.pods.list()) {
        if (p.spec.nodeName !== node.metadata.name || p.metadata.deletionTimestamp) continue;
        const at = evictionTime(p, taints);
        if (at === null || at > now) continue;
        try {
          await this.ctx.client.delete(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`);
          this.ctx.log.info('taint_eviction.go:110', `"Deleting pod" controller="taint-eviction-controller" pod="${p.metadata.namespace}/${p.metadata.name}"`);
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) this.ctx.log.error('taint_eviction.go:120', `failed to delete pod ${p.metadata.namespace}/${p.metadata.name}: ${errText(e)}`);
        }
      }
    }
  }
}
