// The two shipped inventories keep their own group_vars: production (inventory/prod.ini) carries
// seed 004's cluster, the lab (inventory/lab/lab.ini) a cluster the lab can install. A lab that
// inherited production's variables would point every node at production's load balancer at v1.15.6.
// Both are only read here: no test connects to anything but loopback lab hosts.
import { expect } from 'chai';
import { hostVars } from '../../lib/inventory/merge.js';
import { loadInventory } from '../../lib/inventory/load.js';
import { KUBE_RELEASES } from '../../lib/lab/kube/common/versions.js';

describe('shipped inventories', () => {
  it("production keeps seed 004: v1.15.6 behind its external load balancer (not a lab address)", async () => {
    const inv = await loadInventory(['inventory/prod.ini']);
    const v = hostVars(inv, 'k1-node01');
    expect(v.kube_version).to.equal('v1.15.6');
    const lb = v.loadbalancer_apiserver as { address: string; port: number };
    expect(lb.port).to.equal(6443);
    expect(lb.address).to.match(/^\d+\.\d+\.\d+\.\d+$/).and.not.match(/^127\./);
    expect(v.kube_proxy_mode).to.equal('ipvs');
  });

  it("the lab gets none of production's addresses, and a version the lab's repository carries", async () => {
    const inv = await loadInventory(['inventory/lab/lab.ini']);
    const carried = KUBE_RELEASES.map((r) => `v${r.version}`);
    for (const host of inv.hosts.keys()) {
      const v = hostVars(inv, host);
      expect(carried, host).to.include(v.kube_version);
      expect(v.loadbalancer_apiserver, host).to.equal(undefined);
      // every address in the lab's variables is a loopback one (calico's can-reach=8.8.8.8 only
      // picks the interface that routes there; nothing connects to it)
      const { calico_ip_auto_method: _m, ...rest } = v;
      const addresses = JSON.stringify(rest).match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? [];
      expect(addresses.filter((a) => !a.startsWith('127.')), host).to.deep.equal([]);
      // seed 004's settings that do not depend on the network are the same
      expect(v.kube_proxy_mode, host).to.equal('ipvs');
      expect(v.kubeconfig_localhost, host).to.equal(true);
    }
  });
});
