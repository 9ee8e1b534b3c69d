// Issue 13 "Proof": the full path 1.14.3 → 1.15.6 → 1.16.3 → 1.17.7 → 1.18.5, one minor per run of
// playbooks/upgrade-cluster.ts with -e serial=1, on 3 masters (stacked etcd, built as kubeadm 1.14
// builds them) + 2 workers, the doubles of kubeadm/kubelet/control plane, real etcd, real kubectl.
// Before the path: a master whose sshd does not answer, and one whose kubelet and API server are
// stopped, each stop the run before any host is touched, named. Then each step: the kubeadm
// config's apiVersion moves with the version, every node reports the new version, the masters are
// all upgraded before any worker is cordoned, at most one worker is cordoned at a time (events and a
// poll), and a Deployment under a PDB that allows one disruption never shows fewer Ready pods than
// the PDB's minimum (the lab's controller-manager recreates evicted pods through the ReplicaSet,
// the scheduler places them on a schedulable worker, the kubelet double reports them Ready).
import { expect } from 'chai';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labUp, type LabState } from '../../../lib/lab/index.js';
import { labSubnet, pidsOfHost, tempStateDir } from '../../helpers/lab.js';
import { tsplay, type CliRun } from '../../e2e/helpers.js';
import {
  build114, cordonWindows, dropLab, deployWorkload, EXTRA, KUBEADM_API, KUBECTL, kubeadmUpgrades, mostOpenAtOnce, nodeVersions, ok, PATH, poll,
  waitFor, WORKLOAD, writePathInventory, type Sample,
} from './upgrade-path-lab.js';

const NET = labSubnet(179);
const MASTERS = [1, 2, 3].map((i) => ({ name: `up179-m${i}`, address: `${NET}.${i}` }));
const WORKERS = [1, 2].map((i) => ({ name: `up179-w${i}`, address: `${NET}.${3 + i}` }));
const ALL = [...MASTERS, ...WORKERS];
const [M1, M2, M3] = MASTERS as [typeof MASTERS[0], typeof MASTERS[0], typeof MASTERS[0]];

