import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSubnet, useLab } from '../helpers/lab.js';
import { controllerKubectl, labKernelReady, seedExtraVars, writeClusterInventory } from './cluster-lab.js';
import { clusterHosts, describeRun, recap, REPO, tsplay } from './helpers.js';

// playbooks/cluster.ts on fresh lab hosts: containerd, the packages from the lab's apt repository,
// external etcd over TLS, kubeadm init on the master, workers join with a token and the CA hash,
// calico's CNI config, and the real kubectl on the controller sees every node Ready at
// kube_version through inventory/artifacts/admin.conf. A second run changes nothing.
const CLUSTER = path.join(REPO, 'playbooks/cluster.ts');
const SUBNET = labSubnet(130);
const HOSTS = clusterHosts(SUBNET, 1, 2);
const VERSION = '1.34.3';

describe('e2e: cluster.ts installs a cluster (external etcd)', function () {
  this.timeout(900000);
  const lab = useLab('e2e-cluster', HOSTS, { kubeRepo: true });
  let inv: string;
  let extra: string;
  before(async () => {
    inv = await writeClusterInventory(lab(), lab().stateDir);
    extra = path.join(lab().stateDir, 'extra-vars.yml');
    await writeFile(extra, seedExtraVars(VERSION));
    await labKernelReady(lab());
  });

  it('installs: every node Ready at kube_version from the controller; a rerun changes nothing', async () => {
    const first = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    const kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');
    let nodes = '';
    for (let i = 0; i < 30; i++) {
      nodes = (await controllerKubectl(kubeconfig, ['get', 'nodes'])).out;
      if ((nodes.match(/\sReady\s/g) ?? []).length === HOSTS.length) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    for (const h of HOSTS) expect(nodes, nodes).to.match(new RegExp(`\\n${h.name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}\\n`));
    const again = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });
});
