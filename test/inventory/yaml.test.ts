// YAML and JSON inventories (Ansible's yaml plugin format) and their errors.
import { expect } from 'chai';
import { groupHosts, hostVars, loadInventory } from '../../lib/inventory/index.js';
import { fixture, loadError, scratch } from './helpers.js';

describe('inventory: YAML format', () => {
  it('reads nested groups, host ranges, ports and vars (yaml/inv.yml)', async () => {
    const inv = await loadInventory([fixture('yaml', 'inv.yml')]);
    expect(groupHosts(inv, 'kube-node')).to.deep.equal(['k1-node01', 'k1-node02', 'k1-node03', 'k1-node04']);
    expect(groupHosts(inv, 'k8s-cluster')).to.deep.equal(['k1-master01', 'k1-master02', 'k1-master03', 'k1-node01', 'k1-node02', 'k1-node03', 'k1-node04']);
    expect(groupHosts(inv, 'gpu')).to.deep.equal(['k1-node02']); // `hosts: name` is a one-host mapping
    expect(inv.groups.get('all')?.hosts).to.deep.equal(['k1-lb']);
    expect(groupHosts(inv, 'ungrouped')).to.deep.equal(['k1-lb']);
    expect(groupHosts(inv, 'nosuch')).to.deep.equal([]); // not a group: no hosts, no error
    expect(inv.hosts.get('k1-node04')?.port).to.equal(2222);
    expect(inv.groups.get('kube-node')?.priority).to.equal(5);
    expect(inv.hosts.get('k1-node02')?.source).to.match(/inv\.yml:20$/);
  });

  it('reads values as YAML 1.1, like Ansible (yes is true, 0644 is 420)', async () => {
    const inv = await loadInventory([fixture('yaml', 'inv.yml')]);
    expect(inv.groups.get('all')?.vars).to.include({ yesno: true, mode: 420 });
  });

  it('reads JSON with the same shape', async () => {
    const inv = await loadInventory([fixture('k1.json')]);
    expect(groupHosts(inv, 'all')).to.deep.equal(['k1-node01', 'k1-node02', 'k1-master01']);
    expect(hostVars(inv, 'k1-node01')).to.deep.equal({ env: 'json', ansible_host: '127.0.10.11' });
  });

  const s = scratch();
  after(() => s.cleanup());

  const errors: Array<[string, string, number | undefined, string]> = [
    ['hosts as a list', 'all:\n  hosts:\n    - k1-node01\n', 3, '"hosts" of group \'all\' must be a mapping'],
    ['misspelt key', 'all:\n  hostz:\n    k1-node01:\n', 2, "unexpected key 'hostz'"],
    ['host vars as a list', 'all:\n  hosts:\n    k1-node01:\n      - a\n', 3, "variables of host 'k1-node01' must be a mapping"],
    ['numeric host name', 'all:\n  hosts:\n    123:\n', 3, 'must be a string'],
    ['child loop', 'all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n', 5, 'loop'],
    ['syntax error', 'all:\n  hosts: {a: 1\n', 3, 'invalid YAML'],
    ['plugin config', 'plugin: aws_ec2\n', undefined, 'inventory plugin configuration'],
    ['empty file', '', undefined, 'empty YAML inventory'],
    ['bad range', 'all:\n  hosts:\n    k1-node[01:5]:\n', 3, 'different widths'],
  ];
  for (const [name, text, line, words] of errors) {
    it(`error: ${name}`, async () => {
      const file = s.write(`${name.replace(/\W+/g, '_')}.yml`, text);
      const err = await loadError([file]);
      expect(err.message).to.contain(line ? `${file}:${line}: ` : `${file}: `);
      expect(err.message).to.contain(words);
    });
  }
});
