// A 3-master stacked-etcd control plane the way kubeadm builds one (labSubnet(120)), with a
// kubeadm config that has no lab-only listen addresses: `kubeadm init --upload-certs` on master 1,
// `kubeadm join --control-plane --certificate-key` on masters 2 and 3 (each adds its etcd member),
// a worker joins. kubeadm's own defaults (apiserver on 0.0.0.0:6443, etcd on 127.0.0.1:2379 and
// the apiserver's --etcd-servers=https://127.0.0.1:2379, kubelet healthz on 127.0.0.1:10248) would
// collide between lab hosts that share one network namespace; each host's /etc/tsplay-lab/address
// moves them to the host's own address (lib/lab/kube/common/labnet.ts).
import { expect } from 'chai';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import { labDown, labUp, type LabState } from '../../../lib/lab/index.js';
import { controlPlaneJoinCommandOf, initConfig116, initScript, joinCommandOf, prepareNodeScript, writeCniScript } from '../../../lib/lab/kube/packages/labflow.js';
import { labSsh, labSubnet, pidsOfHost, tempStateDir } from '../../helpers/lab.js';

const NET = labSubnet(120);
const MASTERS = [1, 2, 3].map((i) => ({ name: `kh120-m${i}`, address: `${NET}.${i}` }));
const WORKER = { name: 'kh120-w1', address: `${NET}.4` };
const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const ETCDCTL = (a: string): string =>
  `ETCDCTL_API=3 etcdctl --endpoints https://${a}:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key`;

/** TCP listeners (address:port) held by the processes of the lab host whose PID 1 is `hostPid`. */
async function listenersOfHost(hostPid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const pid of await pidsOfHost(hostPid)) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
      if (m) inodes.add(m[1]!);
    }
  }
  const rows = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1).map((r) => r.trim().split(/\s+/));
  return rows.filter((c) => c[3] === '0A' && inodes.has(c[9]!)).map((c) => {
    const [hex, port] = c[1]!.split(':');
    return `${hex!.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.')}:${parseInt(port!, 16)}`;
  });
}

