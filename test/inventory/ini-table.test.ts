// INI inventories as ansible-inventory reads them (rows in ini.cases.ts, proved by
// ini-table-ansible.test.ts): what --list shows, and the file:line error for what it refuses.
import { expect } from 'chai';
import { hostVars, inventoryList, loadInventory } from '../../lib/inventory/index.js';
import { ACCEPTED, HOST_VARS, REFUSED, REFUSED_BY_TSPLAY } from './ini.cases.js';
import { scratch } from './helpers.js';

describe('INI inventories, row by row', () => {
  const s = scratch();
  after(() => s.cleanup());

  for (const [name, text, list] of ACCEPTED) {
    it(`${name}: --list is ansible-inventory's`, async () => {
      const inv = await loadInventory([s.write(`${name}.ini`, text)]);
      expect(inventoryList(inv)).to.deep.equal(list);
    });
  }

  for (const [name, text, host, vars] of HOST_VARS) {
    it(`${name}: ${host}'s variables are ansible-inventory --host's`, async () => {
      const inv = await loadInventory([s.write(`${name}.ini`, text)]);
      expect(hostVars(inv, host)).to.deep.equal(vars);
    });
  }

  it('a file of only comments and blank lines loads with warnings naming it', async () => {
    for (const name of ['empty', 'comments']) {
      const text = ACCEPTED.find(([n]) => n === name)?.[1] as string;
      const f = s.write(`w-${name}.ini`, text);
      expect((await loadInventory([f])).warnings).to.deep.equal([
        `${f}: the INI inventory holds no hosts or groups (an empty file?)`,
        "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'",
      ]);
    }
    const some = s.write('w-some.ini', '# a comment\nh1\n');
    expect((await loadInventory([some])).warnings).to.deep.equal([]);
  });

  for (const [name, text, message] of [...REFUSED, ...REFUSED_BY_TSPLAY]) {
    it(`${name}: refused with ${message.slice(0, 60)}…`, async () => {
      const f = s.write(`${name}.ini`, text);
      let err: Error | undefined;
      try {
        await loadInventory([f]);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).to.equal(message.replace('FILE', f));
    });
  }
});
