// End to end, the way the install guides (seed 003) build a cluster, on two lab hosts with the
// lab's apt repository: install kubeadm/kubelet/kubectl 1.16.3 with apt and hold them, `kubeadm
// init` on the master (stacked etcd: the real etcd run by the kubelet double from its static pod),
// a CNI config file, `kubeadm join` of the worker, and the real kubectl sees both nodes Ready.
//
// The kubeadm config has no lab-only listen addresses: each lab host's /etc/tsplay-lab/address
// moves the doubles' loopback/wildcard listeners to the host's own address (common/labnet.ts), and
// the last test checks that nothing ends up on 127.0.0.1 or 0.0.0.0. kubeadm 1.16 starts the kubelet
// before kubelet.conf exists: the kubelet unit's Restart=always brings it up 10 s later, as systemd
// does (lib/lab/supervisor.ts). The lab's /proc copies are in lib/lab/kube/packages/labflow.ts.
import { expect } from 'chai';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import { labDown, labUp, type LabState } from '../../../lib/lab/index.js';
import { labSsh, labSubnet, pidsOfHost, tempStateDir } from '../../helpers/lab.js';
import { initConfig116, initScript, joinCommandOf, prepareNodeScript, writeCniScript } from '../../../lib/lab/kube/packages/labflow.js';

const NET = labSubnet(82);
const MASTER = { name: 'ke82-m1', address: `${NET}.1` };
const WORKER = { name: 'ke82-w1', address: `${NET}.2` };

/** TCP listeners (address:port, as in /proc/net/tcp) held by processes of the lab host whose PID 1 is `hostPid`. */
async function listenersOfHost(hostPid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const pid of await pidsOfHost(hostPid)) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
      if (m) inodes.add(m[1]);
    }
  }
  const rows = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1).map((r) => r.trim().split(/\s+/));
  return rows.filter((c) => c[3] === '0A' && inodes.has(c[9])).map((c) => {
    const [hex, port] = c[1].split(':');
    const ip = hex.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.');
    return `${ip}:${parseInt(port, 16)}`;
  });
}

describe('lab kube end to end: apt install, kubeadm init, CNI, kubeadm join, nodes Ready (real kubectl)', function () {
  this.timeout(600000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  const ok = async (host: string, cmd: string): Promise<string> => {
    const r = await labSsh(state!, host, cmd);
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    stateDir = await tempStateDir('ke82');
    state = await labUp([MASTER, WORKER], { stateDir, kubeRepo: true });
  });
  after(async () => {
    if (stateDir) {
      await labDown(stateDir).catch(() => undefined);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  let joinCommand = '';
  const nodesWhen = async (ready: RegExp[]): Promise<string> => {
    let nodes = '';
    for (let i = 0; i < 60; i++) {
      nodes = await ok(MASTER.name, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes');
      if (ready.every((r) => r.test(nodes))) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    return nodes;
  };

  it('installs the packages with apt and initialises the master; the real kubectl sees it Ready once a CNI config exists', async () => {
    await Promise.all([MASTER, WORKER].map((h) => ok(h.name, prepareNodeScript('1.16.3-00'))));
    await labSsh(state!, MASTER.name, 'cat > /root/kubeadm-config.yaml', { input: initConfig116(MASTER.name, MASTER.address) });
    const init = await ok(MASTER.name, initScript('/root/kubeadm-config.yaml'));
    expect(init).to.contain('Your Kubernetes control-plane has initialized successfully!');
    expect(init).to.match(/\nexit 0\n$/);
    joinCommand = joinCommandOf(init);
    expect(joinCommand, init).to.not.equal('');

    // NotReady until the pod network's config file exists (seed 003), then Ready
    const before = await ok(MASTER.name, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes');
    expect(before).to.match(/\nke82-m1\s+NotReady\s+master\s+\S+\s+v1\.16\.3\n/);
    await ok(MASTER.name, writeCniScript());
    const nodes = await nodesWhen([/ke82-m1\s+Ready\s/]);
    expect(nodes).to.match(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    expect(nodes).to.match(/\nke82-m1\s+Ready\s+master\s+\S+\s+v1\.16\.3\n/);
  });

  it('joins the worker with the printed command; the real kubectl sees both nodes Ready with their versions', async () => {
    await ok(WORKER.name, writeCniScript());
    const joined = await labSsh(state!, WORKER.name, `${joinCommand} 2>&1`);
    expect(joined.stdout, joined.stdout + joined.stderr).to.contain('This node has joined the cluster');
    expect(joined.rc).to.equal(0);
    const nodes = await nodesWhen([/ke82-m1\s+Ready\s/, /ke82-w1\s+Ready\s/]);
    expect(nodes).to.match(/\nke82-m1\s+Ready\s+master\s+\S+\s+v1\.16\.3\n/);
    expect(nodes).to.match(/\nke82-w1\s+Ready\s+<none>\s+\S+\s+v1\.16\.3\n/);
  });

  it('kubectl version: the package\'s client version and the API server double\'s version through the real client', async () => {
    expect(await ok(MASTER.name, 'kubectl --kubeconfig /etc/kubernetes/admin.conf version --short')).to.equal('Client Version: v1.16.3\nServer Version: v1.16.3\n');
    const json = JSON.parse(await ok(MASTER.name, 'kubectl --kubeconfig=/etc/kubernetes/admin.conf version -o json')) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string; minor: string } };
    expect(json.clientVersion.gitVersion).to.equal('v1.16.3');
    expect(json.serverVersion).to.include({ gitVersion: 'v1.16.3', minor: '16' });
  });

  it('every listener of the doubles is on its host\'s own address, none on 127.0.0.1 or 0.0.0.0', async () => {
    for (const h of state!.hosts) {
      const listening = await listenersOfHost(h.pid);
      const own = h.name === MASTER.name ? MASTER.address : WORKER.address;
      // the master: at least etcd (client, peer), the API and the kubelet's healthz
      if (h.name === MASTER.name) expect(listening).to.include.members([2379, 2380, 6443, 10248].map((p) => `${own}:${p}`));
      expect(listening.filter((l) => !l.startsWith(`${own}:`)), `${h.name}: ${listening.join(' ')}`).to.deep.equal([]);
    }
  });
});
