// The upgrade's pure decisions, without a cluster: the version path guard (FACTS §6.4, §7), the
// PodDisruptionBudget pre-check table, kubespray's drain command line, and the worker batches the
// plan shows.
import { expect } from 'chai';
import { judge, parseKubeVersion, versionPath, type GuardInput, type NodeState } from '../../roles/upgrade-preflight/version-path.js';
import { blockers, parsePodSelector, selects, table, type Pdb, type Pod } from '../../roles/upgrade-preflight/pdb.js';
import { drainCommand, durationSeconds } from '../../roles/upgrade-pre-upgrade/drain.js';
import { cutBatches, matchPattern, workerBatches, workerSerial } from '../../roles/upgrade-preflight/batches.js';

const v = (s: string) => parseKubeVersion(s)!;
const node = (name: string, kubeletVersion: string, ready = 'True'): NodeState => ({ name, kubeletVersion, ready, controlPlane: name.includes('master') });
const SEED: NodeState[] = [
  node('k1-master01', 'v1.16.3'), node('k1-master02', 'v1.16.3'), node('k1-master03', 'v1.16.3'),
  node('k1-node01', 'v1.16.3'), node('k1-node02', 'v1.16.3'),
];
const CP = ['k1-master01', 'k1-master02', 'k1-master03'];
const base = (over: Partial<GuardInput>): GuardInput => ({
  target: v('1.17.7'), apiServer: v('1.16.3'), nodes: SEED, inRun: SEED.map((n) => n.name), controlPlane: CP,
  available: ['1.18.5-00', '1.17.7-00', '1.16.3-00', '1.15.6-00'], maxKubeletSkew: 2, ...over,
});

