// The lab's Kubernetes packages with the real doubles, installed the way users install them:
// `tsplay lab up` with the repository (built from this checkout, cached), apt-get on the host,
// hold, upgrade; each program reports its package's version; kubectl is the real client; and
// `lab down` leaves no process, mount or listener behind.
import { expect } from 'chai';
import { readFile, readdir, readlink, rm } from 'node:fs/promises';
import { labDown, labUp, mountsUnder, type LabState } from '../../../lib/lab/index.js';
import { labSsh, labSubnet, pidsOfHost, tempStateDir } from '../../helpers/lab.js';

const HOST = 'kp81-a';
const ADDRESS = `${labSubnet(81)}.1`;

/** Listening TCP sockets on `address` (from /proc/net/tcp: state 0A). */
async function listenersOn(address: string): Promise<string[]> {
  const hex = address.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).reverse().join('').toUpperCase();
  const rows = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1);
  return rows.filter((r) => r.trim().split(/\s+/)[3] === '0A' && r.trim().split(/\s+/)[1]?.startsWith(hex + ':')).map((r) => r.trim().split(/\s+/)[1]);
}

describe('lab kube packages: the real doubles installed with apt on a lab host', function () {
  this.timeout(600000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  const sh = async (cmd: string): Promise<{ code: number; stdout: string; stderr: string }> => {
    if (!state) throw new Error('lab is not up');
    const r = await labSsh(state, HOST, cmd);
    return { code: r.rc, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = async (cmd: string): Promise<string> => {
    const r = await sh(cmd);
    if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    stateDir = await tempStateDir('kp81');
    state = await labUp([{ name: HOST, address: ADDRESS }], { stateDir, kubeRepo: true });
  });
  after(async () => {
    if (stateDir && state) await labDown(stateDir).catch(() => undefined);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('installs 1.16.3 pinned and held; each program reports the package version; kubectl is the real client', async () => {
    await ok('apt-get update -qq 2>&1');
    await ok('DEBIAN_FRONTEND=noninteractive apt-get install -y kubeadm=1.16.3-00 kubelet=1.16.3-00 kubectl=1.16.3-00 2>&1 && apt-mark hold kubeadm kubelet kubectl');
    expect(await ok('kubeadm version -o short')).to.equal('v1.16.3\n');
    expect(await ok('kubelet --version')).to.equal('Kubernetes v1.16.3\n');
    expect(await ok('kubectl version --client --short')).to.equal('Client Version: v1.16.3\n');
    expect(await ok('kubectl --help')).to.match(/kubectl controls the Kubernetes cluster manager/);
    expect(await ok('ls /usr/lib/kubelet-double/images')).to.equal('kube-apiserver.mjs\nkube-controller-manager.mjs\nkube-scheduler.mjs\n');
  });

  it('upgrades held packages with --allow-change-held-packages, to the next release', async () => {
    await ok('DEBIAN_FRONTEND=noninteractive apt-get install -y --allow-change-held-packages kubeadm=1.17.7-00 kubelet=1.17.7-00 kubectl=1.17.7-00 2>&1');
    expect(await ok('kubeadm version -o short')).to.equal('v1.17.7\n');
    expect(await ok('kubelet --version')).to.equal('Kubernetes v1.17.7\n');
    expect(await ok('kubectl version --client -o json')).to.match(/"gitVersion": "v1\.17\.7"/);
  });

  it('lab down leaves no process, mount or listener of the host behind', async () => {
    const s = state!;
    const pid = s.hosts[0].pid;
    const ns = await readlink(`/proc/${pid}/ns/pid`);
    expect((await pidsOfHost(pid)).length).to.be.greaterThan(0);
    await labDown(stateDir!);
    state = undefined;
    const left: number[] = [];
    for (const e of await readdir('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      if ((await readlink(`/proc/${e}/ns/pid`).catch(() => '')) === ns) left.push(Number(e));
    }
    expect(left).to.deep.equal([]);
    expect(await mountsUnder(stateDir!)).to.deep.equal([]);
    expect(await listenersOn(ADDRESS)).to.deep.equal([]);
  });
});
