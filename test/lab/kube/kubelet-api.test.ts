// The kubelet double against the apiserver double (real etcd, on the controller) with the real
// kubectl: node registration with labels/taints/version/address, NotReady until a CNI config
// exists, Lease renewal, mirror pods of static pods, pods bound to the node marked Running and
// removed after their grace period, TLS bootstrap with a bootstrap token (the test signs the CSR
// with openssl as the controller-manager's signer would), and the version-skew refusal.
// labSubnet(102): lab hosts .1 and .2, the apiserver .10, etcd .11.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '../../../lib/lab/kube/common/client.js';
import { useKube } from '../../helpers/kube.js';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { eventually, installKubelet, put, runKubelet, sh } from './kubelet-helpers.js';

const run = promisify(execFile);
const NET = labSubnet(102);
const A = 'kl102-a';
const B = 'kl102-b';
const ADDR_A = `${NET}.1`;
const ADDR_B = `${NET}.2`;

const config = (addr: string): string => `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
healthzBindAddress: ${addr}
healthzPort: 10248
staticPodPath: /etc/kubernetes/manifests
nodeStatusUpdateFrequency: 1s
nodeLeaseDurationSeconds: 8
`;

type Node = KubeObject & {
  spec?: { taints?: { key: string; value?: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string; reason: string; message: string }[]; addresses?: { type: string; address: string }[]; nodeInfo?: { kubeletVersion?: string } };
};

