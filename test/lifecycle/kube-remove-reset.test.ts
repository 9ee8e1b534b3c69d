import { expect } from 'chai';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labConnectionVars, labDown, labUp, type LabState } from '../../lib/lab/index.js';
import { initConfig116, initScript, joinCommandOf, kubeletExtraArgsScript, prepareNodeScript, writeCniScript } from '../../lib/lab/kube/packages/labflow.js';
import { labSsh, labSubnet, tempStateDir } from '../helpers/lab.js';
import { describeRun, hostResults, recap, REPO, tsplay } from '../e2e/helpers.js';
import { LAB_LIFECYCLE_VARS, tsplayAnswering } from './helpers.js';

// remove-node.ts and reset.ts on a small kubeadm cluster made the install guides' way (seed 003,
// lib/lab/kube/packages/labflow.ts: 1 master with stacked etcd + 1 worker, the lab's doubles and the
// real kubectl): the worker is drained, deleted from the API and wiped; reset.ts wipes the master
// ("no" at its prompt touches nothing), and kubeadm init then installs it again from scratch.
// This file uses labSubnet(151).
const NET = labSubnet(151);
const MASTER = { name: 'kl151-m1', address: `${NET}.1` };
const WORKER = { name: 'kl151-w1', address: `${NET}.2` };
const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';

