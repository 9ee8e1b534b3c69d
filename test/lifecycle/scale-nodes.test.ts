import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { nodesOnceReady, seedExtraVars, writeClusterInventory } from '../e2e/cluster-lab.js';
import { clusterHosts, describeRun, hostResults, recap, REPO, tsplay } from '../e2e/helpers.js';

// playbooks/scale.ts on a running cluster (kubespray's scale.yml, docs/operations/nodes.md):
// cluster.ts installs one master and one worker; a second worker placed in the inventory is
// previewed with --check (nothing changes anywhere), then joined with `--limit` to it: it is Ready
// at kube_version while the running nodes' kubelets and control plane keep running (same processes),
// nobody cordoned; a rerun of scale.ts over every host changes nothing. A host new in
// [kube_control_plane] is refused before anything changes, naming the command to run; that
// command (cluster.ts without --limit) then adds it.
// This file uses labSubnet(176).
const SCALE = path.join(REPO, 'playbooks/scale.ts');
const SUBNET = labSubnet(176);
const VERSION = '1.34.3';
const HOSTS = [...clusterHosts(SUBNET, 1, 2), { name: 'k1-master02', address: `${SUBNET}.4` }];
const OLD = ['k1-master01', 'k1-node01'];
const NEW = 'k1-node02';

/** `text` (an inventory) without the lines naming `host` (all of them, or only the first after `[section]`). */
function without(text: string, host: string, section?: string): string {
  const lines = text.split('\n');
  if (!section) return lines.filter((l) => l.split(/\s/)[0] !== host).join('\n');
  const start = lines.indexOf(`[${section}]`);
  const at = lines.findIndex((l, i) => i > start && l === host);
  return lines.filter((_, i) => i !== at).join('\n');
}

/** the failed tasks of a --json run, then the end of its output */
const why = (run: Awaited<ReturnType<typeof tsplay>>): string =>
  hostResults(run).filter((e) => e.status === 'failed').map((e) => `${e.host} ${e.task}: ${String(e.result?.msg)}`).join('\n') + '\n' + describeRun(run).slice(0, 3000);