describe('upgrade version path guard', () => {
  it('allows one minor: 1.16.3 → 1.17.7, and plans every node', () => {
    const r = judge(base({}));
    expect(r.problems).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(r.plan).to.include('k1-master01: v1.16.3 → v1.17.7 (control plane)').and.include('k1-node02: v1.16.3 → v1.17.7');
  });

  it('refuses 1.16.3 → 1.18.5 and names the path with the repository\'s latest patch of 1.17', () => {
    const r = judge(base({ target: v('1.18.5') }));
    expect(r.ok).to.equal(false);
    expect(r.path).to.deep.equal(['1.16.3', '1.17.7', '1.18.5']);
    expect(r.problems[0]).to.equal(
      'kube_version 1.18.5 is 2 minor versions ahead of the cluster (API server v1.16.3); kubeadm upgrades one minor version at a time. ' +
        'Take the path 1.16.3 → 1.17.7 → 1.18.5, one run per step (first -e kube_version=1.17.7)',
    );
  });

  it('names a minor the repository does not offer as 1.N.x', () => {
    expect(versionPath(v('1.14.3'), v('1.17.7'), ['1.15.6-00'])).to.deep.equal(['1.14.3', '1.15.6', '1.16.x', '1.17.7']);
  });

  it('refuses a target below the cluster', () => {
    const r = judge(base({ target: v('1.16.2') }));
    expect(r.problems[0]).to.contain('is below the cluster\'s version (API server v1.16.3)');
  });

  it('refuses workers before the control plane (a kubelet newer than the API server), naming the masters to do first', () => {
    const r = judge(base({ inRun: ['k1-node01'] }));
    expect(r.ok).to.equal(false);
    expect(r.problems).to.deep.equal([
      'node k1-node01 would get kubelet v1.17.7, newer than the API server (v1.16.3): the version skew policy forbids a kubelet newer than kube-apiserver. ' +
        'Upgrade the control plane first (--limit k1-master01,k1-master02,k1-master03)',
    ]);
  });

  it('allows a worker once the control plane is at the target (seed 004: --limit k1-node01 after the masters)', () => {
    const nodes = SEED.map((n) => (n.controlPlane ? { ...n, kubeletVersion: 'v1.17.7' } : n));
    expect(judge(base({ apiServer: v('1.17.7'), nodes, inRun: ['k1-node01'] })).problems).to.deep.equal([]);
  });

  it('refuses to move the control plane when a kubelet left out would fall outside the skew policy', () => {
    const nodes = SEED.map((n) => (n.controlPlane ? { ...n, kubeletVersion: 'v1.17.7' } : { ...n, kubeletVersion: 'v1.15.6' }));
    const r = judge(base({ target: v('1.18.5'), apiServer: v('1.17.7'), nodes, inRun: CP }));
    expect(r.problems).to.include(
      'node k1-node01 (kubelet v1.15.6, not in this run) would be 3 minor versions behind the API server v1.18.5; the version skew policy allows 2. Upgrade it first, or include it in the run',
    );
  });

  it('refuses a kubelet two minors behind the target in the run, and a master that is down', () => {
    const nodes = [node('k1-master01', 'v1.17.7'), node('k1-master02', 'v1.17.7', 'Unknown'), node('k1-node01', 'v1.15.6')];
    const r = judge(base({ target: v('1.17.7'), apiServer: v('1.17.7'), nodes, inRun: ['k1-master01', 'k1-master02', 'k1-node01'], controlPlane: ['k1-master01', 'k1-master02'] }));
    expect(r.problems).to.deep.equal([
      'control-plane node k1-master02 is not Ready (Ready=Unknown); bring it back first (kubelet, API server) or leave it out with --limit',
      'node k1-node01 runs kubelet v1.15.6, 2 minor versions behind kube_version 1.17.7; upgrade it one minor at a time: 1.15.6 → 1.16.3 → 1.17.7',
    ]);
  });

  it('refuses a Ready master whose own API server did not answer /healthz, naming it and what the probe got; one that answered passes', () => {
    const nodes = SEED.map((n) => (n.controlPlane ? { ...n, apiServer: n.name === 'k1-master03' ? 'https://10.0.0.3:6443: The connection to the server 10.0.0.3:6443 was refused' : 'ok' } : n));
    // (the workers' skew lines follow: with the control plane refused, the API server stays at 1.16.3)
    expect(judge(base({ nodes })).problems[0]).to.equal(
      'control-plane node k1-master03: its API server does not answer /healthz (https://10.0.0.3:6443: The connection to the server 10.0.0.3:6443 was refused); bring it back first (kubelet, static pods) or leave it out with --limit',
    );
    expect(judge(base({ nodes, inRun: ['k1-master01', 'k1-master02'] })).problems, 'left out with --limit').to.deep.equal([]);
    expect(judge(base({ nodes: SEED.map((n) => (n.controlPlane ? { ...n, apiServer: 'ok' } : n)) })).problems).to.deep.equal([]);
  });

  it('refuses a host of the run that is not a node of the cluster', () => {
    expect(judge(base({ inRun: ['k1-master01', 'k1-node09'] })).problems).to.include(
      'k1-node09 is in the run but not a node of the cluster (kubectl get nodes does not list it); add it with scale.ts or cluster.ts first, or leave it out with --limit',
    );
  });

  it('accepts kube_version with or without the v', () => {
    expect(parseKubeVersion('v1.17.7')).to.deep.equal(parseKubeVersion('1.17.7'));
    expect(parseKubeVersion('1.17')).to.equal(null);
  });
});

const pod = (name: string, nodeName: string, labels: Record<string, string>, extra: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { namespace: 'logging', name, labels, ...extra }, spec: { nodeName }, status: { phase: 'Running' },
});
const pdb = (name: string, allowed: number, sel: Pdb['spec']['selector'], spec: Partial<Pdb['spec']> = {}): Pdb => ({
  metadata: { namespace: 'logging', name }, spec: { selector: sel, ...spec }, status: { disruptionsAllowed: allowed },
});

