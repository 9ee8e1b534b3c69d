// group_vars/ and host_vars/ beside the inventory, and the merge order of a host's inventory vars.
// Expected values match `ansible-inventory --host` (ansible-core 2.14.18) on the same fixtures.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { groupsMap, hostVarLayers, hostVars, InventoryError, loadInventory, type Inventory } from '../../lib/inventory/index.js';
import { fixture, loadError, scratch } from './helpers.js';

describe('inventory: group_vars/ and host_vars/', () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory([fixture('yaml', 'inv.yml')]);
  });

  for (const host of ['k1-node01', 'k1-node04', 'k1-master01', 'k1-lb']) {
    it(`${host}: same vars as ansible-inventory --host`, () => {
      const expected = JSON.parse(readFileSync(fixture('expected', `yaml.host.${host}.json`), 'utf8'));
      expect(hostVars(inv, host)).to.deep.equal(expected);
    });
  }

  const files: Array<[string, string, Record<string, unknown>]> = [
    ['group_vars/all/ (a directory, files merged in sorted order; all.yml beside it is not read)', 'all', { a: 'gv-all', fromall: 2, b: 1 }],
    ['group_vars/k8s-cluster/main.json', 'k8s-cluster', { gv: 'k8s', x: 'gv-k8s', lvl: 'gv-k8s' }],
    ['group_vars/kube-node (no extension)', 'kube-node', { lvl: 'gv-node' }],
    ['group_vars/etcd.yaml', 'etcd', { lvl: 'gv-etcd', x: 'gv-etcd' }],
  ];
  for (const [name, group, vars] of files) {
    it(`reads ${name}`, () => {
      expect(inv.groups.get(group)?.fileVars).to.deep.equal(vars);
    });
  }

  it('reads host_vars/<host>/ recursively in sorted order, skipping other extensions', () => {
    expect(inv.hosts.get('k1-node01')?.fileVars).to.deep.equal({ hv: 2, lvl: 'hostfile' });
    expect(inv.hosts.get('k1-node04')?.fileVars).to.deep.equal({ port: 1 });
  });

  it('keeps the layers apart for the vars engine', () => {
    expect(hostVarLayers(inv, 'k1-node01')).to.deep.equal({
      inventoryGroup: { a: 'inv-all', lvl: 'node', yesno: true, mode: 420, x: 'k8s' },
      groupVarsAll: { a: 'gv-all', fromall: 2, b: 1 },
      groupVars: { gv: 'k8s', x: 'gv-k8s', lvl: 'gv-node' },
      inventoryHost: { ansible_host: '127.0.10.11', etcd_member_name: 'etcd9' },
      hostVarsDir: { hv: 2, lvl: 'hostfile' },
    });
  });

  it('gives the groups magic variable', () => {
    const g = groupsMap(inv);
    expect(Object.keys(g)).to.deep.equal(['all', 'ungrouped', 'k8s-cluster', 'kube-master', 'kube-node', 'etcd', 'gpu']);
    expect(g.etcd).to.deep.equal(['k1-master01', 'k1-node01']);
    expect(g.ungrouped).to.deep.equal(['k1-lb']);
  });

  const s = scratch();
  after(() => s.cleanup());
  it('a group_vars file that is not a mapping is an error naming the file', async () => {
    const src = s.write('bad/hosts.ini', '[g]\nk1-a\n');
    s.write('bad/group_vars/g.yml', '- a\n- b\n');
    const err = await loadError([src]);
    expect(err.message).to.contain('group_vars/g.yml');
    expect(err.message).to.contain('must hold a mapping');
  });

  it('an empty vars file adds nothing', async () => {
    const src = s.write('empty/hosts.ini', '[g]\nk1-a\n');
    s.write('empty/host_vars/k1-a.yml', '');
    expect(hostVars(await loadInventory([src]), 'k1-a')).to.deep.equal({});
  });
});

describe('inventory: merge precedence (precedence/hosts.ini)', () => {
  let vars: Record<string, unknown>;
  before(async () => {
    vars = hostVars(await loadInventory([fixture('precedence', 'hosts.ini')]), 'k1-node01');
  });
  const table: Array<[string, unknown, string]> = [
    ['only_all', 'all', '[all:vars] is the base'],
    ['x', 'zeta', 'same depth and priority: the later name wins (alpha < zeta)'],
    ['from_inv', 'zeta', 'same'],
    ['y', 'prio', 'higher ansible_group_priority wins at equal depth'],
    ['z', 'deep', 'a deeper group wins over any priority'],
    ['gv', 'group_vars-all', 'group_vars/all beats every inventory-file group var'],
    ['w', 'zeta', 'group_vars/<group> beats group_vars/all, same name order'],
    ['file_only', 'alpha', 'group_vars/alpha.yml'],
    ['hv', 'inventory-host', 'inventory host vars beat group_vars/'],
    ['hv2', 'host_vars', 'host_vars/ beats inventory host vars'],
  ];
  for (const [key, value, why] of table) {
    it(`${key} = ${JSON.stringify(value)}: ${why}`, () => {
      expect(vars[key]).to.deep.equal(value);
    });
  }
  it('has nothing else (ansible_group_priority is not a variable)', () => {
    expect(Object.keys(vars).sort()).to.deep.equal(['file_only', 'from_inv', 'gv', 'hv', 'hv2', 'only_all', 'w', 'x', 'y', 'z']);
  });
});

describe('inventory: implicit localhost', () => {
  it('gets the all group vars, group_vars/all and a local connection', async () => {
    const inv = await loadInventory([fixture('precedence', 'hosts.ini')]);
    expect(hostVars(inv, 'localhost')).to.deep.equal({ x: 'all', only_all: 'all', gv: 'group_vars-all', w: 'all', ansible_connection: 'local' });
  });

  it('an unknown host is an error naming it', async () => {
    const inv = await loadInventory([fixture('precedence', 'hosts.ini')]);
    expect(() => hostVars(inv, 'k1-nope')).to.throw(InventoryError, /'k1-nope' is not in the inventory/);
  });
});
