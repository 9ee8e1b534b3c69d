import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, copyFileSync, statSync, readdirSync } from 'node:fs';
import { readFile, readdir, lstat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fingerprint, type SshConnection } from '../../lib/connection/ssh.js';
import { BecomeError, UnreachableError, type ExecOptions } from '../../lib/connection/types.js';
import { keygen, startAgent, startSshd, type Sshd } from '../helpers/sshd.js';
import { useSshd } from '../helpers/sshd-fixture.js';
import { rejection } from '../helpers/rejection.js';

// SshConnection against real OpenSSH daemons on loopback, logging in as real users.

describe('SshConnection (real sshd on loopback)', function () {
  this.timeout(60_000);
  // the test users work below scratch
  const fx = useSshd({ tag: 'ssh', address: '127.0.77.10', passwordAuth: true, scratchMode: 0o755 });
  const { connect } = fx;

  describe('exec', () => {
    let c: SshConnection;
    before(() => (c = connect()));

    const cases: { what: string; script: string; opts?: ExecOptions; rc: number; stdout?: string; stderr?: RegExp }[] = [
      { what: 'rc, stdout and stderr', script: 'echo out; echo err >&2; exit 3', rc: 3, stdout: 'out\n', stderr: /^err\n$/ },
      { what: 'stdin reaches the command', script: 'cat', opts: { stdin: 'line 1\nline 2\n' }, rc: 0, stdout: 'line 1\nline 2\n' },
      { what: 'no stdin: the command reads EOF instead of hanging', script: 'cat; echo done', rc: 0, stdout: 'done\n' },
      { what: 'env values arrive verbatim', script: 'printf "%s|%s" "$GREETING" "$B"', opts: { env: { GREETING: `it's "quoted" $HOME`, B: '' } }, rc: 0, stdout: `it's "quoted" $HOME|` },
      { what: 'cwd', script: 'pwd', opts: { cwd: '/usr/share' }, rc: 0, stdout: '/usr/share\n' },
      { what: 'a missing cwd stops the script', script: 'echo ran', opts: { cwd: '/nonexistent/dir' }, rc: 1, stdout: '', stderr: /nonexistent/ },
      { what: 'runs as the login user with /bin/sh', script: 'id -un; readlink /proc/$$/exe', rc: 0, stdout: 'tsplay-nopw\n' + readlinkSh() },
      { what: 'timeout gives rc 124', script: 'echo started; sleep 30; echo late', opts: { timeoutMs: 500 }, rc: 124, stdout: 'started\n', stderr: /timed out after 500 ms/ },
    ];
    for (const t of cases) {
      it(t.what, async () => {
        const r = await c.exec(t.script, t.opts);
        expect(r.rc, r.stderr).to.equal(t.rc);
        if (t.stdout !== undefined) expect(r.stdout).to.equal(t.stdout);
        if (t.stderr) expect(r.stderr).to.match(t.stderr);
      });
    }

    it('a timed-out command is killed on the host, with its children', async () => {
      const r = await c.exec('sh -c "sleep 31.7; echo late"', { timeoutMs: 400 });
      expect(r.rc).to.equal(124);
      const left = await c.exec('sleep 0.3; pgrep -f "[s]leep 31.7" || echo none');
      expect(left.stdout.trim()).to.equal('none');
    });

    it('rejects an invalid env name clearly', async () => {
      const e = await rejection(c.exec('true', { env: { 'A-B': 'x' } }));
      expect(e.message).to.match(/environment variable name 'A-B' is not valid/);
    });
  });

  describe('many commands on one connection', () => {
    it('runs 40 concurrent execs over ONE TCP connection, at most 8 channels at a time', async () => {
      const before = fx.sshd.connectionsSeen();
      const c = connect();
      const dir = join(fx.scratch, 'conc');
      execFileSync('install', ['-d', '-m', '0777', dir]);
      // each command marks itself running, counts the others, then unmarks
      const rs = await Promise.all(
        Array.from({ length: 40 }, (_, i) => c.exec(`touch ${dir}/${i}; sleep 0.2; ls ${dir} | wc -l; rm ${dir}/${i}; echo ${i}`)),
      );
      for (const [i, r] of rs.entries()) {
        expect(r.rc, r.stderr).to.equal(0);
        expect(r.stdout.trim().split('\n')[1]).to.equal(String(i));
      }
      const peak = Math.max(...rs.map((r) => Number(r.stdout.split('\n')[0])));
      expect(peak).to.be.at.most(8);
      expect(peak).to.be.at.least(2);
      expect(fx.sshd.connectionsSeen() - before).to.equal(1);
      expect(c.connectCount).to.equal(1);
    });
  });

  describe('put and get', () => {
    let c: SshConnection;
    let dir: string;
    before(async () => {
      c = connect();
      dir = join(fx.scratch, 'files');
      execFileSync('install', ['-d', '-o', fx.users.nopwUser, dir]);
    });

    const payloads: [string, () => Buffer][] = [
      ['text', () => Buffer.from('hello\nworld\n')],
      ['empty', () => Buffer.alloc(0)],
      ['every byte value', () => Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))],
      ['1 MB of random bytes', () => randomBytes(1024 * 1024)],
    ];
    for (const [what, make] of payloads) {
      it(`round-trips ${what}`, async () => {
        const data = make();
        const path = join(dir, `f-${what.replace(/\W+/g, '-')}`);
        await c.put(path, data);
        expect(readFileSync(path).equals(data)).to.equal(true);
        expect((await c.get(path)).equals(data)).to.equal(true);
      });
    }

    // The host is this machine, so the test watches the target while a put runs. A rename over the
    // target gives it a new inode and never shows a half-written file; an in-place write keeps the
    // inode and shows it truncated or partial; staging outside the target's directory is not
    // atomic in general (another filesystem turns the rename into a copy).
    const paths: [string, Record<string, unknown>][] = [
      ['through the helper', {}],
      ['through sh (no persistent shell)', { tsplay_persistent_shell: false }],
    ];
    for (const [how, vars] of paths) {
      it(`replaces a file atomically ${how}: staged beside it, renamed over, no temp file left`, async () => {
        const w = connect(vars);
        const path = join(dir, `atomic-${how.replace(/\W+/g, '-')}.conf`);
        const old = Buffer.from('v1\n');
        await w.put(path, old, { mode: '0640' });
        const ino1 = statSync(path).ino;
        // large enough that the upload outlasts many looks at the directory
        const big = Buffer.alloc(48 * 1024 * 1024, 'v2 line\n');
        let done = false;
        const seen = { looks: 0, torn: 0, staged: [] as string[] };
        const watch = (async () => {
          while (!done) {
            seen.looks++;
            const now = await readFile(path);
            if (!now.equals(old) && !now.equals(big)) seen.torn++;
            for (const n of await readdir(dir)) {
              if (!n.startsWith('.tsplay.')) continue;
              const st = await lstat(join(dir, n)).catch(() => undefined);
              if (st && st.dev === statSync(dir).dev && !seen.staged.includes(n)) seen.staged.push(n);
            }
            await new Promise((r) => setImmediate(r));
          }
        })();
        try {
          await w.put(path, big);
        } finally {
          done = true;
          await watch;
          await w.close();
        }
        expect(seen.torn, 'reads that were neither the old nor the new content').to.equal(0);
        expect(seen.looks).to.be.at.least(2);
        expect(seen.staged, 'a staging entry in the target\'s own directory').to.have.length.at.least(1);
        expect(statSync(path).ino).to.not.equal(ino1); // renamed over, not written in place
        expect(readFileSync(path).equals(big)).to.equal(true);
        expect(readdirSync(dir).filter((n) => n.startsWith('.tsplay.'))).to.deep.equal([]);
        expect(statSync(path).mode & 0o777).to.equal(0o640); // the existing mode is kept
      });
    }

    it('writes and reads root-only files with become', async () => {
      const rootDir = join(fx.scratch, 'rootonly');
      execFileSync('install', ['-d', '-m', '0700', rootDir]);
      const path = join(rootDir, 'secret.txt');
      const e = await rejection(c.put(path, 'x'));
      expect(e.message).to.match(/t1: cannot write .*secret\.txt/);
      await c.put(path, 'top\n', { become: {}, mode: '0600', owner: 'root' });
      expect(readFileSync(path, 'utf8')).to.equal('top\n');
      expect((await c.get(path, { become: {} })).toString()).to.equal('top\n');
      const e2 = await rejection(c.get(path));
      expect(e2.message).to.match(/t1: cannot read .*secret\.txt: .*Permission denied/);
    });
  });

  describe('become (sudo)', () => {
    it('NOPASSWD sudo to root and to another user', async () => {
      const c = connect();
      expect((await c.exec('id -un', { become: {} })).stdout).to.equal('root\n');
      expect((await c.exec('id -un', { become: { user: fx.users.sudoUser } })).stdout).to.equal(`${fx.users.sudoUser}\n`);
      expect((await c.exec('cat', { become: {}, stdin: 'payload\n' })).stdout).to.equal('payload\n');
    });

    it('sudo with a password; the password never reaches the command', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser, ansible_become_password: fx.users.sudoPassword });
      const r = await c.exec('id -un; cat', { become: {}, stdin: 'payload\n' });
      expect(r.stdout).to.equal('root\npayload\n');
      expect(r.stdout + r.stderr).to.not.include(fx.users.sudoPassword);
    });

    it('a password given to a sudo that needs none never lands in the command\'s stdin or a file', async () => {
      const c = connect({ ansible_become_password: 'unused-Pw-77' });
      expect((await c.exec('id -un; cat', { become: {}, stdin: 'payload\n' })).stdout).to.equal('root\npayload\n');
      const path = join(fx.scratch, 'nopw-put');
      await c.put(path, 'content\n', { become: {} });
      expect(readFileSync(path, 'utf8')).to.equal('content\n');
      expect((await c.exec('cat', { become: {} })).stdout).to.equal('');
    });

    it('ansible_become on the host applies when a task says nothing, and become: false turns it off', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser, ansible_become: true, ansible_become_pass: fx.users.sudoPassword });
      expect((await c.exec('id -un')).stdout).to.equal('root\n');
      expect((await c.exec('id -un', { become: false })).stdout).to.equal(`${fx.users.sudoUser}\n`);
    });

    it('a wrong password is a BecomeError, ends without hanging, and never shows the password', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser });
      const wrong = 'Wr0ng-pa55-xyz';
      const e = await rejection(c.exec('id -un', { become: { password: wrong }, stdin: 'a\nb\nc\nd\n' }));
      expect(e).to.be.instanceOf(BecomeError);
      expect((e as BecomeError).host).to.equal('t1');
      expect(e.message).to.match(/t1 .*incorrect sudo password/);
      expect(e.message + e.stack).to.not.include(wrong);
      // a put with a wrong password fails the same way and writes nothing
      const e2 = await rejection(c.put(join(fx.scratch, 'never'), 'x\n', { become: { password: wrong } }));
      expect(e2).to.be.instanceOf(BecomeError);
      expect(() => readFileSync(join(fx.scratch, 'never'))).to.throw();
      expect((await c.exec('echo still-usable')).stdout).to.equal('still-usable\n');
    });

    it('sudo that needs a password, given none, is a BecomeError saying so', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser });
      const e = await rejection(c.exec('true', { become: {} }));
      expect(e).to.be.instanceOf(BecomeError);
      expect(e.message).to.match(/needs a password \(set ansible_become_password\)/);
    });
  });

  describe('authentication', () => {
    it('password auth', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser, ansible_password: fx.users.sudoPassword, ansible_ssh_private_key_file: undefined });
      expect((await c.exec('id -un')).stdout).to.equal(`${fx.users.sudoUser}\n`);
    });

    it('a wrong password is an UnreachableError that says what was tried, without the password', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser, ansible_password: 'not-the-Pw-123', ansible_ssh_private_key_file: undefined });
      const e = await rejection(c.exec('true'));
      expect(e).to.be.instanceOf(UnreachableError);
      expect(e.message).to.equal(`t1 (${fx.sshd.address}:${fx.sshd.port}): authentication failed for user ${fx.users.sudoUser} (tried: password)`);
      expect(e.message + e.stack).to.not.include('not-the-Pw-123');
    });

    it('a key the host does not know, then the agent: both named in the refusal', async () => {
      const other = join(fx.scratch, 'stranger');
      keygen(other);
      const agent = await startAgent(other);
      try {
        const c = connect({ ansible_ssh_private_key_file: other }, {}, { agentSocket: agent.socket });
        const e = await rejection(c.exec('true'));
        expect(e).to.be.instanceOf(UnreachableError);
        expect(e.message).to.equal(`t1 (${fx.sshd.address}:${fx.sshd.port}): authentication failed for user ${fx.users.nopwUser} (tried: publickey ${other}, agent)`);
      } finally {
        agent.stop();
      }
    });

    it('ssh-agent auth (SSH_AUTH_SOCK), no key file', async () => {
      const agent = await startAgent(fx.sshd.clientKeyFile);
      try {
        const c = connect({ ansible_ssh_private_key_file: undefined }, {}, { agentSocket: agent.socket });
        expect((await c.exec('id -un')).stdout).to.equal(`${fx.users.nopwUser}\n`);
      } finally {
        agent.stop();
      }
    });

    it('an unreadable key file is reported, and the password still works after it', async () => {
      const c = connect({ ansible_user: fx.users.sudoUser, ansible_password: fx.users.sudoPassword, ansible_ssh_private_key_file: '/nonexistent/key' });
      expect((await c.exec('id -un')).stdout).to.equal(`${fx.users.sudoUser}\n`);
    });
  });

  describe('host key checking', () => {
    const kh = (name: string, text: string) => {
      const f = join(fx.scratch, name);
      writeFileSync(f, text);
      return f;
    };
    const hostFp = () => fingerprint(Buffer.from(fx.sshd.hostPublicKey.split(' ')[1], 'base64'));

    it('strict: an unknown host is refused, naming its fingerprint', async () => {
      const c = connect({}, { knownHostsFile: kh('empty', '') });
      const e = await rejection(c.exec('true'));
      expect(e).to.be.instanceOf(UnreachableError);
      expect(e.message).to.include(`t1 (${fx.sshd.address}:${fx.sshd.port}): host key is not known (ssh-ed25519 ${hostFp()})`);
    });

    for (const policy of ['strict', 'accept-new'] as const) {
      it(`${policy}: a changed key is refused, naming the host and both fingerprints`, async () => {
        const old = join(fx.scratch, `old-${policy}`);
        keygen(old);
        const oldLine = readFileSync(`${old}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
        const file = kh(`changed-${policy}`, `[${fx.sshd.address}]:${fx.sshd.port} ${oldLine}\n`);
        const c = connect({}, { knownHostsFile: file, hostKeyChecking: policy });
        const e = await rejection(c.exec('true'));
        expect(e).to.be.instanceOf(UnreachableError);
        expect(e.message).to.include('t1 (');
        expect(e.message).to.include('REMOTE HOST IDENTIFICATION HAS CHANGED');
        expect(e.message).to.include(hostFp());
        expect(e.message).to.include(fingerprint(Buffer.from(oldLine.split(' ')[1], 'base64')));
        expect(readFileSync(file, 'utf8')).to.equal(`[${fx.sshd.address}]:${fx.sshd.port} ${oldLine}\n`);
      });
    }

    it('accept-new: an unknown host is accepted and recorded, then checked strictly', async () => {
      const file = kh('new', '');
      await connect({}, { knownHostsFile: file, hostKeyChecking: 'accept-new' }).exec('true');
      expect(readFileSync(file, 'utf8')).to.equal(`${fx.sshd.knownHostsLine}\n`);
      expect((await connect({}, { knownHostsFile: file }).exec('echo ok')).stdout).to.equal('ok\n');
    });

    it('off: anything is accepted and nothing is written', async () => {
      const file = kh('off', '');
      expect((await connect({}, { knownHostsFile: file, hostKeyChecking: 'off' }).exec('echo ok')).stdout).to.equal('ok\n');
      expect(readFileSync(file, 'utf8')).to.equal('');
    });

    it('a hashed known_hosts entry (ssh-keygen -H) matches', async () => {
      const file = join(fx.scratch, 'hashed');
      copyFileSync(fx.sshd.knownHostsFile, file);
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
      expect(readFileSync(file, 'utf8')).to.not.include(fx.sshd.address);
      expect((await connect({}, { knownHostsFile: file }).exec('echo ok')).stdout).to.equal('ok\n');
    });
  });

  describe('unreachable hosts and dropped connections', () => {
    let silent: Server | undefined;
    after(() => silent?.close());

    it('a stopped sshd is an UnreachableError, and later commands fail the same way at once', async () => {
      const gone = await startSshd({ address: '127.0.77.11', clientKeyFile: fx.sshd.clientKeyFile });
      await gone.stop();
      const c = connect({}, { knownHostsFile: gone.knownHostsFile }, {}, gone);
      const e = await rejection(c.exec('true'));
      expect(e).to.be.instanceOf(UnreachableError);
      expect(e.message).to.equal(`t1 (127.0.77.11:${gone.port}): connection refused (is sshd running and listening on that port?)`);
      expect(await rejection(c.exec('true'))).to.equal(e);
    });

    it('a host that accepts TCP but never speaks SSH hits the connect timeout', async function () {
      this.timeout(8000); // connect timeout 1 s: the test's own bound
      silent = createServer(() => undefined);
      await new Promise<void>((r) => silent!.listen(0, '127.0.77.12', r));
      const port = (silent.address() as { port: number }).port;
      const c = connect({ ansible_host: '127.0.77.12', ansible_port: port, ansible_ssh_timeout: 1 });
      const e = await rejection(c.exec('true'));
      expect(e).to.be.instanceOf(UnreachableError);
      expect(e.message).to.equal(`t1 (127.0.77.12:${port}): connect timed out after 1 s (is sshd running there?)`);
    });

    it('a dropped connection is reopened once and the next command runs', async () => {
      const c = connect();
      expect((await c.exec('echo one')).stdout).to.equal('one\n');
      const before = fx.sshd.connectionsSeen();
      dropConnections(fx.sshd);
      await new Promise((r) => setTimeout(r, 200));
      expect((await c.exec('echo two')).stdout).to.equal('two\n');
      expect(c.connectCount).to.equal(2);
      expect(fx.sshd.connectionsSeen() - before).to.equal(1);
    });

    // No pause between the drop and the command: the client has not yet seen the close, so the
    // channel is asked for on the dead link, and exec() must reopen and send the command again
    // (it never started). One-off channels: that retry lives on exec()'s own path.
    it('a command sent on a link that just dropped is retried once on a new connection', async () => {
      const c = connect({ tsplay_persistent_shell: false });
      expect((await c.exec('echo one')).stdout).to.equal('one\n');
      const before = fx.sshd.connectionsSeen();
      dropConnections(fx.sshd);
      const r = await c.exec('echo two');
      expect(r.stdout).to.equal('two\n');
      expect(c.connectCount).to.equal(2);
      expect(fx.sshd.connectionsSeen() - before).to.equal(1);
    });

    it('a command cut off by a drop is not run again: UnreachableError, then the host works again', async () => {
      const c = connect();
      const marker = join(fx.scratch, 'ran-once');
      writeFileSync(marker, '');
      writeFileSync(`${marker}.pid`, '');
      execFileSync('chmod', ['666', marker, `${marker}.pid`]);
      await c.exec('true');
      const running = c.exec(`echo $$ > ${marker}.pid; echo ran >> ${marker}; exec sleep 5`);
      await new Promise((r) => setTimeout(r, 600));
      dropConnections(fx.sshd);
      const e = await rejection(running);
      expect(e).to.be.instanceOf(UnreachableError);
      expect(e.message).to.match(/connection lost while a command was running; it may have run, so it is not sent again/);
      expect(readFileSync(marker, 'utf8')).to.equal('ran\n');
      try {
        process.kill(Number(readFileSync(`${marker}.pid`, 'utf8')), 'SIGKILL'); // the orphaned command, by pid
      } catch {
        /* already ended */
      }
      expect((await c.exec('echo back')).stdout).to.equal('back\n');
    });

    it('when the reconnect fails the host is unreachable', async () => {
      const s2 = await startSshd({ address: '127.0.77.13', clientKeyFile: fx.sshd.clientKeyFile });
      const c = connect({}, { knownHostsFile: s2.knownHostsFile }, {}, s2);
      expect((await c.exec('echo up')).stdout).to.equal('up\n');
      await s2.stop();
      await new Promise((r) => setTimeout(r, 200));
      const e = await rejection(c.exec('true'));
      expect(e).to.be.instanceOf(UnreachableError);
      expect(e.message).to.match(/connection refused .*\(reconnecting after the connection dropped\)/);
    });
  });
});

/** Kill the per-connection sshd processes holding the sockets (not the listener, not the commands): every client sees its connection drop. */
function dropConnections(s: Sshd): void {
  for (const pid of s.connectionPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* its parent or child went first */
    }
  }
}

function readlinkSh(): string {
  return execFileSync('readlink', ['-f', '/bin/sh'], { encoding: 'utf8' });
}