describe('lifecycle: remove-node.ts and reset.ts on a kubeadm cluster (doubles, real kubectl)', function () {
  this.timeout(600_000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  const lab = (): LabState => {
    if (!state) throw new Error('lab is not up (before() failed)');
    return state;
  };
  after(async () => {
    if (!stateDir) return;
    await labDown(stateDir).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  });
  let inv: string;
  const ok = async (host: string, cmd: string): Promise<string> => {
    const r = await labSsh(lab(), host, cmd);
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const nodesWhen = async (want: (nodes: string) => boolean): Promise<string> => {
    let nodes = '';
    for (let i = 0; i < 60; i++) {
      nodes = await ok(MASTER.name, `${KUBECTL} get nodes`);
      if (want(nodes)) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    return nodes;
  };
  const install = async (): Promise<string> => {
    await ok(MASTER.name, prepareNodeScript('1.16.3-00'));
    await labSsh(lab(), MASTER.name, 'cat > /root/kubeadm-config.yaml', { input: initConfig116(MASTER.name, MASTER.address) });
    const init = await ok(MASTER.name, initScript('/root/kubeadm-config.yaml'));
    expect(init).to.contain('Your Kubernetes control-plane has initialized successfully!');
    await ok(MASTER.name, writeCniScript());
    return init;
  };

  before(async () => {
    // the lab's apt repository is built first: longer than useLab's minute
    stateDir = await tempStateDir('life-kube');
    state = await labUp([MASTER, WORKER], { stateDir, kubeRepo: true });
    const conn = labConnectionVars(lab());
    inv = path.join(lab().stateDir, 'hosts.ini');
    await writeFile(inv, [
      '[all]',
      ...lab().hosts.map((h) => `${h.name} ansible_host=${h.address} ${h.port === 22 ? '' : `ansible_port=${h.port} `}ansible_user=root ip=${h.address}`),
      '[kube_control_plane]', MASTER.name,
      '[etcd]', MASTER.name,
      '[kube_node]', MASTER.name, WORKER.name,
      '[k8s_cluster:children]', 'kube_control_plane', 'kube_node',
      '[all:vars]',
      ...LAB_LIFECYCLE_VARS,
      'etcd_deployment_type=kubeadm',
      // the packages put kubectl in /usr/bin
      "kubectl='/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf'",
      'drain_grace_period=5',
      'drain_timeout=60s',
      `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
      `ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'`,
      '',
    ].join('\n'));
    const init = await install();
    await ok(WORKER.name, `${prepareNodeScript('1.16.3-00')} && ${writeCniScript()} && ${kubeletExtraArgsScript(WORKER.address)}`);
    const joined = await labSsh(lab(), WORKER.name, `${joinCommandOf(init)} 2>&1`);
    expect(joined.rc, joined.stdout).to.equal(0);
    const nodes = await nodesWhen((n) => /kl151-w1\s+Ready\s/.test(n) && /kl151-m1\s+Ready\s/.test(n));
    expect(nodes).to.match(/kl151-w1\s+Ready\s/);
  });

  it('remove-node.ts drains the worker, deletes it from the API and wipes its host', async () => {
    const run = await tsplay(['run', path.join(REPO, 'playbooks/remove-node.ts'), '-i', inv, '-e', `node=${WORKER.name}`, '-e', 'skip_confirmation=true']);
    expect(run.code, describeRun(run)).to.equal(0);
    expect(run.stdout).to.match(/TASK \[remove-node-pre : drain node except daemonsets resource\][^\n]*\n(ASYNC[^\n]*\n)*changed: \[kl151-w1 -> kl151-m1\]/);
    expect(run.stdout).to.match(/TASK \[remove-node-post : delete node\][^\n]*\nchanged: \[kl151-w1 -> kl151-m1\]/);
    const nodes = await ok(MASTER.name, `${KUBECTL} get nodes -o name`);
    expect(nodes).to.equal(`node/${MASTER.name}\n`);
    const gone = await labSsh(lab(), WORKER.name, 'pidof kubelet || echo no kubelet; ls -d /etc/kubernetes /var/lib/kubelet /etc/cni 2>&1 | sort; dpkg -s kubelet kubeadm kubectl 2>&1 | grep -c "is not installed"');
    expect(gone.stdout).to.equal(
      'no kubelet\n' +
        "ls: cannot access '/etc/cni': No such file or directory\nls: cannot access '/etc/kubernetes': No such file or directory\nls: cannot access '/var/lib/kubelet': No such file or directory\n" +
        '3\n',
    );
  });

  it('reset.ts: "no" touches nothing; "yes" wipes the master so that kubeadm init installs it again', async () => {
    const no = await tsplayAnswering(['run', path.join(REPO, 'playbooks/reset.ts'), '-i', inv, '--limit', MASTER.name], "Type 'yes' to reset your cluster", 'no');
    expect(no.code, describeRun(no)).to.equal(2);
    expect(no.stdout).to.include('Reset confirmation failed');
    expect(await ok(MASTER.name, `${KUBECTL} get nodes -o name`)).to.equal(`node/${MASTER.name}\n`);

    const yes = await tsplayAnswering(['run', path.join(REPO, 'playbooks/reset.ts'), '-i', inv, '--limit', MASTER.name], "Type 'yes' to reset your cluster", 'yes');
    expect(yes.code, describeRun(yes)).to.equal(0);
    const gone = await labSsh(lab(), MASTER.name, 'pidof kubelet etcd kube-apiserver || echo no kubelet etcd apiserver; ls -A /etc/kubernetes /var/lib/kubelet /var/lib/etcd /etc/cni 2>&1 | sort; dpkg -s kubeadm 2>&1 | grep -c "is not installed"');
    expect(gone.stdout).to.equal(
      'no kubelet etcd apiserver\n' +
        "ls: cannot access '/etc/cni': No such file or directory\nls: cannot access '/etc/kubernetes': No such file or directory\n" +
        "ls: cannot access '/var/lib/etcd': No such file or directory\nls: cannot access '/var/lib/kubelet': No such file or directory\n" +
        '1\n',
    );
    // a second reset (answered on the command line) finds nothing left to do
    const again = await tsplay(['run', path.join(REPO, 'playbooks/reset.ts'), '-i', inv, '--limit', MASTER.name, '-e', 'reset_confirmation=true', '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    const changedTasks = hostResults(again).filter((e) => e.changed).map((e) => `${e.task}: ${JSON.stringify(e.result).slice(0, 300)}`);
    expect(changedTasks).to.deep.equal([]);
    expect(recap(again)[MASTER.name]).to.include({ changed: 0, failed: 0 });

    // installed again from scratch: kubeadm's preflight finds no leftover (ports, files, etcd data)
    await install();
    const nodes = await nodesWhen((n) => /kl151-m1\s+Ready\s/.test(n));
    expect(nodes).to.match(/\nkl151-m1\s+Ready\s+master\s+\S+\s+v1\.16\.3\n/);
  });
});
