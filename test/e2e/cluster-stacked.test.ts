import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { nodesOnceReady, seedExtraVars, writeClusterInventory } from './cluster-lab.js';
import { clusterHosts, describeRun, recap, REPO, tsplay } from './helpers.js';

// cluster.ts with etcd_deployment_type: kubeadm (stacked etcd, seed 001): no etcd role on the
// hosts, kubeadm runs the real etcd as a static pod; the inventory spells the groups the current
// way (kube_control_plane, kube_node, k8s_cluster).
const CLUSTER = path.join(REPO, 'playbooks/cluster.ts');
const SUBNET = labSubnet(131);
const HOSTS = clusterHosts(SUBNET, 1, 1);
const VERSION = '1.35.2';

describe('e2e: cluster.ts with stacked etcd, current group names', function () {
  this.timeout(900000);
  const lab = useLab('e2e-stacked', HOSTS, { kubeRepo: true });

  it('installs with kubeadm-run etcd; every node Ready; a rerun changes nothing', async () => {
    const inv = await writeClusterInventory(lab(), lab().stateDir, { legacyGroups: false });
    const extra = path.join(lab().stateDir, 'extra-vars.yml');
    await writeFile(extra, seedExtraVars(VERSION) + 'etcd_deployment_type: kubeadm\n');
    const first = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    const m = await labSsh(lab(), 'k1-master01', 'ls /etc/kubernetes/manifests; test -e /etc/etcd.env && echo etcd.env; systemctl is-active etcd');
    expect(m.stdout).to.include('etcd.yaml').and.not.include('etcd.env');
    const kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');
    const nodes = await nodesOnceReady(kubeconfig, HOSTS.length);
    for (const h of HOSTS) expect(nodes, nodes).to.match(new RegExp(`\\n${h.name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}\\n`));
    const again = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });
});
