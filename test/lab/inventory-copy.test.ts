// Issue 14: a copy of inventory/lab/lab.ini under another name, on other loopback addresses, is a
// second lab that works from any directory: `lab up`, `tsplay run`, ansible, and `lab status`
// (without -i, from anywhere) all find its key and known_hosts through the inventory's own
// [all:vars], which are taken from inventory/lab/lab.ini as they are.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ansibleEnv } from '../helpers/ansible-playbook.js';
import { labSubnet } from '../helpers/lab.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const SUBNET = labSubnet(110);

function runIn(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

const tsplay = (cwd: string, args: string[]) => runIn(cwd, process.execPath, [path.join(REPO, 'bin/tsplay.js'), ...args]);

describe('a copied, renamed lab inventory works from any directory', function () {
  this.timeout(180000);
  let dir: string;
  let inv: string;
  let elsewhere: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-labcopy-'));
    elsewhere = await mkdtemp(path.join(os.tmpdir(), 'tsplay-elsewhere-'));
    const lab = await readFile(path.join(REPO, 'inventory/lab/lab.ini'), 'utf8');
    const vars = lab.slice(lab.indexOf('[all:vars]'));
    inv = path.join(dir, 'second-lab.ini');
    await writeFile(inv, `[all]\nalpha ansible_host=${SUBNET}.1 ansible_user=root\nbeta ansible_host=${SUBNET}.2 ansible_user=root\n\n${vars}`);
    const up = await tsplay(elsewhere, ['lab', 'up', '-i', inv]);
    expect(up.code, up.out).to.equal(0);
    expect(up.out).to.include(path.join(dir, '.tsplay/lab/second-lab'));
  });

  after(async () => {
    await tsplay('/', ['lab', 'down', '-i', inv]);
    await rm(dir, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('tsplay run reaches its hosts from another directory, host keys checked', async () => {
    const pb = path.join(dir, 'pb.ts');
    await writeFile(pb, `import { playbook, command } from '${path.join(REPO, 'lib/index.js')}';\nexport default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('who', command('hostname'), { changedWhen: false }) }]);\n`);
    const r = await tsplay(elsewhere, ['run', pb, '-i', inv, '--no-retry-file']);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/alpha\s+: ok=1/).and.match(/beta\s+: ok=1/);
  });

  it('ansible reads the same vars: ansible -m ping from another directory', async () => {
    const r = await runIn(elsewhere, 'ansible', ['-i', inv, 'all', '-m', 'ping', '-e', 'ansible_python_interpreter=/usr/bin/python3'], ansibleEnv(elsewhere));
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/alpha \| SUCCESS/).and.match(/beta \| SUCCESS/);
  });

  it('lab status without -i, from anywhere, lists it; with -i from anywhere, shows its hosts', async () => {
    const all = await tsplay('/', ['lab', 'status']);
    expect(all.out).to.include(`lab in ${path.join(dir, '.tsplay/lab/second-lab')}:`);
    expect(all.out).to.match(new RegExp(`alpha\\s+${SUBNET.replace(/\./g, '\\.')}\\.1:22\\s+pid \\d+\\s+answers`));
    const one = await tsplay(elsewhere, ['lab', 'status', '-i', inv]);
    expect(one.code, one.out).to.equal(0);
    expect(one.out).to.match(/beta\s+\S+:22\s+pid \d+\s+answers/);
  });
});
