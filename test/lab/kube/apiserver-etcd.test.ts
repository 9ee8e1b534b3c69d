// The apiserver double over a 3-member real etcd: when two members stop (no quorum) requests
// and health checks fail as the real server's do; when they come back every object is there.
import { expect } from 'chai';
import { ApiError } from '../../../lib/lab/kube/common/client.js';
import { labSubnet } from '../../helpers/lab.js';
import { registerNode, useKube, type KubeFixture } from '../../helpers/kube.js';

async function waitHealthy(fx: KubeFixture, ms: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const r = await fx.client.raw('GET', '/healthz').catch(() => ({ code: 0, text: '' }));
    if (r.code === 200) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`healthz still ${r.code}: ${r.text}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

describe('kube-apiserver double: etcd quorum loss and recovery', function () {
  this.timeout(120000);
  const kube = useKube({ subnet: labSubnet(72), etcdMembers: 3 });

  it('fails requests and healthz without quorum, and serves every object again after recovery', async function () {
    const fx = kube();
    await registerNode(fx, 'm1', { labels: { 'node-role.kubernetes.io/control-plane': '' } });
    await fx.client.create('/api/v1/namespaces/kube-system/configmaps', { metadata: { name: 'kubeadm-config' }, data: { ClusterConfiguration: 'kubernetesVersion: v1.35.2\n' } });

    await fx.stopEtcd(1);
    await fx.stopEtcd(2);
    const h = await fx.client.raw('GET', '/healthz');
    expect(h.code).to.equal(500);
    expect(h.text).to.include('[-]etcd failed: reason withheld');
    expect(h.text).to.include('healthz check failed');
    const k = await fx.kubectl(['get', 'nodes', '--request-timeout=40s']);
    expect(k.code).to.equal(1);
    // the real server passes etcd's error through: a 500 whose message kubectl prints as is
    expect(k.stderr.trim()).to.match(/^Error from server: (etcdserver: request timed out|context deadline exceeded)$/);
    const err = await fx.client.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'during' } }, timeoutMs: 40000 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal(500);

    await fx.startEtcd(1);
    await fx.startEtcd(2);
    await waitHealthy(fx, 60000);
    const r = await fx.kubectl(['get', 'nodes', '-o', 'name']);
    expect(r.stdout.trim(), r.stderr).to.equal('node/m1');
    const cm = await fx.kubectl(['-n', 'kube-system', 'get', 'cm', 'kubeadm-config', '-o', 'jsonpath={.data.ClusterConfiguration}']);
    expect(cm.stdout).to.equal('kubernetesVersion: v1.35.2\n');
    const c = await fx.kubectl(['create', 'namespace', 'after-recovery']);
    expect(c.stdout.trim(), c.stderr).to.equal('namespace/after-recovery created');
    // the write that failed during the outage did not happen
    expect(await fx.client.tryGet('/api/v1/namespaces/default/configmaps/during')).to.equal(null);
  });
});
