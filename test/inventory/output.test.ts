// `tsplay inventory --list` / `--graph` output. The expected files under
// test/fixtures/inventory/expected/ were produced by ansible-inventory (ansible-core 2.14.18).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { InventoryError, inventoryGraph, inventoryList, loadInventory } from '../../lib/inventory/index.js';
import { fixture } from './helpers.js';

const expected = (name: string): string => readFileSync(fixture('expected', name), 'utf8').replace(/\n$/, '');

describe('inventory: --list and --graph output', () => {
  const lists: Array<[string, string[]]> = [
    ['k1.list.json', ['k1.ini']],
    ['yaml.list.json', ['yaml/inv.yml']],
    ['dir+json.list.json', ['dir', 'k1.json']],
  ];
  for (const [file, sources] of lists) {
    it(`--list of ${sources.join(' + ')} prints exactly what ansible-inventory prints`, async () => {
      const inv = await loadInventory(sources.map((s) => fixture(s)));
      expect(JSON.stringify(inventoryList(inv), null, 4)).to.equal(expected(file));
    });
  }

  it('--list has _meta.hostvars, all.children and each group\'s hosts/children', async () => {
    const list = inventoryList(await loadInventory([fixture('k1.ini')])) as Record<string, { hosts?: string[]; children?: string[] }>;
    expect(Object.keys(list)).to.deep.equal(['_meta', 'all', 'etcd', 'gpu', 'infra', 'k8s-cluster', 'kube-master', 'kube-node', 'lbs', 'storage', 'calico-rr'].sort());
    expect(list.all).to.deep.equal({ children: ['ungrouped', 'etcd', 'gpu', 'infra', 'storage'] });
    expect(list['k8s-cluster']).to.deep.equal({ children: ['kube-master', 'kube-node', 'calico-rr'] });
    expect(list).not.to.have.property('ungrouped'); // empty groups are left out
  });

  const graphs: Array<[string, string, string | undefined, boolean]> = [
    ['k1.graph.txt', 'k1.ini', undefined, false],
    ['k1.graph-vars-k8s-cluster.txt', 'k1.ini', 'k8s-cluster', true],
    ['yaml.graph-vars.txt', 'yaml/inv.yml', undefined, true],
  ];
  for (const [file, source, group, withVars] of graphs) {
    it(`--graph ${group ?? ''}${withVars ? ' --vars' : ''} of ${source} matches ansible-inventory`, async () => {
      const inv = await loadInventory([fixture(source)]);
      expect(inventoryGraph(inv, group, withVars)).to.equal(expected(file));
    });
  }

  it('--graph of an unknown group is an error', async () => {
    const inv = await loadInventory([fixture('k1.ini')]);
    expect(() => inventoryGraph(inv, 'nope')).to.throw(InventoryError, /'nope' is not a group/);
  });
});
