// Proves the rows of ini.cases.ts and yaml.cases.ts with Debian's ansible-inventory
// (ansible-core 2.14): the same --list and --host for every accepted text, a refusal for every
// refused one, and an accepted file for each row tsplay alone refuses.
import { expect } from 'chai';
import { join } from 'node:path';
import { collectOutput } from '../../lib/util/spawn.js';
import { INI_CASES } from './ini.cases.js';
import { YAML_CASES } from './yaml.cases.js';
import { scratch } from './helpers.js';

async function ansibleInventory(dir: string, file: string, args = ['--list']): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, ANSIBLE_CONFIG: join(dir, 'none.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp') };
  const r = await collectOutput('ansible-inventory', ['-i', file, ...args], { cwd: dir, env });
  return { code: r.rc, out: r.stdout, err: r.stderr };
}

for (const c of [INI_CASES, YAML_CASES]) {
  describe(`${c.ext} cases against ansible-inventory 2.14`, function () {
    this.timeout(120_000);
    const s = scratch();
    after(() => s.cleanup());
    // an inventory Ansible cannot parse is skipped with a warning (unparsed sources are not fatal by default)
    const refusedBy = (r: { code: number; err: string }): boolean => r.code !== 0 || /Failed to parse|Unable to parse/.test(r.err);

    it('gives the recorded --list for every accepted text', async () => {
      const got = await Promise.all(c.accepted.map(async ([name, text]) => {
        const r = await ansibleInventory(s.dir, s.write(`${name}.${c.ext}`, text));
        return [name, r.code === 0 ? JSON.parse(r.out) : r.err];
      }));
      expect(got).to.deep.equal(c.accepted.map(([name, , list]) => [name, list]));
    });

    it('gives the recorded --host variables', async () => {
      const got = await Promise.all(c.hostVars.map(async ([name, text, host]) => {
        const r = await ansibleInventory(s.dir, s.write(`hv-${name}.${c.ext}`, text), ['--host', host]);
        return [name, r.code === 0 ? JSON.parse(r.out) : r.err];
      }));
      expect(got).to.deep.equal(c.hostVars.map(([name, , , vars]) => [name, vars]));
    });

    it('refuses every refused text, and accepts what only tsplay refuses', async () => {
      const rows = [...c.refused.map(([n, t]) => [n, t, 'refused']), ...c.refusedByTsplay.map(([n, t]) => [n, t, 'accepted'])];
      const got = await Promise.all(rows.map(async ([name, text]) => {
        const r = await ansibleInventory(s.dir, s.write(`${name}.${c.ext}`, text));
        return [name, refusedBy(r) ? 'refused' : 'accepted'];
      }));
      expect(got).to.deep.equal(rows.map(([name, , want]) => [name, want]));
    });
  });
}
