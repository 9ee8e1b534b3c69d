// INI inventory rules, value typing and errors, as Ansible 2.14's ini plugin behaves
// (expected values were checked against `ansible-inventory` 2.14.18).
import { expect } from 'chai';
import { groupHosts, groupsOf, hostVars, loadInventory, type Inventory } from '../../lib/inventory/index.js';
import { fixture, loadError, scratch } from './helpers.js';

describe('inventory: INI format (k1.ini)', () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory([fixture('k1.ini')]);
  });

  const membership: Array<[string, string[]]> = [
    ['ungrouped', []], // k1-lb moved out of ungrouped once it is in [lbs]
    ['kube-master', ['k1-master01', 'k1-master02', 'k1-master03']],
    ['kube-node', ['k1-node01', 'k1-node02', 'k1-node03', 'k1-node04', 'k1-node05']],
    ['gpu', ['k1-node05', 'k1-node02']],
    ['k8s-cluster', ['k1-master01', 'k1-master02', 'k1-master03', 'k1-node01', 'k1-node02', 'k1-node03', 'k1-node04', 'k1-node05', 'k1-rr']],
    ['infra', ['k1-lb', 'k1-master01', 'k1-master02', 'k1-master03', 'k1-node01', 'k1-node02', 'k1-node03', 'k1-node04', 'k1-node05', 'k1-rr']],
    ['storage', ['k1-stora.k1.test', 'k1-storb.k1.test', 'k1-storc.k1.test']],
  ];
  for (const [group, hosts] of membership) {
    it(`group ${group} holds ${hosts.length} hosts in Ansible's order`, () => {
      expect(groupHosts(inv, group)).to.deep.equal(hosts);
    });
  }

  it('keeps hosts in order of first appearance', () => {
    expect([...inv.hosts.keys()]).to.deep.equal([
      'k1-lb', 'k1-master01', 'k1-master02', 'k1-master03', 'k1-node01', 'k1-node02', 'k1-node03', 'k1-node04', 'k1-node05',
      'k1-rr', 'k1-stora.k1.test', 'k1-storb.k1.test', 'k1-storc.k1.test',
    ]);
  });

  it('hangs parentless groups under all, ungrouped first', () => {
    expect(inv.groups.get('all')?.children).to.deep.equal(['ungrouped', 'etcd', 'gpu', 'infra', 'storage']);
    expect(inv.groups.get('k8s-cluster')?.children).to.deep.equal(['kube-master', 'kube-node', 'calico-rr']);
    expect(inv.groups.get('kube-node')?.parents).to.deep.equal(['k8s-cluster']);
  });

  it('merges the vars of a host defined twice and records its first definition', () => {
    const h = inv.hosts.get('k1-node01');
    expect(h?.vars).to.deep.equal({ ansible_host: '127.0.10.11' });
    expect(h?.source).to.match(/k1\.ini:17$/);
    expect(inv.hosts.get('k1-master01')?.groups).to.deep.equal(['kube-master', 'etcd']);
  });

  it('reads host:port into ansible_port', () => {
    expect(inv.hosts.get('k1-rr')?.port).to.equal(2222);
    expect(hostVars(inv, 'k1-rr')).to.include({ ansible_port: 2222, ansible_host: '127.0.10.50' });
  });

  it('gives group_names: every group incl. ancestors, sorted, without all', () => {
    expect(groupsOf(inv, 'k1-node02')).to.deep.equal(['gpu', 'infra', 'k8s-cluster', 'kube-node']);
    expect(groupsOf(inv, 'k1-lb')).to.deep.equal(['infra', 'lbs']);
  });

  it('merges group vars by depth: [k8s-cluster:vars] beats [all:vars]', () => {
    expect(hostVars(inv, 'k1-master01')).to.deep.equal({
      ansible_python_interpreter: '/usr/bin/python3', drain_timeout: '360s', drain_retries: 3, kube_proxy_strict_arp: true,
      ansible_user: 'root', etcd_member_name: 'etcd1',
    });
    expect(hostVars(inv, 'k1-lb')).to.deep.equal({ ansible_python_interpreter: '/usr/bin/python3', drain_timeout: '120s', ansible_host: '127.0.10.100', lb_role: 'primary' });
  });
});

