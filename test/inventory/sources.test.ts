// Sources: directories (like Ansible: sorted, recursive, .ini and other ignored extensions skipped),
// several -i sources merged, 'h1,h2,' host lists, extension-less files read as YAML or INI.
import { expect } from 'chai';
import { groupHosts, hostVars, loadInventory } from '../../lib/inventory/index.js';
import { fixture, loadError, scratch } from './helpers.js';

describe('inventory: sources', () => {
  it('reads every inventory file of a directory, skipping *.ini and group_vars/', async () => {
    const inv = await loadInventory([fixture('dir')]);
    expect([...inv.hosts.keys()]).to.deep.equal(['k1-node01', 'k1-node02', 'k1-master01', 'k1-sub']);
    expect(inv.groups.has('skipped')).to.equal(false);
    expect(inv.groups.get('k8s-cluster')?.children).to.deep.equal(['kube-node', 'kube-master']);
    expect(hostVars(inv, 'k1-node01')).to.deep.equal({ x: 'dir' }); // dir/group_vars/
  });

  it('merges several sources into one inventory', async () => {
    const inv = await loadInventory([fixture('dir'), fixture('k1.json')]);
    expect(groupHosts(inv, 'kube-node')).to.deep.equal(['k1-node01', 'k1-node02']);
    expect(hostVars(inv, 'k1-node01')).to.deep.equal({ env: 'json', x: 'dir', ansible_host: '127.0.10.11' });
  });

  const lists: Array<[string, string[], Record<string, number>]> = [
    ['k1-a,k1-b', ['k1-a', 'k1-b'], {}],
    ['k1-a,', ['k1-a'], {}],
    ['k1-a:2201, [::1]:2222 ,127.0.10.1', ['k1-a', '::1', '127.0.10.1'], { 'k1-a': 2201, '::1': 2222 }],
    ['h[1:2],', ['h[1:2]'], {}], // no ranges in host lists
    ['k1-a,k1-a:2200,,k1-b', ['k1-a', 'k1-b'], {}], // the first mention wins, its port too
  ];
  for (const [list, hosts, ports] of lists) {
    it(`host list ${JSON.stringify(list)}`, async () => {
      const inv = await loadInventory([list]);
      expect(groupHosts(inv, 'ungrouped')).to.deep.equal(hosts);
      for (const [h, p] of Object.entries(ports)) expect(hostVars(inv, h)).to.deep.equal({ ansible_port: p });
    });
  }

  const s = scratch();
  after(() => s.cleanup());

  it('reads an extension-less file as YAML when it is a YAML mapping, else as INI', async () => {
    const y = s.write('yaml-hosts/hosts', 'all:\n  hosts:\n    k1-a:\n');
    const i = s.write('ini-hosts/hosts', '[g]\nk1-b\n');
    expect(groupHosts(await loadInventory([y]), 'all')).to.deep.equal(['k1-a']);
    expect(groupHosts(await loadInventory([i]), 'g')).to.deep.equal(['k1-b']);
  });

  it('a directory skips hidden files, vars directories, vars_plugins and editor leftovers, and reads names in order', async () => {
    s.write('d/b.yml', 'all:\n  hosts:\n    hb:\n');
    s.write('d/a.yml', 'all:\n  hosts:\n    ha:\n');
    s.write('d/.hidden.yml', 'all:\n  hosts:\n    hidden:\n');
    s.write('d/host_vars/ha.yml', 'v: 1\n');
    s.write('d/group_vars/all.yml', 'g: 1\n');
    s.write('d/vars_plugins/x.yml', 'all:\n  hosts:\n    plugin:\n');
    for (const leftover of ['c.yml~', 'c.yml.bak', 'c.yml.swp', 'c.orig', 'notes.md', 'notes.txt', 'c.retry', 'c.cfg', 'c.rst', 'c.pyc', 'c.pyo', 'c.rpm']) {
      s.write(`d/${leftover}`, 'all:\n  hosts:\n    leftover:\n');
    }
    const inv = await loadInventory([s.dir + '/d']);
    expect([...inv.hosts.keys()]).to.deep.equal(['ha', 'hb']);
    expect(hostVars(inv, 'ha')).to.deep.equal({ g: 1, v: 1 });
  });

  it('TOML inventories are refused with what to do', async () => {
    const f = s.write('hosts.toml', '[all.hosts]\nh1 = {}\n');
    expect((await loadError([f])).message).to.equal(`${f}: TOML inventories are not supported; convert it to INI or YAML`);
  });

  it("a host list takes names as written, as Ansible's host_list plugin does", async () => {
    expect(groupHosts(await loadInventory(['k1-a,odd name!,']), 'ungrouped')).to.deep.equal(['k1-a', 'odd name!']);
  });

  it('an extension-less file that is a YAML scalar or an empty mapping is read as INI (ansible-inventory agrees)', async () => {
    const scalar = s.write('scalar/hosts', 'k1-c\n');
    expect(groupHosts(await loadInventory([scalar]), 'ungrouped')).to.deep.equal(['k1-c']);
    const empty = s.write('emptymap/hosts', '{}\n');
    expect(groupHosts(await loadInventory([empty]), 'ungrouped')).to.deep.equal(['{}']);
  });

  it('a missing source is an error naming it', async () => {
    const err = await loadError([s.dir + '/nope.ini']);
    expect(err.message).to.contain('nope.ini: inventory source not found');
  });

  it('always has all and ungrouped, even when empty', async () => {
    const inv = await loadInventory([s.write('empty.ini', '# nothing\n')]);
    expect([...inv.groups.keys()]).to.deep.equal(['all', 'ungrouped']);
  });
});
