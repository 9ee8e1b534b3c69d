import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { controllerKubectl, hostFootprints, nodesOnceReady, seedExtraVars, writeClusterInventory } from './cluster-lab.js';
import { clusterHosts, describeRun, hostResults, recap, REPO, tsplay } from './helpers.js';

// playbooks/cluster.ts on fresh lab hosts at the seed's release, 1.16.3 (kubeadm config v1beta2,
// `-00` packages, a kubelet told to use containerd over CRI): containerd, the packages from the
// lab's apt repository, external etcd over TLS, kubeadm init on the master, workers join with a
// token and the CA hash, calico's CNI config, and the real kubectl on the controller sees every
// node Ready at kube_version through inventory/artifacts/admin.conf. A second run changes nothing.
// Then the user's next step on the same cluster: playbooks/upgrade-cluster.ts to 1.17.7 (seed 004).
const CLUSTER = path.join(REPO, 'playbooks/cluster.ts');
const SUBNET = labSubnet(130);
const HOSTS = clusterHosts(SUBNET, 1, 2);
const VERSION = '1.16.3';
const NEXT = '1.17.7';
const UPGRADE = path.join(REPO, 'playbooks/upgrade-cluster.ts');

describe('e2e: cluster.ts installs the seed\'s 1.16.3 (external etcd), upgrade-cluster.ts takes it to 1.17.7', function () {
  this.timeout(900000);
  const lab = useLab('e2e-cluster', HOSTS, { kubeRepo: true });
  let inv: string;
  let extra: string;
  before(async () => {
    inv = await writeClusterInventory(lab(), lab().stateDir);
    extra = path.join(lab().stateDir, 'extra-vars.yml');
    await writeFile(extra, seedExtraVars(VERSION));
    fresh = await footprint();
  });

  const footprint = () => hostFootprints(lab(), HOSTS);
  let fresh: string[] = [];

  it('--check on fresh hosts changes nothing (no package, file, unit or process) and lists what it would do', async () => {
    const before = await footprint();
    const run = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--check', '--json']);
    expect(run.code, describeRun(run)).to.equal(0);
    expect(await footprint()).to.deep.equal(before);
    const would = (host: string): string[] => hostResults(run).filter((r) => r.host === host && r.changed).map((r) => r.task);
    for (const h of HOSTS) {
      const tasks = would(h.name);
      const expected = ['br_netfilter loaded', 'containerd package', 'containerd config.toml', 'kubeadm, kubelet and kubectl at kube_version', 'kubelet addresses'];
      if (h.name === 'k1-master01') expected.push('render /etc/etcd.env', 'kubeadm-config.yaml');
      expect(tasks, h.name).to.include.members(expected);
    }
    // the packages come from a repository whose index the run would fetch first: said, not failed
    expect(run.stdout).to.include('kubeadm=1.16.3-00, kubelet=1.16.3-00, kubectl=1.16.3-00 not in the apt cache yet');
  });

  it('installs: every node Ready at kube_version from the controller, each kubelet on containerd over CRI; a rerun changes nothing', async () => {
    const first = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    const kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');
    const nodes = await nodesOnceReady(kubeconfig, HOSTS.length);
    for (const h of HOSTS) expect(nodes, nodes).to.match(new RegExp(`\\n${h.name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}\\n`));
    // the footprint the --check test compared does see an install (each of its four parts differs)
    const installed = await footprint();
    for (const [i, h] of HOSTS.entries()) {
      const [was, now] = [fresh[i]!.split('\n'), installed[i]!.split('\n')];
      for (const part of [0, 1, 2]) expect(now[part], `${h.name} part ${part}`).to.not.equal(was[part]);
      expect(installed[i]!.split('\n').slice(3).join('\n'), h.name).to.not.equal(fresh[i]!.split('\n').slice(3).join('\n'));
    }
    const again = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    const changed = hostResults(again).filter((r) => r.changed).map((r) => `${r.host}: ${r.task}`);
    expect(changed, describeRun(again)).to.deep.equal([]);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
    // the kubelets of this release run containerd over CRI, not dockershim (kubespray's kubelet.env
    // flags before 1.24; kubeadm's own kubeadm-flags.env for a non-docker criSocket)
    for (const h of HOSTS) {
      const flags = (await labSsh(lab(), h.name, 'cat /etc/default/kubelet /var/lib/kubelet/kubeadm-flags.env')).stdout;
      expect(flags, h.name).to.include('--container-runtime=remote --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock');
      expect(flags, h.name).to.not.include('--network-plugin');
    }
  });

  it('refuses wrong values early, naming host, file and what to change', async () => {
    const run = (e: string): Promise<import('./helpers.js').CliRun> => tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '-e', e]);
    // a kubeadm config apiVersion the installed kubeadm does not read
    const api = await run('kubeadm_config_api_version=v1beta3');
    expect(api.code, describeRun(api)).to.equal(2);
    expect(api.stdout).to.include(`k1-master01: /etc/kubernetes/kubeadm-config.yaml would say apiVersion: kubeadm.k8s.io/v1beta3, which kubeadm v${VERSION} does not read (it reads v1beta1, v1beta2)`);
    // an address clients use that the running API server's certificate does not carry
    const san = await run('{"supplementary_addresses_in_ssl_keys": ["10.9.9.9"]}');
    expect(san.code, describeRun(san)).to.equal(2);
    expect(san.stdout).to.include('k1-master01: /etc/kubernetes/ssl/apiserver.crt does not include 10.9.9.9');
    // containerd's cgroup driver differs from the kubelet's (seed 003)
    const cg = await run('containerd_use_systemd_cgroup=false');
    expect(cg.code, describeRun(cg)).to.equal(2);
    expect(cg.stdout).to.match(/k1-master01: \/etc\/containerd\/config\.toml has SystemdCgroup = false but kubelet_cgroup_driver is systemd/);
    // the right values again: back to the installed state
    const back = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`]);
    expect(back.code, describeRun(back)).to.equal(0);
  });

  it(`upgrade-cluster.ts takes the cluster cluster.ts built from ${VERSION} to ${NEXT}: every node at ${NEXT}; a rerun changes nothing`, async () => {
    // seed 004's command line: the same inventory and extra-vars, the target on the command line
    const upgrade = (): Promise<import('./helpers.js').CliRun> =>
      tsplay(['run', UPGRADE, '-i', inv, '-e', `@${extra}`, '-e', `kube_version=${NEXT}`, '-e', 'serial=1', '--json']);
    const first = await upgrade();
    expect(first.code, describeRun(first)).to.equal(0);
    const kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');
    const nodes = await nodesOnceReady(kubeconfig, HOSTS.length);
    for (const h of HOSTS) expect(nodes, nodes).to.match(new RegExp(`\\n${h.name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${NEXT.replace(/\./g, '\\.')}\\n`));
    const version = await controllerKubectl(kubeconfig, ['get', '--raw', '/version']);
    expect(JSON.parse(version.out) as { gitVersion: string }, version.out).to.include({ gitVersion: `v${NEXT}` });
    for (const h of HOSTS) {
      const pkgs = (await labSsh(lab(), h.name, "dpkg-query -W -f='${Package} ${Version} ${Status}\\n' kubeadm kubelet kubectl")).stdout;
      for (const p of ['kubeadm', 'kubelet', 'kubectl']) expect(pkgs, h.name).to.include(`${p} ${NEXT}-00 hold ok installed`);
    }
    const master = (await labSsh(lab(), 'k1-master01', "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml; grep -h '^apiVersion: kubeadm' /etc/kubernetes/kubeadm-config.yaml")).stdout;
    expect(master).to.include(`kube-apiserver:v${NEXT}`);
    expect(master).to.include('apiVersion: kubeadm.k8s.io/v1beta2');
    const again = await upgrade();
    expect(again.code, describeRun(again)).to.equal(0);
    const changed = hostResults(again).filter((r) => r.changed).map((r) => `${r.host}: ${r.task}`);
    expect(changed, describeRun(again)).to.deep.equal([]);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });
});
