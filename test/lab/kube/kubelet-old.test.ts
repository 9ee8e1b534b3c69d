// The seed's era (1.16): TLS bootstrap through certificates.k8s.io/v1beta1, the dockershim-era
// NotReady message, a 1.15 kubelet's node-role label from --node-labels, and a 1.17 kubelet refused
// by a 1.16 API server (the skew an upgrade in the wrong order makes). labSubnet(104): lab hosts
// .1 and .2, the apiserver .10, etcd .11.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '../../../lib/lab/kube/common/client.js';
import { labSubnet } from '../../helpers/lab.js';
import { eventually, installKubelet, put, runKubelet, sh, useKubeletCluster } from './kubelet-helpers.js';

const run = promisify(execFile);
const NET = labSubnet(104);
const A = 'kl104-a';
const B = 'kl104-b';

const config = (addr: string): string =>
  `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\nhealthzBindAddress: ${addr}\nnodeStatusUpdateFrequency: 1s\n`;

type Csr = KubeObject & { spec: { request: string; signerName?: string; usages: string[] }; status?: Record<string, unknown> };

describe('kubelet double: the 1.16 era', function () {
  this.timeout(60000);
  const { kube, lab } = useKubeletCluster('kl104', NET, '1.16.3', [
    { name: A, address: `${NET}.1` },
    { name: B, address: `${NET}.2` },
  ]);


  it('1.16 TLS bootstrap uses certificates.k8s.io/v1beta1; NotReady says "cni config uninitialized"', async function () {
    this.timeout(120000);
    const fx = kube();
    await installKubelet(lab(), A, '1.16.3');
    const b64 = (v: string): string => Buffer.from(v).toString('base64');
    await fx.client.create('/api/v1/namespaces/kube-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bootstrap-token-kl104a', namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      data: { 'token-id': b64('kl104a'), 'token-secret': b64('abcdef0123456789'), 'usage-bootstrap-authentication': b64('true'), 'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token') },
    });
    await fx.client.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubeadm:kubelet-bootstrap' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-bootstrapper' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }],
    });
    const ca = Buffer.from(await readFile(fx.caCert)).toString('base64');
    await put(lab(), A, '/etc/kubernetes/bootstrap-kubelet.conf', `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: ${ca}\n    server: ${fx.server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: tls-bootstrap-token-user\n  name: tls-bootstrap-token-user@kubernetes\ncurrent-context: tls-bootstrap-token-user@kubernetes\nusers:\n- name: tls-bootstrap-token-user\n  user:\n    token: kl104a.abcdef0123456789\n`, '0600');
    await put(lab(), A, '/var/lib/kubelet/config.yaml', config(`${NET}.1`));
    await put(lab(), A, '/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--cgroup-driver=cgroupfs --network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.1"\n`);
    await sh(lab(), A, 'systemctl start kubelet');
    const csr = await eventually('a v1beta1 CSR', 30000, async () => (await fx.client.list<Csr>('/apis/certificates.k8s.io/v1beta1/certificatesigningrequests')).items[0]);
    // a 1.16 server serves only v1beta1: the kubelet found it; the request carries no signerName (added in 1.18)
    expect(csr.spec.usages).to.have.members(['digital signature', 'key encipherment', 'client auth']);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'kl104-csr-'));
    try {
      await writeFile(path.join(tmp, 'req.pem'), Buffer.from(csr.spec.request, 'base64'));
      await writeFile(path.join(tmp, 'ext'), 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
      await run('openssl', ['x509', '-req', '-in', 'req.pem', '-CA', fx.caCert, '-CAkey', fx.caKey, '-CAcreateserial', '-out', 'crt.pem', '-days', '1', '-extfile', 'ext'], { cwd: tmp });
      const base = `/apis/certificates.k8s.io/v1beta1/certificatesigningrequests/${csr.metadata.name!}`;
      const a = await fx.client.update<Csr>(`${base}/approval`, { ...csr, status: { conditions: [{ type: 'Approved', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' }] } });
      await fx.client.update(`${base}/status`, { ...a, status: { ...(a.status ?? {}), certificate: (await readFile(path.join(tmp, 'crt.pem'))).toString('base64') } });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const r = await eventually('NotReady in kubectl get nodes', 30000, async () => {
      const g = await fx.kubectl(['get', 'nodes', A, '--no-headers']);
      return /NotReady/.test(g.stdout) ? g.stdout : undefined;
    });
    expect(r).to.match(new RegExp(`^${A}\\s+NotReady\\s+<none>\\s+\\S+\\s+v1\\.16\\.3\\s*$`));
    const n = await fx.client.get(`/api/v1/nodes/${A}`);
    const ready = ((n['status'] as { conditions: { type: string; message: string }[] }).conditions).find((c) => c.type === 'Ready');
    expect(ready?.message).to.equal('runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized');
  });

  it('a 1.15 kubelet registers a node-role label given with --node-labels (refused from 1.16)', async function () {
    this.timeout(90000);
    const fx = kube();
    await installKubelet(lab(), B, '1.15.6');
    await put(lab(), B, '/etc/kubernetes/kubelet.conf', await readFile(await fx.userKubeconfig(`system:node:${B}`, ['system:nodes']), 'utf8'), '0600');
    await put(lab(), B, '/var/lib/kubelet/config.yaml', config(`${NET}.2`));
    await put(lab(), B, '/etc/default/kubelet', 'KUBELET_EXTRA_ARGS=--node-labels=node-role.kubernetes.io/node=\n');
    await sh(lab(), B, 'systemctl start kubelet');
    const r = await eventually('the node with its role', 30000, async () => {
      const g = await fx.kubectl(['get', 'nodes', B, '--no-headers']);
      return g.stdout.includes(B) ? g.stdout : undefined;
    });
    expect(r).to.match(new RegExp(`^${B}\\s+NotReady\\s+node\\s+\\S+\\s+v1\\.15\\.6\\s*$`));
  });

  it('a 1.17 kubelet does not start against the 1.16 API server', async () => {
    await sh(lab(), B, 'systemctl stop kubelet');
    const r = await runKubelet(lab(), B, '1.17.7', '--config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.match(/^F\d{4} .* server\.go:\d+\] failed to run Kubelet: kubelet version v1\.17\.7 is newer than the API server version v1\.16\.3: the version skew policy does not allow a kubelet newer than kube-apiserver$/m);
  });
});
