// Habits that show over real SSH (a test sshd on loopback, 127.0.105.x: this file's octet):
// -vvv/-vvvv connection detail, and Ctrl-C saying the run was interrupted instead of reporting
// every host UNREACHABLE while the connections close.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';

const ROOT = process.cwd();

describe('tsplay run over SSH: -vvv detail and Ctrl-C', function () {
  this.timeout(120000);
  let sshd: Sshd;
  let dir: string;
  let inv: string;
  before(async () => {
    sshd = await startSshd({ address: '127.0.105.20' });
    dir = mkdtempSync(join(ROOT, 'test', '.ssh-habits-'));
    inv = join(dir, 'hosts.ini');
    writeFileSync(inv, `[nodes]\nn1 ansible_host=${sshd.address} ansible_port=${sshd.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKeyFile}\nn2 ansible_host=${sshd.address} ansible_port=${sshd.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKeyFile}\n`);
    writeFileSync(join(dir, 'pb.ts'), "import { playbook, command } from '../../lib/index.js';\nexport default playbook('p', [{ hosts: 'nodes', gatherFacts: false, tasks: (t) => { t.task('echo', command('echo hi')); } }]);\n");
    writeFileSync(join(dir, 'slow.ts'), "import { playbook, command } from '../../lib/index.js';\nexport default playbook('p', [{ hosts: 'nodes', gatherFacts: false, tasks: (t) => { t.task('long sleep', command('sh -c \"echo $$ >> {{ pid_file }}; exec sleep 60\"')); } }]);\n");
  });
  after(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const rel = (f: string): string => join(dir.slice(ROOT.length + 1), f);

  it('-vvv announces each connection with its user, address, key and host key policy; -vvvv shows the commands', () => {
    const base = ['bin/tsplay.js', 'run', rel('pb.ts'), '-i', inv, '--known-hosts', sshd.knownHostsFile, '--no-retry-file'];
    const v3 = spawnSync(process.execPath, [...base, '-vvv'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(v3.status, v3.stderr).to.equal(0);
    expect(v3.stdout).to.include(`<n1> ESTABLISH SSH CONNECTION FOR USER: root (to ${sshd.address}:${sshd.port}, key ${sshd.clientKeyFile}, known_hosts ${sshd.knownHostsFile}, host key checking strict, connect timeout 10s)`);
    expect(v3.stdout).to.include('<n2> ESTABLISH SSH CONNECTION FOR USER: root');
    expect(v3.stdout).not.to.include('> EXEC ');
    const v2 = spawnSync(process.execPath, [...base, '-vv'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(v2.stdout).not.to.include('ESTABLISH');
    const v4 = spawnSync(process.execPath, [...base, '-vvvv'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(v4.status, v4.stderr).to.equal(0);
    expect(v4.stdout).to.match(/<n1> EXEC .*echo hi/);
  });

  it('Ctrl-C says the run was interrupted and reports no host UNREACHABLE', async () => {
    const pidFile = join(dir, 'pids');
    const child = spawn(process.execPath, ['bin/tsplay.js', 'run', rel('slow.ts'), '-i', inv, '--known-hosts', sshd.knownHostsFile, '-e', `pid_file=${pidFile}`, '--no-retry-file'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    const both = (): boolean => existsSync(pidFile) && readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).length === 2;
    for (let i = 0; i < 600 && !both(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(both(), out).to.equal(true);
    child.kill('SIGINT');
    expect(await code).to.equal(99);
    expect(out).to.include('[WARNING]: User interrupted execution: the run stopped here');
    expect(out).not.to.include('UNREACHABLE');
    expect(out).not.to.include('PLAY RECAP');
  });
});