describe('lab kube: 3-master stacked etcd control plane with kubeadm\'s default listeners', function () {
  this.timeout(900000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  const ok = async (host: string, cmd: string, input?: string): Promise<string> => {
    const r = await labSsh(state!, host, cmd, input === undefined ? {} : { input });
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const until = async (what: string, f: () => Promise<boolean>, last: () => string): Promise<void> => {
    for (let i = 0; i < 90; i++) {
      if (await f()) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`timed out waiting for ${what}:\n${last()}`);
  };

  before(async function () {
    this.timeout(300000);
    stateDir = await tempStateDir('kh120');
    state = await labUp([...MASTERS, WORKER], { stateDir, kubeRepo: true });
    // two at a time: apt and dpkg on four hosts at once crowd the machine's two CPUs
    for (const pair of [[MASTERS[0]!, MASTERS[1]!], [MASTERS[2]!, WORKER]])
      await Promise.all(pair.map((h) => ok(h.name, `${prepareNodeScript('1.16.3-00')} && ${writeCniScript()}`)));
  });
  after(async function () {
    this.timeout(60000);
    if (stateDir) {
      await labDown(stateDir).catch(() => undefined);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  let initLog = '';
  it('kubeadm init --upload-certs on master 1 with a config that sets no listen address', async () => {
    const [m1] = MASTERS;
    const config = initConfig116(m1!.name, m1!.address, 'v1.16.3', `${m1!.address}:6443`);
    expect(config).to.not.match(/bind-address|listen-|etcd-servers|healthzBindAddress|^address:/m);
    await ok(m1!.name, 'cat > /root/kubeadm-config.yaml', config);
    initLog = await ok(m1!.name, initScript('/root/kubeadm-config.yaml', '--upload-certs'));
    expect(initLog, initLog).to.match(/\nexit 0\n$/);
    expect(controlPlaneJoinCommandOf(initLog), initLog).to.match(/--control-plane --certificate-key [0-9a-f]{64}$/);
    // kubeadm's own defaults are in the manifests, as on a real node
    const apiserver = await ok(m1!.name, 'cat /etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(apiserver).to.contain('--etcd-servers=https://127.0.0.1:2379');
    expect(apiserver).to.not.contain('--bind-address');
    expect(await ok(m1!.name, 'cat /etc/kubernetes/manifests/etcd.yaml')).to.contain(`--listen-client-urls=https://127.0.0.1:2379,https://${m1!.address}:2379`);
  });

  it('masters 2 and 3 join the control plane one at a time, each adding its stacked etcd member', async () => {
    const cp = controlPlaneJoinCommandOf(initLog);
    for (const m of MASTERS.slice(1)) {
      const out = await ok(m.name, `${cp} 2>&1`);
      expect(out).to.contain('A new etcd member was added to the local/stacked etcd cluster.');
      expect(out).to.contain('This node has joined the cluster and a new control plane instance was created');
    }
    await ok(WORKER.name, `${joinCommandOf(initLog)} 2>&1`);
  });

  it('the real kubectl sees three masters and the worker Ready', async () => {
    let nodes = '';
    await until('4 nodes Ready', async () => {
      nodes = await ok(MASTERS[0]!.name, `${KUBECTL} get nodes`);
      return [...MASTERS, WORKER].every((h) => new RegExp(`\\n${h.name}\\s+Ready\\s`).test(nodes));
    }, () => nodes);
    for (const m of MASTERS) expect(nodes).to.match(new RegExp(`\\n${m.name}\\s+Ready\\s+master\\s+\\S+\\s+v1\\.16\\.3\\n`));
    expect(nodes).to.match(/\nkh120-w1\s+Ready\s+<none>\s+\S+\s+v1\.16\.3\n/);
  });

  it('every master\'s API server answers on its own address with a certificate that verifies, and sees the others\' objects', async () => {
    for (const m of MASTERS) {
      // admin.conf's CA verifies the server certificate for the address asked (no --insecure-skip-tls-verify).
      // kubeadm 1.16's join does not wait for the new API server: its etcd check may fail for a while
      let health = '';
      await until(`${m.name}'s /healthz`, async () => {
        const r = await labSsh(state!, m.name, `${KUBECTL} --server https://${m.address}:6443 get --raw /healthz 2>&1`);
        health = r.stdout;
        return r.rc === 0 && health === 'ok';
      }, () => health);
      const names = await ok(m.name, `${KUBECTL} --server https://${m.address}:6443 get nodes -o name`);
      expect(names.trim().split('\n').sort()).to.deep.equal([...MASTERS, WORKER].map((h) => `node/${h.name}`).sort());
    }
  });

  it('etcd has three started members, one per master, and each answers on its own address', async () => {
    let list = '';
    await until('3 started etcd members', async () => {
      list = (await labSsh(state!, MASTERS[0]!.name, `${ETCDCTL(MASTERS[0]!.address)} member list`)).stdout;
      return list.trim().split('\n').filter((l) => /, started, /.test(l)).length === 3;
    }, () => list);
    for (const m of MASTERS) expect(list).to.contain(`, started, ${m.name}, https://${m.address}:2380, https://${m.address}:2379`);
    for (const m of MASTERS) expect(await ok(m.name, `${ETCDCTL(m.address)} endpoint health 2>&1`)).to.contain(`https://${m.address}:2379 is healthy`);
  });

  it('every listener of every host is on that host\'s own address', async () => {
    for (const h of state!.hosts) {
      const listening = await listenersOfHost(h.pid);
      const own = [...MASTERS, WORKER].find((x) => x.name === h.name)!.address;
      if (h.name !== WORKER.name) expect(listening, h.name).to.include.members([2379, 2380, 2381, 6443, 10248, 10251, 10252].map((p) => `${own}:${p}`));
      expect(listening.filter((l) => !l.startsWith(`${own}:`)), `${h.name}: ${listening.join(' ')}`).to.deep.equal([]);
    }
  });
});
