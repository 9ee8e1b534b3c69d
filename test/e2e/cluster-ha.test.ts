import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { controllerKubectl, nodesOnceReady, seedExtraVars, within as withinEvery, writeClusterInventory } from './cluster-lab.js';
import { clusterHosts, describeRun, recap, REPO, tsplay } from './helpers.js';

// playbooks/cluster.ts on 3 masters + 2 workers (issue 12, seeds 000/001/002): external etcd on the
// three masters, the first master inits and the other two join the control plane, the workers join
// through the first master and then reach the API through their localhost load balancer (nginx-proxy
// static pod with the real nginx, run by the kubelet double; upstreams = the three apiservers).
// Then the HA proofs of seed 002: the first master's apiserver down, the API still answers through
// a worker's load balancer and the workers stay Ready; two of three etcd members down, the API
// fails, and comes back when they start again. labSubnet(175).
const CLUSTER = path.join(REPO, 'playbooks/cluster.ts');
const SUBNET = labSubnet(175);
const HOSTS = clusterHosts(SUBNET, 3, 2);
const MASTERS = HOSTS.slice(0, 3);
const WORKERS = HOSTS.slice(3);
const M1 = MASTERS[0]!;
const W1 = WORKERS[0]!;
const VERSION = '1.34.3';
/** polls every 2 s */
const within = <T>(ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> => withinEvery(ms, probe, 2000);


/** `kubectl get nodes --no-headers` as name → STATUS; empty when kubectl failed. */
function statuses(out: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 2 && HOSTS.some((h) => h.name === f[0])) m[f[0]!] = f[1]!;
  }
  return m;
}

