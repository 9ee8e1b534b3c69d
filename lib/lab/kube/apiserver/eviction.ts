// POST pods/<name>/eviction: the PodDisruptionBudget rules of the real eviction REST handler
// (kubernetes pkg/registry/core/pod/storage/eviction.go, ANCHORS §4.2).
import type { KubeObject, Status } from '../common/client.js';
import { badRequest, StatusError, success, tooManyRequests } from './errors.js';
import { q, type DeleteOpts, type Registry } from './rest.js';
import { fromSelectorObject, matchLabels, type LabelSelectorObject } from './selectors.js';

type R = Record<string, unknown>;
const obj = (v: unknown): R => (v && typeof v === 'object' && !Array.isArray(v) ? (v as R) : {});

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  disruptedPods?: Record<string, string>;
  conditions?: R[];
}

const isReady = (pod: KubeObject): boolean =>
  Array.isArray(obj(pod['status'])['conditions']) && (obj(pod['status'])['conditions'] as R[]).some((c) => c['type'] === 'Ready' && c['status'] === 'True');

export async function evict(reg: Registry, ns: string, name: string, body: unknown, dryRunQuery: boolean): Promise<Status> {
  const ev = obj(body);
  const evName = obj(ev['metadata'])['name'];
  if (typeof evName === 'string' && evName !== '' && evName !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const podDef = reg.def('', 'pods');
  const pdbDef = reg.def('policy', 'poddisruptionbudgets');
  const rawOpts = obj(ev['deleteOptions']);
  const opts: DeleteOpts = {
    gracePeriodSeconds: typeof rawOpts['gracePeriodSeconds'] === 'number' ? rawOpts['gracePeriodSeconds'] : undefined,
    preconditions: rawOpts['preconditions'] as DeleteOpts['preconditions'],
    dryRun: dryRunQuery || (Array.isArray(rawOpts['dryRun']) && rawOpts['dryRun'].includes('All')),
  };
  const pod = (await reg.get(podDef, ns, name)).obj;
  const phase = obj(pod['status'])['phase'];
  const minorV = reg.version.major * 1000 + reg.version.minor;
  const done = async (): Promise<Status> => {
    // PodDisruptionConditions (GA in 1.31, on by default from 1.26): the pod learns why it goes
    if (minorV >= 1026 && !opts.dryRun) {
      await reg.storage.update(reg.key(podDef, ns, name), (cur) => {
        const st = obj(cur.obj['status']);
        const conds = Array.isArray(st['conditions']) ? (st['conditions'] as R[]) : [];
        if (st['phase'] === 'Succeeded' || st['phase'] === 'Failed' || conds.some((c) => c['type'] === 'DisruptionTarget' && c['status'] === 'True')) return null;
        const cond = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
        return { ...cur.obj, status: { ...st, conditions: [...conds.filter((c) => c['type'] !== 'DisruptionTarget'), cond] } };
      });
    }
    await reg.delete(podDef, ns, name, opts);
    return { ...success(), code: 201 };
  };
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) return done();

  const minor = minorV;
  const pdbs = (await reg.list(pdbDef, ns, {})).items.filter((p) => {
    const sel = obj(p['spec'])['selector'] as LabelSelectorObject | undefined;
    const empty = !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);
    // policy/v1 (1.21+): an empty selector selects every pod; before, it selected none
    if (empty) return minor >= 1021 && !!sel;
    return matchLabels(fromSelectorObject(sel), pod.metadata.labels);
  });
  if (pdbs.length > 1) {
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, reason: 'InternalError', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
  }
  if (pdbs.length === 0) return done();
  const pdb0 = pdbs[0]!;
  if (!isReady(pod)) {
    const policy = obj(pdb0['spec'])['unhealthyPodEvictionPolicy'];
    const st = obj(pdb0['status']) as PdbStatus;
    if (policy === 'AlwaysAllow') return done();
    if ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0) return done();
  }
  const pdbName = pdb0.metadata.name!;
  // decrement the budget; the write is a status update that compares revisions (retried on races)
  let blocked: StatusError | undefined;
  const updated = await reg.storage.update(reg.key(pdbDef, ns, pdbName), (cur) => {
    const p = cur.obj;
    const st = { ...obj(p['status']) } as PdbStatus;
    if ((st.observedGeneration ?? 0) < (p.metadata.generation ?? 0)) {
      blocked = tooManyRequests(VIOLATION, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdbName} is still being processed by the server.` }], 10);
      return null;
    }
    const allowed = st.disruptionsAllowed ?? 0;
    if (allowed < 0) {
      blocked = forbiddenPdb(pdbName, 'pdb disruptions allowed is negative');
      return null;
    }
    if (Object.keys(st.disruptedPods ?? {}).length > 2000) {
      blocked = forbiddenPdb(pdbName, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
      return null;
    }
    if (allowed === 0) {
      blocked = tooManyRequests(VIOLATION, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdbName} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently` }]);
      return null;
    }
    blocked = undefined;
    if (opts.dryRun) return null;
    st.disruptionsAllowed = allowed - 1;
    st.disruptedPods = { ...(st.disruptedPods ?? {}), [name]: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    if (st.disruptionsAllowed === 0) {
      const conds = (st.conditions ?? []).filter((c) => c['type'] !== 'DisruptionAllowed');
      const prev = (st.conditions ?? []).find((c) => c['type'] === 'DisruptionAllowed');
      conds.push({
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'InsufficientPods',
        message: '',
        observedGeneration: p.metadata.generation,
        lastTransitionTime: prev?.['status'] === 'False' ? prev['lastTransitionTime'] : new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      st.conditions = conds;
    }
    return { ...p, status: st };
  });
  if (!updated) throw notFoundPdb(reg, pdbName);
  if (blocked) throw blocked;
  return done();
}

function forbiddenPdb(name: string, why: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: 403,
    reason: 'Forbidden',
    message: `poddisruptionbudgets.policy "${name}" is forbidden: ${why}`,
    details: { name, group: 'policy', kind: 'poddisruptionbudgets' },
  });
}

function notFoundPdb(reg: Registry, name: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: 404,
    reason: 'NotFound',
    message: `poddisruptionbudgets.policy "${name}" not found`,
    details: { name, group: 'policy', kind: q(reg.def('policy', 'poddisruptionbudgets')).resource },
  });
}
