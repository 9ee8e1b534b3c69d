// The scheduling loop: pods and nodes cached by list+watch; each pending pod (no nodeName, not
// being deleted, schedulerName default-scheduler) goes to the fitting node with the fewest pods
// (kube-scheduler's spreading scores, reduced to pod count), bound through pods/binding. A pod
// that fits nowhere gets PodScheduled=False/Unschedulable with the scheduler's message.
import { ApiError } from '../common/client.js';
import { parseVersion } from '../common/versions.js';
import type { ComponentContext } from '../controller-manager/component.js';
import { Debouncer, Informer } from '../controller-manager/informer.js';
import { condition, isTerminal, unfitReason, unschedulableMessage, type Node, type Pod } from './predicates.js';

/** Picks the node for a pod: fewest non-terminated pods, then name order. Null plus reasons when none fits. */
export function pickNode(pod: Pod, nodes: readonly Node[], podsPerNode: ReadonlyMap<string, number>, modern: boolean): { node: string | null; reasons: string[] } {
  const reasons: string[] = [];
  let best: { name: string; load: number } | null = null;
  for (const n of [...nodes].sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))) {
    const why = unfitReason(pod, n, modern);
    if (why) {
      reasons.push(why);
      continue;
    }
    const load = podsPerNode.get(String(n.metadata.name)) ?? 0;
    if (!best || load < best.load) best = { name: String(n.metadata.name), load };
  }
  return { node: best?.name ?? null, reasons };
}

function isPending(p: Pod): boolean {
  return !p.spec.nodeName && !p.metadata.deletionTimestamp && !isTerminal(p) && (p.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler';
}

export async function runScheduler(ctx: ComponentContext): Promise<void> {
  const { client, log } = ctx;
  const sv = parseVersion(ctx.version);
  const modern = !sv || sv.minor >= 20 || sv.major > 1;
  const pods = new Informer<Pod>(client, '/api/v1/pods', () => deb.poke(), (m) => log.error('reflector.go:138', m));
  const nodes = new Informer<Node>(client, '/api/v1/nodes', () => deb.poke(), (m) => log.error('reflector.go:138', m));
  /** pods we bound whose watch event has not arrived yet: uid → node */
  const assumed = new Map<string, string>();

  const schedule = async (): Promise<void> => {
    if (ctx.signal.aborted || !pods.hasSynced() || !nodes.hasSynced()) return;
    const load = new Map<string, number>();
    // a pod deleted before its bound state reached us is no longer assumed anywhere
    const present = new Set(pods.list().map((p) => String(p.metadata.uid)));
    for (const uid of [...assumed.keys()]) if (!present.has(uid)) assumed.delete(uid);
    for (const p of pods.list()) {
      const node = p.spec.nodeName ?? assumed.get(String(p.metadata.uid));
      if (p.spec.nodeName) assumed.delete(String(p.metadata.uid));
      if (node && !isTerminal(p)) load.set(node, (load.get(node) ?? 0) + 1);
    }
    const pending = pods
      .list()
      .filter((p) => isPending(p) && !assumed.has(String(p.metadata.uid)))
      .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
    const nodeList = nodes.list();
    for (const pod of pending) {
      if (ctx.signal.aborted) return;
      const { node, reasons } = pickNode(pod, nodeList, load, modern);
      const ns = String(pod.metadata.namespace);
      const name = String(pod.metadata.name);
      if (!node) {
        await markUnschedulable(pod, unschedulableMessage(nodeList.length, reasons, modern));
        continue;
      }
      try {
        await client.create(`/api/v1/namespaces/${ns}/pods/${name}/binding`, {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace: ns, uid: pod.metadata.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: node },
        });
        assumed.set(String(pod.metadata.uid), node);
        load.set(node, (load.get(node) ?? 0) + 1);
        log.info('schedule_one.go:286', `"Successfully bound pod to node" pod="${ns}/${name}" node="${node}" evaluatedNodes=${nodeList.length} feasibleNodes=${nodeList.length - reasons.length}`);
      } catch (e) {
        // 409: already bound (by us before a restart, or someone else); the watch brings the truth
        if (!(e instanceof ApiError && e.code === 409)) log.error('schedule_one.go:900', `"Error scheduling pod; retrying" err="${e instanceof Error ? e.message : String(e)}" pod="${ns}/${name}"`);
      }
    }
  };

  const markUnschedulable = async (pod: Pod, message: string): Promise<void> => {
    const c = condition(pod, 'PodScheduled');
    if (c?.status === 'False' && c.message === message) return; // no write when nothing changed
    const conditions = (pod.status?.conditions ?? []).filter((x) => x.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
    try {
      await client.update(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { ...pod, status: { ...pod.status, phase: pod.status?.phase ?? 'Pending', conditions } });
      log.info('schedule_one.go:1000', `"Unable to schedule pod; no fit; waiting" pod="${pod.metadata.namespace}/${pod.metadata.name}" err="${message}"`);
    } catch {
      // a conflict means the pod changed; the next pass sees the new one
    }
  };

  const deb = new Debouncer(async () => {
    try {
      await schedule();
    } catch (e) {
      log.error('scheduler.go:500', `schedule pass failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, 100, 10000);
  const runs = [pods.run(), nodes.run()];
  await new Promise<void>((r) => (ctx.signal.aborted ? r() : ctx.signal.addEventListener('abort', () => r(), { once: true })));
  deb.stop();
  pods.stop();
  nodes.stop();
  await Promise.all(runs);
}
