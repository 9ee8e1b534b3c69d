// The controller-manager double's decisions, checked on objects as the API returns them: PDB
// status numbers (ANCHORS §4.3), node taints for each Ready state, taint-eviction times, daemon
// pod eligibility, the pod-template-hash format.
import { expect } from 'chai';
import { shouldContinueRunningOn, shouldRunOn } from '../../../lib/lab/kube/controller-manager/daemonset.js';
import { computePdbStatus, type ScaleLookup } from '../../../lib/lab/kube/controller-manager/disruption.js';
import { desiredTaints, evictionTime } from '../../../lib/lab/kube/controller-manager/nodelifecycle.js';
import { templateHash, type DaemonSet, type Deployment, type Node, type Pod, type PodDisruptionBudget, type ReplicaSet } from '../../../lib/lab/kube/controller-manager/types.js';

const ready = (s: string) => ({ type: 'Ready', status: s });

function pod(name: string, opts: { ready?: boolean; rs?: string; deleting?: boolean; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: opts.labels ?? { app: 'web' },
      ...(opts.rs ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.rs, uid: `uid-${opts.rs}`, controller: true }] } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running', conditions: [ready(opts.ready === false ? 'False' : 'True')] },
  };
}

const deploy: Deployment = { metadata: { name: 'web', namespace: 'default', uid: 'uid-web' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: {} } } };
const rs: ReplicaSet = {
  metadata: { name: 'web-abc', namespace: 'default', uid: 'uid-web-abc', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }] },
  spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: {} } },
};
const lookup: ScaleLookup = {
  replicaSet: (_ns, uid) => (uid === rs.metadata.uid ? rs : undefined),
  deployment: (_ns, uid) => (uid === deploy.metadata.uid ? deploy : undefined),
};

function pdb(spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget {
  return { metadata: { name: 'web-pdb', namespace: 'default', generation: 3 }, spec, ...(status ? { status } : {}) };
}

describe('controller-manager double: disruption controller (PDB status)', () => {
  const fourPods = [pod('a', { rs: 'web-abc' }), pod('b', { rs: 'web-abc' }), pod('c', { rs: 'web-abc' }), pod('d', { rs: 'web-abc', ready: false })];

  it('maxUnavailable: expectedPods is the Deployment scale, desiredHealthy = expected - max, allowed = healthy - desired', () => {
    const st = computePdbStatus(pdb({ selector: { matchLabels: { app: 'web' } }, maxUnavailable: 1 }), fourPods, lookup, true);
    expect(st).to.include({ expectedPods: 4, desiredHealthy: 3, currentHealthy: 3, disruptionsAllowed: 0, observedGeneration: 3 });
    expect(st.conditions?.map((c) => [c.type, c.status, c.reason])).to.deep.equal([['DisruptionAllowed', 'False', 'InsufficientPods']]);
  });

  it('maxUnavailable as a percentage rounds up (25% of 4 → 1, 30% of 4 → 2)', () => {
    expect(computePdbStatus(pdb({ selector: { matchLabels: { app: 'web' } }, maxUnavailable: '25%' }), fourPods, lookup, true).desiredHealthy).to.equal(3);
    const st = computePdbStatus(pdb({ selector: { matchLabels: { app: 'web' } }, maxUnavailable: '30%' }), fourPods, lookup, true);
    expect(st).to.include({ desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(st.conditions?.[0]).to.include({ status: 'True', reason: 'SufficientPods' });
  });

  it('minAvailable integer: expectedPods counts the selected pods; deleting and recently disrupted pods are not healthy', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const pods = [pod('a'), pod('b'), pod('c', { deleting: true }), pod('d'), pod('other', { labels: { app: 'db' } })];
    const st = computePdbStatus(pdb({ selector: { matchLabels: { app: 'web' } }, minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptedPods: { d: '2026-06-01T11:59:30Z', gone: '2026-06-01T11:59:30Z' } }), pods, lookup, true, now);
    expect(st).to.include({ expectedPods: 4, desiredHealthy: 1, currentHealthy: 2, disruptionsAllowed: 1 });
    // the entry of a pod that no longer exists is dropped; d's stays (younger than 2 min)
    expect(st.disruptedPods).to.deep.equal({ d: '2026-06-01T11:59:30Z' });
    const later = computePdbStatus(pdb({ selector: { matchLabels: { app: 'web' } }, minAvailable: 1 }, st), pods, lookup, true, now + 121000);
    expect(later).to.include({ currentHealthy: 3, disruptionsAllowed: 2 });
    expect(later.disruptedPods).to.equal(undefined);
  });

  it('a pod whose controller cannot be found fails safe: no disruptions, SyncFailed', () => {
    const st = computePdbStatus(pdb({ selector: { matchLabels: { app: 'web' } }, maxUnavailable: 1 }), [pod('x', { rs: 'missing' })], lookup, true);
    expect(st.disruptionsAllowed).to.equal(0);
    expect(st.conditions?.[0]).to.include({ status: 'False', reason: 'SyncFailed' });
  });

  it('policy/v1beta1 (old releases): an empty selector selects nothing and there are no conditions', () => {
    const st = computePdbStatus(pdb({ selector: {}, minAvailable: 1 }), fourPods, lookup, false);
    expect(st).to.include({ expectedPods: 0, currentHealthy: 0, disruptionsAllowed: 0 });
    expect(st.conditions).to.equal(undefined);
    expect(computePdbStatus(pdb({ selector: {}, minAvailable: 1 }), fourPods, lookup, true).currentHealthy).to.equal(3);
  });
});

function node(name: string, readyStatus: string | undefined, spec: Node['spec'] = {}, labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels }, spec, status: { conditions: readyStatus ? [ready(readyStatus)] : [] } };
}

