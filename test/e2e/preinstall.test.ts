// roles/kubernetes-preinstall on two lab hosts (issue 12): first run changes, second changes
// nothing, --check on a fresh host changes nothing and says what it would do, and the early
// failures (swap entry left in fstab, port in use) name the host, the file or port, and the fix.
// This file uses labSubnet(127) (and one address of labSubnet(177) that no lab host has).
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LabState } from '../../lib/lab/index.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, type CliRun, describeRun, FIXTURES, hostResults, recap, tsplay, writeLabInventory } from './helpers.js';

const HOSTS = clusterHosts(labSubnet(127), 1, 1);
const [M, N] = HOSTS.map((h) => h.name) as [string, string];
const PLAY = path.join(FIXTURES, 'preinstall.ts');

async function sh(state: LabState, host: string, command: string): Promise<string> {
  const r = await labSsh(state, host, command);
  if (r.rc !== 0) throw new Error(`${host}: '${command}' exited ${r.rc}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** what preinstall changes, as the host's kernel and files show it */
const STATE =
  "awk 'NR > 1' /proc/swaps | wc -l; grep -c '^#.*swap' /etc/fstab; cat /sys/module/br_netfilter/initstate /sys/module/overlay/initstate 2>&1; " +
  'cat /etc/modules-load.d/kubespray-br_netfilter.conf; echo; ' +
  'sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables vm.overcommit_memory kernel.panic fs.inotify.max_user_instances net.ipv4.ip_local_reserved_ports 2>&1';

describe('roles/kubernetes-preinstall on lab hosts', function () {
  this.timeout(300000);
  const lab = useLab('k127', HOSTS);
  let dir: string;
  let inv: string;
  // lab hosts share one network namespace: each sees every lab host's listeners, so the port check
  // counts only this host's own address and wildcards, as the lab inventory says (components keep
  // kubespray's '::' binds)
  const binds = ['kube_preinstall_port_check_host_addresses="{{ [ip] }}"'];
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-k127-'));
    inv = await writeLabInventory(lab(), path.join(dir, 'hosts.ini'), { extra: `[k8s-cluster:vars]\n${binds.join('\n')}\n` });
    // a node with a swap area on, as the seed's guide has it
    for (const h of [M, N]) await sh(lab(), h, "truncate -s 8M /swapfile && chmod 600 /swapfile && echo '/swapfile none swap sw 0 0' >> /etc/fstab && swapon -a");
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--check on fresh hosts changes nothing and lists what it would do', async () => {
    const before = await sh(lab(), N, `${STATE}; md5sum /etc/fstab /etc/hosts; ls /etc/sysctl.d`);
    const run = await tsplay(['run', PLAY, '-i', inv, '--check', '--json']);
    expect(run.code, describeRun(run)).to.equal(0);
    expect(await sh(lab(), N, `${STATE}; md5sum /etc/fstab /etc/hosts; ls /etc/sysctl.d`)).to.equal(before);
    const would = hostResults(run).filter((r) => r.host === N && r.changed).map((r) => r.task);
    for (const task of ['swap off now and in /etc/fstab', 'br_netfilter loaded', 'ip forwarding', 'bridge-nf-call tables', 'inventory hosts in /etc/hosts'])
      expect(would.some((t) => t.includes(task)), `${task} in ${would.join(', ')}`).to.equal(true);
  });

  it('first run prepares both hosts; the second changes nothing', async () => {
    const first = await tsplay(['run', PLAY, '-i', inv, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    for (const h of [M, N]) {
      expect(recap(first)[h]!.changed, h).to.be.greaterThan(5);
      expect(await sh(lab(), h, STATE), h).to.equal('0\n1\nlive\nlive\nbr_netfilter\n1\n1\n1\n10\n8192\n30000-32767\n');
      expect(await sh(lab(), h, 'cat /etc/sysctl.d/99-sysctl.conf')).to.contain('net.ipv4.ip_forward=1\n');
      expect(await sh(lab(), h, 'cat /etc/hosts')).to.contain(`# Ansible inventory hosts BEGIN\n${HOSTS[0]!.address} ${M}.cluster.local ${M}\n${HOSTS[1]!.address} ${N}.cluster.local ${N}\n# Ansible inventory hosts END\n`);
    }
    const second = await tsplay(['run', PLAY, '-i', inv, '--json']);
    expect(second.code, describeRun(second)).to.equal(0);
    for (const h of [M, N]) expect(recap(second)[h], h).to.include({ changed: 0, failed: 0 });
  });

  it('a swap entry that may not be commented out (kube_preinstall_swap_persist=false) fails early naming host and file', async () => {
    await sh(lab(), N, "echo '/swapfile none swap sw 0 0' >> /etc/fstab");
    const run = await tsplay(['run', PLAY, '-i', inv, '--json', '-e', 'kube_preinstall_swap_persist=false']);
    expect(run.code, describeRun(run)).to.equal(2);
    const failed = hostResults(run).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.host)).to.deep.equal([N]);
    expect(failed[0]!.msg).to.contain(`${N}: /etc/fstab has swap entries (/swapfile none swap sw 0 0) and kube_preinstall_swap_persist is false`);
    expect(failed[0]!.task).to.contain('no swap entry left in /etc/fstab');
    await sh(lab(), N, "sed -i '$d' /etc/fstab");
  });

  it('a port Kubernetes needs that is in use fails with the port and the process', async () => {
    await sh(lab(), M, `setsid python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("${HOSTS[0]!.address}", 10259)); s.listen(); time.sleep(120)' >/dev/null 2>&1 < /dev/null & echo $! > /tmp/port-holder.pid; sleep 1`);
    const run = await tsplay(['run', PLAY, '-i', inv, '--json']);
    expect(run.code, describeRun(run)).to.equal(2);
    const failed = hostResults(run).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.host)).to.deep.equal([M]);
    expect(failed[0]!.msg, failed[0]!.msg).to.contain(`${M}: port 10259 (kube-scheduler) is in use by python3 listening on ${HOSTS[0]!.address}:10259`);
    await sh(lab(), M, 'kill $(cat /tmp/port-holder.pid)');
  });

  it("listeners on other addresses (another lab host, another lab on the machine) do not count, a wildcard one does; without kube_preinstall_port_check_host_addresses every one does", async () => {
    const hold = (address: string) =>
      sh(lab(), N, `setsid python3 -c 'import socket,time; s=socket.socket(socket.AF_INET); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("${address}", 10259)); s.listen(); time.sleep(120)' >/dev/null 2>&1 < /dev/null & echo $! > /tmp/port-holder.pid; sleep 1`);
    const held = async (address: string, body: () => Promise<void>) => {
      await hold(address);
      try {
        await body();
      } finally {
        await sh(lab(), N, 'kill $(cat /tmp/port-holder.pid)');
      }
    };
    const failedOn = (run: CliRun) => hostResults(run).filter((r) => r.status === 'failed');
    // N is a worker: it needs no 10259, but its listener shows in M's `ss`; so does one on an
    // address no host of this inventory has (another lab's host on the same machine)
    for (const address of [HOSTS[1]!.address, `${labSubnet(177)}.9`]) {
      await held(address, async () => {
        const run = await tsplay(['run', PLAY, '-i', inv, '--json']);
        expect(run.code, `${address}: ${describeRun(run)}`).to.equal(0);
        // kubespray's behaviour (the variable's default, for hosts with a network of their own): with
        // the scheduler bound to '::', any listener on its port is in the way
        const dflt = await tsplay(['run', PLAY, '-i', inv, '--json', '-e', '{"kube_preinstall_port_check_host_addresses": []}']);
        expect(dflt.code, describeRun(dflt)).to.equal(2);
        // (other labs on this machine may add their own schedulers' listeners to the message)
        expect(failedOn(dflt).map((r) => r.host)).to.deep.equal([M]);
        expect(failedOn(dflt)[0]!.msg).to.contain(`${M}: port 10259 (kube-scheduler) is in use by a process this host cannot see listening on ${address}:10259; stop it or move kube-scheduler to another port/address.`);
      });
    }
    await held('0.0.0.0', async () => {
      const run = await tsplay(['run', PLAY, '-i', inv, '--json']);
      expect(run.code, describeRun(run)).to.equal(2);
      expect(failedOn(run).map((r) => r.host)).to.deep.equal([M]);
      expect(failedOn(run)[0]!.msg).to.contain(`${M}: port 10259 (kube-scheduler) is in use by a process this host cannot see listening on 0.0.0.0:10259`);
    });
  });
});
