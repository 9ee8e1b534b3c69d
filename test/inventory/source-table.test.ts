// INI and YAML inventories as ansible-inventory reads them (rows in ini.cases.ts and
// yaml.cases.ts, proved by source-table-ansible.test.ts): what --list and --host show, and the
// file:line error for what is refused.
import { expect } from 'chai';
import { hostVars, inventoryList, loadInventory } from '../../lib/inventory/index.js';
import { INI_CASES } from './ini.cases.js';
import { YAML_CASES } from './yaml.cases.js';
import { scratch } from './helpers.js';

for (const c of [INI_CASES, YAML_CASES]) {
  describe(`${c.ext.toUpperCase()} inventories, row by row`, () => {
    const s = scratch();
    after(() => s.cleanup());

    for (const [name, text, list] of c.accepted) {
      it(`${name}: --list is ansible-inventory's`, async () => {
        const inv = await loadInventory([s.write(`${name}.${c.ext}`, text)]);
        expect(inventoryList(inv)).to.deep.equal(list);
      });
    }

    for (const [name, text, host, vars] of c.hostVars) {
      it(`${name}: ${host}'s variables are ansible-inventory --host's`, async () => {
        const inv = await loadInventory([s.write(`hv-${name}.${c.ext}`, text)]);
        expect(hostVars(inv, host)).to.deep.equal(vars);
      });
    }

    for (const [name, text, message] of [...c.refused, ...c.refusedByTsplay]) {
      it(`${name}: refused with ${message.slice(0, 60)}…`, async () => {
        const f = s.write(`${name}.${c.ext}`, text);
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
}

describe('INI files with no hosts', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('a file of only comments and blank lines loads with warnings naming it', async () => {
    for (const name of ['empty', 'comments']) {
      const text = INI_CASES.accepted.find(([n]) => n === name)?.[1] as string;
      const f = s.write(`w-${name}.ini`, text);
      expect((await loadInventory([f])).warnings).to.deep.equal([
        `${f}: the INI inventory holds no hosts or groups (an empty file?)`,
        "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'",
      ]);
    }
    const some = s.write('w-some.ini', '# a comment\nh1\n');
    expect((await loadInventory([some])).warnings).to.deep.equal([]);
  });
});
