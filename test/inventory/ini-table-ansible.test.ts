// Proves the rows of ini.cases.ts with Debian's ansible-inventory (ansible-core 2.14): the same
// --list for every accepted text, a refusal (non-zero exit) for every refused one.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ACCEPTED, HOST_VARS, REFUSED } from './ini.cases.js';
import { scratch } from './helpers.js';

function ansibleInventory(dir: string, file: string, args = ['--list']): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ANSIBLE_CONFIG: join(dir, 'none.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp') };
    const p = spawn('ansible-inventory', ['-i', file, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

describe('ini.cases.ts against ansible-inventory 2.14', function () {
  this.timeout(120_000);
  const s = scratch();
  after(() => s.cleanup());

  it('gives the recorded --list for every accepted text', async () => {
    const got = await Promise.all(ACCEPTED.map(async ([name, text]) => {
      const r = await ansibleInventory(s.dir, s.write(`${name}.ini`, text));
      return [name, r.code === 0 ? JSON.parse(r.out) : r.err];
    }));
    expect(got).to.deep.equal(ACCEPTED.map(([name, , list]) => [name, list]));
  });

  it('gives the recorded --host variables', async () => {
    const got = await Promise.all(HOST_VARS.map(async ([name, text, host]) => {
      const r = await ansibleInventory(s.dir, s.write(`hv-${name}.ini`, text), ['--host', host]);
      return [name, r.code === 0 ? JSON.parse(r.out) : r.err];
    }));
    expect(got).to.deep.equal(HOST_VARS.map(([name, , , vars]) => [name, vars]));
  });

  it('refuses every refused text', async () => {
    const got = await Promise.all(REFUSED.map(async ([name, text]) => {
      // an INI file Ansible cannot parse is skipped with a warning unless unparsed sources are fatal
      const f = s.write(`${name}.ini`, text);
      const r = await ansibleInventory(s.dir, f);
      return [name, r.code !== 0 || /Failed to parse|Unable to parse/.test(r.err) ? 'refused' : r.out];
    }));
    expect(got).to.deep.equal(REFUSED.map(([name]) => [name, 'refused']));
  });
});
