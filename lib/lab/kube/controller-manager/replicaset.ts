// The ReplicaSet and Deployment controllers. A Deployment owns one ReplicaSet per pod template,
// named `<deployment>-<pod-template-hash>`, the hash also added to its labels and selector; the
// new one is scaled to spec.replicas and the old ones to 0 once the new one is fully ready
// (Recreate: at once). A ReplicaSet keeps spec.replicas pods of its template, with a controller
// ownerReference, named by generateName; extra pods go unscheduled first, then not-ready, then newest.
import { ApiError, type KubeObject } from '../common/client.js';
import { errText, type ControllerContext } from './context.js';
import { isPodReady, isTerminal } from '../scheduler/predicates.js';
import { controllerRef, nowTime, ownerRefTo, stableJson, templateHash, type Condition, type Deployment, type Pod, type PodTemplate, type ReplicaSet } from './types.js';

const HASH = 'pod-template-hash';

export function activePods(ctx: ControllerContext, ownerUid: string): Pod[] {
  return ctx.caches.pods.list().filter((p) => controllerRef(p)?.uid === ownerUid && !p.metadata.deletionTimestamp && !isTerminal(p));
}

/** The pod a controller creates from its template. */
export function podFromTemplate(owner: KubeObject, apiVersion: string, kind: string, tmpl: PodTemplate, extraSpec: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: { ...(tmpl.metadata?.labels ?? {}) },
      ...(tmpl.metadata?.annotations ? { annotations: { ...tmpl.metadata.annotations } } : {}),
      ownerReferences: [ownerRefTo(owner, apiVersion, kind)],
    },
    spec: { ...tmpl.spec, ...extraSpec },
  };
}

/** Writes `status` through the status subresource when it differs from what the object has. */
export async function writeStatus(ctx: ControllerContext, path: string, obj: KubeObject & { status?: unknown }, status: Record<string, unknown>): Promise<void> {
  if (stableJson(withoutTimes(obj.status)) === stableJson(withoutTimes(status))) return;
  try {
    await ctx.client.update(`${path}/status`, { ...obj, status });
  } catch (e) {
    // a conflict: the object moved on; the next pass works from the new one
    if (!(e instanceof ApiError && (e.code === 409 || e.code === 404))) ctx.log.error('controller_utils.go:100', `failed to update status of ${path}: ${errText(e)}`);
  }
}

function withoutTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimes);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'lastUpdateTime' && k !== 'lastTransitionTime') out[k] = withoutTimes(x);
    return out;
  }
  return v;
}

/** A condition list with `c` set, keeping lastTransitionTime when the status did not change. */
export function setCondition(list: readonly Condition[] | undefined, c: Condition): Condition[] {
  const old = list?.find((x) => x.type === c.type);
  const now = nowTime();
  const merged: Condition = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
  if ('lastUpdateTime' in c || c.type === 'Available' || c.type === 'Progressing') (merged as Condition & { lastUpdateTime?: string }).lastUpdateTime = old && old.status === c.status && old.reason === c.reason ? (old as Condition & { lastUpdateTime?: string }).lastUpdateTime : now;
  return [...(list ?? []).filter((x) => x.type !== c.type), merged];
}

function rsPath(ns: string, name?: string): string {
  return `/apis/apps/v1/namespaces/${ns}/replicasets${name ? `/${name}` : ''}`;
}

export async function syncReplicaSets(ctx: ControllerContext): Promise<void> {
  for (const rs of ctx.caches.replicasets.list()) {
    if (rs.metadata.deletionTimestamp) continue;
    const ns = String(rs.metadata.namespace);
    const uid = String(rs.metadata.uid);
    if (!ctx.expectations.satisfied(uid, ctx.caches.pods, ns)) continue;
    const pods = activePods(ctx, uid);
    const want = rs.spec.replicas ?? 1;
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) {
        try {
          const made = await ctx.client.create<Pod>(`/api/v1/namespaces/${ns}/pods`, podFromTemplate(rs, 'apps/v1', 'ReplicaSet', rs.spec.template));
          ctx.expectations.expectAdd(uid, String(made.metadata.name));
        } catch (e) {
          ctx.log.error('replica_set.go:560', `"Failed creating pod" replicaSet="${ns}/${rs.metadata.name}" err="${errText(e)}"`);
          break;
        }
      }
    } else if (pods.length > want) {
      // controller.ActivePods ranking: unassigned < not ready < ready; newer before older
      const ranked = [...pods].sort((a, b) => rank(a) - rank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      for (const p of ranked.slice(0, pods.length - want)) {
        try {
          await ctx.client.delete(`/api/v1/namespaces/${ns}/pods/${p.metadata.name}`);
          ctx.expectations.expectDel(uid, String(p.metadata.name));
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) ctx.log.error('replica_set.go:620', `"Failed deleting pod" pod="${ns}/${p.metadata.name}" err="${errText(e)}"`);
        }
      }
    }
    const ready = pods.filter(isPodReady).length;
    const labelled = pods.filter((p) => Object.entries(rs.spec.template.metadata?.labels ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
    await writeStatus(ctx, rsPath(ns, String(rs.metadata.name)), rs, {
      replicas: pods.length,
      fullyLabeledReplicas: labelled,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    });
  }
}

