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
import { labSsh, labSubnet } from '../../helpers/lab.js';
import { eventually, installKubelet, put, runKubelet, sh, useKubeletCluster } from './kubelet-helpers.js';

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
  const { kube, lab } = useKubeletCluster('kl102', NET, '1.35.2', [
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
    const line = await eventually('the mirror pod Running', 10000, async () => {
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

  it('marks a pod bound to it Running and Ready with an address from the node\'s podCIDR; deleted, it goes when its preStop hook would end, bounded by the grace period', async () => {
    // what the controller-manager's node IPAM does with --allocate-node-cidrs
    const cidr = await kube().kubectl(['patch', 'node', A, '-p', '{"spec":{"podCIDR":"10.244.7.0/24","podCIDRs":["10.244.7.0/24"]}}']);
    expect(cidr.code, cidr.stderr).to.equal(0);
    // created through the API (as a controller would); the scheduler's binding is spec.nodeName
    await kube().client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      // a preStop hook longer than the grace period: the pod lives until the grace period ends
      spec: { nodeName: A, terminationGracePeriodSeconds: 4, containers: [{ name: 'web', image: 'nginx:1.27', lifecycle: { preStop: { exec: { command: ['sleep', '30'] } } } }] },
    });
    const pod = await eventually('web Running', 20000, async () => {
      const p = await kube().client.get('/api/v1/namespaces/default/pods/web');
      return (p['status'] as { phase?: string } | undefined)?.phase === 'Running' ? p : undefined;
    });
    const st = pod['status'] as { hostIP: string; podIP: string; conditions: { type: string; status: string }[] };
    expect(st.hostIP).to.equal(ADDR_A);
    expect(st.podIP).to.match(/^10\.244\.7\.([2-9]|[1-9]\d|1\d\d|2[0-4]\d|25[01])$/);
    expect(st.conditions.find((c) => c.type === 'Ready')).to.include({ status: 'True' });
    const t0 = Date.now();
    expect((await kube().kubectl(['delete', 'pod', 'web', '--wait=false'])).code).to.equal(0);
    const terminating = await kube().kubectl(['get', 'pod', 'web', '--no-headers']);
    expect(terminating.stdout).to.match(/\sTerminating\s/);
    await eventually('web to be removed', 20000, async () => (await kube().client.tryGet('/api/v1/namespaces/default/pods/web')) === null);
    expect(Date.now() - t0).to.be.at.least(3000);
    // no hook: the container exits at SIGTERM, the pod goes long before its 30 s grace period
    await kube().client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'quick', namespace: 'default' },
      spec: { nodeName: A, containers: [{ name: 'quick', image: 'nginx:1.27' }] },
    });
    await eventually('quick Running', 20000, async () => ((await kube().client.get('/api/v1/namespaces/default/pods/quick'))['status'] as { phase?: string } | undefined)?.phase === 'Running');
    const t1 = Date.now();
    expect((await kube().kubectl(['delete', 'pod', 'quick', '--wait=false'])).code).to.equal(0);
    await eventually('quick to be removed', 15000, async () => (await kube().client.tryGet('/api/v1/namespaces/default/pods/quick')) === null);
    expect(Date.now() - t1).to.be.below(10000);
  });

  it('picks up a pod the scheduler binds to it later (pods/binding); its init containers show Completed', async () => {
    const fx = kube();
    await fx.client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late', namespace: 'default' },
      spec: { initContainers: [{ name: 'setup', image: 'busybox:1.36' }], containers: [{ name: 'late', image: 'nginx:1.27' }] },
    });
    await new Promise((r) => setTimeout(r, 1000));
    await fx.client.create('/api/v1/namespaces/default/pods/late/binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'late', namespace: 'default' },
      target: { apiVersion: 'v1', kind: 'Node', name: A },
    });
    const line = await eventually('late Running', 15000, async () => {
      const r = await fx.kubectl(['get', 'pod', 'late', '--no-headers']);
      return /Running/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(line).to.match(/^late\s+1\/1\s+Running\s+0\s/);
    const inits = ((await fx.client.get('/api/v1/namespaces/default/pods/late'))['status'] as { initContainerStatuses: { name: string; state: { terminated?: { reason: string } } }[] }).initContainerStatuses;
    expect(inits.map((c) => [c.name, c.state.terminated?.reason])).to.deep.equal([['setup', 'Completed']]);
    await fx.client.delete('/api/v1/namespaces/default/pods/late', { gracePeriodSeconds: 0 });
  });

  it('after a restart keeps its Node (labels others added stay); a deleted Node comes back only with a restart', async () => {
    const fx = kube();
    expect((await fx.kubectl(['label', 'node', A, 'team=blue'])).code).to.equal(0);
    await sh(lab(), A, 'systemctl restart kubelet');
    const registered = async (n: number): Promise<true | undefined> => {
      const log = (await sh(lab(), A, 'cat /var/log/journal/kubelet.service.log')).stdout;
      return (log.match(/"Successfully registered node"/g) ?? []).length >= n ? true : undefined;
    };
    await eventually('registration after the restart', 20000, () => registered(2));
    const n = await fx.client.get<Node>(`/api/v1/nodes/${A}`);
    expect(n.metadata.labels).to.include({ team: 'blue', 'kubernetes.io/hostname': A });
    expect((await fx.kubectl(['delete', 'node', A])).code).to.equal(0);
    // the real kubelet registers once, at start: the node stays away while it runs
    await new Promise((r) => setTimeout(r, 3000));
    expect(await node(A)).to.equal(undefined);
    await sh(lab(), A, 'systemctl restart kubelet');
    const again = await eventually('the node registered again', 30000, () => node(A));
    expect(again.metadata.labels).to.include({ 'node.kubernetes.io/pool': 'blue' });
    expect(again.metadata.labels).to.not.have.property('team');
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
    await put(lab(), B, '/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--node-ip=${ADDR_B} --cloud-provider=external"\n`);
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
    // --cloud-provider=external: the kubelet keeps pods off until the cloud controller initialises it
    expect(n.spec?.taints).to.deep.include({ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' });
    const conf = await sh(lab(), B, 'cat /etc/kubernetes/kubelet.conf');
    expect(conf.stdout).to.contain('client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(conf.stdout).to.contain(`server: ${fx.server}`);
    const subj = await sh(lab(), B, 'openssl x509 -in /var/lib/kubelet/pki/kubelet-client-current.pem -noout -subject -nameopt RFC2253');
    expect(subj.stdout.trim()).to.equal(`subject=CN=system:node:${B},O=system:nodes`);
    const mode = await sh(lab(), B, 'stat -c %a "$(readlink -f /var/lib/kubelet/pki/kubelet-client-current.pem)"');
    expect(mode.stdout.trim()).to.equal('600');
  });

});
