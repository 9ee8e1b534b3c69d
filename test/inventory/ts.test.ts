// Typed TypeScript inventories (test/fixtures/inventory/ts/lab.ts).
import { expect } from 'chai';
import { defineInventory, groupHosts, hostVars, inventoryList, loadInventory, selectHosts, type Inventory } from '../../lib/inventory/index.js';
import { emptyInventory, reconcile } from '../../lib/inventory/model.js';
import { loadTsSpec } from '../../lib/inventory/ts.js';
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

  // the spec checked without loading a module: each mistake gets its own message and fix
  const specErrors: Array<[unknown, string]> = [
    [{"foo":1}, "inv.ts: unexpected key 'foo' in the inventory (text: 'foo'); use \"vars\", \"groups\" and \"hosts\""],
    [{"vars":5}, "inv.ts: vars of 'all' must be an object (text: 'all'); write vars: { name: value }"],
    [{"groups":[]}, "inv.ts: \"groups\" must be an object of group specs; write groups: { name: { hosts: [...] } }"],
    [{"groups":{"a":5}}, "inv.ts: group 'a' must be an object (text: 'a'); give it hosts, vars and/or children"],
    [{"groups":{"a":{"vars":[]}}}, "inv.ts: vars of group 'a' must be an object (text: 'a'); write vars: { name: value }"],
    [{"groups":{"a":{"hosts":"x"}}}, "inv.ts: hosts of group 'a' must be a list or an object (text: 'a'); write hosts: ['k1-node01'] or hosts: { 'k1-node01': { ... } }"],
    [{"groups":{"a":{"hosts":[5]}}}, "inv.ts: host names in group 'a' must be strings (text: '5'); quote the name"],
    [{"groups":{"a":{"children":"b"}}}, "inv.ts: children of group 'a' must be a list or an object (text: 'a'); write children: ['other-group']"],
    [{"hosts":[]}, "inv.ts: \"hosts\" must be an object of host vars; write hosts: { 'k1-node01': { ansible_host: '127.0.10.11' } }"],
    [{"hosts":{"h":5}}, "inv.ts: vars of 'h' must be an object (text: 'h'); write vars: { name: value }"],
    [{"groups":{"a":{"priority":"x"}}}, "inv.ts: ansible_group_priority of group 'a' must be an integer, got 'x' (text: 'a'); set it to a whole number such as 10"],
    [{"groups":{"a":{"hosts":{"h":[]}}}}, "inv.ts: vars of 'h' must be an object (text: 'h'); write vars: { name: value }"],
    [{"groups":{"a":{"children":[5]}}}, "inv.ts: group 'a' names undefined child group '5' (text: '5'); define '5' in \"groups\" or fix the name"],
  ];
  for (const [spec, message] of specErrors) {
    it(`refuses ${JSON.stringify(spec)}`, () => {
      expect(() => loadTsSpec(emptyInventory(), 'inv.ts', spec)).to.throw(message);
    });
  }

  it('reads every form of a spec: host:port keys, nested children, null groups and vars, priority', () => {
    const inv = emptyInventory();
    loadTsSpec(inv, 'inv.ts', {
      vars: { x: 1, ansible_group_priority: 3 },
      groups: {
        a: { hosts: { 'h1:2222': { y: 2 } }, vars: { z: 3, x: 'a' }, priority: 2 },
        b: { children: { c: { hosts: ['h2'], vars: { x: 'c' } } } },
        d: null,
        e: { vars: null, hosts: ['h2'], children: ['a'] },
      },
      hosts: { h3: null, h1: { w: 1 }, 'h4:2200': { v: 1 } },
    });
    reconcile(inv);
    expect(inventoryList(inv)).to.deep.equal({"_meta":{"hostvars":{"h1":{"ansible_port":2222,"w":1,"x":"a","y":2,"z":3},"h2":{"x":"c"},"h3":{"x":1},"h4":{"ansible_port":2200,"v":1,"x":1}}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","b","d","e"]},"b":{"children":["c"]},"c":{"hosts":["h2"]},"e":{"children":["a"],"hosts":["h2"]},"ungrouped":{"hosts":["h3","h4"]}});
    expect([...inv.groups.values()].map((g) => `${g.name}:${g.priority}:${g.depth}`)).to.deep.equal(['all:3:0', 'ungrouped:1:1', 'a:2:2', 'b:1:1', 'd:1:1', 'e:1:1', 'c:1:2']);
  });
});