function rank(p: Pod): number {
  if (!p.spec.nodeName) return 0;
  return isPodReady(p) ? 2 : 1;
}

/** The template a Deployment's ReplicaSet carries, without the hash label, for comparison. */
function bareTemplate(t: PodTemplate): unknown {
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[HASH];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
}

export async function syncDeployments(ctx: ControllerContext): Promise<void> {
  for (const d of ctx.caches.deployments.list()) {
    if (d.metadata.deletionTimestamp) continue;
    const ns = String(d.metadata.namespace);
    const name = String(d.metadata.name);
    const owned = ctx.caches.replicasets.list().filter((r) => controllerRef(r)?.uid === d.metadata.uid);
    const want = d.spec.replicas ?? 1;
    const tmplJson = stableJson(bareTemplate(d.spec.template));
    let current = owned.find((r) => stableJson(bareTemplate(r.spec.template)) === tmplJson);
    const revisions = owned.map((r) => Number(r.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
    const revision = String(Math.max(0, ...revisions) + (current ? 0 : 1));
    if (!current && !d.spec.paused) {
      const hash = templateHash(d.spec.template, d.status?.collisionCount ?? 0);
      const labels = { ...(d.spec.template.metadata?.labels ?? {}), [HASH]: hash };
      const rs: ReplicaSet = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels,
          annotations: { 'deployment.kubernetes.io/desired-replicas': String(want), 'deployment.kubernetes.io/max-replicas': String(want + 1), 'deployment.kubernetes.io/revision': revision },
          ownerReferences: [ownerRefTo(d, 'apps/v1', 'Deployment')],
        },
        spec: {
          replicas: want,
          selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [HASH]: hash } },
          template: { ...d.spec.template, metadata: { ...(d.spec.template.metadata ?? {}), labels } },
        },
      };
      try {
        current = await ctx.client.create<ReplicaSet>(rsPath(ns), rs);
        ctx.log.info('event.go:291', `"Event occurred" object="${ns}/${name}" kind="Deployment" apiVersion="apps/v1" type="Normal" reason="ScalingReplicaSet" message="Scaled up replica set ${rs.metadata.name} to ${want}"`);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 409)) ctx.log.error('deployment_controller.go:490', `"Failed to create new replica set" deployment="${ns}/${name}" err="${errText(e)}"`);
        continue;
      }
    }
    if (!current) continue;
    if ((current.spec.replicas ?? 1) !== want) await scale(ctx, current, want);
    const recreate = (d.spec['strategy'] as { type?: string } | undefined)?.type === 'Recreate';
    const newReady = Number(current.status?.['readyReplicas'] ?? 0);
    for (const old of owned) {
      if (old.metadata.uid === current.metadata.uid || (old.spec.replicas ?? 1) === 0) continue;
      if (recreate || newReady >= want) await scale(ctx, old, 0);
    }
    const all = [current, ...owned.filter((r) => r.metadata.uid !== current!.metadata.uid)];
    const sum = (k: string): number => all.reduce((n, r) => n + Number(r.status?.[k] ?? 0), 0);
    const available = sum('availableReplicas');
    const minAvailable = Math.max(0, want - 1);
    let conditions = setCondition(d.status?.conditions, available >= minAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    conditions = setCondition(conditions, newReady >= want && sum('replicas') === want
      ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current.metadata.name}" has successfully progressed.` }
      : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${current.metadata.name}" is progressing.` });
    await writeStatus(ctx, `/apis/apps/v1/namespaces/${ns}/deployments/${name}`, d, {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum('replicas'),
      updatedReplicas: Number(current.status?.['replicas'] ?? 0),
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      ...(want - available > 0 ? { unavailableReplicas: want - available } : {}),
      conditions: conditions.sort((a, b) => (a.type < b.type ? -1 : 1)),
      ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
    });
  }
}

async function scale(ctx: ControllerContext, rs: ReplicaSet, replicas: number): Promise<void> {
  const ns = String(rs.metadata.namespace);
  try {
    await ctx.client.update(rsPath(ns, String(rs.metadata.name)), {
      ...rs,
      metadata: { ...rs.metadata, annotations: { ...(rs.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(replicas) } },
      spec: { ...rs.spec, replicas },
    });
    const owner = controllerRef(rs)?.name ?? '';
    ctx.log.info('event.go:291', `"Event occurred" object="${ns}/${owner}" kind="Deployment" apiVersion="apps/v1" type="Normal" reason="ScalingReplicaSet" message="Scaled ${replicas > (rs.spec.replicas ?? 1) ? 'up' : 'down'} replica set ${rs.metadata.name} to ${replicas}"`);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) ctx.log.error('deployment_controller.go:600', `failed to scale ${ns}/${rs.metadata.name}: ${errText(e)}`);
  }
}
