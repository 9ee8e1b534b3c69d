// The controller-manager and scheduler doubles at work, as child processes against real etcd and
// the apiserver double, driven by the real kubectl where a user would type it. The test plays the
// kubelets: it registers Nodes with their own node credentials, renews their Leases, and marks
// the pods bound to them Running and Ready (what the kubelet double does on lab hosts).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeClient, type KubeObject } from '../../../lib/lab/kube/common/client.js';
import { renderKubeconfig } from '../../../lib/lab/kube/common/kubeconfig.js';
import type { Csr, DaemonSet, Node, Pod, PodDisruptionBudget, ReplicaSet } from '../../../lib/lab/kube/controller-manager/types.js';
import { useKube } from '../../helpers/kube.js';
import { labSubnet } from '../../helpers/lab.js';
import { spawnDouble, until, type Proc } from './ctl-helpers.js';

const run = promisify(execFile);

const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

describe('controller-manager and scheduler doubles (real etcd, apiserver double, real kubectl)', function () {
  this.timeout(120000);
  const subnet = labSubnet(86);
  const kube = useKube({ subnet });
  const procs: Proc[] = [];
  const nodeClients = new Map<string, KubeClient>();
  let heartbeat: NodeJS.Timeout | undefined;
  const alive = new Set<string>();
  let kcm: Proc;
  let sched: Proc;
  const logs = (): string => `--- kcm\n${kcm?.log() ?? ''}\n--- scheduler\n${sched?.log() ?? ''}`;

  /** Registers a node the way a kubelet does: its Node with a Ready condition, then its Lease. */
  async function registerNode(name: string, opts: { labels?: Record<string, string>; taints?: { key: string; effect: string }[]; unschedulable?: boolean; beat?: boolean } = {}): Promise<void> {
    const kc = await kube().userKubeconfig(`system:node:${name}`, ['system:nodes']);
    const c = await KubeClient.fromKubeconfig(kc);
    nodeClients.set(name, c);
    const now = stamp();
    const cond = (type: string, status: string, reason: string) => ({ type, status, reason, message: '', lastHeartbeatTime: now, lastTransitionTime: now });
    const n = await c.create<Node>('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(opts.labels ?? {}) } },
      spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    });
    await c.update(`/api/v1/nodes/${name}/status`, {
      ...n,
      status: {
        conditions: [cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'), cond('PIDPressure', 'False', 'KubeletHasSufficientPID'), { ...cond('Ready', 'True', 'KubeletReady'), message: 'kubelet is posting ready status' }],
        nodeInfo: { kubeletVersion: 'v1.35.2' },
      },
    });
    await c.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: n.metadata.uid }] },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') },
    });
    if (opts.beat !== false) alive.add(name);
  }

  /**
   * What the kubelets do every second here: renew their Leases, start the pods bound to them
   * (Pending → Running and Ready), and finish the deletion of their terminating pods.
   */
  async function kubeletPass(): Promise<void> {
    for (const name of alive) {
      const c = nodeClients.get(name)!;
      const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
      const l = await c.get<KubeObject & { spec: Record<string, unknown> }>(path).catch(() => null);
      if (l) await c.update(path, { ...l, spec: { ...l.spec, renewTime: new Date().toISOString().replace('Z', '000Z') } }).catch(() => undefined);
      if (!autoRun) continue;
      const mine = await kube().client.list<Pod>('/api/v1/pods', { fieldSelector: `spec.nodeName=${name}` }).catch(() => ({ items: [] as Pod[] }));
      for (const p of mine.items) {
        if (p.metadata.deletionTimestamp) await kube().client.delete(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`, { gracePeriodSeconds: 0 }).catch(() => undefined);
        else if (p.status?.phase !== 'Running') await markRunning(p).catch(() => undefined);
      }
    }
  }
  let autoRun = false;

  async function markRunning(pod: Pod, ready = true): Promise<void> {
    const c = nodeClients.get(String(pod.spec.nodeName)) ?? kube().client;
    const now = stamp();
    const conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: type === 'Ready' || type === 'ContainersReady' ? String(ready ? 'True' : 'False').replace(/^./, (x) => x.toUpperCase()) : 'True', lastProbeTime: null, lastTransitionTime: now }));
    const cur = await c.get<Pod>(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
    await c.update(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { ...cur, status: { ...cur.status, phase: 'Running', conditions, startTime: now } });
  }

  const pods = async (selector: string): Promise<Pod[]> => (await kube().client.list<Pod>('/api/v1/namespaces/default/pods', { labelSelector: selector })).items;

  before(async function () {
    this.timeout(60000);
    await registerNode('n1');
    await registerNode('n2');
    await registerNode('n3');
    await registerNode('m1', { labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
    await registerNode('c1', { unschedulable: true });
    heartbeat = setInterval(() => void kubeletPass(), 1000);
    const kcmConf = await kube().userKubeconfig('system:kube-controller-manager', []);
    const schedConf = await kube().userKubeconfig('system:kube-scheduler', []);
    const le = ['--leader-elect=true', '--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s'];
    kcm = spawnDouble('controller-manager', '1.35.2', [
      `--kubeconfig=${kcmConf}`, `--authentication-kubeconfig=${kcmConf}`, `--authorization-kubeconfig=${kcmConf}`, `--bind-address=${subnet}.20`,
      `--client-ca-file=${kube().caCert}`, `--cluster-signing-cert-file=${kube().caCert}`, `--cluster-signing-key-file=${kube().caKey}`, `--root-ca-file=${kube().caCert}`,
      '--controllers=*,bootstrapsigner,tokencleaner', '--use-service-account-credentials=true',
      '--node-monitor-grace-period=6s', '--node-monitor-period=1s', ...le,
    ]);
    sched = spawnDouble('scheduler', '1.35.2', [`--kubeconfig=${schedConf}`, `--authentication-kubeconfig=${schedConf}`, `--authorization-kubeconfig=${schedConf}`, `--bind-address=${subnet}.20`, ...le]);
    procs.push(kcm, sched);
    await until('both leaders', 30000, () => /successfully acquired lease kube-system\/kube-controller-manager/.test(kcm.log()) && /successfully acquired lease kube-system\/kube-scheduler/.test(sched.log()), logs);
  });

  after(async () => {
    if (heartbeat) clearInterval(heartbeat);
    for (const x of procs) if (x.p.exitCode === null) x.p.kill('SIGTERM');
    await Promise.all(procs.map((x) => Promise.race([x.exited, new Promise((r) => setTimeout(r, 5000))])));
    for (const x of procs) if (x.p.exitCode === null && x.p.signalCode === null) x.p.kill('SIGKILL');
    for (const c of nodeClients.values()) c.close();
  });

  it('a Deployment of 3 replicas: a ReplicaSet with pod-template-hash, 3 pods owned by it, bound by the scheduler one per Ready schedulable untainted node', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.25}]}
`;
    const r = await kube().kubectl(['apply', '-f', '-'], { input: manifest });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('deployment.apps/web created');
    const bound = await until('3 bound pods', 30000, async () => {
      const ps = await pods('app=web');
      return ps.length === 3 && ps.every((p) => p.spec.nodeName) ? ps : undefined;
    }, logs);
    const rs = (await kube().client.list<ReplicaSet>('/apis/apps/v1/namespaces/default/replicasets')).items;
    expect(rs).to.have.length(1);
    const hash = rs[0]!.metadata.labels!['pod-template-hash']!;
    expect(rs[0]!.metadata.name).to.equal(`web-${hash}`);
    expect(rs[0]!.metadata.ownerReferences![0]).to.include({ kind: 'Deployment', name: 'web', controller: true });
    for (const p of bound) {
      expect(p.metadata.name).to.match(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(p.metadata.ownerReferences![0]).to.include({ kind: 'ReplicaSet', name: `web-${hash}`, uid: rs[0]!.metadata.uid, controller: true });
      expect(p.metadata.labels).to.include({ app: 'web', 'pod-template-hash': hash });
    }
    // not the tainted control-plane node, not the cordoned one; spread one per node
    expect(bound.map((p) => p.spec.nodeName).sort()).to.deep.equal(['n1', 'n2', 'n3']);
    for (const p of bound) await markRunning(p);
    await until('deployment 3/3 ready', 20000, async () => {
      const d = await kube().client.get<KubeObject & { status?: { readyReplicas?: number; availableReplicas?: number; observedGeneration?: number } }>('/apis/apps/v1/namespaces/default/deployments/web');
      return d.status?.readyReplicas === 3 && d.status.availableReplicas === 3 && d.status.observedGeneration === d.metadata.generation;
    }, logs);
    const g = await kube().kubectl(['get', 'pods', '-l', 'app=web', '-o', 'wide']);
    expect(g.code, g.stderr).to.equal(0);
    expect(g.stdout.split('\n').filter((l) => / Running /.test(l))).to.have.length(3);
  });

  it('a pod that fits nowhere gets PodScheduled=False/Unschedulable with the reasons; labelling a node (kubectl label) gets it bound there', async () => {
    const r = await kube().kubectl(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: picky, namespace: default}\nspec: {nodeSelector: {disk: ssd}, containers: [{name: c, image: busybox}]}\n' });
    expect(r.code, r.stderr).to.equal(0);
    const cond = await until('Unschedulable', 20000, async () => {
      const p = await kube().client.get<Pod>('/api/v1/namespaces/default/pods/picky');
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    }, logs);
    expect(cond).to.include({ reason: 'Unschedulable' });
    expect(cond.message).to.equal("0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.");
    const l = await kube().kubectl(['label', 'node', 'n2', 'disk=ssd']);
    expect(l.code, l.stderr).to.equal(0);
    const bound = await until('bound', 20000, async () => {
      const p = await kube().client.get<Pod>('/api/v1/namespaces/default/pods/picky');
      return p.spec.nodeName ? p : undefined;
    }, logs);
    expect(bound.spec.nodeName).to.equal('n2');
    expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).to.equal('True');
    const d = await kube().kubectl(['delete', 'pod', 'picky', '--wait=false']);
    expect(d.code, d.stderr).to.equal(0);
  });

  it('a PodDisruptionBudget gets its status (expected 3, desired 2, healthy 3, allowed 1), and allowed 0 once a pod is not ready; kubectl get pdb shows it', async () => {
    const r = await kube().kubectl(['apply', '-f', '-'], { input: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web-pdb, namespace: default}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n' });
    expect(r.code, r.stderr).to.equal(0);
    const path = '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb';
    const st = await until('pdb status', 20000, async () => {
      const p = await kube().client.get<PodDisruptionBudget>(path);
      return p.status?.observedGeneration === p.metadata.generation && p.status?.currentHealthy === 3 ? p.status : undefined;
    }, logs);
    expect(st).to.include({ expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
    expect(st.conditions?.find((c) => c.type === 'DisruptionAllowed')).to.include({ status: 'True', reason: 'SufficientPods' });
    const g = await kube().kubectl(['get', 'pdb', 'web-pdb']);
    expect(g.code, g.stderr).to.equal(0);
    expect(g.stdout).to.match(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n/);
    expect(g.stdout).to.match(/\nweb-pdb\s+N\/A\s+1\s+1\s+\S+\n/);
    const [first] = await pods('app=web');
    await markRunning(first!, false);
    const after = await until('allowed 0', 20000, async () => {
      const p = await kube().client.get<PodDisruptionBudget>(path);
      return p.status?.currentHealthy === 2 ? p.status : undefined;
    }, logs);
    expect(after).to.include({ disruptionsAllowed: 0, desiredHealthy: 2 });
    expect(after.conditions?.find((c) => c.type === 'DisruptionAllowed')).to.include({ status: 'False', reason: 'InsufficientPods' });
    await markRunning(first!, true);
  });

  it('a DaemonSet: one pod per eligible node with nodeName set directly and the daemon tolerations (cordoned node included, tainted control plane not)', async () => {
    const r = await kube().kubectl(['apply', '-f', '-'], { input: 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube-system}\nspec:\n  selector: {matchLabels: {k: agent}}\n  template:\n    metadata: {labels: {k: agent}}\n    spec: {containers: [{name: a, image: busybox}]}\n' });
    expect(r.code, r.stderr).to.equal(0);
    const ps = await until('4 daemon pods', 20000, async () => {
      const l = (await kube().client.list<Pod>('/api/v1/namespaces/kube-system/pods', { labelSelector: 'k=agent' })).items;
      return l.length === 4 ? l : undefined;
    }, logs);
    expect(ps.map((p) => p.spec.nodeName).sort()).to.deep.equal(['c1', 'n1', 'n2', 'n3']);
    for (const p of ps) {
      expect(p.metadata.ownerReferences![0]).to.include({ kind: 'DaemonSet', name: 'agent', controller: true });
      expect(p.spec.tolerations!.map((t) => `${t.key}:${t.effect}`)).to.include.members(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unschedulable:NoSchedule']);
    }
    const ds = await until('ds status', 20000, async () => {
      const d = await kube().client.get<DaemonSet>('/apis/apps/v1/namespaces/kube-system/daemonsets/agent');
      return d.status?.['currentNumberScheduled'] === 4 ? d.status : undefined;
    }, logs);
    expect(ds).to.include({ desiredNumberScheduled: 4, numberMisscheduled: 0, updatedNumberScheduled: 4 });
  });

  it('a rollout (`kubectl set image`): a second ReplicaSet, the old one scaled to 0 once the new pods are ready; `kubectl rollout status` succeeds', async () => {
    autoRun = true;
    const before = (await kube().client.list<ReplicaSet>('/apis/apps/v1/namespaces/default/replicasets')).items;
    expect(before).to.have.length(1);
    const s1 = await kube().kubectl(['set', 'image', 'deployment/web', 'web=nginx:1.26']);
    expect(s1.code, s1.stderr).to.equal(0);
    const r = await kube().kubectl(['rollout', 'status', 'deployment/web', '--timeout=40s'], { timeoutMs: 60000 });
    expect(r.code, `${r.stdout}${r.stderr}\n${logs()}`).to.equal(0);
    expect(r.stdout).to.include('deployment "web" successfully rolled out');
    const rs = (await kube().client.list<ReplicaSet>('/apis/apps/v1/namespaces/default/replicasets')).items;
    expect(rs).to.have.length(2);
    const old = rs.find((x) => x.metadata.uid === before[0]!.metadata.uid)!;
    const neu = rs.find((x) => x.metadata.uid !== before[0]!.metadata.uid)!;
    expect(old.spec.replicas).to.equal(0);
    expect(neu.spec.replicas).to.equal(3);
    expect(neu.metadata.annotations?.['deployment.kubernetes.io/revision']).to.equal('2');
    expect(neu.spec.template.spec['containers']).to.deep.equal([{ name: 'web', image: 'nginx:1.26' }]);
    await until('only new pods', 20000, async () => {
      const ps = (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp);
      return ps.length === 3 && ps.every((p) => p.metadata.labels?.['pod-template-hash'] === neu.metadata.labels?.['pod-template-hash']);
    }, logs);
  });

  it('a node that stops heartbeating becomes Ready=Unknown after the grace period, with the unreachable taints; kubectl shows NotReady', async () => {
    await registerNode('n4', { beat: false });
    const started = Date.now();
    const n = await until('n4 Unknown', 20000, async () => {
      const x = await kube().client.get<Node>('/api/v1/nodes/n4');
      const ready = x.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'Unknown' && (x.spec?.taints ?? []).length >= 2 ? x : undefined;
    }, logs);
    // 6 s grace + 1 s monitor period, not earlier than the grace period
    expect(Date.now() - started).to.be.within(5500, 12000);
    const ready = n.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).to.include({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(n.status!.conditions!.find((c) => c.type === 'MemoryPressure')).to.include({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(n.spec!.taints!.map((t) => `${t.key}:${t.effect}`).sort()).to.deep.equal(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    expect(n.spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded).to.match(/Z$/);
    // the live nodes keep Ready=True
    const n1 = await kube().client.get<Node>('/api/v1/nodes/n1');
    expect(n1.status!.conditions!.find((c) => c.type === 'Ready')!.status).to.equal('True');
    const g = await kube().kubectl(['get', 'nodes', 'n4', 'n1']);
    expect(g.stdout).to.match(/\nn4\s+NotReady\s/);
    expect(g.stdout).to.match(/\nn1\s+Ready\s/);
  });

  it('garbage collection: deleting the Deployment removes its ReplicaSet and then its pods', async () => {
    const r = await kube().kubectl(['delete', 'deployment', 'web', '--wait=false']);
    expect(r.code, r.stderr).to.equal(0);
    await until('RS gone', 20000, async () => (await kube().client.list('/apis/apps/v1/namespaces/default/replicasets')).items.length === 0, logs);
    // bound pods are deleted gracefully: gone, or Terminating until their kubelet finishes them
    await until('pods deleted', 20000, async () => (await pods('app=web')).every((p) => p.metadata.deletionTimestamp), logs);
  });

  it('CSRs: one approved with the real `kubectl certificate approve` is signed by the cluster CA (verified with openssl); one nobody may auto-approve stays pending', async () => {
    const dir = kube().dir;
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'n9.key'], { cwd: dir });
    await run('openssl', ['req', '-new', '-key', 'n9.key', '-out', 'n9.csr', '-subj', '/O=system:nodes/CN=system:node:n9'], { cwd: dir });
    const request = Buffer.from(await readFile(path.join(dir, 'n9.csr'))).toString('base64');
    const usages = ['digital signature', 'key encipherment', 'client auth'];
    // the admin (system:masters) is neither a bootstrapper nor node n9: no auto-approval
    for (const name of ['csr-n9', 'csr-n9-unapproved'])
      await kube().client.create('/apis/certificates.k8s.io/v1/certificatesigningrequests', {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name },
        spec: { request, signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages, expirationSeconds: 86400 * 3 },
      });
    await new Promise((r) => setTimeout(r, 2000));
    const pending = await kube().client.get<Csr>('/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-n9');
    expect(pending.status?.conditions ?? [], logs()).to.deep.equal([]);
    const a = await kube().kubectl(['certificate', 'approve', 'csr-n9']);
    expect(a.code, a.stderr).to.equal(0);
    expect(a.stdout).to.include('certificatesigningrequest.certificates.k8s.io/csr-n9 approved');
    const csr = await until('signed CSR', 20000, async () => {
      const c = await kube().client.get<Csr>('/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-n9');
      return c.status?.certificate ? c : undefined;
    }, logs);
    const pem = Buffer.from(csr.status!.certificate!, 'base64').toString('utf8');
    await writeFile(path.join(dir, 'n9.crt'), pem);
    const v = await run('openssl', ['verify', '-CAfile', kube().caCert, 'n9.crt'], { cwd: dir });
    expect(v.stdout.trim()).to.equal('n9.crt: OK');
    const text = (await run('openssl', ['x509', '-in', 'n9.crt', '-noout', '-subject', '-enddate', '-ext', 'extendedKeyUsage,basicConstraints', '-nameopt', 'RFC2253'], { cwd: dir })).stdout;
    expect(text).to.match(/subject=CN=system:node:n9,O=system:nodes/);
    expect(text).to.include('TLS Web Client Authentication');
    expect(text).to.include('CA:FALSE');
    // expirationSeconds (3 days) is shorter than --cluster-signing-duration (1 year) and wins
    const notAfter = Date.parse(/notAfter=(.*)/.exec(text)![1]!);
    expect(notAfter - Date.now()).to.be.within(2.9 * 86400000, 3.1 * 86400000);
    // the key in the certificate is the requester's
    const pubCert = (await run('openssl', ['x509', '-in', 'n9.crt', '-noout', '-pubkey'], { cwd: dir })).stdout;
    const pubKey = (await run('openssl', ['ec', '-in', 'n9.key', '-pubout'], { cwd: dir })).stdout;
    expect(pubCert).to.equal(pubKey);
    const other = await kube().client.get<Csr>('/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-n9-unapproved');
    expect(other.status?.conditions ?? []).to.deep.equal([]);
    expect(other.status?.certificate).to.equal(undefined);
    const g = await kube().kubectl(['get', 'csr', 'csr-n9', '-o', 'jsonpath={.status.conditions[0].type}/{.status.conditions[0].reason}']);
    expect(g.stdout).to.equal('Approved/KubectlApprove');
  });

  it("kubeadm's TLS bootstrap: a kubelet client CSR sent with a bootstrap token is auto-approved and signed; the node renewing its own is approved too", async () => {
    const dir = kube().dir;
    // what kubeadm init writes for the bootstrap: the token Secret and its two ClusterRoleBindings
    await kube().client.create('/api/v1/namespaces/kube-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'bootstrap.kubernetes.io/token',
      metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
      data: Object.fromEntries(Object.entries({ 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', 'usage-bootstrap-signing': 'true', 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token' }).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    });
    const binding = (name: string, role: string, group: string): string =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: "${name}"}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "${role}"}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "${group}"}]\n`;
    const rb = await kube().kubectl(['apply', '-f', '-'], {
      input: [
        binding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', 'system:bootstrappers:kubeadm:default-node-token'),
        binding('kubeadm:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', 'system:bootstrappers:kubeadm:default-node-token'),
        binding('kubeadm:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', 'system:nodes'),
      ].join('---\n'),
    });
    expect(rb.code, rb.stderr).to.equal(0);
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'w7.key'], { cwd: dir });
    await run('openssl', ['req', '-new', '-key', 'w7.key', '-out', 'w7.csr', '-subj', '/O=system:nodes/CN=system:node:w7'], { cwd: dir });
    const request = (await readFile(path.join(dir, 'w7.csr'))).toString('base64');
    const bootConf = path.join(dir, 'bootstrap-kubelet.conf');
    await writeFile(bootConf, renderKubeconfig({ server: kube().server, ca: await readFile(kube().caCert, 'utf8'), token: 'abcdef.0123456789abcdef', userName: 'tls-bootstrap-token-user' }), { mode: 0o600 });
    const boot = await KubeClient.fromKubeconfig(bootConf);
    const signed = async (c: KubeClient, name: string): Promise<Csr> =>
      until(`${name} signed`, 20000, async () => {
        const x = await c.get<Csr>(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}`);
        return x.status?.certificate ? x : undefined;
      }, logs);
    const spec = { request, signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'key encipherment', 'client auth'] };
    try {
      await boot.create('/apis/certificates.k8s.io/v1/certificatesigningrequests', { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'node-csr-w7' }, spec });
      const csr = await signed(boot, 'node-csr-w7');
      expect(csr.spec.username).to.equal('system:bootstrap:abcdef');
      expect(csr.status!.conditions!.find((c) => c.type === 'Approved')).to.include({ status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' });
      await writeFile(path.join(dir, 'w7.crt'), Buffer.from(csr.status!.certificate!, 'base64'));
      expect((await run('openssl', ['verify', '-CAfile', kube().caCert, 'w7.crt'], { cwd: dir })).stdout.trim()).to.equal('w7.crt: OK');
      // the kubelet now talks with that certificate, and renews it itself
      const nodeConf = path.join(dir, 'kubelet-w7.conf');
      await writeFile(nodeConf, renderKubeconfig({ server: kube().server, ca: await readFile(kube().caCert, 'utf8'), cert: await readFile(path.join(dir, 'w7.crt'), 'utf8'), key: await readFile(path.join(dir, 'w7.key'), 'utf8'), userName: 'default-auth' }), { mode: 0o600 });
      const asNode = await KubeClient.fromKubeconfig(nodeConf);
      try {
        await asNode.create('/apis/certificates.k8s.io/v1/certificatesigningrequests', { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'node-csr-w7-renew' }, spec });
        const renewed = await signed(asNode, 'node-csr-w7-renew');
        expect(renewed.spec.username).to.equal('system:node:w7');
        expect(renewed.status!.conditions!.find((c) => c.type === 'Approved')).to.include({ reason: 'AutoApproved', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' });
      } finally {
        asNode.close();
      }
      const g = await kube().kubectl(['get', 'csr', 'node-csr-w7']);
      expect(g.stdout).to.match(/node-csr-w7\s.*system:bootstrap:abcdef\s+Approved,Issued/);
    } finally {
      boot.close();
    }
  });

  it('a deleted node: its Lease is garbage-collected, its pods are force-deleted by podgc after the 40 s quarantine', async function () {
    this.timeout(120000);
    const r = await kube().kubectl(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: pinned, namespace: default}\nspec: {nodeName: n3, containers: [{name: c, image: busybox}]}\n' });
    expect(r.code, r.stderr).to.equal(0);
    await until('pinned running', 20000, async () => (await kube().client.get<Pod>('/api/v1/namespaces/default/pods/pinned')).status?.phase === 'Running', logs);
    // the kubelet of n3 is gone for good, then the node is removed as remove-node does
    alive.delete('n3');
    const d = await kube().kubectl(['delete', 'node', 'n3']);
    expect(d.code, d.stderr).to.equal(0);
    const deletedAt = Date.now();
    await until('n3 lease collected', 20000, async () => (await kube().client.tryGet('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n3')) === null, logs);
    await until('n3 pods gone', 90000, async () => (await kube().client.list<Pod>('/api/v1/pods', { fieldSelector: 'spec.nodeName=n3' })).items.length === 0, logs);
    // not before the quarantine
    expect(Date.now() - deletedAt).to.be.above(39000);
    expect(kcm.log()).to.match(/"Forced deletion of orphaned Pod succeeded" pod="default\/pinned"/);
  });
});
