// Inventory input a newcomer (or an attacker) may hand tsplay, each side by side with what
// Debian's ansible-inventory (ansible-core 2.14) does with the same file: refused or warned with
// file:line, quickly, never an internal error.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadInventory } from '../../lib/inventory/index.js';
import { loadError, scratch } from './helpers.js';

function ansibleInventory(dir: string, file: string): { code: number; out: string } {
  const r = spawnSync('ansible-inventory', ['-i', file, '--list'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: join(dir, 'none.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp') } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`.replace(/\s+/g, ' ') };
}

const LAUGHS = ['all:', '  hosts:', '    h1:', '  vars:', '    a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefgh'.split('').map((c, i) => `    ${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
  `    i: [${Array(9).fill('*h').join(',')}]`, ''].join('\n');

describe('inventory bad input', function () {
  this.timeout(60000);
  const s = scratch();
  after(() => s.cleanup());

  it('a "billion laughs" YAML inventory is refused at once, saying aliases are limited', async () => {
    const f = s.write('laughs.yml', LAUGHS);
    // the limit's own message proves the document was refused before expanding (no wall-clock check)
    const e = await loadError([f]);
    expect(e.message).to.match(/laughs\.yml: YAML aliases expand to more than 10000 nodes \(a "billion laughs" document\?\)/);
  });

  it('a few ordinary aliases still load (a merge key, a shared list)', async () => {
    const f = s.write('aliases.yml', 'all:\n  vars:\n    base: &base {a: 1, b: 2}\n    merged: {<<: *base, b: 3}\n    ports: &p [1, 2]\n    again: *p\n  hosts:\n    h1:\n');
    const inv = await loadInventory([f]);
    expect(inv.groups.get('all')?.vars.merged).to.deep.equal({ a: 1, b: 3 });
    expect(inv.groups.get('all')?.vars.again).to.deep.equal([1, 2]);
  });

  it('a duplicate YAML key warns with file:line as Ansible does, and the last value wins', async () => {
    const f = s.write('dup.yml', 'all:\n  hosts:\n    h1:\n      a: 1\n      a: 2\n');
    const inv = await loadInventory([f]);
    expect(inv.hosts.get('h1')?.vars.a).to.equal(2);
    expect(inv.warnings).to.deep.equal([`While constructing a mapping from ${f}:4:7, found a duplicate dict key (a) at line 5. Using last defined value only.`]);
    const a = ansibleInventory(s.dir, f);
    expect(a.out).to.include(`While constructing a mapping from ${f}, line 4, column 7, found a duplicate dict key (a). Using last defined value only.`);
    expect(a.out).to.match(/"a": 2/);
  });

  it('a duplicate key in group_vars warns too', async () => {
    const f = s.write('gv/hosts.yml', 'all:\n  hosts:\n    h1:\n');
    const g = s.write('gv/group_vars/all.yml', 'x: 1\ny: 0\nx: 2\n');
    const inv = await loadInventory([f]);
    expect(inv.warnings.join('\n')).to.include(`${g}:1:1, found a duplicate dict key (x) at line 3`);
  });

  it('!!python/object tags are refused with file:line:col, as Ansible refuses them', async () => {
    const f = s.write('py.yml', 'all:\n  hosts:\n    h1:\n      a: !!python/object:os.system [ls]\n');
    const e = await loadError([f]);
    expect(e.message).to.match(/py\.yml:4:10: YAML tag 'tag:yaml\.org,2002:python\/object:os\.system' is not allowed/);
    expect(ansibleInventory(s.dir, f).out).to.include("could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'");
  });

  it('an empty INI inventory loads with warnings naming the file, as ansible-playbook warns', async () => {
    const f = s.write('empty.ini', '# nothing yet\n\n');
    const inv = await loadInventory([f]);
    expect(inv.hosts.size).to.equal(0);
    expect(inv.warnings).to.deep.equal([
      `${f}: the INI inventory holds no hosts or groups (an empty file?)`,
      "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'",
    ]);
  });

  it('ansible_port=abc is a file:line error at load time (INI host line, INI :vars, YAML)', async () => {
    const ini = s.write('port.ini', 'h0\nh1 ansible_port=abc\n');
    expect((await loadError([ini])).message).to.equal(`${ini}:2: ansible_port="abc" is not a port (text: 'ansible_port=abc'); give a whole number between 1 and 65535`);
    const vars = s.write('portvars.ini', '[g]\nh1\n[g:vars]\nansible_port=70000\n');
    expect((await loadError([vars])).message).to.match(/portvars\.ini:4: ansible_port=70000 is not a port/);
    const yml = s.write('port.yml', 'all:\n  hosts:\n    h1:\n      ansible_port: "22x"\n');
    expect((await loadError([yml])).message).to.match(/port\.yml:3: ansible_port="22x" is not a port/);
    // a number, digits as text, and Jinja (worked out at run time) are all fine
    const ok = s.write('portok.ini', 'h1 ansible_port=2222\nh2 ansible_port="{{ base_port }}"\n[all:vars]\nansible_ssh_port=22\n');
    const inv = await loadInventory([ok]);
    expect(inv.hosts.get('h1')?.vars.ansible_port).to.equal(2222);
  });

  it('[kube-node without its closing bracket is reported as an unclosed section header', async () => {
    const f = s.write('nb.ini', 'h0\n[kube-node\nh1\n');
    expect((await loadError([f])).message).to.equal(`${f}:2: section header is missing its closing ']' (text: '[kube-node'); write [kube-node]`);
    // a host range is still a host range
    const r = s.write('range.ini', '[g]\nnode[1:3]\n');
    expect([...(await loadInventory([r])).hosts.keys()]).to.deep.equal(['node1', 'node2', 'node3']);
  });

  it('a TS inventory that throws names the file and the line that threw', async () => {
    const f = join(process.cwd(), 'test', 'fixtures', 'inventory', 'throws.ts');
    const e = await loadError([f]);
    expect(e.message, e.message).to.match(/throws\.ts: cannot load the TypeScript inventory: no hosts configured \(thrown at test\/fixtures\/inventory\/throws\.ts:6:\d+\)/);
  });
});
