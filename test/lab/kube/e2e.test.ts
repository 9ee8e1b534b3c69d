// End to end, the way the install guides (seed 003) build a cluster, on two lab hosts with the
// lab's apt repository: install kubeadm/kubelet/kubectl 1.16.3 with apt and hold them, `kubeadm
// init` on the master (stacked etcd: the real etcd run by the kubelet double from its static pod),
// a CNI config file, `kubeadm join` of the worker, and the real kubectl sees both nodes Ready.
//
// Lab-only settings, all through the tools' own configuration: every listener on the host's own
// address (kubeadm config: etcd listen URLs, apiserver/controller-manager/scheduler bind-address,
// the kubelet's address and healthz address; the worker's via KUBELET_EXTRA_ARGS), and the
// kernel settings of the guides' "prepare the node" step (ip_forward, bridge-nf-call-iptables, no
// swap) written to the lab's /etc/tsplay-lab/proc copies, since lab hosts share one kernel.
// One difference the test makes up for: the lab's systemctl does not restart a failed service
// after RestartSec (systemd's Restart=always). kubeadm 1.16 starts the kubelet before it has
// written kubelet.conf; the kubelet exits, and systemd would start it again 10 s later. The test
// starts it once kubelet.conf exists, as that restart would.
import { expect } from 'chai';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import { labDown, labUp, type LabState } from '../../../lib/lab/index.js';
import { labSsh, labSubnet, pidsOfHost, tempStateDir } from '../../helpers/lab.js';

const NET = labSubnet(82);
const MASTER = { name: 'ke82-m1', address: `${NET}.1` };
const WORKER = { name: 'ke82-w1', address: `${NET}.2` };

const INIT_CONFIG = `apiVersion: kubeadm.k8s.io/v1beta2
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${MASTER.address}
  bindPort: 6443
nodeRegistration:
  name: ${MASTER.name}
---
apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
kubernetesVersion: v1.16.3
networking:
  podSubnet: 10.244.0.0/16
etcd:
  local:
    extraArgs:
      listen-client-urls: https://${MASTER.address}:2379
      listen-metrics-urls: http://${MASTER.address}:2381
apiServer:
  extraArgs:
    bind-address: ${MASTER.address}
    etcd-servers: https://${MASTER.address}:2379
controllerManager:
  extraArgs:
    bind-address: ${MASTER.address}
    address: ${MASTER.address}
scheduler:
  extraArgs:
    bind-address: ${MASTER.address}
    address: ${MASTER.address}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
address: ${MASTER.address}
healthzBindAddress: ${MASTER.address}
`;

const CNI = '{"name": "cbr0", "cniVersion": "0.3.1", "plugins": [{"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}}]}';

const PREPARE = [
  'apt-get update -qq',
  'DEBIAN_FRONTEND=noninteractive apt-get install -qq -y kubeadm=1.16.3-00 kubelet=1.16.3-00 kubectl=1.16.3-00 >/dev/null',
  'apt-mark hold kubeadm kubelet kubectl',
  'mkdir -p /etc/tsplay-lab/proc/sys/net/ipv4 /etc/tsplay-lab/proc/sys/net/bridge',
  'echo 1 > /etc/tsplay-lab/proc/sys/net/ipv4/ip_forward',
  'echo 1 > /etc/tsplay-lab/proc/sys/net/bridge/bridge-nf-call-iptables',
  "printf 'Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority\\n' > /etc/tsplay-lab/proc/swaps",
].join(' && ');

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

describe('lab kube end to end: apt install, kubeadm init, CNI, nodes Ready (real kubectl)', function () {
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
    await Promise.all([MASTER, WORKER].map((h) => ok(h.name, PREPARE)));
    await labSsh(state!, MASTER.name, 'cat > /root/kubeadm-config.yaml', { input: INIT_CONFIG });
    const init = await ok(
      MASTER.name,
      [
        '(setsid kubeadm init --config /root/kubeadm-config.yaml > /root/init.log 2>&1; echo "exit $?" >> /root/init.log) &',
        // systemd's Restart=always, which the lab's systemctl lacks (see the top of this file)
        'for i in $(seq 1 300); do [ -f /etc/kubernetes/kubelet.conf ] && break; sleep 0.2; done',
        'sleep 1; systemctl is-active --quiet kubelet || systemctl start kubelet',
        'for i in $(seq 1 240); do grep -q "^exit " /root/init.log && break; sleep 1; done',
        'cat /root/init.log',
      ].join('\n'),
    );
    expect(init).to.contain('Your Kubernetes control-plane has initialized successfully!');
    expect(init).to.match(/\nexit 0\n$/);
    joinCommand = /(kubeadm join \S+ --token \S+ \\\n\s+--discovery-token-ca-cert-hash sha256:[0-9a-f]{64})/.exec(init)?.[1].replace(/\\\n\s+/, '') ?? '';
    expect(joinCommand, init).to.not.equal('');

    // NotReady until the pod network's config file exists (seed 003), then Ready
    const before = await ok(MASTER.name, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes');
    expect(before).to.match(/\nke82-m1\s+NotReady\s+master\s+\S+\s+v1\.16\.3\n/);
    await ok(MASTER.name, `mkdir -p /etc/cni/net.d && printf '%s\\n' '${CNI}' > /etc/cni/net.d/10-flannel.conflist`);
    const nodes = await nodesWhen([/ke82-m1\s+Ready\s/]);
    expect(nodes).to.match(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    expect(nodes).to.match(/\nke82-m1\s+Ready\s+master\s+\S+\s+v1\.16\.3\n/);
  });

  it('every listener of the doubles is on its host\'s own address, none on 127.0.0.1 or 0.0.0.0', async () => {
    for (const h of state!.hosts) {
      const listening = await listenersOfHost(h.pid);
      const own = h.name === MASTER.name ? MASTER.address : WORKER.address;
      // the master: sshd, etcd (client, peer, metrics), the API, the kubelet, scheduler, controller-manager
      if (h.name === MASTER.name) expect(listening.length, listening.join(' ')).to.be.greaterThan(5);
      expect(listening.filter((l) => !l.startsWith(`${own}:`)), `${h.name}: ${listening.join(' ')}`).to.deep.equal([]);
    }
  });
});
