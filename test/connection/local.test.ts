import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../lib/connection/local.js';

describe('local connection', () => {
  const conn = new LocalConnection('localhost');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-local-'));
    chmodSync(dir, 0o777);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a script with stdin, env, cwd and reports rc', async () => {
    const r = await conn.exec('cat; echo "$GREETING"; pwd; exit 3', { stdin: 'in\n', env: { GREETING: 'hi there' }, cwd: dir });
    expect(r).to.deep.equal({ rc: 3, stdout: `in\nhi there\n${dir}\n`, stderr: '' });
  });

  it('kills a command past its timeout with rc 124', async () => {
    const r = await conn.exec('sleep 5', { timeoutMs: 200 });
    expect(r.rc).to.equal(124);
  });

  it('becomes another user through sudo; a password sudo does not ask for never reaches the payload', async () => {
    const who = await conn.exec('id -un', { become: { user: 'nobody' } });
    expect(who.stdout.trim()).to.equal('nobody');
    // root's sudo asks no password: the given one must not end up in the file
    await conn.put(join(dir, 'f'), 'exact content\n', { become: { user: 'nobody', password: 'not-in-the-file' } });
    expect(readFileSync(join(dir, 'f'), 'utf8')).to.equal('exact content\n');
    const owner = await conn.exec(`stat -c %U ${join(dir, 'f')}`);
    expect(owner.stdout.trim()).to.equal('nobody');
  });
});
