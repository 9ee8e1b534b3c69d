import { expect } from 'chai';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURES, tsplay } from './helpers.js';

// Issue 10: no secret value in any output, whatever its source (inventory, group_vars,
// host_vars, -e, play and task vars, a noLog task's result, values derived from any of them,
// the become password), in plain -vvv --diff output and in --json, including the old value of a
// rotated secret in a diff's "before" side.
const PLAYBOOK = path.join(FIXTURES, 'secrets/site.ts');
const OLD_GV = 'GV-SECRET-OLD-1212';
const SECRETS = ['INV-PW-1111', 'GV-SECRET-2222', OLD_GV, 'HV-SECRET-3333', 'EXTRA-TOKEN-4444', 'PLAY-SECRET-5555', 'TASK-PW-6666', 'NOLOG-OUT-7777', 'BECOME-PW-8888'];
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const FORBIDDEN = [...SECRETS, b64('NOLOG-OUT-7777'), b64('EXTRA-TOKEN-4444')];

describe('e2e: secrets from every source never reach any output', function () {
  this.timeout(120_000);
  let dir: string;
  let inv: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tsplay-secrets-'));
    mkdirSync(path.join(dir, 'group_vars'));
    mkdirSync(path.join(dir, 'host_vars'));
    mkdirSync(path.join(dir, 'out'));
    inv = path.join(dir, 'hosts.ini');
    writeFileSync(inv, `h1 ansible_connection=local db_password=INV-PW-1111 ansible_become_password=BECOME-PW-8888 out_dir=${path.join(dir, 'out')}\n`);
    writeFileSync(path.join(dir, 'host_vars/h1.yml'), 'rbd_secret: HV-SECRET-3333\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const count = (text: string): Record<string, number> =>
    Object.fromEntries(FORBIDDEN.map((s) => [s, text.split(s).length - 1]).filter(([, n]) => Number(n) > 0));

  it('a first run, then one after the group_vars secret was rotated: plain -vvv --diff and --json show none of them', async () => {
    writeFileSync(path.join(dir, 'group_vars/all.yml'), `cloud_secret: ${OLD_GV}\n`);
    const first = await tsplay(['run', PLAYBOOK, '-i', inv, '-e', 'api_token=EXTRA-TOKEN-4444', '--diff', '-vvv']);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(readFileSync(path.join(dir, 'out/app.conf'), 'utf8')).to.include(OLD_GV); // the secrets really were used
    expect(count(first.stdout + first.stderr), 'first run').to.deep.equal({});

    writeFileSync(path.join(dir, 'group_vars/all.yml'), 'cloud_secret: GV-SECRET-2222\n');
    for (const mode of [['--diff', '-vvv'], ['--diff', '--json']]) {
      const run = await tsplay(['run', PLAYBOOK, '-i', inv, '-e', 'api_token=EXTRA-TOKEN-4444', ...mode]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(count(run.stdout + run.stderr), mode.join(' ')).to.deep.equal({});
      // the first of the two rewrote the file: its diff says so, without either side
      if (mode.includes('-vvv')) expect(run.stdout).to.include('content rendered from secret values: changed, not shown');
      expect(run.stdout).to.include('********');
    }
    expect(readFileSync(path.join(dir, 'out/app.conf'), 'utf8')).to.include('GV-SECRET-2222');
  });
});