describe('upgrade PodDisruptionBudget pre-check', () => {
  const pods = [
    pod('es-0', 'k1-node01', { app: 'es' }),
    pod('es-1', 'k1-node02', { app: 'es' }),
    pod('fluent-x', 'k1-node01', { app: 'es' }, { ownerReferences: [{ kind: 'DaemonSet', controller: true }] }),
    pod('kube-apiserver-k1-node01', 'k1-node01', { app: 'es' }, { annotations: { 'kubernetes.io/config.mirror': 'x' } }),
  ];
  it('lists, per node drained, the PDBs with no allowed disruption covering a pod drain would evict', () => {
    const rows = blockers(['k1-node01', 'k1-node03'], pods, [pdb('elasticsearch-k1-master-pdb', 0, { matchLabels: { app: 'es' } }, { maxUnavailable: 1 }), pdb('ok', 1, { matchLabels: { app: 'es' } })]);
    expect(rows.map((r) => [r.node, r.pdb.metadata.name, r.pods])).to.deep.equal([['k1-node01', 'elasticsearch-k1-master-pdb', ['es-0']]]);
    expect(table(rows)).to.equal(
      'NODE        NAMESPACE   NAME                          MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   PODS\n' +
        'k1-node01   logging     elasticsearch-k1-master-pdb   N/A             1                 0                     es-0',
    );
  });
  it('ignores other namespaces, selectors that do not match, and pods the pod selector leaves', () => {
    const other = { ...pdb('x', 0, { matchLabels: { app: 'es' } }), metadata: { namespace: 'default', name: 'x' } };
    expect(blockers(['k1-node01'], pods, [other, pdb('y', 0, { matchLabels: { app: 'db' } })])).to.deep.equal([]);
    expect(blockers(['k1-node01'], pods, [pdb('z', 0, { matchLabels: { app: 'es' } })], parsePodSelector('app!=es'))).to.deep.equal([]);
  });
  it('reads matchExpressions as the API server does', () => {
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['es', 'db'] }] }, { app: 'es' })).to.equal(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['es'] }] }, { app: 'es' })).to.equal(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { app: 'es' })).to.equal(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, { app: 'es' })).to.equal(false);
  });
});

describe('upgrade drain', () => {
  it('is kubespray\'s command line, flag for flag', () => {
    const kubectl = '/usr/local/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf';
    expect(drainCommand({ kubectl, node: 'k1-node01', grace_period: 300, timeout: '360s' })).to.equal(
      "/usr/local/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf drain --force --ignore-daemonsets --grace-period 300 --timeout 360s --delete-emptydir-data 'k1-node01'",
    );
    expect(drainCommand({ kubectl, node: 'n', grace_period: 300, timeout: '360s', pod_selector: 'app!=es', disable_eviction: true })).to.match(/ --delete-emptydir-data 'n' --pod-selector 'app!=es' --disable-eviction$/);
  });
  it('reads Go durations', () => {
    expect([durationSeconds('360s'), durationSeconds('6m0s'), durationSeconds('1h30m'), durationSeconds('0')]).to.deep.equal([360, 360, 5400, 0]);
  });
});

describe('upgrade worker batches (the plan)', () => {
  const groups = {
    all: ['m1', 'w1', 'w2', 'w3', 'a1', 'a2'],
    kube_control_plane: ['m1'],
    kube_node: ['w1', 'w2', 'w3', 'a1', 'a2'],
    web: ['w1', 'w2', 'w3'],
    app: ['a1', 'a2'],
  };
  it('follows serial: 20% by default, -e serial=1, and per-group sizes (kubespray #11395)', () => {
    const view = (serial?: unknown) => ({ groups, allVars: serial === undefined ? {} : { serial } });
    const hosts = groups.all;
    expect(workerBatches(view(), hosts)).to.deep.equal([['w1'], ['w2'], ['w3'], ['a1'], ['a2']]);
    expect(workerBatches(view('2'), hosts)).to.deep.equal([['w1', 'w2'], ['w3', 'a1'], ['a2']]);
    expect(workerBatches(view({ 'kube_node:&app': '100%', 'kube_node:&web': 1 }), hosts)).to.deep.equal([['a1', 'a2'], ['w1'], ['w2'], ['w3']]);
    expect(workerSerial({ serial: '30%' })).to.equal('30%');
    expect(matchPattern(groups, 'kube_node:!web')).to.deep.equal(['a1', 'a2']);
    expect(cutBatches(['a', 'b', 'c'], [1, '100%'], () => [])).to.deep.equal([['a'], ['b', 'c']]);
  });
});
