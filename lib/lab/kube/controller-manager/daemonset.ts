// The DaemonSet controller: one pod per eligible node, created with spec.nodeName set (no
// scheduler involved) and the tolerations the real controller adds to every daemon pod. A node is
// eligible when the template's nodeSelector/required node affinity match it and every NoSchedule
// and NoExecute taint is tolerated. Pods on nodes that are gone or no longer match are deleted;
// a changed template replaces pods one node at a time (RollingUpdate, maxUnavailable 1).
import { ApiError } from '../common/client.js';
import { errText, type ControllerContext } from './context.js';
import { activePods, podFromTemplate, writeStatus } from './replicaset.js';
import { isPodReady, matchesNodeAffinity, untoleratedTaint } from '../scheduler/predicates.js';
import { templateHash, type DaemonSet, type Node, type Pod, type Toleration } from './types.js';

const REVISION = 'controller-revision-hash';

/** util.AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates. */
export function daemonTolerations(existing: readonly Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(existing ?? [])];
  for (const t of add) if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  return out;
}

export function shouldRunOn(ds: DaemonSet, node: Node): boolean {
  const spec = ds.spec.template.spec;
  if (!matchesNodeAffinity(spec, node)) return false;
  return !untoleratedTaint(node.spec?.taints ?? [], daemonTolerations(spec.tolerations, Boolean(spec['hostNetwork'])));
}

/** A pod already there stays unless the node stopped matching or has a NoExecute taint it does not tolerate. */
export function shouldContinueRunningOn(ds: DaemonSet, node: Node): boolean {
  const spec = ds.spec.template.spec;
  if (!matchesNodeAffinity(spec, node)) return false;
  const noExecute = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
  return !untoleratedTaint(noExecute, daemonTolerations(spec.tolerations, Boolean(spec['hostNetwork'])));
}

export async function syncDaemonSets(ctx: ControllerContext): Promise<void> {
  const nodes = ctx.caches.nodes.list();
  for (const ds of ctx.caches.daemonsets.list()) {
    if (ds.metadata.deletionTimestamp) continue;
    const ns = String(ds.metadata.namespace);
    const uid = String(ds.metadata.uid);
    if (!ctx.expectations.satisfied(uid, ctx.caches.pods, ns)) continue;
    const hash = templateHash(ds.spec.template);
    const pods = activePods(ctx, uid);
    const byNode = new Map<string, Pod[]>();
    for (const p of pods) byNode.set(String(p.spec.nodeName ?? ''), [...(byNode.get(String(p.spec.nodeName ?? '')) ?? []), p]);
    const eligible = nodes.filter((n) => shouldRunOn(ds, n));
    const eligibleNames = new Set(eligible.map((n) => String(n.metadata.name)));
    const keep = new Set(nodes.filter((n) => shouldContinueRunningOn(ds, n)).map((n) => String(n.metadata.name)));
    const doomed: Pod[] = [];
    const create: string[] = [];
    for (const n of eligible) {
      const here = byNode.get(String(n.metadata.name)) ?? [];
      if (!here.length) create.push(String(n.metadata.name));
      // more than one daemon pod on a node: keep the oldest
      doomed.push(...[...here].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))).slice(1));
    }
    for (const [node, here] of byNode) if (!eligibleNames.has(node) && !keep.has(node)) doomed.push(...here);
    // RollingUpdate with maxUnavailable 1: replace one outdated pod while all the others are ready
    const strategy = (ds.spec['updateStrategy'] as { type?: string } | undefined)?.type ?? 'RollingUpdate';
    const outdated = pods.filter((p) => eligibleNames.has(String(p.spec.nodeName)) && p.metadata.labels?.[REVISION] !== hash && !doomed.includes(p));
    const unavailable = eligible.length - pods.filter((p) => eligibleNames.has(String(p.spec.nodeName)) && isPodReady(p)).length;
    if (strategy === 'RollingUpdate' && outdated.length && unavailable === 0 && !create.length) doomed.push(outdated[0]!);
    for (const node of create) {
      const pod = podFromTemplate(ds, 'apps/v1', 'DaemonSet', ds.spec.template, {
        nodeName: node,
        tolerations: daemonTolerations(ds.spec.template.spec.tolerations, Boolean(ds.spec.template.spec['hostNetwork'])),
      });
      pod.metadata.labels = { ...pod.metadata.labels, [REVISION]: hash };
      try {
        const made = await ctx.client.create<Pod>(`/api/v1/namespaces/${ns}/pods`, pod);
        ctx.expectations.expectAdd(uid, String(made.metadata.name));
      } catch (e) {
        ctx.log.error('daemon_controller.go:1000', `"Failed creating pod" daemonset="${ns}/${ds.metadata.name}" node="${node}" err="${errText(e)}"`);
      }
    }
    for (const p of doomed) {
      try {
        await ctx.client.delete(`/api/v1/namespaces/${ns}/pods/${p.metadata.name}`);
        ctx.expectations.expectDel(uid, String(p.metadata.name));
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) ctx.log.error('daemon_controller.go:1050', `"Failed deleting pod" pod="${ns}/${p.metadata.name}" err="${errText(e)}"`);
      }
    }
    const scheduled = pods.filter((p) => eligibleNames.has(String(p.spec.nodeName)));
    const ready = scheduled.filter(isPodReady).length;
    await writeStatus(ctx, `/apis/apps/v1/namespaces/${ns}/daemonsets/${ds.metadata.name}`, ds, {
      currentNumberScheduled: new Set(scheduled.map((p) => p.spec.nodeName)).size,
      numberMisscheduled: pods.length - scheduled.length,
      desiredNumberScheduled: eligible.length,
      numberReady: ready,
      numberAvailable: ready,
      ...(eligible.length - ready > 0 ? { numberUnavailable: eligible.length - ready } : {}),
      updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.[REVISION] === hash).length,
      observedGeneration: ds.metadata.generation ?? 1,
    });
  }
}
