// kubectl drain against the apiserver double: evictions through the PDB rules (ANCHORS §4.2),
// the real kubectl's retry and timeout messages, --dry-run=server and --disable-eviction.
import { expect } from 'chai';
import { ApiError, type KubeObject, type Watch } from '../../../lib/lab/kube/common/client.js';
import { labSubnet } from '../../helpers/lab.js';
import { registerNode, useKube, type KubeFixture } from '../../helpers/kube.js';

type Pod = KubeObject & { spec: Record<string, unknown>; status?: Record<string, unknown> };

async function runningPod(fx: KubeFixture, name: string, node: string, extra: { labels?: Record<string, string>; owner?: { kind: string; name: string; uid: string; apiVersion: string }; emptyDir?: boolean } = {}): Promise<void> {
  await fx.client.create('/api/v1/namespaces/default/pods', {
    metadata: {
      name,
      labels: extra.labels,
      ...(extra.owner ? { ownerReferences: [{ ...extra.owner, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'c', image: 'nginx:1.25' }],
      ...(extra.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
    },
  });
  await fx.client.patch(`/api/v1/namespaces/default/pods/${name}/status`, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } }, 'strategic');
}

async function pdb(fx: KubeFixture, name: string, app: string, status: Record<string, unknown> | null): Promise<void> {
  await fx.client.create('/apis/policy/v1/namespaces/default/poddisruptionbudgets', { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } });
  // what the disruption controller writes once it observed the PDB
  if (status) await fx.client.patch(`/apis/policy/v1/namespaces/default/poddisruptionbudgets/${name}/status`, { status: { observedGeneration: 1, ...status } }, 'merge');
}