describe('inventory: INI rules', () => {
  const s = scratch();
  after(() => s.cleanup());

  const cases: Array<{ name: string; ini: string; hosts?: Record<string, string[]>; vars?: Record<string, Record<string, unknown>> }> = [
    { name: 'numeric range with zero padding', ini: '[g]\nk1-node[01:03]\n', hosts: { g: ['k1-node01', 'k1-node02', 'k1-node03'] } },
    { name: 'range with a stride', ini: '[g]\nk1-node[1:9:4]\n', hosts: { g: ['k1-node1', 'k1-node5', 'k1-node9'] } },
    { name: 'letter range', ini: '[g]\nk1-stor[a:c]\n', hosts: { g: ['k1-stora', 'k1-storb', 'k1-storc'] } },
    { name: 'several ranges in one name', ini: '[g]\nr[1:2]-n[a:b]\n', hosts: { g: ['r1-na', 'r1-nb', 'r2-na', 'r2-nb'] } },
    { name: 'range in an IPv4 address with a port', ini: '[g]\n127.0.10.[1:2]:2200\n', hosts: { g: ['127.0.10.1', '127.0.10.2'] }, vars: { '127.0.10.2': { ansible_port: 2200 } } },
    { name: 'bracketed IPv6 with a port', ini: '[g]\n[::1]:2222\n', hosts: { g: ['::1'] }, vars: { '::1': { ansible_port: 2222 } } },
    { name: 'bare IPv6 address', ini: '[g]\nfe80::1\n', hosts: { g: ['fe80::1'] } },
    { name: 'hosts before any section are ungrouped', ini: 'k1-a\n[g]\nk1-b\n', hosts: { ungrouped: ['k1-a'], g: ['k1-b'] } },
    { name: 'a host that is also in a group leaves ungrouped', ini: 'k1-a\n[g]\nk1-a\n', hosts: { ungrouped: [], g: ['k1-a'] } },
    { name: 'hosts of [all] are ungrouped too', ini: '[all]\nk1-a\n', hosts: { ungrouped: ['k1-a'], all: ['k1-a'] } },
    { name: 'comments with # and ; and trailing # comments', ini: '# c\n; c\n[g] # c\nk1-a x=1 # c\n', hosts: { g: ['k1-a'] }, vars: { 'k1-a': { x: 1 } } },
    { name: 'a # inside a word starts a comment (shell rules)', ini: '[g]\nk1-a x=1#c\n', vars: { 'k1-a': { x: 1 } } },
    { name: '[g:vars] before [g] declares nothing yet, [g] later is fine', ini: '[g:vars]\nx=1\n[g]\nk1-a\n', vars: { 'k1-a': { x: 1 } } },
    { name: 'children before the child is declared', ini: '[p:children]\nc\n[c]\nk1-a\n', hosts: { p: ['k1-a'] } },
    { name: 'child chain declared bottom-up late', ini: '[a:children]\nb\n[b:children]\nc\n[c]\nk1-a\n', hosts: { a: ['k1-a'], b: ['k1-a'] } },
    { name: 'the port of the first definition wins', ini: '[g]\nk1-a:2201\n[h]\nk1-a:2202\n', vars: { 'k1-a': { ansible_port: 2201 } } },
    { name: 'an inline ansible_port overrides host:port', ini: '[g]\nk1-a:2201 ansible_port=2203\n', vars: { 'k1-a': { ansible_port: 2203 } } },
    { name: 'ansible_group_priority is not a variable', ini: '[g]\nk1-a\n[g:vars]\nansible_group_priority=3\n', vars: { 'k1-a': {} } },
    { name: ':vars keeps everything after the first =', ini: '[g]\nk1-a\n[g:vars]\nopts = a=b c\n', vars: { 'k1-a': { opts: 'a=b c' } } },
    { name: 'host var values may contain =', ini: '[g]\nk1-a opts=a=b\n', vars: { 'k1-a': { opts: 'a=b' } } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const inv = await loadInventory([s.write(`${c.name.replace(/\W+/g, '_')}.ini`, c.ini)]);
      for (const [g, hosts] of Object.entries(c.hosts ?? {})) expect(groupHosts(inv, g), `group ${g}`).to.deep.equal(hosts);
      for (const [h, vars] of Object.entries(c.vars ?? {})) expect(hostVars(inv, h), `vars of ${h}`).to.deep.equal(vars);
    });
  }
});

describe('inventory: INI value typing (host lines vs :vars lines)', () => {
  const s = scratch();
  after(() => s.cleanup());
  // [text as written, value on a host line, value in a :vars section]
  const table: Array<[string, unknown, unknown]> = [
    ['1', 1, 1],
    ['-5', -5, -5],
    ['1_000', 1000, 1000],
    ['0x1f', 31, 31],
    ['0o17', 15, 15],
    ['0644', '0644', '0644'], // a leading zero is not a Python int: stays text
    ['1.5', 1.5, 1.5],
    ['1e-2', 0.01, 0.01],
    ['True', true, true],
    ['False', false, false],
    ['true', 'true', 'true'], // only Python's spelling is a boolean
    ['yes', 'yes', 'yes'],
    ['None', null, null],
    ['"1"', 1, '1'], // the shell split on host lines eats the quotes
    ["'03'", '03', '03'],
    [`"'03'"`, '03', "'03'"],
    ['"x y"', 'x y', 'x y'],
    ['[1,2]', [1, 2], [1, 2]],
    ["'[1, 2]'", [1, 2], '[1, 2]'],
    ['[1,"a",None]', '[1,a,None]', [1, 'a', null]], // host line: the shell split removed the inner quotes
    ['{"a":1}', '{a:1}', { a: 1 }],
    [`'{"a":1}'`, { a: 1 }, '{"a":1}'],
    ['(1,2)', [1, 2], [1, 2]], // tuples become lists, as in Ansible's JSON
    ['hello', 'hello', 'hello'],
    ['', '', ''],
    ['12345678901234567890', '12345678901234567890', '12345678901234567890'], // too big for a JS number: kept as text
  ];
  let inv: Inventory;
  before(async () => {
    let ini = '';
    table.forEach(([text], i) => {
      ini += `[h${i}]\nk1-h${i} v=${text}\n[v${i}]\nk1-v${i}\n[v${i}:vars]\nv=${text}\n`;
    });
    inv = await loadInventory([s.write('typing.ini', ini)]);
  });
  table.forEach(([text, onHost, inVars], i) => {
    it(`${JSON.stringify(text)} -> host line ${JSON.stringify(onHost)}, :vars ${JSON.stringify(inVars)}`, () => {
      expect(hostVars(inv, `k1-h${i}`).v).to.deep.equal(onHost);
      expect(hostVars(inv, `k1-v${i}`).v).to.deep.equal(inVars);
    });
  });

  it('a :vars value with a trailing # comment is a literal when the part before is one', async () => {
    const inv2 = await loadInventory([s.write('comment.ini', '[g]\nk1-a\n[g:vars]\nport=8080 # web\nname=web # not stripped\n')]);
    expect(hostVars(inv2, 'k1-a')).to.deep.equal({ port: 8080, name: 'web # not stripped' });
  });
});

