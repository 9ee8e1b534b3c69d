// Issue 12: each lab host has its own kernel state (lib/lab/kernel). The real sysctl, tsplay's
// sysctl/modprobe/swapoff modules and the modprobe/swapon/swapoff doubles change one host only,
// never another host or the machine. This file uses labSubnet(125) and labSubnet(126).
import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { labDown, labUp, mountsUnder, type LabHostSpec, type LabState } from '../../lib/lab/index.js';
import { stopHost } from '../../lib/lab/host.js';
import { describeRun, FIXTURES, recap, tsplay, writeLabInventory } from '../e2e/helpers.js';
import { labSsh, labSubnet, tempStateDir, useLab } from '../helpers/lab.js';
import { installKubeadm } from './kube/kubeadm-helper.js';

const NET = labSubnet(125);
const A = 'kk125-a';
const B = 'kk125-b';
const HOSTS: LabHostSpec[] = [
  { name: A, address: `${NET}.1` },
  { name: B, address: `${NET}.2` },
];

async function sh(state: LabState, host: string, command: string): Promise<string> {
  const r = await labSsh(state, host, command);
  if (r.rc !== 0) throw new Error(`${host}: '${command}' exited ${r.rc}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const machine = (p: string): Promise<string> => readFile(p, 'utf8').catch(() => '(absent)');

describe("tsplay lab: each host's own kernel state", function () {
  this.timeout(180000);
  const lab = useLab('kk125', HOSTS);

  it('boots as a fresh Debian node: ip_forward 0, no bridge sysctls, no swap, br_netfilter and overlay not loaded', async () => {
    for (const h of [A, B]) {
      const out = await sh(lab(), h, 'cat /proc/sys/net/ipv4/ip_forward; ls /proc/sys/net/bridge 2>&1; tail -n +2 /proc/swaps | wc -l; ls -d /sys/module/br_netfilter /sys/module/overlay 2>&1 | wc -l; test -f /sys/module/overlay/initstate || echo overlay-not-loaded');
      expect(out, h).to.match(/^0\nls: cannot access '\/proc\/sys\/net\/bridge': No such file or directory\n0\n2\noverlay-not-loaded\n$/);
    }
  });

  it('sysctl -w, sysctl -p FILE and sysctl --system change one host only, never the machine', async () => {
    const machineBefore = await machine('/proc/sys/net/ipv4/ip_forward');
    const swappinessBefore = await machine('/proc/sys/vm/swappiness');
    expect(await sh(lab(), A, 'sysctl -w net.ipv4.ip_forward=1')).to.equal('net.ipv4.ip_forward = 1\n');
    expect(await sh(lab(), A, 'cat /proc/sys/net/ipv4/ip_forward')).to.equal('1\n');
    expect(await sh(lab(), B, 'cat /proc/sys/net/ipv4/ip_forward')).to.equal('0\n');
    await sh(lab(), A, "printf 'vm.swappiness = 7\\n' > /tmp/k.conf && sysctl -p /tmp/k.conf");
    await sh(lab(), A, "printf 'fs.inotify.max_user_instances = 8192\\n' > /etc/sysctl.d/90-k.conf && sysctl --system >/dev/null");
    expect(await sh(lab(), A, 'sysctl -n vm.swappiness fs.inotify.max_user_instances')).to.equal('7\n8192\n');
    expect(await sh(lab(), B, 'sysctl -n vm.swappiness fs.inotify.max_user_instances')).to.equal('60\n128\n');
    expect(await machine('/proc/sys/net/ipv4/ip_forward'), "the machine's ip_forward").to.equal(machineBefore);
    expect(await machine('/proc/sys/vm/swappiness'), "the machine's swappiness").to.equal(swappinessBefore);
    await sh(lab(), A, 'rm /etc/sysctl.d/90-k.conf && sysctl -q -w net.ipv4.ip_forward=0 vm.swappiness=60 fs.inotify.max_user_instances=128');
  });

  it('modprobe br_netfilter makes the bridge sysctls appear on that host only; modprobe -r takes them away', async () => {
    await sh(lab(), A, 'modprobe br_netfilter');
    expect(await sh(lab(), A, 'sysctl -n net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables; cat /sys/module/br_netfilter/initstate')).to.equal('1\n1\nlive\n');
    const b = await labSsh(lab(), B, 'sysctl -n net.bridge.bridge-nf-call-iptables');
    expect(b.rc).to.equal(1);
    expect(b.stderr).to.contain('sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory');
    const inUse = await labSsh(lab(), A, 'modprobe -r bridge');
    expect(inUse.rc).to.equal(1);
    expect(inUse.stderr).to.equal('modprobe: FATAL: Module bridge is in use.\n');
    await sh(lab(), A, 'modprobe -r br_netfilter');
    expect(await sh(lab(), A, 'ls /proc/sys/net/bridge /sys/module/bridge 2>&1 | wc -l')).to.equal('2\n');
    const unknown = await labSsh(lab(), A, 'modprobe no_such_module');
    expect(unknown.rc).to.equal(1);
    expect(unknown.stderr).to.match(/^modprobe: FATAL: Module no_such_module not found in directory \/lib\/modules\//);
  });

  it('swapoff -a empties only that host\'s /proc/swaps; swapon -a turns on the fstab swap areas', async () => {
    const machineSwaps = await machine('/proc/swaps');
    for (const h of [A, B]) await sh(lab(), h, "truncate -s 8M /swapfile && chmod 600 /swapfile && echo '/swapfile none swap sw 0 0' >> /etc/fstab && swapon -a");
    expect(await sh(lab(), A, 'tail -n +2 /proc/swaps')).to.match(/^\/swapfile {31}file\t\t8188\t\t0\t\t-2\n$/);
    await sh(lab(), A, 'swapoff -a');
    expect(await sh(lab(), A, 'tail -n +2 /proc/swaps | wc -l')).to.equal('0\n');
    expect(await sh(lab(), B, "awk 'NR > 1 { print $1 }' /proc/swaps")).to.equal('/swapfile\n');
    expect(await machine('/proc/swaps')).to.equal(machineSwaps);
  });

  it("tsplay's swapoff, modprobe and sysctl modules act on one host and are idempotent there (second run changed=0)", async () => {
    const dir = await tempStateDir('kk125-inv');
    try {
      const inv = await writeLabInventory(lab(), path.join(dir, 'hosts.ini'));
      const play = path.join(FIXTURES, 'kernel-modules.ts');
      const first = await tsplay(['run', play, '-i', inv, '--limit', B, '--json']);
      expect(first.code, describeRun(first)).to.equal(0);
      expect(recap(first)[B]).to.include({ changed: 4, failed: 0 });
      expect(await sh(lab(), B, 'tail -n +2 /proc/swaps | wc -l; grep swap /etc/fstab; sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; cat /etc/modules-load.d/br_netfilter.conf')).to.equal(
        '0\n# /swapfile none swap sw 0 0\n1\n1\nbr_netfilter\n',
      );
      // the other host untouched
      expect(await sh(lab(), A, 'cat /proc/sys/net/ipv4/ip_forward; ls /proc/sys/net/bridge 2>/dev/null | wc -l')).to.equal('0\n0\n');
      const second = await tsplay(['run', play, '-i', inv, '--limit', B, '--json']);
      expect(second.code, describeRun(second)).to.equal(0);
      expect(recap(second)[B]).to.include({ changed: 0, failed: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("kubeadm's preflight reads the host's own ip_forward: fails with kubeadm's message at 0, passes after sysctl -w", async () => {
    await installKubeadm(lab(), A, '1.16.3'); // also turns swap off, loads br_netfilter, sets the sysctls
    await sh(lab(), A, 'sysctl -q -w net.ipv4.ip_forward=0');
    const r = await labSsh(lab(), A, 'kubeadm init phase preflight');
    expect(r.rc, r.stderr).to.equal(2);
    expect(r.stderr).to.contain('\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1\n');
    await sh(lab(), A, 'sysctl -q -w net.ipv4.ip_forward=1');
    const ok = await labSsh(lab(), A, 'kubeadm init phase preflight');
    expect(ok.rc, ok.stderr).to.equal(0);
    expect(ok.stderr).to.not.contain('ip_forward');
  });
});

describe('tsplay lab: a restarted host boots with its persisted kernel settings; lab down leaves no mount', function () {
  this.timeout(120000);
  const spec: LabHostSpec[] = [{ name: 'kk126-a', address: `${labSubnet(126)}.1` }];
  let stateDir: string | undefined;
  after(async function () {
    this.timeout(60000);
    if (stateDir) {
      await labDown(stateDir).catch(() => undefined);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('applies modules-load.d, sysctl.d and fstab swap at boot (as systemd does), and lab down unmounts everything', async () => {
    stateDir = await tempStateDir('kk126');
    let state = await labUp(spec, { stateDir });
    await sh(state, 'kk126-a', "echo overlay > /etc/modules-load.d/k.conf && printf 'net.ipv4.ip_forward=1\\n' > /etc/sysctl.d/99-k.conf && truncate -s 4M /swapfile && echo '/swapfile none swap sw 0 0' >> /etc/fstab");
    expect(await sh(state, 'kk126-a', 'cat /proc/sys/net/ipv4/ip_forward; tail -n +2 /proc/swaps | wc -l')).to.equal('0\n0\n');
    // a reboot: the host's processes end, its disk stays; lab up starts it again on that disk
    await stopHost(state.hosts[0]!);
    state = await labUp(spec, { stateDir });
    expect(await sh(state, 'kk126-a', "cat /proc/sys/net/ipv4/ip_forward /sys/module/overlay/initstate; awk 'NR > 1 { print $1 }' /proc/swaps")).to.equal('1\nlive\n/swapfile\n');
    const pid = state.hosts[0]!.pid;
    const mountinfo = await readFile(`/proc/${pid}/mountinfo`, 'utf8');
    expect(mountinfo).to.match(/ \/proc\/sys .* - tmpfs tsplay-sysctl /);
    await labDown(stateDir);
    expect(await mountsUnder(stateDir)).to.deep.equal([]);
    expect(await readFile('/proc/self/mountinfo', 'utf8')).to.not.match(/tsplay-sysctl|tsplay-modules/);
    // up again in the same process and state dir: a new disk, a fresh kernel state
    state = await labUp(spec, { stateDir });
    expect(await sh(state, 'kk126-a', "cat /proc/sys/net/ipv4/ip_forward; awk 'NR > 1' /proc/swaps | wc -l")).to.equal('0\n0\n');
  });
});
