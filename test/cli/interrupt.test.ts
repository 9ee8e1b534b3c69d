import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('tsplay run interrupted (Ctrl-C)', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-int-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says so, ends the commands it started and exits 99 like ansible-playbook', async () => {
    const pidFile = join(dir, 'pid');
    const child = spawn(process.execPath, ['bin/tsplay.js', 'run', 'test/fixtures/cli/slow.ts', '-i', 'localhost,', '-c', 'local', '-e', `pid_file=${pidFile}`, '--no-retry-file'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    // wait until the remote command runs (it wrote its pid)
    // (the shell creates the file before it writes the pid: wait for a whole line)
    const written = (): boolean => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n');
    for (let i = 0; i < 400 && !written(); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).to.be.greaterThan(1);
    expect(existsSync(`/proc/${pid}`)).to.equal(true);
    child.kill('SIGINT');
    expect(await code).to.equal(99);
    expect(out).to.contain('User interrupted execution');
    await new Promise((r) => setTimeout(r, 200));
    // gone, or a zombie waiting for this machine's init to reap it: either way no longer running
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] : 'gone';
    expect(['gone', 'Z'], 'the command was left running').to.include(state);
  });
});