describe('kube-apiserver double: kubectl drain and evictions', function () {
  this.timeout(60000);
  const kube = useKube({ subnet: labSubnet(71) });
  let kubelet: Watch | undefined;

  before(async function () {
    const fx = kube();
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) await registerNode(fx, n);
    // a kubelet's part: pods marked for deletion are removed (grace 0) shortly after (n5's kubelet is down)
    kubelet = fx.client.watch<Pod>('/api/v1/pods', {}, (e) => {
      if (e.type !== 'DELETED' && e.object.metadata.deletionTimestamp && e.object.spec['nodeName'] !== 'n5') {
        setTimeout(() => void fx.client.delete(`/api/v1/namespaces/${e.object.metadata.namespace}/pods/${e.object.metadata.name}`, { gracePeriodSeconds: 0 }).catch(() => undefined), 300);
      }
    });
    kubelet.done.catch(() => undefined);
    const ds = await fx.client.create('/apis/apps/v1/namespaces/default/daemonsets', { metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } } } });
    const rs = await fx.client.create('/apis/apps/v1/namespaces/default/replicasets', { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } } });
    await runningPod(fx, 'agent-n1', 'n1', { labels: { app: 'agent' }, owner: { kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid!, apiVersion: 'apps/v1' } });
    await runningPod(fx, 'web-n1', 'n1', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, apiVersion: 'apps/v1' }, emptyDir: true });
    await runningPod(fx, 'bare-n1', 'n1');
    await runningPod(fx, 'db-n2', 'n2', { labels: { app: 'db' } });
    await pdb(fx, 'db', 'db', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
  });
  after(() => kubelet?.stop());

  it('drain --ignore-daemonsets --delete-emptydir-data --force evicts every pod but the DaemonSet one', async function () {
    const fx = kube();
    const r = await fx.kubectl(['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=5', '--timeout=30s']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('node/n1 cordoned');
    expect(r.stdout).to.include('evicting pod default/web-n1');
    expect(r.stdout).to.include('pod/web-n1 evicted');
    expect(r.stdout).to.include('pod/bare-n1 evicted');
    // kubectl 1.20 ends with `node/<n> evicted` (later releases print `drained`)
    expect(r.stdout, r.stdout).to.match(/\nnode\/n1 evicted\n$/);
    expect(r.stderr).to.include('ignoring DaemonSet-managed Pods: default/agent-n1');
    const ds = (await fx.kubectl(['get', 'ds'])).stdout.split('\n')[0];
    expect(ds).to.match(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    const rs = (await fx.kubectl(['get', 'rs'])).stdout.split('\n');
    expect(rs[0]).to.match(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    expect(rs[1]).to.match(/^web\s+1\s+0\s+0\s+\d+s$/);
    const left = await fx.client.list('/api/v1/pods', { fieldSelector: 'spec.nodeName=n1' });
    expect(left.items.map((p) => p.metadata.name)).to.deep.equal(['agent-n1']);
  });

  it('drain is refused before any eviction without --force/--delete-emptydir-data', async function () {
    const fx = kube();
    await runningPod(fx, 'bare-n3', 'n3');
    const r = await fx.kubectl(['drain', 'n3', '--timeout=10s']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('cannot delete Pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet (use --force to override): default/bare-n3');
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/bare-n3')).to.not.equal(null);
  });

  it('server-side dry run: cordon and evictions change nothing', async function () {
    const fx = kube();
    const c = await fx.kubectl(['cordon', 'n5', '--dry-run=server']);
    expect([c.code, c.stdout.trim()], c.stderr).to.deep.equal([0, 'node/n5 cordoned (server dry run)']);
    const n = await fx.client.get<KubeObject & { spec: Record<string, unknown> }>('/api/v1/nodes/n5');
    expect(n.spec['unschedulable']).to.equal(undefined);
    const ok = await fx.client.create<KubeObject & { status?: string }>('/api/v1/namespaces/default/pods/bare-n3/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'bare-n3' } }, { dryRun: 'All' });
    expect(ok.status).to.equal('Success');
    const p = await fx.client.get('/api/v1/namespaces/default/pods/bare-n3');
    expect(p.metadata.deletionTimestamp).to.equal(undefined);
    // kubectl 1.20's drain --dry-run=server refuses evictions client-side (kubernetes PR #100206:
    // "broken ... confirmed in v1.18.10 and v1.20.1"); it fails without evicting anything
    const r = await fx.kubectl(['drain', 'n3', '--force', '--dry-run=server', '--timeout=10s']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('error when evicting pods/"bare-n3" -n "default"');
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/bare-n3')).to.not.equal(null);
  });

  it('a PDB with no disruptions allowed blocks drain: kubectl retries every 5 s and fails at --timeout', async function () {
    const fx = kube();
    const started = Date.now();
    const r = await fx.kubectl(['drain', 'n2', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=7s']);
    expect(r.code).to.equal(1);
    expect(Date.now() - started).to.be.within(6500, 20000);
    expect(r.stderr).to.include(`error when evicting pods/"db-n2" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect(r.stderr).to.include('global timeout reached: 7s');
    expect(r.stderr).to.include('error: unable to drain node "n2"');
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/db-n2')).to.not.equal(null);
    const n = await fx.client.get<KubeObject & { spec: Record<string, unknown> }>('/api/v1/nodes/n2');
    expect(n.spec['unschedulable']).to.equal(true); // kubectl never uncordons
  });

  it('the eviction 429 carries the DisruptionBudget cause; an unobserved PDB is "still being processed"', async function () {
    const fx = kube();
    const e = await fx.client.create('/api/v1/namespaces/default/pods/db-n2/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'db-n2', namespace: 'default' } }).catch((x: ApiError) => x);
    expect((e as ApiError).code).to.equal(429);
    expect((e as ApiError).status.details?.causes).to.deep.equal([{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 1 healthy pods and has 1 currently' }]);
    await runningPod(fx, 'cache-n4', 'n4', { labels: { app: 'cache' } });
    await pdb(fx, 'cache', 'cache', null);
    const e2 = await fx.client.create('/api/v1/namespaces/default/pods/cache-n4/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'cache-n4' } }).catch((x: ApiError) => x);
    expect((e2 as ApiError).code).to.equal(429);
    expect((e2 as ApiError).message).to.equal("Cannot evict pod as it would violate the pod's disruption budget.");
    expect((e2 as ApiError).status.details?.causes?.[0]?.message).to.equal('The disruption budget cache is still being processed by the server.');
  });

  it('an allowed eviction decrements disruptionsAllowed and records the pod; the next one is refused', async function () {
    const fx = kube();
    await runningPod(fx, 'q1', 'n5', { labels: { app: 'queue' } });
    await runningPod(fx, 'q2', 'n5', { labels: { app: 'queue' } });
    await pdb(fx, 'queue', 'queue', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    const ok = await fx.client.create<KubeObject & { status?: string }>('/api/v1/namespaces/default/pods/q1/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'q1' }, deleteOptions: { gracePeriodSeconds: 30 } });
    expect(ok.status).to.equal('Success');
    // a graceful delete: the pod is Terminating with the DisruptionTarget condition (1.26+)
    const q1 = await fx.client.get<Pod>('/api/v1/namespaces/default/pods/q1');
    expect(q1.metadata.deletionGracePeriodSeconds).to.equal(30);
    expect((q1.status?.['conditions'] as Record<string, unknown>[]).find((c) => c['type'] === 'DisruptionTarget')).to.include({ status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    await fx.client.delete('/api/v1/namespaces/default/pods/q1', { gracePeriodSeconds: 0 });
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/q1')).to.equal(null);
    const p = await fx.client.get<KubeObject & { status: { disruptionsAllowed: number; disruptedPods: Record<string, string>; conditions: { type: string; status: string; reason: string }[] } }>('/apis/policy/v1/namespaces/default/poddisruptionbudgets/queue');
    expect(p.status.disruptionsAllowed).to.equal(0);
    expect(Object.keys(p.status.disruptedPods)).to.deep.equal(['q1']);
    expect(p.status.conditions[0]).to.include({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    const e = await fx.client.create('/api/v1/namespaces/default/pods/q2/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'q2' } }).catch((x: ApiError) => x);
    expect((e as ApiError).code).to.equal(429);
  });

  it('drain --pod-selector only touches the selected pods', async function () {
    const fx = kube();
    const r = await fx.kubectl(['drain', 'n4', '--pod-selector=app=none', '--timeout=10s']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.not.include('evicting pod');
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/cache-n4')).to.not.equal(null);
    const bad = await fx.kubectl(['drain', 'n4', '--pod-selector=app in (', '--timeout=10s']);
    expect(bad.code).to.equal(1);
  });

  it('drain --disable-eviction deletes through the PDB', async function () {
    const fx = kube();
    const r = await fx.kubectl(['drain', 'n2', '--force', '--disable-eviction', '--grace-period=1', '--timeout=20s']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('pod/db-n2 deleted');
    expect(r.stdout, r.stdout + r.stderr).to.match(/\nnode\/n2 deleted\n$/); // kubectl 1.20's last line with --disable-eviction
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/db-n2')).to.equal(null);
  });
});