describe('lifecycle: scale.ts adds a worker to a running cluster (kubespray scale.yml --limit)', function () {
  this.timeout(900_000);
  const lab = useLab('life-scale', HOSTS, { kubeRepo: true });
  let small: string;
  let full: string;
  let withMaster: string;
  let extra: string;
  let kubeconfig: string;

  /** pid and start time of every process of the kubelet double and the control plane on `host` */
  const processes = async (host: string): Promise<string> =>
    (await labSsh(lab(), host, "for p in $(pgrep -f '[k]ubelet[.]mjs|[k]ube-apiserver|[e]tcd '); do echo \"$p $(cut -d' ' -f22 /proc/$p/stat)\"; done | sort")).stdout;
  /** what scale.ts could change on `host` (names and contents, not the mtimes a running kubelet moves) */
  const footprint = async (host: string): Promise<string> =>
    (await labSsh(lab(), host,
      'ls /etc/kubernetes /etc/cni/net.d /etc/containerd /etc/modules-load.d 2>&1; ' +
      'sha256sum /etc/kubernetes/*.conf /etc/kubernetes/*.yaml /etc/default/kubelet /etc/containerd/config.toml /etc/sysctl.d/99-sysctl.conf /etc/fstab /etc/hosts /etc/cni/net.d/* 2>&1; ' +
      "dpkg-query -W -f='${Package} ${Version} ${Status}\\n' kubeadm kubelet kubectl containerd 2>&1; cat /proc/sys/net/ipv4/ip_forward; swapon --show",
    )).stdout;

  before(async () => {
    const all = await readFile(await writeClusterInventory(lab(), lab().stateDir), 'utf8');
    // the installed cluster: the master and the first worker
    small = path.join(lab().stateDir, 'small.ini');
    await writeFile(small, without(without(all, NEW), 'k1-master02'));
    // the second worker placed in the inventory
    full = path.join(lab().stateDir, 'full.ini');
    await writeFile(full, without(all, 'k1-master02'));
    // and a second master (not an etcd member: the etcd count stays odd)
    withMaster = path.join(lab().stateDir, 'with-master.ini');
    await writeFile(withMaster, without(all, 'k1-master02', 'etcd'));
    extra = path.join(lab().stateDir, 'extra-vars.yml');
    await writeFile(extra, seedExtraVars(VERSION));
    kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');
    const install = await tsplay(['run', path.join(REPO, 'playbooks/cluster.ts'), '-i', small, '-e', `@${extra}`, '--json']);
    expect(install.code, why(install)).to.equal(0);
    expect(await nodesOnceReady(kubeconfig, 2)).to.match(/\nk1-node01\s+Ready\s/);
  });

  it('--check changes nothing on any host and lists what it would do', async () => {
    const before = await Promise.all(HOSTS.map((h) => footprint(h.name)));
    const procs = await Promise.all(OLD.map(processes));
    const run = await tsplay(['run', SCALE, '-i', full, '-e', `@${extra}`, '--limit', NEW, '--check', '--json']);
    expect(run.code, why(run)).to.equal(0);
    const plan = hostResults(run, 'plan').map((e) => String(e.result?.msg));
    expect(plan, describeRun(run)).to.deep.equal([`${NEW}: new worker: prepare it (swap, kernel modules, sysctls, containerd, kubeadm/kubelet/kubectl at kube_version), kubelet settings, kubeadm join with a token from k1-master01, CNI config`]);
    // the tasks that would change the new worker are reported as such
    const would = hostResults(run).filter((e) => e.host === NEW && e.status === 'changed').map((e) => e.task);
    expect(would, describeRun(run)).to.include.members(['kubeadm, kubelet and kubectl at kube_version', 'kubelet addresses', 'kubeadm join']);
    const after = await Promise.all(HOSTS.map((h) => footprint(h.name)));
    HOSTS.forEach((h, i) => expect(after[i], `${h.name} changed under --check`).to.equal(before[i]));
    expect(await Promise.all(OLD.map(processes))).to.deep.equal(procs);
  });

  it('--limit to the new worker: it joins and is Ready at kube_version; the running nodes are not touched', async () => {
    const procs = await Promise.all(OLD.map(processes));
    expect(procs.every((p) => p.trim().split('\n').length >= 1 && /^\d+ \d+/.test(p)), procs.join('; ')).to.equal(true);
    const run = await tsplay(['run', SCALE, '-i', full, '-e', `@${extra}`, '--limit', NEW, '--json']);
    expect(run.code, why(run)).to.equal(0);
    expect(Object.keys(recap(run))).to.deep.equal([NEW]);
    expect(hostResults(run, 'kubeadm join').map((e) => `${e.host} ${e.status}`)).to.deep.equal([`${NEW} changed`]);
    const nodes = await nodesOnceReady(kubeconfig, 3);
    for (const h of [...OLD, NEW]) expect(nodes, nodes).to.match(new RegExp(`\\n${h}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}(\\n|$)`));
    expect(nodes).to.not.include('SchedulingDisabled');
    expect(await Promise.all(OLD.map(processes)), 'a running node restarted').to.deep.equal(procs);
  });

  it('a rerun over every host changes nothing', async () => {
    const procs = await Promise.all([...OLD, NEW].map(processes));
    const again = await tsplay(['run', SCALE, '-i', full, '-e', `@${extra}`, '--json']);
    expect(again.code, why(again)).to.equal(0);
    for (const h of [...OLD, NEW]) expect(recap(again)[h], `${h}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
    expect(hostResults(again, 'plan').map((e) => String(e.result?.msg)).sort()).to.deep.equal([
      'k1-master01: in the cluster already (kubelet.conf): left as it is; etcd member (added with etcdctl member add if new)',
      'k1-node01: in the cluster already (kubelet.conf): left as it is',
      `${NEW}: in the cluster already (kubelet.conf): left as it is`,
    ]);
    expect(await Promise.all([...OLD, NEW].map(processes))).to.deep.equal(procs);
  });

  it('a host new in [kube_control_plane] is refused before anything changes, naming the command to run', async () => {
    const before = await footprint('k1-master02');
    const run = await tsplay(['run', SCALE, '-i', withMaster, '-e', `@${extra}`, '--json']);
    expect(run.code, describeRun(run)).to.equal(2);
    expect(run.stdout).to.include(`k1-master02 is new in [kube_control_plane] (no /etc/kubernetes/kubelet.conf): scale.ts adds workers and etcd members only`);
    expect(run.stdout).to.include(`tsplay run playbooks/cluster.ts -i ${withMaster}`);
    for (const h of [...OLD, NEW, 'k1-master02']) expect(recap(run)[h]?.changed ?? 0, h).to.equal(0);
    expect(await footprint('k1-master02')).to.equal(before);
  });

  it('the command it names adds the master: cluster.ts without --limit joins it to the control plane and puts it in every worker\'s load balancer; the running hosts keep running; a rerun changes nothing', async () => {
    const procs = await Promise.all([...OLD, NEW].map(processes));
    const cluster = path.join(REPO, 'playbooks/cluster.ts');
    const run = await tsplay(['run', cluster, '-i', withMaster, '-e', `@${extra}`, '--json']);
    expect(run.code, why(run)).to.equal(0);
    expect(hostResults(run, 'kubeadm join --control-plane').filter((e) => e.status === 'changed').map((e) => e.host)).to.deep.equal(['k1-master02']);
    const nodes = await nodesOnceReady(kubeconfig, 4);
    expect(nodes).to.match(new RegExp(`\\nk1-master02\\s+Ready\\s+control-plane\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}\\n`));
    // the running master's certificate does not name the new one, and did not have to
    expect((await labSsh(lab(), 'k1-master01', `openssl x509 -noout -in /etc/kubernetes/ssl/apiserver.crt -checkip ${SUBNET}.4`)).stdout).to.contain('does NOT match');
    // each worker's localhost load balancer (nginx-proxy) names both apiservers
    for (const w of ['k1-node01', NEW]) expect((await labSsh(lab(), w, 'cat /etc/nginx/nginx.conf')).stdout, w).to.contain(`server ${SUBNET}.4:6443`).and.contain(`server ${SUBNET}.1:6443`);
    // kube-apiserver, etcd and kubelets already running: the same processes (an nginx reload is not a restart)
    expect(await Promise.all([...OLD, NEW].map(processes))).to.deep.equal(procs);
    const again = await tsplay(['run', cluster, '-i', withMaster, '-e', `@${extra}`, '--json']);
    expect(again.code, why(again)).to.equal(0);
    for (const h of [...OLD, NEW, 'k1-master02']) expect(recap(again)[h], `${h}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });
});