describe('upgrade-cluster.ts: the path 1.14.3 → 1.18.5 on 3 masters + 2 workers, one minor per run, serial=1', function () {
  this.timeout(1800000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  let dir = '';
  let inventory = '';
  const sh = (host: string, cmd: string): Promise<string> => ok(state!, host, cmd);
  const run = (...args: string[]): Promise<CliRun> => tsplay(['run', 'playbooks/upgrade-cluster.ts', '-i', inventory, ...EXTRA, ...args]);
  const out = (r: CliRun): string => `exit ${r.code}\n${r.stdout.slice(-6000)}\n${r.stderr}`;
  const versions = (v: string): Record<string, string> => Object.fromEntries(ALL.map((h) => [h.name, `v${v}`]));
  /** the API server on `address` answers /healthz with ok (real kubectl on the first master) */
  const apiHealthy = async (address: string): Promise<boolean> =>
    (await sh(M1.name, `${KUBECTL} --server https://${address}:6443 --request-timeout=3s get --raw /healthz 2>/dev/null || true`)).trim() === 'ok';
  const apiVersions = async (m: { name: string }): Promise<string[]> =>
    (await sh(m.name, "grep -h '^apiVersion: kubeadm' /etc/kubernetes/kubeadm-config.yaml")).trim().split('\n');

  before(async function () {
    this.timeout(1200000);
    stateDir = await tempStateDir('up179');
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-upath-'));
    state = await labUp(ALL, { stateDir, kubeRepo: true });
    await build114(state, MASTERS, WORKERS);
    inventory = path.join(dir, 'inventory.ini');
    await writePathInventory(state, inventory, MASTERS, WORKERS);
  });
  after(async function () {
    this.timeout(120000);
    await dropLab(stateDir, dir);
  });

  /** nothing was changed anywhere: every node still at 1.14.3, uncordoned, packages and manifests at 1.14.3 */
  const untouched = async (r: CliRun): Promise<void> => {
    expect(r.stdout).to.not.match(/TASK \[upgrade-pre-upgrade : cordon node\]|TASK \[upgrade-control-plane/);
    expect(await nodeVersions(state!, M1)).to.deep.equal(versions('1.14.3'));
    for (const h of [M1, M3, ...WORKERS]) expect(await sh(h.name, "dpkg-query -W -f='${Version}' kubeadm kubelet")).to.equal('1.14.3-001.14.3-00');
    expect(await sh(M1.name, "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml")).to.contain('kube-apiserver:v1.14.3');
  };

  it('the 1.14.3 cluster is as kubeadm 1.14 builds it: three masters, v1beta1 config on each, five nodes Ready at 1.14.3', async () => {
    expect(await nodeVersions(state!, M1)).to.deep.equal(versions('1.14.3'));
    for (const m of MASTERS) expect(await apiVersions(m), m.name).to.deep.equal(['kubeadm.k8s.io/v1beta1', 'kubeadm.k8s.io/v1beta1'].map((a) => `apiVersion: ${a}`));
    const masters = await sh(M1.name, `${KUBECTL} get nodes -l node-role.kubernetes.io/master -o name`);
    expect(masters.trim().split('\n').sort()).to.deep.equal(MASTERS.map((m) => `node/${m.name}`));
  });

  it('a master whose sshd does not answer stops the run before any host is touched, naming it', async () => {
    // SIGSTOP the host's sshd: connections are accepted by the kernel and never answered (the
    // host's supervisor would end the host if sshd exited)
    const host = state!.hosts.find((h) => h.name === M2.name)!;
    const sshd: number[] = [];
    for (const pid of await pidsOfHost(host.pid)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      // OpenSSH retitles its listener: `sshd: /usr/sbin/sshd -D ... [listener] 0 of 100-100 startups`
      if (/^(sshd: \/usr\/sbin\/sshd -D .*\[listener\]|\/usr\/sbin\/sshd\0-D\0)/.test(cmdline)) sshd.push(pid);
    }
    expect(sshd, 'the sshd listener of up179-m2').to.have.length(1);
    process.kill(sshd[0]!, 'SIGSTOP');
    let r: CliRun;
    try {
      r = await run('-e', 'kube_version=1.15.6', '-e', 'serial=1', '-e', 'ansible_ssh_timeout=5');
    } finally {
      process.kill(sshd[0]!, 'SIGCONT');
    }
    expect(r.code, out(r)).to.equal(2);
    expect(r.stdout).to.contain(`upgrade preflight: nothing was changed. Unreachable over SSH: ${M2.name}.`);
    expect(r.stdout).to.not.contain('TASK [upgrade-preflight : version path guard]');
    await untouched(r);
    expect(await sh(M2.name, "dpkg-query -W -f='${Version}' kubeadm")).to.equal('1.14.3-00');
  });

  it('a master whose kubelet and API server are stopped stops the run before any host is touched, naming it', async () => {
    await sh(M3.name, 'systemctl stop kubelet');
    let r: CliRun;
    try {
      // at once: the node is still Ready (the node monitor's grace period), its API server is not
      await waitFor('up179-m3\'s API server gone', async () => !(await apiHealthy(M3.address)), 60);
      r = await run('-e', 'kube_version=1.15.6', '-e', 'serial=1');
    } finally {
      await sh(M3.name, 'systemctl start kubelet');
    }
    expect(r.code, out(r)).to.equal(2);
    expect(r.stdout).to.contain('version path guard: refusing to upgrade to 1.15.6; nothing was changed.');
    // the probe of its API server names it at once; had the node monitor's grace period passed first, its Ready condition would
    expect(r.stdout).to.match(new RegExp(`control-plane node ${M3.name}(: its API server does not answer /healthz \\(https://${M3.address.replaceAll('.', '\\.')}:6443: | is not Ready)`));
    await untouched(r);
    await waitFor('up179-m3 back: API server answers and node Ready', async () =>
      (await apiHealthy(M3.address)) && / Ready /.test(await sh(M1.name, `${KUBECTL} get node ${M3.name} --no-headers`)), 300);
  });

  it('a Deployment of 3 pods under a PDB with minAvailable 2 runs on the workers', async () => {
    await deployWorkload(state!, M1);
    const where = await sh(M1.name, `${KUBECTL} get pods -l app=${WORKLOAD.name} -o jsonpath='{range .items[*]}{.spec.nodeName}{"\\n"}{end}'`);
    for (const n of where.trim().split('\n')) expect(WORKERS.map((w) => w.name)).to.include(n);
  });

  const allSamples: Sample[] = [];
  for (let i = 1; i < PATH.length; i++) {
    const from = PATH[i - 1]!;
    const to = PATH[i]!;
    it(`${from} → ${to}: kubeadm config ${KUBEADM_API[to]}, every node at v${to}, masters before any worker, one worker cordoned at a time, the PDB's minimum always Ready`, async () => {
      const watch = poll(state!, M1, MASTERS);
      const r = await run('-e', `kube_version=${to}`, '-e', 'serial=1', '--json');
      const samples = await watch.stop();
      allSamples.push(...samples);
      expect(r.code, out(r)).to.equal(0);
      // the file kubeadm read has the apiVersion of that version's kubeadm, on every master
      for (const m of MASTERS) expect(await apiVersions(m), m.name).to.deep.equal([`apiVersion: ${KUBEADM_API[to]}`, `apiVersion: ${KUBEADM_API[to]}`]);
      expect(await sh(M1.name, 'grep kubernetesVersion /etc/kubernetes/kubeadm-config.yaml')).to.equal(`kubernetesVersion: v${to}\n`);
      // every node reports the new version (real kubectl)
      expect(await nodeVersions(state!, M1)).to.deep.equal(versions(to));
      expect(JSON.parse(await sh(M1.name, `${KUBECTL} version -o json`)).serverVersion.gitVersion).to.equal(`v${to}`);
      // masters first: kubeadm upgrade apply on the first, node on the others, all before any worker's cordon
      const ups = kubeadmUpgrades(r.events);
      expect(ups.map((u) => u.host)).to.deep.equal(MASTERS.map((m) => m.name));
      const windows = cordonWindows(r.events);
      const workerWindows = windows.filter((w) => WORKERS.some((x) => x.name === w.host));
      expect(workerWindows.map((w) => w.host)).to.deep.equal(WORKERS.map((w) => w.name));
      const lastMaster = Math.max(...r.events.flatMap((e, idx) => (e.type === 'host_result' && MASTERS.some((m) => m.name === e.host) && e.status !== 'skipped' ? [idx] : [])));
      const firstWorkerCordon = Math.min(...workerWindows.map((w) => w.cordon));
      expect(lastMaster, 'the last master result comes before the first worker cordon').to.be.lessThan(firstWorkerCordon);
      for (const u of ups) expect(u.at).to.be.lessThan(firstWorkerCordon);
      // serial=1: one worker's cordon..uncordon closes before the next opens (events), and the API never showed two
      expect(mostOpenAtOnce(workerWindows)).to.equal(1);
      const seen = samples.filter((s) => s.cordoned !== null);
      const most = Math.max(0, ...seen.map((s) => s.cordoned!.filter((n) => WORKERS.some((w) => w.name === n)).length));
      expect(most, JSON.stringify(seen.map((s) => s.cordoned))).to.be.at.most(1);
      // the workload: never fewer Ready pods than the PDB's minimum, in every sample the API answered
      const answered = samples.filter((s) => s.ready !== null);
      expect(answered.length, `the poll got answers (${answered.length} of ${samples.length})`).to.be.greaterThan(5);
      const least = Math.min(...answered.map((s) => s.ready!));
      expect(least, answered.map((s) => s.ready).join(' ')).to.be.at.least(WORKLOAD.minAvailable);
      await waitFor('the workload back to 3 Ready', async () => (await sh(M1.name, `${KUBECTL} get deploy ${WORKLOAD.name} -o jsonpath='{.status.readyReplicas}'`)).trim() === '3', 120);
    });
  }

  it('the polls saw workers cordoned during the runs and pods moving (the poll can see what it guards)', () => {
    expect(allSamples.some((s) => (s.cordoned ?? []).some((n) => WORKERS.some((w) => w.name === n)))).to.equal(true);
    expect(allSamples.some((s) => s.ready !== null && s.ready < WORKLOAD.replicas)).to.equal(true);
  });
});

