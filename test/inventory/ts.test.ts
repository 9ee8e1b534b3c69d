// Typed TypeScript inventories (test/fixtures/inventory/ts/lab.ts).
import { expect } from 'chai';
import { defineInventory, groupHosts, hostVars, loadInventory, selectHosts, type Inventory } from '../../lib/inventory/index.js';
import { fixture, loadError, scratch } from './helpers.js';

describe('inventory: TypeScript inventory', () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory([fixture('ts', 'lab.ts')]);
  });

  const groups: Array<[string, string[]]> = [
    ['kube-master', ['k1-master01', 'k1-master02']],
    ['kube-node', ['k1-node01', 'k1-node02', 'k1-node03', 'k1-node04']],
    ['k8s-cluster', ['k1-master01', 'k1-master02', 'k1-node01', 'k1-node02', 'k1-node03', 'k1-node04']],
    ['infra', ['k1-lb']],
    ['ungrouped', ['k1-bastion']],
  ];
  for (const [g, hosts] of groups) {
    it(`group ${g}`, () => expect(groupHosts(inv, g)).to.deep.equal(hosts));
  }

  it('merges vars like any inventory, group_vars/ beside the .ts file included', () => {
    expect(hostVars(inv, 'k1-node01')).to.deep.equal({ ansible_user: 'root', drain_timeout: '120s', from_group_vars: true, ansible_host: '127.0.10.11' });
    expect(hostVars(inv, 'k1-master01')).to.deep.equal({ ansible_user: 'root', drain_timeout: '60s', ansible_host: '127.0.10.1', etcd_member_name: 'etcd1' });
    expect(hostVars(inv, 'k1-node04')).to.include({ ansible_port: 2222 });
    expect(inv.groups.get('etcd')?.priority).to.equal(10);
  });

  it('works with patterns', () => {
    expect(selectHosts(inv, 'k8s-cluster:!kube-node[1:]')).to.deep.equal(['k1-master01', 'k1-master02', 'k1-node01']);
  });

  it('defineInventory returns its argument (typing only)', () => {
    const spec = { groups: { g: { hosts: ['k1-a'] } } };
    expect(defineInventory(spec)).to.equal(spec);
  });

  const s = scratch();
  after(() => s.cleanup());
  const errors: Array<[string, string, string]> = [
    ['undefined child', `export default { groups: { p: { children: ['nope'] } } };`, "undefined child group 'nope'"],
    ['loop', `export default { groups: { a: { children: ['b'] }, b: { children: ['a'] } } };`, 'loop'],
    ['not an inventory', `export default 42;`, 'not an inventory'],
    ['unknown key', `export default { groups: { a: { host: ['x'] } } };`, "unexpected key 'host'"],
    ['bad range', `export default { groups: { a: { hosts: ['k1-node[01:5]'] } } };`, 'different widths'],
    ['does not compile', `export default {;`, 'cannot load the TypeScript inventory'],
  ];
  for (const [name, code, words] of errors) {
    it(`error: ${name}`, async () => {
      const file = s.write(`${name.replace(/\W+/g, '_')}.ts`, code);
      const err = await loadError([file]);
      expect(err.message).to.contain(file);
      expect(err.message).to.contain(words);
    });
  }
});