describe('kubelet double: through the API', function () {
  this.timeout(60000);
  const kube = useKube({ subnet: NET, version: '1.35.2' });
  const lab = useLab('kl102', [
    { name: A, address: ADDR_A },
    { name: B, address: ADDR_B },
  ]);

  before(async function () {
    this.timeout(120000);
    await installKubelet(lab(), A, '1.35.2');
    await installKubelet(lab(), B, '1.35.2');
    const nodeConf = await readFile(await kube().userKubeconfig(`system:node:${A}`, ['system:nodes']), 'utf8');
    await put(lab(), A, '/etc/kubernetes/kubelet.conf', nodeConf, '0600');
    await put(lab(), A, '/var/lib/kubelet/config.yaml', config(ADDR_A));
    await put(lab(), A, '/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--node-ip=${ADDR_A} --node-labels=node.kubernetes.io/pool=blue --register-with-taints=dedicated=lab:NoSchedule"\n`);
    await sh(lab(), A, 'systemctl start kubelet');
  });

  const node = async (name: string): Promise<Node | undefined> => (await kube().client.tryGet<Node>(`/api/v1/nodes/${name}`)) ?? undefined;

  it('registers its Node: NotReady with the CNI message, labels, taints, kubelet version, InternalIP', async () => {
    const n = await eventually('the node to register', 30000, () => node(A));
    expect(n.metadata.labels).to.include({ 'kubernetes.io/hostname': A, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/pool': 'blue' });
    expect(n.spec?.taints).to.deep.include({ key: 'dedicated', value: 'lab', effect: 'NoSchedule' });
    expect(n.status?.nodeInfo?.kubeletVersion).to.equal('v1.35.2');
    expect(n.status?.addresses).to.deep.include({ type: 'InternalIP', address: ADDR_A });
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).to.include({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    });
    const r = await kube().kubectl(['get', 'nodes', A, '--no-headers']);
    expect(r.stdout).to.match(new RegExp(`^${A}\\s+NotReady\\s+<none>\\s+\\S+\\s+v1\\.35\\.2\\s*$`));
  });

  it('becomes Ready once a CNI config exists in /etc/cni/net.d (kubectl get nodes)', async () => {
    await put(lab(), A, '/etc/cni/net.d/10-lab.conflist', '{"cniVersion":"0.4.0","name":"lab","plugins":[{"type":"bridge"}]}\n');
    const out = await eventually('Ready in kubectl get nodes', 20000, async () => {
      const r = await kube().kubectl(['get', 'nodes', A, '--no-headers']);
      return /\sReady\s/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(out).to.match(new RegExp(`^${A}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.35\\.2\\s*$`));
  });

  it('renews its Lease in kube-node-lease every leaseDuration/4', async () => {
    type Lease = KubeObject & { spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } };
    const path1 = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${A}`;
    const first = await eventually('the lease', 20000, async () => (await kube().client.tryGet<Lease>(path1)) ?? undefined);
    expect(first.spec).to.include({ holderIdentity: A, leaseDurationSeconds: 8 });
    expect(first.metadata.ownerReferences?.[0]).to.include({ kind: 'Node', name: A });
    const later = await eventually('a renewal', 10000, async () => {
      const l = await kube().client.get<Lease>(path1);
      return Date.parse(l.spec.renewTime) > Date.parse(first.spec.renewTime) ? l : undefined;
    });
    const gap = Date.parse(later.spec.renewTime) - Date.parse(first.spec.renewTime);
    expect(gap).to.be.within(1000, 6000);
  });

  it('publishes a Running mirror pod for a static pod, and removes it with the manifest', async () => {
    await put(lab(), A, '/etc/kubernetes/manifests/sleeper.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n  - name: sleeper\n    image: busybox:1.36\n    command: ["sleep", "2001"]\n');
    const line = await eventually('the mirror pod Running', 30000, async () => {
      const r = await kube().kubectl(['get', 'pods', '-n', 'kube-system', `sleeper-${A}`, '--no-headers']);
      return /\s1\/1\s+Running\s/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(line).to.match(new RegExp(`^sleeper-${A}\\s+1/1\\s+Running\\s+0\\s`));
    const p = await kube().client.get(`/api/v1/namespaces/kube-system/pods/sleeper-${A}`);
    expect(p.metadata.annotations?.['kubernetes.io/config.mirror']).to.match(/^[0-9a-f]{32}$/);
    expect(p.metadata.annotations?.['kubernetes.io/config.source']).to.equal('file');
    expect((p['spec'] as { nodeName: string }).nodeName).to.equal(A);
    await sh(lab(), A, 'rm /etc/kubernetes/manifests/sleeper.yaml');
    await eventually('the mirror pod to go', 30000, async () => (await kube().client.tryGet(`/api/v1/namespaces/kube-system/pods/sleeper-${A}`)) === null);
  });

  it('marks a pod bound to it Running and Ready, and removes it after its grace period once deleted', async () => {
    // created through the API (as a controller would); the scheduler's binding is spec.nodeName
    await kube().client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: A, terminationGracePeriodSeconds: 4, containers: [{ name: 'web', image: 'nginx:1.27' }] },
    });
    const pod = await eventually('web Running', 20000, async () => {
      const p = await kube().client.get('/api/v1/namespaces/default/pods/web');
      return (p['status'] as { phase?: string } | undefined)?.phase === 'Running' ? p : undefined;
    });
    const st = pod['status'] as { hostIP: string; podIP: string; conditions: { type: string; status: string }[] };
    expect(st.hostIP).to.equal(ADDR_A);
    expect(st.podIP).to.match(/^10\.88\.\d+\.\d+$/);
    expect(st.conditions.find((c) => c.type === 'Ready')).to.include({ status: 'True' });
    const t0 = Date.now();
    expect((await kube().kubectl(['delete', 'pod', 'web', '--wait=false'])).code).to.equal(0);
    const terminating = await kube().kubectl(['get', 'pod', 'web', '--no-headers']);
    expect(terminating.stdout).to.match(/\sTerminating\s/);
    await eventually('web to be removed', 20000, async () => (await kube().client.tryGet('/api/v1/namespaces/default/pods/web')) === null);
    expect(Date.now() - t0).to.be.at.least(3000);
  });

  it('refuses to run newer than the API server (version skew policy)', async () => {
    await put(lab(), B, '/tmp/skew-kubelet.conf', await readFile(kube().kubeconfig, 'utf8'), '0600');
    await put(lab(), B, '/tmp/skew-config.yaml', config(ADDR_B).replace(/staticPodPath.*\n/, ''));
    const r = await runKubelet(lab(), B, '1.36.4', '--config=/tmp/skew-config.yaml --kubeconfig=/tmp/skew-kubelet.conf');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain('"command failed" err="failed to run Kubelet: kubelet version v1.36.4 is newer than the API server version v1.35.2: the version skew policy does not allow a kubelet newer than kube-apiserver"');
    expect(await node(B)).to.equal(undefined);
  });

  it('TLS bootstrap: a bootstrap token, a CSR for system:node:<name>, the signed certificate, kubelet.conf', async function () {
    this.timeout(90000);
    const fx = kube();
    await fx.client.create('/api/v1/namespaces/kube-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bootstrap-token-kl102b', namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      data: Object.fromEntries(
        Object.entries({
          'token-id': 'kl102b',
          'token-secret': '0123456789abcdef',
          'usage-bootstrap-authentication': 'true',
          'usage-bootstrap-signing': 'true',
          'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
        }).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    });
    // what kubeadm creates for joining nodes
    await fx.client.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubeadm:kubelet-bootstrap' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-bootstrapper' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }],
    });
    const ca = Buffer.from(await readFile(fx.caCert)).toString('base64');
    const bootstrapConf = `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: ${ca}\n    server: ${fx.server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: tls-bootstrap-token-user\n  name: tls-bootstrap-token-user@kubernetes\ncurrent-context: tls-bootstrap-token-user@kubernetes\nusers:\n- name: tls-bootstrap-token-user\n  user:\n    token: kl102b.0123456789abcdef\n`;
    await put(lab(), B, '/etc/kubernetes/bootstrap-kubelet.conf', bootstrapConf, '0600');
    await put(lab(), B, '/var/lib/kubelet/config.yaml', config(ADDR_B));
    await put(lab(), B, '/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--node-ip=${ADDR_B}"\n`);
    await sh(lab(), B, 'systemctl start kubelet');

    type Csr = KubeObject & { spec: { request: string; signerName: string; usages: string[]; username?: string }; status?: Record<string, unknown> };
    const csr = await eventually('a CSR', 30000, async () => {
      const list = await fx.client.list<Csr>('/apis/certificates.k8s.io/v1/certificatesigningrequests');
      return list.items.find((c) => Buffer.from(c.spec.request, 'base64').toString().includes('CERTIFICATE REQUEST'));
    }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${(await labSsh(lab(), B, 'cat /var/log/journal/kubelet.service.log')).stdout}`);
    });
    expect(csr.spec.signerName).to.equal('kubernetes.io/kube-apiserver-client-kubelet');
    expect(csr.spec.usages).to.have.members(['digital signature', 'key encipherment', 'client auth']);
    // sign as the controller-manager's csrsigning controller does: the cluster CA, client auth
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'kl102-csr-'));
    try {
      await writeFile(path.join(tmp, 'req.pem'), Buffer.from(csr.spec.request, 'base64'));
      const subject = (await run('openssl', ['req', '-in', 'req.pem', '-noout', '-subject', '-nameopt', 'RFC2253'], { cwd: tmp })).stdout.trim();
      expect(subject).to.equal(`subject=CN=system:node:${B},O=system:nodes`);
      await writeFile(path.join(tmp, 'ext'), 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
      await run('openssl', ['x509', '-req', '-in', 'req.pem', '-CA', fx.caCert, '-CAkey', fx.caKey, '-CAcreateserial', '-out', 'crt.pem', '-days', '1', '-extfile', 'ext'], { cwd: tmp });
      const cert = await readFile(path.join(tmp, 'crt.pem'));
      const name = csr.metadata.name!;
      const approved = await fx.client.get<Csr>(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}`);
      const conds = [{ type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' }];
      const a2 = await fx.client.update<Csr>(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}/approval`, { ...approved, status: { conditions: conds } });
      await fx.client.update(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}/status`, { ...a2, status: { ...(a2.status ?? {}), certificate: cert.toString('base64') } });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const n = await eventually('node B registered with its new certificate', 30000, () => node(B));
    expect(n.status?.nodeInfo?.kubeletVersion).to.equal('v1.35.2');
    const conf = await sh(lab(), B, 'cat /etc/kubernetes/kubelet.conf');
    expect(conf.stdout).to.contain('client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(conf.stdout).to.contain(`server: ${fx.server}`);
    const subj = await sh(lab(), B, 'openssl x509 -in /var/lib/kubelet/pki/kubelet-client-current.pem -noout -subject -nameopt RFC2253');
    expect(subj.stdout.trim()).to.equal(`subject=CN=system:node:${B},O=system:nodes`);
    const mode = await sh(lab(), B, 'stat -c %a "$(readlink -f /var/lib/kubelet/pki/kubelet-client-current.pem)"');
    expect(mode.stdout.trim()).to.equal('600');
  });

  after(async function () {
    this.timeout(30000);
    // stop the kubelets before the API goes, so nothing is left retrying
    for (const h of [A, B]) await labSsh(lab(), h, 'systemctl stop kubelet').catch(() => undefined);
  });
});
