import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BecomeSpec, Connection, HelperOp } from '../../lib/connection/types.js';
import { parseProbe, probeScript, type ProbeSpec } from '../../lib/modules/common/probe.js';
import { useSshd } from '../helpers/sshd-fixture.js';

// Persistent shells (ssh/session.ts) and the Python helper (ssh/helper.ts) against a real sshd:
// the framing survives awkward commands, a command's state never leaks into the next, and the
// helper's probe and write give exactly what the sh versions give.

/** A helper `put` as putViaHelper sends it: the payload with its checksum. */
function putOp(c: { helper: Connection['helper'] }, op: Omit<Extract<HelperOp, { op: 'put' }>, 'op' | 'sha1'>, data: string, become?: BecomeSpec) {
  return c.helper!({ op: 'put', ...op, sha1: createHash('sha1').update(data).digest('hex') }, { stdin: Buffer.from(data), become });
}

describe('SshConnection persistent shells and helper (real sshd)', function () {
  this.timeout(60_000);
  const fx = useSshd({ tag: 'shells', address: '127.0.77.30', scratchMode: 0o777, vars: { ansible_python_interpreter: '/usr/bin/python3' } });
  const { connect } = fx;

  it('runs 100 commands in sequence on a handful of sshd sessions, not one per command', async () => {
    const c = connect();
    for (let i = 0; i < 100; i++) {
      const r = await c.exec(`echo ${i}`);
      expect(r).to.deep.equal({ rc: 0, stdout: `${i}\n`, stderr: '' });
    }
    // one login shell per persistent shell, and sshd forks one session process per shell
    const sessions = fx.sshd.sessionPids().length;
    expect(sessions).to.be.greaterThan(0).and.at.most(8);
  });

  it('keeps commands apart: exit, cd, exports and unread stdin never reach the next command', async () => {
    const c = connect();
    expect((await c.exec('cd /; export LEAK=1; X=2; exit 7')).rc).to.equal(7);
    expect((await c.exec('pwd; echo "[$LEAK][$X]"')).stdout).to.match(/\n\[\]\[\]\n$/);
    // the command reads only its first line; the rest of its stdin must not be run as a request
    const r = await c.exec('head -n 1', { stdin: 'first\nsecond\necho INJECTED\n' });
    expect(r.stdout).to.equal('first\n');
    expect((await c.exec('echo next')).stdout).to.equal('next\n');
  });

  it('output without a final newline, binary output and a very long line arrive intact', async () => {
    const c = connect();
    expect((await c.exec('printf abc')).stdout).to.equal('abc');
    expect((await c.exec('printf abc >&2')).stderr).to.equal('abc');
    const long = (await c.exec('head -c 300000 /dev/zero | tr "\\0" x')).stdout;
    expect(long.length).to.equal(300000);
    const bin = await c.exec('cat', { stdin: Buffer.from([0, 1, 2, 255, 10, 13]) });
    expect(bin.rc).to.equal(0);
  });

  it('a command that never ends is cut off at its timeout and the next command still runs', async () => {
    const c = connect();
    const r = await c.exec('echo started; sleep 30', { timeoutMs: 400 });
    expect(r.rc).to.equal(124);
    expect(r.stdout).to.equal('started\n');
    expect((await c.exec('echo after')).stdout).to.equal('after\n');
  });

  it('with tsplay_persistent_shell=false every command gets its own channel', async () => {
    const c = connect({ tsplay_persistent_shell: 'false' });
    expect(c.options.persistentShells).to.equal(false);
    expect((await c.exec('echo one-off')).stdout).to.equal('one-off\n');
    expect(await c.helper({ op: 'ping' })).to.equal(undefined);
  });

  describe('Python helper', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(fx.scratch, 'helper-'));
      chmodSync(dir, 0o777);
      writeFileSync(join(dir, 'file.txt'), 'some content\n');
      chmodSync(join(dir, 'file.txt'), 0o604);
      writeFileSync(join(dir, 'empty'), '');
      symlinkSync('file.txt', join(dir, 'link'));
      symlinkSync('nowhere', join(dir, 'dangling'));
    });

    it('probes exactly what the sh probe reports: files, empty files, dirs, links, missing paths, content', async () => {
      const c = connect();
      const specs: ProbeSpec[] = [
        { path: join(dir, 'file.txt'), checksum: true, content: true },
        { path: join(dir, 'empty'), checksum: true },
        { path: dir },
        { path: join(dir, 'link') },
        { path: join(dir, 'link'), follow: true, checksum: true },
        { path: join(dir, 'dangling'), follow: true },
        { path: join(dir, 'missing') },
      ];
      const viaSh = await c.exec(probeScript(specs));
      const viaHelper = await c.helper({ op: 'probe', specs });
      expect(viaHelper, 'the helper ran').to.not.equal(undefined);
      expect(viaHelper!.rc, viaHelper!.stderr).to.equal(0);
      expect(parseProbe(viaHelper!.stdout, specs)).to.deep.equal(parseProbe(viaSh.stdout, specs));
      const [file] = parseProbe(viaHelper!.stdout, specs);
      expect(file).to.include({ exists: true, type: 'file', mode: '0604', checksum: createHash('sha1').update('some content\n').digest('hex') });
      expect(file.content?.toString()).to.equal('some content\n');
    });

    it('a path it may not read fails the op with the reason, as the sh probe does', async () => {
      const c = connect();
      const secret = join(dir, 'secret');
      writeFileSync(secret, 'root only\n', { mode: 0o600 });
      const specs = [{ path: secret, checksum: true }];
      const r = await c.helper({ op: 'probe', specs } satisfies HelperOp);
      const sh = await c.exec(probeScript(specs));
      expect([r!.rc, sh.rc]).to.deep.equal([1, 1]);
      expect(r!.stderr).to.match(/Permission denied/);
    });

    it('writes atomically: new files 0644 unless told, an existing file keeps its mode, octal modes apply', async () => {
      const c = connect();
      const f = join(dir, 'written.txt');
      expect((await putOp(c, { path: f }, 'v1\n'))!.rc).to.equal(0);
      expect(readFileSync(f, 'utf8')).to.equal('v1\n');
      expect(statSync(f).mode & 0o7777).to.equal(0o644);
      chmodSync(f, 0o600);
      await putOp(c, { path: f }, 'v2\n');
      expect(statSync(f).mode & 0o7777).to.equal(0o600);
      await putOp(c, { path: f, mode: '0751' }, 'v3\n');
      expect(statSync(f).mode & 0o7777).to.equal(0o751);
      expect(readFileSync(f, 'utf8')).to.equal('v3\n');
      expect(readdirSync(dir).filter((n) => n.startsWith('.tsplay.'))).to.deep.equal([]);
    });

    it('a missing parent directory is an error unless mkdirs; followLink writes through a link', async () => {
      const c = connect();
      const deep = join(dir, 'a', 'b', 'c.txt');
      const r = await putOp(c, { path: deep }, 'x');
      expect(r!.rc).to.equal(1);
      expect(r!.stderr).to.match(/directory .*a\/b does not exist; create it first/);
      expect((await putOp(c, { path: deep, mkdirs: true }, 'x'))!.rc).to.equal(0);
      expect(readFileSync(deep, 'utf8')).to.equal('x');
      symlinkSync('target.txt', join(dir, 'to-target'));
      await putOp(c, { path: join(dir, 'to-target'), followLink: true }, 'through\n');
      expect(lstatSync(join(dir, 'to-target')).isSymbolicLink()).to.equal(true);
      expect(readFileSync(join(dir, 'target.txt'), 'utf8')).to.equal('through\n');
    });

    it('a host without that python falls back: no helper, and exec still works', async () => {
      const c = connect({ ansible_python_interpreter: '/nonexistent/python3' });
      expect(await c.helper({ op: 'probe', specs: [{ path: '/etc/hostname' }] })).to.equal(undefined);
      expect((await c.exec('echo still here')).stdout).to.equal('still here\n');
      expect(await c.helper({ op: 'ping' })).to.equal(undefined);
    });

    it('become: the helper runs as root through sudo, once', async () => {
      const c = connect();
      const r = await c.helper({ op: 'probe', specs: [{ path: '/root', checksum: false }] }, { become: { user: 'root' } });
      expect(r!.rc, r!.stderr).to.equal(0);
      expect(parseProbe(r!.stdout, [{ path: '/root' }])[0]).to.include({ exists: true, type: 'directory', owner: 'root' });
      // as the login user the same probe is refused: the op above really ran as root
      const w = await putOp(c, { path: '/root/tsplay-helper-test' }, 'x');
      expect(w!.rc).to.equal(1);
      const asRoot = await putOp(c, { path: join(dir, 'rootfile') }, 'x', { user: 'root' });
      expect(asRoot!.rc).to.equal(0);
      expect(statSync(join(dir, 'rootfile')).uid).to.equal(0);
    });
  });
});