describe('inventory: INI errors name file:line, the text and a fix', () => {
  const s = scratch();
  after(() => s.cleanup());
  // [case, ini text, line, text in message, words in message]
  const table: Array<[string, string, number, string, string]> = [
    ['unknown section type', '[g]\nk1-a\n[g:foo]\n', 3, '[g:foo]', "unknown type 'foo'"],
    ['undefined child group', '[k8s:children]\nkube\nfoo\n[kube]\n', 3, 'foo', "[k8s:children] names undefined group 'foo'"],
    ['child loop', '[a:children]\nb\n[b:children]\na\n', 4, 'a', 'loop'],
    ['group as its own child', '[g:children]\ng\n[g]\n', 2, 'g', 'child of itself'],
    [':vars without key=value', '[g]\nk1-a\n[g:vars]\nnovalue\n', 4, 'novalue', 'expected key=value'],
    [':vars for a group never declared', '[g]\nk1-a\n[x:vars]\na=1\n', 3, '[x:vars]', 'never declared'],
    ['unequal range widths', '[g]\nk1-node[01:5]\n', 2, 'k1-node[01:5]', 'different widths'],
    ['range with too many parts', '[g]\nk1-node[1:2:3:4]\n', 2, 'k1-node[1:2:3:4]', 'begin:end'],
    ['letter range backwards', '[g]\nk1-node[c:a]\n', 2, 'k1-node[c:a]', 'begin <= end'],
    ['empty numeric range', '[g]\nk1-node[5:1]\n', 2, 'k1-node[5:1]', 'empty'],
    ['unclosed range', '[g]\nk1-node[1:3\n', 2, 'k1-node[1:3', 'not closed'],
    ['range end missing', '[g]\nk1-node[1:]\n', 2, 'k1-node[1:]', 'no end value'],
    ['bracketed IPv6 without a port', '[g]\nk1-a\n[::1]\n', 3, '[::1]', 'invalid section header'],
    ['invalid port text', '[g]\nk1-a:ssh\n', 2, 'k1-a:ssh', "invalid port 'ssh'"],
    ['port out of range', '[g]\nk1-a:70000\n', 2, 'k1-a:70000', 'invalid port 70000'],
    ['trailing colon', '[g]\nk1-a:\n', 2, 'k1-a:', "ends in ':'"],
    ['host var without =', '[g]\nk1-a novalue\n', 2, 'k1-a novalue', "got 'novalue'"],
    ['; comment after a host', '[g]\nk1-a x=1 ; note\n', 2, 'k1-a x=1 ; note', "start with '#'"],
    ['unclosed quote', '[g]\nk1-a x="open\n', 2, 'k1-a x="open', 'No closing quotation'],
    ['space in section header', '[ g ]\nk1-a\n', 1, '[ g ]', 'invalid section header'],
    ['bad child name', '[g]\nk1-a\n[g:children]\nbad name\n', 4, 'bad name', 'expected a group name'],
    ['YAML marker in INI', '[g]\n---\n', 2, '---', 'YAML'],
  ];
  for (const [name, ini, line, text, words] of table) {
    it(name, async () => {
      const file = s.write(`${name.replace(/\W+/g, '_')}.ini`, ini);
      const err = await loadError([file]);
      const e = err;
      expect(e.message).to.contain(`${file}:${line}: `);
      expect(e.message).to.contain(`(text: '${text}')`);
      expect(e.message).to.contain(words);
      expect(e.message).to.match(/; \S/); // says what to do
      expect(e.message).not.to.match(/\n\s+at /); // no stack trace in the message
      expect([e.file, e.line, e.text]).to.deep.equal([file, line, text]);
    });
  }
});
