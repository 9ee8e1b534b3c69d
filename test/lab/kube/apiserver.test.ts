// The kube-apiserver double over a real etcd, driven by the real kubectl (Debian's
// kubernetes-client): get nodes, cordon/uncordon, label, taint, apply, delete, wait, conflicts.
import { expect } from 'chai';
import { ApiError, type KubeObject } from '../../../lib/lab/kube/common/client.js';
import { labSubnet } from '../../helpers/lab.js';
import { registerNode, rows, useKube } from '../../helpers/kube.js';

describe('kube-apiserver double with the real kubectl', function () {
  this.timeout(60000);
  const kube = useKube({ subnet: labSubnet(70) });

  before(async function () {
    const fx = kube();
    await registerNode(fx, 'm1', { labels: { 'node-role.kubernetes.io/control-plane': '' } });
    await registerNode(fx, 'w1', { ip: '10.0.0.2' });
    await registerNode(fx, 'w2', { ready: false, labels: { 'node-role.kubernetes.io/worker': 'true', 'kubernetes.io/role': 'ingress' } });
  });

  it('serves /version, /healthz and discovery with pods/eviction in policy/v1', async function () {
    const fx = kube();
    const v = await fx.client.request<{ gitVersion: string; major: string; minor: string }>('GET', '/version');
    expect(v).to.include({ gitVersion: 'v1.35.2', major: '1', minor: '35' });
    const h = await fx.client.raw('GET', '/healthz');
    expect([h.code, h.text]).to.deep.equal([200, 'ok']);
    const res = await fx.client.request<{ resources: { name: string; group?: string; version?: string; kind: string }[] }>('GET', '/api/v1');
    expect(res.resources.find((r) => r.name === 'pods/eviction')).to.deep.include({ group: 'policy', version: 'v1', kind: 'Eviction' });
  });

  it('the kubernetes Service takes the first IP of --service-cluster-ip-range; new Services get the next free ones', async function () {
    const fx = kube();
    type Svc = KubeObject & { spec: { clusterIP: string } };
    expect((await fx.client.get<Svc>('/api/v1/namespaces/default/services/kubernetes')).spec.clusterIP).to.equal('10.96.0.1');
    const ep = await fx.client.get<KubeObject & { subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[] }>('/api/v1/namespaces/default/endpoints/kubernetes');
    expect(ep.subsets).to.deep.equal([{ addresses: [{ ip: fx.server.replace(/^https:\/\/|:6443$/g, '') }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    const c = await fx.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    expect(c.code, c.stderr).to.equal(0);
    const t = rows((await fx.kubectl(['get', 'svc'])).stdout);
    expect(t[0]).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(t.slice(1).map((r) => r.slice(0, 5))).to.deep.equal([
      ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
      ['web', 'ClusterIP', '10.96.0.2', '<none>', '80/TCP'],
    ]);
    expect((await fx.client.get<Svc>('/api/v1/namespaces/default/services/web')).spec.clusterIP).to.equal('10.96.0.2');
    const dns = await fx.client.create<Svc>('/api/v1/namespaces/kube-system/services', { metadata: { name: 'kube-dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } });
    expect(dns.spec.clusterIP).to.equal('10.96.0.10');
    const dup = await fx.client.create('/api/v1/namespaces/kube-system/services', { metadata: { name: 'dup' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } }).catch((e: ApiError) => e);
    expect([(dup as ApiError).code, (dup as ApiError).reason]).to.deep.equal([422, 'Invalid']);
    expect((dup as ApiError).message).to.include('provided IP is already allocated');
  });

  it('kubectl get nodes prints NAME STATUS ROLES AGE VERSION from the server Table', async function () {
    const r = await kube().kubectl(['get', 'nodes']);
    expect(r.code, r.stderr).to.equal(0);
    const t = rows(r.stdout);
    expect(t[0]).to.deep.equal(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(t.slice(1).map((c) => [c[0], c[1], c[2], c[4]])).to.deep.equal([
      ['m1', 'Ready', 'control-plane', 'v1.35.2'],
      ['w1', 'Ready', '<none>', 'v1.35.2'],
      ['w2', 'NotReady', 'ingress,worker', 'v1.35.2'],
    ]);
    expect(t[1]![3]).to.match(/^\d+s$/);
    const wide = rows((await kube().kubectl(['get', 'node', 'w1', '-o', 'wide'])).stdout);
    expect(wide[0]).to.deep.equal(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    expect(wide[1]!.slice(5)).to.deep.equal(['10.0.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://1.7.0']);
  });

  it('cordon shows Ready,SchedulingDisabled; uncordon removes spec.unschedulable', async function () {
    const fx = kube();
    const c = await fx.kubectl(['cordon', 'w1']);
    expect([c.code, c.stdout.trim()]).to.deep.equal([0, 'node/w1 cordoned']);
    const again = await fx.kubectl(['cordon', 'w1']);
    expect(again.stdout.trim()).to.equal('node/w1 already cordoned');
    const t = rows((await fx.kubectl(['get', 'node', 'w1'])).stdout);
    expect(t[1]![1]).to.equal('Ready,SchedulingDisabled');
    const byField = await fx.client.list('/api/v1/nodes', { fieldSelector: 'spec.unschedulable=true' });
    expect(byField.items.map((n) => n.metadata.name)).to.deep.equal(['w1']);
    const u = await fx.kubectl(['uncordon', 'w1']);
    expect([u.code, u.stdout.trim()]).to.deep.equal([0, 'node/w1 uncordoned']);
    const node = await fx.client.get<KubeObject & { spec: Record<string, unknown> }>('/api/v1/nodes/w1');
    expect(node.spec).to.not.have.property('unschedulable');
    expect(rows((await fx.kubectl(['get', 'node', 'w1'])).stdout)[1]![1]).to.equal('Ready');
  });

  it('label and taint nodes; label selectors with =, !=, in, notin, exists and !key', async function () {
    const fx = kube();
    expect((await fx.kubectl(['label', 'node', 'w1', 'zone=a', 'tier=web'])).stdout.trim()).to.equal('node/w1 labeled');
    expect((await fx.kubectl(['label', 'node', 'w2', 'zone=b'])).code).to.equal(0);
    const names = async (sel: string): Promise<string[]> => (await fx.client.list('/api/v1/nodes', { labelSelector: sel })).items.map((n) => n.metadata.name!);
    expect(await names('zone=a')).to.deep.equal(['w1']);
    expect(await names('zone==b')).to.deep.equal(['w2']);
    expect(await names('zone!=a')).to.deep.equal(['m1', 'w2']);
    expect(await names('zone in (a,b)')).to.deep.equal(['w1', 'w2']);
    expect(await names('zone notin (a)')).to.deep.equal(['m1', 'w2']);
    expect(await names('tier')).to.deep.equal(['w1']);
    expect(await names('!zone')).to.deep.equal(['m1']);
    const kl = await fx.kubectl(['get', 'nodes', '-l', 'zone in (a,b),tier', '-o', 'name']);
    expect(kl.stdout.trim()).to.equal('node/w1');
    expect((await fx.kubectl(['label', 'node', 'w1', 'tier-'])).code).to.equal(0);
    expect(await names('tier')).to.deep.equal([]);

    const t = await fx.kubectl(['taint', 'node', 'w2', 'dedicated=db:NoSchedule']);
    expect([t.code, t.stdout.trim()]).to.deep.equal([0, 'node/w2 tainted']);
    type NodeSpec = KubeObject & { spec: { taints?: { key: string; value?: string; effect: string }[] } };
    let n = await fx.client.get<NodeSpec>('/api/v1/nodes/w2');
    expect(n.spec.taints!.map((x) => `${x.key}=${x.value ?? ''}:${x.effect}`)).to.include('dedicated=db:NoSchedule');
    expect((await fx.kubectl(['taint', 'node', 'w2', 'dedicated:NoSchedule-'])).stdout.trim()).to.equal('node/w2 untainted');
    n = await fx.client.get<NodeSpec>('/api/v1/nodes/w2');
    expect((n.spec.taints ?? []).map((x) => x.key)).to.not.include('dedicated');
  });

  it('new nodes carry the not-ready:NoSchedule taint of TaintNodesByCondition', async function () {
    type NodeSpec = KubeObject & { spec: { taints?: { key: string; effect: string }[] } };
    const n = await kube().client.get<NodeSpec>('/api/v1/nodes/m1');
    expect(n.spec.taints).to.deep.include({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  });

  it('apply -f a plain manifest creates then patches; get/describe/delete work', async function () {
    const fx = kube();
    const manifest = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: "${v}"\n`;
    const a = await fx.kubectl(['apply', '--validate=false', '-f', '-'], { input: manifest('one') });
    expect([a.code, a.stdout.trim()], a.stderr).to.deep.equal([0, 'configmap/settings created']);
    const b = await fx.kubectl(['apply', '--validate=false', '-f', '-'], { input: manifest('two') });
    expect([b.code, b.stdout.trim()], b.stderr).to.deep.equal([0, 'configmap/settings configured']);
    // default validation: the minimal /openapi/v2 has no schemas, so kubectl skips validation
    const c = await fx.kubectl(['apply', '-f', '-'], { input: manifest('two') });
    expect(c.stdout.trim(), c.stderr).to.equal('configmap/settings unchanged');
    const dry = await fx.kubectl(['label', 'cm', 'settings', 'x=y', '--dry-run=server']);
    expect([dry.code, dry.stdout.trim()], dry.stderr).to.deep.equal([0, 'configmap/settings labeled']); // kubectl 1.20 adds no "(server dry run)" here
    expect((await fx.client.get('/api/v1/namespaces/default/configmaps/settings')).metadata.labels).to.equal(undefined);
    const got = await fx.kubectl(['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}']);
    expect(got.stdout).to.equal('two');
    const d = await fx.kubectl(['delete', 'configmap', 'settings']);
    expect([d.code, d.stdout.trim()]).to.deep.equal([0, 'configmap "settings" deleted']);
    const gone = await fx.kubectl(['get', 'cm', 'settings']);
    expect([gone.code, gone.stderr.trim()]).to.deep.equal([1, 'Error from server (NotFound): configmaps "settings" not found']);
  });

  it('a PUT with a stale resourceVersion is 409 Conflict with the real message; a PATCH is retried internally', async function () {
    const fx = kube();
    const cm = await fx.client.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' }, data: { n: '1' } });
    await fx.client.update('/api/v1/namespaces/default/configmaps/cas', { ...cm, data: { n: '2' } });
    const err = await fx.client.update('/api/v1/namespaces/default/configmaps/cas', { ...cm, data: { n: '3' } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal(409);
    expect((err as ApiError).reason).to.equal('Conflict');
    expect((err as ApiError).message).to.equal('Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again');
    const dup = await fx.client.create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'cas' } }).catch((e: ApiError) => e);
    expect([(dup as ApiError).code, (dup as ApiError).reason, (dup as ApiError).message]).to.deep.equal([409, 'AlreadyExists', 'configmaps "cas" already exists']);
    // concurrent patches all land (GuaranteedUpdate retries lost races)
    await Promise.all(Array.from({ length: 6 }, (_, i) => fx.client.patch('/api/v1/namespaces/default/configmaps/cas', { data: { [`k${i}`]: 'x' } }, 'merge')));
    const final = await fx.client.get<KubeObject & { data: Record<string, string> }>('/api/v1/namespaces/default/configmaps/cas');
    expect(Object.keys(final.data).sort()).to.deep.equal(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'n']);
  });

  it('resourceVersion is the etcd revision: no-op writes keep it, lists carry the store revision', async function () {
    const fx = kube();
    const a = await fx.client.patch('/api/v1/nodes/m1', { metadata: { labels: { same: 'x' } } }, 'merge');
    const b = await fx.client.patch('/api/v1/nodes/m1', { metadata: { labels: { same: 'x' } } }, 'merge');
    expect(b.metadata.resourceVersion).to.equal(a.metadata.resourceVersion);
    const l = await fx.client.list('/api/v1/nodes');
    expect(Number(l.metadata.resourceVersion)).to.be.at.least(Number(a.metadata.resourceVersion));
    const paged = await fx.client.list('/api/v1/nodes', { limit: 2 });
    expect(paged.items).to.have.length(2);
    expect(paged.metadata.continue).to.be.a('string');
    const rest = await fx.client.list('/api/v1/nodes', { limit: 2, continue: paged.metadata.continue });
    expect(rest.items.map((n) => n.metadata.name)).to.deep.equal(['w2']);
    expect(rest.metadata.continue ?? '').to.equal('');
  });

  it('unknown field selectors are 400; json patch and strategic lists by merge key', async function () {
    const fx = kube();
    const e = await fx.client.list('/api/v1/nodes', { fieldSelector: 'spec.bogus=1' }).catch((x: ApiError) => x);
    expect([(e as ApiError).code, (e as ApiError).message]).to.deep.equal([400, 'field label not supported: spec.bogus']);
    await fx.client.patch('/api/v1/nodes/w1', [{ op: 'add', path: '/metadata/annotations', value: { a: '1' } }], 'json');
    const n = await fx.client.get('/api/v1/nodes/w1');
    expect(n.metadata.annotations).to.deep.equal({ a: '1' });
    // a kubelet-style status patch merges conditions by type
    await fx.client.patch('/api/v1/nodes/w1/status', { status: { conditions: [{ type: 'MemoryPressure', status: 'False' }] } }, 'strategic');
    const s = await fx.client.get<KubeObject & { status: { conditions: { type: string; status: string }[] } }>('/api/v1/nodes/w1');
    expect(s.status.conditions.map((c) => `${c.type}=${c.status}`)).to.deep.equal(['Ready=True', 'MemoryPressure=False']);
  });

  it('watch from a list RV: ADDED, MODIFIED, DELETED, and objects leaving the selector arrive as DELETED', async function () {
    const fx = kube();
    const l = await fx.client.list('/api/v1/namespaces/default/configmaps', { labelSelector: 'app=w' });
    const seen: string[] = [];
    const w = fx.client.watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'app=w', resourceVersion: l.metadata.resourceVersion }, (e) => {
      seen.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.labels?.['app'] ?? ''}`);
    });
    try {
      await fx.client.create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'w1', labels: { app: 'w' } } });
      await fx.client.create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'other', labels: { app: 'x' } } });
      await fx.client.patch('/api/v1/namespaces/default/configmaps/w1', { data: { a: '1' } }, 'merge');
      await fx.client.patch('/api/v1/namespaces/default/configmaps/w1', { metadata: { labels: { app: 'gone' } } }, 'merge');
      await fx.client.patch('/api/v1/namespaces/default/configmaps/other', { metadata: { labels: { app: 'w' } } }, 'merge');
      await fx.client.delete('/api/v1/namespaces/default/configmaps/other');
      for (let i = 0; i < 40 && seen.length < 5; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      w.stop();
    }
    expect(seen).to.deep.equal(['ADDED w1 w', 'MODIFIED w1 w', 'DELETED w1 gone', 'ADDED other w', 'DELETED other w']);
    // resourceVersion unset: the current objects first, as ADDED
    const initial: string[] = [];
    const w2 = fx.client.watch('/api/v1/nodes', { fieldSelector: 'metadata.name=m1', timeoutSeconds: 1 }, (e) => initial.push(`${e.type} ${e.object.metadata.name}`));
    await w2.done;
    expect(initial).to.deep.equal(['ADDED m1']);
  });

  it('kubectl wait --for=condition=Ready follows a watch until the pod is Ready', async function () {
    const fx = kube();
    await fx.client.create('/api/v1/namespaces/default/pods', { metadata: { name: 'web' }, spec: { nodeName: 'w1', containers: [{ name: 'c', image: 'nginx:1.25' }] } });
    const waiting = fx.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 1500));
    await fx.client.patch('/api/v1/namespaces/default/pods/web/status', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } }, 'strategic');
    const w = await waiting;
    expect([w.code, w.stdout.trim()], w.stderr).to.deep.equal([0, 'pod/web condition met']);
    const t = rows((await fx.kubectl(['get', 'pods', '-o', 'wide'])).stdout);
    expect(t[0]!.slice(0, 7)).to.deep.equal(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    expect([t[1]![0], t[1]![1], t[1]![2], t[1]![3], t[1]![6]]).to.deep.equal(['web', '1/1', 'Running', '0', 'w1']);
  });

  it('deleting a pod bound to a node marks it Terminating until a grace-0 delete (the kubelet) removes it', async function () {
    const fx = kube();
    await fx.client.create('/api/v1/namespaces/default/pods', { metadata: { name: 'slow' }, spec: { nodeName: 'w1', terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox:1' }] } });
    const d = await fx.kubectl(['delete', 'pod', 'slow', '--wait=false']);
    expect(d.code, d.stderr).to.equal(0);
    const p = await fx.client.get('/api/v1/namespaces/default/pods/slow');
    expect(p.metadata.deletionGracePeriodSeconds).to.equal(30);
    expect(p.metadata.deletionTimestamp).to.be.a('string');
    expect(rows((await fx.kubectl(['get', 'pod', 'slow'])).stdout)[1]![2]).to.equal('Terminating');
    await fx.client.delete('/api/v1/namespaces/default/pods/slow', { gracePeriodSeconds: 0 });
    expect(await fx.client.tryGet('/api/v1/namespaces/default/pods/slow')).to.equal(null);
  });

  it('finalizers keep a deleted object until they are removed', async function () {
    const fx = kube();
    await fx.client.create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await fx.client.delete('/api/v1/namespaces/default/configmaps/held');
    const held = await fx.client.get('/api/v1/namespaces/default/configmaps/held');
    expect(held.metadata.deletionTimestamp).to.be.a('string');
    await fx.client.patch('/api/v1/namespaces/default/configmaps/held', { metadata: { finalizers: null } }, 'merge');
    expect(await fx.client.tryGet('/api/v1/namespaces/default/configmaps/held')).to.equal(null);
  });

  it('deleting a namespace deletes what it holds (the namespace controller, done at once)', async function () {
    const fx = kube();
    expect((await fx.kubectl(['create', 'namespace', 'tmp'])).code).to.equal(0);
    await fx.client.create('/api/v1/namespaces/tmp/configmaps', { metadata: { name: 'a' } });
    const d = await fx.kubectl(['delete', 'namespace', 'tmp']);
    expect([d.code, d.stdout.trim()], d.stderr).to.deep.equal([0, 'namespace "tmp" deleted']);
    expect(await fx.client.tryGet('/api/v1/namespaces/tmp/configmaps/a')).to.equal(null);
    const e = await fx.client.create('/api/v1/namespaces/tmp/configmaps', { metadata: { name: 'b' } }).catch((x: ApiError) => x);
    expect((e as ApiError).message).to.equal('namespaces "tmp" not found');
  });

  it('generateName, uid and creationTimestamp are set by the server; a missing namespace is 404', async function () {
    const fx = kube();
    const o = await fx.client.create('/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' } });
    expect(o.metadata.name).to.match(/^gen-[a-z0-9]{5}$/);
    expect(o.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(o.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const e = await fx.client.create('/api/v1/namespaces/nope/configmaps', { metadata: { name: 'x' } }).catch((x: ApiError) => x);
    expect([(e as ApiError).code, (e as ApiError).message]).to.deep.equal([404, 'namespaces "nope" not found']);
  });
});