describe('controller-manager double: node lifecycle taints and taint eviction', () => {
  const keys = (n: Node, allDown = false) => desiredTaints(n, allDown).map((t) => `${t.key}:${t.effect}`);

  it('Ready=Unknown → unreachable NoSchedule + NoExecute; Ready=False → not-ready; Ready=True → none; other taints kept', () => {
    const master = { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' };
    expect(keys(node('n', 'Unknown', { taints: [master] }))).to.deep.equal(['node-role.kubernetes.io/master:NoSchedule', 'node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(keys(node('n', 'False'))).to.deep.equal(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    expect(keys(node('n', 'True', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }))).to.deep.equal([]);
    expect(keys(node('n', 'True', { unschedulable: true }))).to.deep.equal(['node.kubernetes.io/unschedulable:NoSchedule']);
  });

  it('NoExecute taints get timeAdded, kept across passes; none when every node is down', () => {
    const first = desiredTaints(node('n', 'Unknown'), false).find((t) => t.effect === 'NoExecute')!;
    expect(first.timeAdded).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = desiredTaints(node('n', 'Unknown', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2020-01-01T00:00:00Z' }] }), false);
    expect(again.find((t) => t.effect === 'NoExecute')!.timeAdded).to.equal('2020-01-01T00:00:00Z');
    expect(keys(node('n', 'Unknown'), true)).to.deep.equal(['node.kubernetes.io/unreachable:NoSchedule']);
  });

  it('eviction time: untolerated → now, default 300 s for not-ready/unreachable, the smallest tolerationSeconds, never without seconds', () => {
    const added = '2026-06-01T12:00:00Z';
    const t0 = Date.parse(added);
    const unreachable = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: added }];
    const p = (tolerations: Pod['spec']['tolerations']): Pod => ({ metadata: { name: 'p' }, spec: { tolerations } });
    expect(evictionTime(p(undefined), unreachable)).to.equal(t0 + 300000);
    expect(evictionTime(p([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Exists', tolerationSeconds: 60 }]), unreachable)).to.equal(t0 + 30000);
    expect(evictionTime(p([{ operator: 'Exists' }]), unreachable)).to.equal(null);
    const before = Date.now();
    expect(evictionTime(p(undefined), [{ key: 'dedicated', value: 'x', effect: 'NoExecute' }])).to.be.at.least(before);
  });
});

describe('controller-manager double: daemonset eligibility', () => {
  const ds = (tolerations?: Pod['spec']['tolerations'], nodeSelector?: Record<string, string>): DaemonSet => ({
    metadata: { name: 'proxy', namespace: 'kube-system' },
    spec: { selector: { matchLabels: { k: 'proxy' } }, template: { spec: { tolerations, nodeSelector } } },
  });

  it('a daemon pod tolerates cordon and NotReady NoExecute but not a master NoSchedule taint unless the template does', () => {
    expect(shouldRunOn(ds(), node('w', 'True', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }))).to.equal(true);
    const master = node('m', 'True', { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] });
    expect(shouldRunOn(ds(), master)).to.equal(false);
    expect(shouldRunOn(ds([{ operator: 'Exists' }]), master)).to.equal(true);
    expect(shouldRunOn(ds(undefined, { role: 'edge' }), node('w', 'True', {}, { role: 'core' }))).to.equal(false);
  });

  it('a running daemon pod stays on a node that went NotReady (NoSchedule not-ready taint), leaves on a NoExecute it does not tolerate', () => {
    const notReady = node('w', 'False', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] });
    expect(shouldRunOn(ds(), notReady)).to.equal(false);
    expect(shouldContinueRunningOn(ds(), notReady)).to.equal(true);
    expect(shouldContinueRunningOn(ds(), node('w', 'True', { taints: [{ key: 'dedicated', effect: 'NoExecute' }] }))).to.equal(false);
  });
});

describe('controller-manager double: pod-template-hash', () => {
  it('is SafeEncodeString over a 32-bit FNV: only the safe alphabet, stable, changes with the template and collisionCount', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
    const h = templateHash(t);
    expect(h).to.match(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(templateHash(JSON.parse(JSON.stringify(t)))).to.equal(h);
    expect(templateHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).to.not.equal(h);
    expect(templateHash(t, 1)).to.not.equal(h);
  });
});