describe('e2e: cluster.ts installs an HA cluster (3 masters, external etcd, localhost API load balancer)', function () {
  this.timeout(1500000);
  const lab = useLab('e2e-ha', HOSTS, { kubeRepo: true });
  let inv: string;
  let extra: string;
  let kubeconfig: string;
  const sh = async (host: string, cmd: string): Promise<string> => {
    const r = await labSsh(lab(), host, cmd);
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}: ${r.stderr}`);
    return r.stdout;
  };
  /** the real kubectl on the controller, straight to the first master (admin.conf's server) */
  const direct = (args: string[]): Promise<{ rc: number; out: string }> => controllerKubectl(kubeconfig, ['--request-timeout=5s', ...args]);
  /** the real kubectl on the controller through k1-node01's load balancer (it serves the apiservers' certificate, which names localhost) */
  const viaLb = (args: string[]): Promise<{ rc: number; out: string }> =>
    controllerKubectl(kubeconfig, ['--server', `https://${W1.address}:6443`, '--tls-server-name', 'localhost', '--request-timeout=5s', ...args]);

  before(async () => {
    inv = await writeClusterInventory(lab(), lab().stateDir);
    extra = path.join(lab().stateDir, 'extra-vars.yml');
    await writeFile(extra, seedExtraVars(VERSION));
    kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');
  });

  it('installs: every node Ready at kube_version, workers reach the API through their localhost load balancer; a rerun changes nothing', async () => {
    const first = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    const nodes = await nodesOnceReady(kubeconfig, HOSTS.length);
    for (const h of HOSTS) expect(nodes, nodes).to.match(new RegExp(`\\n${h.name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}\\n`));
    expect((await direct(['get', 'nodes', '-l', 'node-role.kubernetes.io/control-plane', '-o', 'name'])).out.trim().split('\n').sort()).to.deep.equal(
      MASTERS.map((m) => `node/${m.name}`),
    );
    for (const w of WORKERS) {
      // kubeadm join went to the first master; the kubelet now uses the load balancer on localhost
      expect(await sh(w.name, 'grep -E "^\\s*server:" /etc/kubernetes/kubelet.conf')).to.match(/server: https:\/\/localhost:6443\n$/);
      const conf = await sh(w.name, 'cat /etc/nginx/nginx.conf');
      expect(conf).to.include(MASTERS.map((m) => `    server ${m.address}:6443;`).join('\n')).and.include(`listen        ${w.address}:6443;`);
      expect(await sh(w.name, 'ls /etc/kubernetes/manifests')).to.equal('nginx-proxy.yml\n');
      expect(await sh(w.name, `ss -Hltnp 'sport = :6443'`)).to.include(`${w.address}:6443`).and.include('"nginx"');
    }
    // no load balancer on the masters: their apiserver binds '::' (kubespray's default)
    for (const m of MASTERS) expect((await labSsh(lab(), m.name, 'test -e /etc/kubernetes/manifests/nginx-proxy.yml')).rc).to.not.equal(0);
    // each master's kubelet and admin.conf use its own apiserver (the lab: its own address)
    for (const m of MASTERS) {
      expect(await sh(m.name, 'grep -hE "^\\s*server:" /etc/kubernetes/kubelet.conf /etc/kubernetes/admin.conf')).to.equal(`    server: https://${m.address}:6443\n`.repeat(2));
    }

    const again = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });

  it("the first master's apiserver down: the API answers through a worker's load balancer and the workers stay Ready", async () => {
    const before = await viaLb(['get', 'nodes', '--no-headers']);
    expect(before.rc, before.out).to.equal(0);
    expect((await direct(['get', 'nodes'])).rc).to.equal(0);

    // the kubelet stops the apiserver whose manifest went away; then the kubelet itself stops
    await sh(M1.name, 'mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/kube-apiserver.yaml');
    try {
      const gone = await within(60000, async () => ((await sh(M1.name, `ss -Hltn 'sport = :6443' | grep -F '${M1.address}:6443' || true`)).trim() === '' ? true : undefined));
      expect(gone, `${M1.name}: kube-apiserver still listens on ${M1.address}:6443`).to.equal(true);
      await sh(M1.name, 'systemctl stop kubelet');

      // straight to the first master: nothing answers
      const down = await direct(['get', 'nodes']);
      expect(down.rc, down.out).to.not.equal(0);
      expect(down.out).to.match(/refused|Unable to connect/);

      // through the worker's load balancer: every request answered (by the other two masters)
      for (let i = 0; i < 6; i++) {
        const r = await viaLb(['get', 'nodes', '--no-headers']);
        expect(r.rc, `request ${i + 1} through ${W1.name}'s load balancer: ${r.out}`).to.equal(0);
      }
      // the node lifecycle controller (on another master) sees the first master's kubelet gone
      // while the workers' kubelets keep reporting through their load balancers
      const seen = await within(180000, async () => {
        const s = statuses((await viaLb(['get', 'nodes', '--no-headers'])).out);
        return s[M1.name] && s[M1.name] !== 'Ready' ? s : undefined;
      });
      expect(seen, `${M1.name} never went NotReady with its kubelet stopped`).to.not.equal(undefined);
      for (const w of WORKERS) expect(seen![w.name], JSON.stringify(seen)).to.equal('Ready');
      // the worker's own kubelet credentials through its load balancer (the real kubectl on the
      // worker: the lab does not remap its localhost, so the worker's address and the name localhost)
      const workerReply = await labSsh(lab(), W1.name, `kubectl --kubeconfig /etc/kubernetes/kubelet.conf --server https://${W1.address}:6443 --tls-server-name localhost get node ${W1.name} --no-headers --request-timeout=5s`);
      expect(workerReply.rc, workerReply.stderr).to.equal(0);
      expect(workerReply.stdout).to.match(new RegExp(`^${W1.name}\\s+Ready\\s`));
      // the other masters' kubelets use their own apiserver, not the first master's
      for (const m of MASTERS.slice(1)) expect(seen![m.name], JSON.stringify(seen)).to.equal('Ready');
    } finally {
      await sh(M1.name, 'test -e /root/kube-apiserver.yaml && mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/ ; systemctl start kubelet');
    }
    const back = await within(120000, async () => {
      const r = await direct(['get', 'nodes', '--no-headers']);
      const s = statuses(r.out);
      return r.rc === 0 && HOSTS.every((h) => s[h.name] === 'Ready') ? s : undefined;
    });
    expect(back, 'the first master came back Ready with its apiserver').to.not.equal(undefined);
  });

  it('two of three etcd members stopped: the API fails; they start again: it answers', async () => {
    const ok = await viaLb(['get', 'nodes', '--no-headers']);
    expect(ok.rc, ok.out).to.equal(0);
    const stopped = MASTERS.slice(1);
    for (const m of stopped) await sh(m.name, 'systemctl stop etcd');
    try {
      expect((await sh(MASTERS[0]!.name, 'systemctl is-active etcd || true')).trim()).to.equal('active');
      // no quorum: reads and writes fail, whichever apiserver the load balancer picks
      for (let i = 0; i < 3; i++) {
        const r = await viaLb(['get', 'nodes', '--no-headers']);
        expect(r.rc, `request ${i + 1} with 2 of 3 etcd members stopped: ${r.out}`).to.not.equal(0);
      }
      const w = await viaLb(['create', 'namespace', 'ha-quorum-probe']);
      expect(w.rc, w.out).to.not.equal(0);
    } finally {
      for (const m of stopped) await sh(m.name, 'systemctl start etcd');
    }
    const back = await within(120000, async () => {
      const r = await viaLb(['get', 'nodes', '--no-headers']);
      return r.rc === 0 ? r.out : undefined;
    });
    expect(back, 'the API answered again once etcd had its quorum back').to.be.a('string');
    const created = await within(60000, async () => ((await viaLb(['create', 'namespace', 'ha-quorum-probe'])).rc === 0 ? true : undefined));
    expect(created, 'a write succeeded again').to.equal(true);
  });
});
