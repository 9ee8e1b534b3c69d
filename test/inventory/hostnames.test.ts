// Issue 18: an inventory host name becomes a directory name on the controller (fetch writes to
// dest/<host>/...), so '/', '..', NUL and the empty name are refused in every kind of inventory,
// with file:line where the source has lines.
import { expect } from 'chai';
import { loadInventory } from '../../lib/inventory/index.js';
import { loadError, scratch } from './helpers.js';

describe('inventory: host names that could leave a directory are refused', () => {
  const s = scratch();
  after(() => s.cleanup());

  const cases: Array<[string, string, string, RegExp]> = [
    ['INI ../../x', 'a.ini', '[web]\nok1\n../../x ansible_host=127.0.0.1\n', /a\.ini:3: host name '\.\.\/\.\.\/x' contains '\/'/],
    ['INI a..b', 'b.ini', '[web]\na..b\n', /b\.ini:2: host name 'a\.\.b' contains '\.\.'/],
    ['INI absolute', 'c.ini', '/etc/cron.d/x\n', /c\.ini:1: host name '\/etc\/cron\.d\/x' contains '\/'/],
    ['YAML ..', 'd.yml', 'all:\n  hosts:\n    ok1:\n    "..":\n', /d\.yml:4: host name '\.\.' contains '\.\.'/],
    ['JSON ../x', 'e.json', '{"all": {"hosts": {"../x": {}}}}', /e\.json:1: host name '\.\.\/x' contains '\/'/],
    ['YAML NUL', 'f.yml', 'all:\n  hosts:\n    "a\\0b":\n', /f\.yml:3: host name 'a\u0000b' contains a NUL byte/],
    ['TS ../../x', 'g.ts', "export default { groups: { web: { hosts: ['../../x'] } } };\n", /g\.ts: host name '\.\.\/\.\.\/x' contains '\/'/],
    ['TS empty', 'h.ts', "export default { hosts: { '': {} } };\n", /h\.ts: host name '' is empty/],
  ];
  for (const [name, file, text, re] of cases) {
    it(name, async () => {
      const p = s.write(file, text);
      const err = await loadError([p]);
      expect(err.message).to.match(re);
      expect(err.message).to.contain('use letters, digits');
    });
  }

  it('a -i host list', async () => {
    const err = await loadError(['ok1,../x,']);
    expect(err.message).to.match(/host name '\.\.\/x' contains '\/'/);
  });

  it('ordinary names, addresses and ports still load', async () => {
    const p = s.write('ok.ini', '[web]\nk1-node[01:02]\n127.0.0.1:2222\n::1\nhost_1.example.com\n');
    const inv = await loadInventory([p]);
    expect([...inv.hosts.keys()]).to.deep.equal(['k1-node01', 'k1-node02', '127.0.0.1', '::1', 'host_1.example.com']);
  });
});
