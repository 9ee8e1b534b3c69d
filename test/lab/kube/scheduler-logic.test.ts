// The scheduler double's node choice and messages, and the flags both control-plane doubles
// accept per release (kubeadm's manifests at 1.14–1.18 and current releases) or refuse as the
// real programs do.
import { expect } from 'chai';
import { FlagError } from '../../../lib/lab/kube/common/flags.js';
import { leaderTimings, parseComponentFlags, parseGoDuration } from '../../../lib/lab/kube/controller-manager/component.js';
import { CONTROLLER_MANAGER_FLAGS } from '../../../lib/lab/kube/controller-manager/main.js';
import { SCHEDULER_FLAGS } from '../../../lib/lab/kube/scheduler/main.js';
import { unschedulableMessage, type Node, type Pod } from '../../../lib/lab/kube/scheduler/predicates.js';
import { pickNode } from '../../../lib/lab/kube/scheduler/scheduler.js';

function node(name: string, opts: { ready?: string; unschedulable?: boolean; taints?: NonNullable<Node['spec']>['taints']; labels?: Record<string, string> } = {}): Node {
  return {
    metadata: { name, labels: opts.labels ?? {} },
    spec: { unschedulable: opts.unschedulable, taints: opts.taints ?? [] },
    status: { conditions: [{ type: 'Ready', status: opts.ready ?? 'True' }] },
  };
}

const pod = (spec: Pod['spec'] = {}): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec });
const master = { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' };

describe('scheduler double: node choice', () => {
  it('skips NotReady, cordoned, tainted and non-matching nodes; picks the fitting node with the fewest pods', () => {
    const nodes = [node('a', { ready: 'False' }), node('b', { unschedulable: true }), node('c', { taints: [master] }), node('d', { labels: { disk: 'ssd' } }), node('e', { labels: { disk: 'ssd' } })];
    expect(pickNode(pod(), nodes, new Map([['d', 2], ['e', 1]]), true).node).to.equal('e');
    expect(pickNode(pod(), nodes, new Map([['d', 0], ['e', 1]]), true).node).to.equal('d');
    expect(pickNode(pod({ nodeSelector: { disk: 'hdd' } }), nodes, new Map(), true).node).to.equal(null);
  });

  it('a toleration opens a tainted node; Exists without key tolerates everything', () => {
    const nodes = [node('c', { taints: [master] })];
    expect(pickNode(pod(), nodes, new Map(), true).node).to.equal(null);
    expect(pickNode(pod({ tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }] }), nodes, new Map(), true).node).to.equal('c');
    expect(pickNode(pod({ tolerations: [{ operator: 'Exists' }] }), nodes, new Map(), true).node).to.equal('c');
    expect(pickNode(pod({ tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] }), nodes, new Map(), true).node).to.equal(null);
  });

  it('required node affinity: matchExpressions and matchFields metadata.name', () => {
    const nodes = [node('a', { labels: { zone: 'z1' } }), node('b', { labels: { zone: 'z2' } })];
    const aff = (term: object): Pod['spec'] => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } });
    expect(pickNode(pod(aff({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] })), nodes, new Map(), true).node).to.equal('b');
    expect(pickNode(pod(aff({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] })), nodes, new Map([['a', 9]]), true).node).to.equal('a');
  });

  it('the unschedulable message counts the reasons as kube-scheduler words them for the release', () => {
    const nodes = [node('a', { unschedulable: true }), node('b', { taints: [master] }), node('c', { taints: [master] })];
    const { reasons } = pickNode(pod(), nodes, new Map(), true);
    expect(unschedulableMessage(3, reasons, true)).to.equal(
      '0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had untolerated taint {node-role.kubernetes.io/master: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    const old = pickNode(pod(), nodes, new Map(), false).reasons;
    expect(unschedulableMessage(3, old, false)).to.equal("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had taints that the pod didn't tolerate.");
  });
});

