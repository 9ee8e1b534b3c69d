// The disruption controller: PodDisruptionBudget status as pkg/controller/disruption computes it
// (ANCHORS §4.3): expectedPods and desiredHealthy from minAvailable/maxUnavailable (percentages
// round up; controller scales through Deployment/ReplicaSet ownerRefs), currentHealthy from Ready
// pods that are not being deleted and not recently disrupted (2 min), disruptionsAllowed, and the
// DisruptionAllowed condition (policy/v1 releases). Unknown controllers make it fail safe.
import { errText, type ControllerContext } from './context.js';
import { setCondition, writeStatus } from './replicaset.js';
import { isPodReady } from '../scheduler/predicates.js';
import { controllerRef, selectorMatches, type Deployment, type Pod, type PodDisruptionBudget, type PdbStatus, type ReplicaSet } from './types.js';

const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface ScaleLookup {
  replicaSet(ns: string, uid: string): ReplicaSet | undefined;
  deployment(ns: string, uid: string): Deployment | undefined;
}

/** intstr.GetScaledValueFromIntOrPercent; throws on a malformed percentage. */
function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** Sum of the scales of the selected pods' controllers (each counted once). */
function controllerScale(pods: readonly Pod[], lookup: ScaleLookup): number {
  const seen = new Map<string, number>();
  for (const p of pods) {
    const ref = controllerRef(p);
    if (!ref) continue; // UnmanagedPods: not in the sum
    const ns = String(p.metadata.namespace);
    if (ref.kind === 'ReplicaSet') {
      const rs = lookup.replicaSet(ns, ref.uid);
      if (!rs) throw new Error(`found no controllers for pod "${p.metadata.name}"`);
      const dref = controllerRef(rs);
      if (dref?.kind === 'Deployment') {
        const d = lookup.deployment(ns, dref.uid);
        if (!d) throw new Error(`found no controllers for pod "${p.metadata.name}"`);
        seen.set(dref.uid, d.spec.replicas ?? 1);
      } else seen.set(ref.uid, rs.spec.replicas ?? 1);
    } else {
      // StatefulSet, ReplicationController or a custom scalable kind: not kept by this double
      throw new Error(`found no controllers for pod "${p.metadata.name}"`);
    }
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

/** The status the disruption controller writes for `pdb` given every pod of the namespace. */
export function computePdbStatus(pdb: PodDisruptionBudget, nsPods: readonly Pod[], lookup: ScaleLookup, policyV1: boolean, now = Date.now()): PdbStatus {
  const pods = nsPods.filter((p) => selectorMatches(pdb.spec.selector, p.metadata.labels, policyV1));
  const generation = pdb.metadata.generation ?? 1;
  try {
    let expectedPods = 0;
    let desiredHealthy = 0;
    const { maxUnavailable, minAvailable } = pdb.spec;
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      expectedPods = controllerScale(pods, lookup);
      desiredHealthy = Math.max(0, expectedPods - scaled(maxUnavailable, expectedPods, true));
    } else if (minAvailable !== undefined && minAvailable !== null) {
      if (typeof minAvailable === 'number' || /^\d+$/.test(minAvailable)) {
        expectedPods = pods.length;
        desiredHealthy = Number(minAvailable);
      } else {
        expectedPods = controllerScale(pods, lookup);
        desiredHealthy = scaled(minAvailable, expectedPods, true);
      }
    }
    const disrupted: Record<string, string> = {};
    for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === name);
      if (pod && !pod.metadata.deletionTimestamp && Date.parse(at) + DELETION_TIMEOUT_MS > now) disrupted[name] = at;
    }
    const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && !disrupted[String(p.metadata.name)] && isPodReady(p)).length;
    const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
    const status: PdbStatus = {
      observedGeneration: generation,
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    };
    if (policyV1) {
      status.conditions = setCondition(pdb.status?.conditions, disruptionsAllowed > 0
        ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }
        : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' });
      status.conditions.forEach((c) => ((c as { observedGeneration?: number }).observedGeneration = generation));
    }
    return status;
  } catch (e) {
    // failSafe: no disruptions until the controller can compute the budget again
    const status: PdbStatus = {
      observedGeneration: generation,
      disruptionsAllowed: 0,
      currentHealthy: pdb.status?.currentHealthy ?? 0,
      desiredHealthy: pdb.status?.desiredHealthy ?? 0,
      expectedPods: pdb.status?.expectedPods ?? 0,
    };
    if (policyV1) status.conditions = setCondition(pdb.status?.conditions, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: errText(e) });
    return status;
  }
}

export async function syncDisruptionBudgets(ctx: ControllerContext): Promise<void> {
  const policyV1 = ctx.policyVersion === 'policy/v1';
  const rsCache = ctx.caches.replicasets;
  const dCache = ctx.caches.deployments;
  const lookup: ScaleLookup = {
    replicaSet: (ns, uid) => rsCache.list().find((r) => r.metadata.namespace === ns && r.metadata.uid === uid),
    deployment: (ns, uid) => dCache.list().find((d) => d.metadata.namespace === ns && d.metadata.uid === uid),
  };
  const pods = ctx.caches.pods.list();
  for (const pdb of ctx.caches.pdbs.list()) {
    const ns = String(pdb.metadata.namespace);
    const status = computePdbStatus(pdb, pods.filter((p) => p.metadata.namespace === ns), lookup, policyV1);
    await writeStatus(ctx, `/apis/${ctx.policyVersion}/namespaces/${ns}/poddisruptionbudgets/${pdb.metadata.name}`, pdb, status as unknown as Record<string, unknown>);
  }
}
