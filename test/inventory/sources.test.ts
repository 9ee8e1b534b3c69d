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

  it('a missing source is an error naming it', async () => {
    const err = await loadError([s.dir + '/nope.ini']);
    expect(err.message).to.contain('nope.ini: inventory source not found');
  });

  it('always has all and ungrouped, even when empty', async () => {
    const inv = await loadInventory([s.write('empty.ini', '# nothing\n')]);
    expect([...inv.groups.keys()]).to.deep.equal(['all', 'ungrouped']);
  });
});