// kubeadm v1.16's kube-scheduler and kube-controller-manager manifests (cmd/kubeadm/app/phases/controlplane/manifests.go)
const SCHED_116 = ['--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf', '--bind-address=127.0.0.1', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true', '--address=127.0.0.1'];
const KCM_116 = [
  '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf', '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf', '--bind-address=127.0.0.1',
  '--client-ca-file=/etc/kubernetes/pki/ca.crt', '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt', '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
  '--controllers=*,bootstrapsigner,tokencleaner', '--kubeconfig=/etc/kubernetes/controller-manager.conf', '--leader-elect=true', '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
  '--root-ca-file=/etc/kubernetes/pki/ca.crt', '--service-account-private-key-file=/etc/kubernetes/pki/sa.key', '--use-service-account-credentials=true', '--address=127.0.0.1',
  // kubespray's controllerManager extraArgs of that time
  '--node-monitor-grace-period=40s', '--node-monitor-period=5s', '--pod-eviction-timeout=5m0s', '--profiling=False'.replace('False', 'false'), '--terminated-pod-gc-threshold=12500',
  '--experimental-cluster-signing-duration=8760h',
];

describe('control-plane doubles: flags per release', () => {
  it("accept kubeadm's 1.16 manifests and kubespray's extra args", () => {
    const s = parseComponentFlags('kube-scheduler', SCHED_116, SCHEDULER_FLAGS, '1.16.3');
    expect(s.flags.get('bind-address')).to.equal('127.0.0.1');
    const k = parseComponentFlags('kube-controller-manager', KCM_116, CONTROLLER_MANAGER_FLAGS, '1.16.3');
    expect(k.flags.get('cluster-signing-key-file')).to.equal('/etc/kubernetes/pki/ca.key');
    expect(k.flags.get('use-service-account-credentials')).to.equal('true');
  });

  it('refuse flags the release no longer (or not yet) has with cobra\'s `unknown flag`', () => {
    const refused = (argv: string[], flags: typeof SCHEDULER_FLAGS, v: string): string => {
      try {
        parseComponentFlags('x', argv, flags, v);
      } catch (e) {
        expect(e).to.be.instanceOf(FlagError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refused(['--address=127.0.0.1'], SCHEDULER_FLAGS, '1.35.2')).to.equal('unknown flag: --address');
    expect(refused(['--port', '0'], CONTROLLER_MANAGER_FLAGS, '1.34.3')).to.equal('unknown flag: --port');
    expect(refused(['--pod-eviction-timeout=5m0s'], CONTROLLER_MANAGER_FLAGS, '1.36.4')).to.equal('unknown flag: --pod-eviction-timeout');
    expect(refused(['--logtostderr'], CONTROLLER_MANAGER_FLAGS, '1.36.4')).to.equal('unknown flag: --logtostderr');
    expect(refused(['--cluster-signing-duration=8760h'], CONTROLLER_MANAGER_FLAGS, '1.18.5')).to.equal('unknown flag: --cluster-signing-duration');
    expect(refused(['--cluster-signing-duration=8760h'], CONTROLLER_MANAGER_FLAGS, '1.36.4')).to.equal('accepted');
    expect(refused(['--no-such-flag=1'], SCHEDULER_FLAGS, '1.16.3')).to.equal('unknown flag: --no-such-flag');
    expect(refused(['--leader-elect=maybe'], SCHEDULER_FLAGS, '1.16.3')).to.match(/^invalid argument "maybe" for "--leader-elect" flag/);
  });

  it('leader election timings: defaults 15s/10s/2s, shorter through flags, client-go\'s ordering checks', () => {
    const t = (argv: string[]) => leaderTimings(parseComponentFlags('x', argv, SCHEDULER_FLAGS, '1.16.3'));
    expect(t([])).to.deep.equal({ leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000 });
    expect(t(['--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s'])).to.deep.equal({ leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 1000 });
    expect(() => t(['--leader-elect-lease-duration=10s'])).to.throw('leaseDuration must be greater than renewDeadline');
    expect(() => t(['--leader-elect-renew-deadline=2s'])).to.throw('renewDeadline must be greater than retryPeriod*JitterFactor');
    expect(() => t(['--leader-elect-lease-duration=15'])).to.throw('invalid argument "15" for "--leader-elect-lease-duration" flag: time: invalid duration "15"');
    expect(parseGoDuration('1m30s')).to.equal(90000);
    expect(parseGoDuration('8760h')).to.equal(8760 * 3600000);
    expect(parseGoDuration('1.5s')).to.equal(1500);
  });
});
