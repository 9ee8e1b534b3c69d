import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../lib/connection/types.js';
import { blockinfile } from '../../lib/modules/blockinfile.js';
import { copy } from '../../lib/modules/copy.js';
import { lineinfile } from '../../lib/modules/lineinfile.js';
import { REPLAN_TRIES } from '../../lib/modules/common/replan.js';
import { swapoff } from '../../lib/modules/swapoff.js';
import { sysctl } from '../../lib/modules/sysctl.js';
import type { ModuleContext } from '../../lib/modules/types.js';
import { makeContext, runModule } from '../helpers/module-context.js';
import { runModule as runInSandbox, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';
import { useSshd } from '../helpers/sshd-fixture.js';
import { tempLeftovers } from './harness.js';

// Read-modify-write modules must not lose a change made by someone else between their read and
// their write (issue 10): the write commits only if the file is still what was read, else the
// module reads and plans again. Another writer is simulated by a connection that changes the file
// right after chosen calls (the module's probe) returned. Every path: sh on a local connection,
// the Python helper and sh over SSH, and sysctl's apply script in a sandbox.

/**
 * `conn`, but `interfere` runs after each call numbered so by `when` (1-based, counting calls that
 * reached the host) returned: another writer acting between a module's read and its write.
 */
function interfering(conn: Connection, when: (n: number) => boolean, interfere: () => void | Promise<void>): Connection {
  let n = 0;
  const after = async <T>(r: T): Promise<T> => {
    if (r !== undefined && when(++n)) await interfere();
    return r;
  };
  return {
    host: conn.host,
    exec: async (script, opts) => after(await conn.exec(script, opts)),
    put: (p, c, o) => conn.put(p, c, o),
    get: (p, o) => conn.get(p, o),
    helper: conn.helper ? async (op, opts) => after(await conn.helper!(op, opts)) : undefined,
    close: () => conn.close(),
  };
}

const onlyFirst = (n: number): boolean => n === 1;
const everyRead = (n: number): boolean => n % 2 === 1; // each attempt is one read and one write

function withConn(ctx: ModuleContext, conn: Connection): ModuleContext {
  return { ...ctx, conn };
}

/** The replan cases, against files under `dir()` reached through `connect()`. */
function replanCases(dir: () => string, connect: () => Connection): void {
  const file = (name: string, content?: string): string => {
    const p = join(dir(), name);
    if (content !== undefined) {
      writeFileSync(p, content);
      chmodSync(p, 0o666);
    }
    return p;
  };

  it('lineinfile: a line added by someone else between read and write is kept, and ours is added', async () => {
    const f = file('li', 'a\n');
    const conn = interfering(connect(), onlyFirst, () => appendFileSync(f, 'other\n'));
    const ctx = makeContext();
    const r = await runModule(lineinfile.def, { path: f, line: 'ours' }, withConn(ctx, conn));
    expect(r.changed).to.equal(true);
    expect(readFileSync(f, 'utf8')).to.equal('a\nother\nours\n');
    // the retry is logged with its number
    expect(ctx.logs).to.deep.equal([`${f} changed on the host after it was read; reading it again (try 2 of ${REPLAN_TRIES})`]);
  });

  it('lineinfile create: a file created meanwhile is not overwritten', async () => {
    const f = file('created');
    const conn = interfering(connect(), onlyFirst, () => writeFileSync(f, 'first\n', { mode: 0o666 }));
    const r = await runModule(lineinfile.def, { path: f, line: 'ours', create: true }, withConn(makeContext(), conn));
    expect(r.changed).to.equal(true);
    expect(readFileSync(f, 'utf8')).to.equal('first\nours\n');
  });

  it('lineinfile: when the other writer already added our line, the replan finds nothing to do', async () => {
    const f = file('same', 'a\n');
    const conn = interfering(connect(), onlyFirst, () => appendFileSync(f, 'ours\n'));
    const r = await runModule(lineinfile.def, { path: f, line: 'ours' }, withConn(makeContext(), conn));
    expect(r.changed).to.equal(false);
    expect(readFileSync(f, 'utf8')).to.equal('a\nours\n');
  });

  it('blockinfile: a change made meanwhile outside the block is kept', async () => {
    const f = file('bi', 'a\n');
    const conn = interfering(connect(), onlyFirst, () => writeFileSync(f, 'top\na\n'));
    const r = await runModule(blockinfile.def, { path: f, block: 'x=1' }, withConn(makeContext(), conn));
    expect(r.changed).to.equal(true);
    expect(readFileSync(f, 'utf8')).to.equal('top\na\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\n# END ANSIBLE MANAGED BLOCK\n');
  });

  it(`a file that changes before every write fails after ${REPLAN_TRIES} tries, saying so, and writes nothing`, async () => {
    const f = file('busy', 'a\n');
    let k = 0;
    const conn = interfering(connect(), everyRead, () => appendFileSync(f, `other${++k}\n`));
    let err: Error | undefined;
    await runModule(lineinfile.def, { path: f, line: 'ours' }, withConn(makeContext(), conn)).catch((e: Error) => (err = e));
    expect(err?.message).to.match(new RegExp(`busy was changed by something else between tsplay reading it and writing it, ${REPLAN_TRIES} times in a row; nothing was written`));
    expect(readFileSync(f, 'utf8')).to.equal(`a\n${Array.from({ length: REPLAN_TRIES }, (_, i) => `other${i + 1}\n`).join('')}`);
    expect(tempLeftovers(dir())).to.deep.equal([]);
  });

  it('copy (not read-modify-write) simply writes: its content does not depend on the old file', async () => {
    const f = file('cp', 'old\n');
    const conn = interfering(connect(), onlyFirst, () => appendFileSync(f, 'other\n'));
    const r = await runModule(copy.def, { dest: f, content: 'new\n' }, withConn(makeContext(), conn));
    expect(r.changed).to.equal(true);
    expect(readFileSync(f, 'utf8')).to.equal('new\n');
  });
}

describe('read-modify-write modules re-plan when the file changed meanwhile', function () {
  this.timeout(60_000);

  describe('sh apply script (local connection)', () => {
    let root = '';
    beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'tsplay-replan-'))));
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    replanCases(
      () => root,
      () => makeContext().conn,
    );
  });

  describe('over SSH', () => {
    const fx = useSshd({ tag: 'replan', address: '127.0.77.66', scratchMode: 0o777, vars: { ansible_python_interpreter: '/usr/bin/python3' } });
    let root = '';
    beforeEach(() => {
      root = mkdtempSync(join(fx.scratch, 'replan-'));
      chmodSync(root, 0o777);
    });
    describe('the Python helper', () => {
      it('is what these cases use', async () => {
        expect(await fx.connect().helper!({ op: 'ping' })).to.not.equal(undefined);
      });
      replanCases(
        () => root,
        () => fx.connect(),
      );
    });
    describe('sh (no python on the host)', () => replanCases(
      () => root,
      () => fx.connect({ ansible_python_interpreter: '/nonexistent/python3' }),
    ));
  });

  describe('sysctl (its own apply script, in a sandbox)', () => {
    let sb: Sandbox | undefined;
    const FILE = '/etc/sysctl.d/90-replan.conf';
    before(async function () {
      this.timeout(30_000);
      sb = await startSandbox('replan', { files: { [FILE]: 'net.core.somaxconn=1024\n' } });
    });
    after(async () => sb?.stop());

    it('an entry added meanwhile is kept, ours is added and the file reloaded', async () => {
      const conn = interfering(sb!.conn, onlyFirst, async () => void (await sh(sb!.conn, `echo 'net.ipv4.tcp_syncookies=1' >> ${FILE}`)));
      const r = await runInSandbox(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: FILE }, testContext(conn));
      expect(r.changed).to.equal(true);
      expect(await sh(sb!.conn, `cat ${FILE}`)).to.equal('net.core.somaxconn=1024\nnet.ipv4.tcp_syncookies=1\nnet.ipv4.ip_forward=1\n');
      expect((await sh(sb!.conn, 'sysctl -n net.ipv4.ip_forward')).trim()).to.equal('1');
    });

    it('a file that never holds still fails clearly and is not reloaded by this task', async () => {
      const conn = interfering(sb!.conn, everyRead, async () => void (await sh(sb!.conn, `echo '# touched' >> ${FILE}`)));
      const r = await runInSandbox(sysctl, { name: 'net.ipv4.tcp_fin_timeout', value: 33, sysctl_file: FILE }, testContext(conn));
      expect(r.failed).to.equal(true);
      expect(r.msg).to.match(/sysctl net.ipv4.tcp_fin_timeout: .*90-replan.conf was changed by something else .* times in a row; nothing was written/);
      expect(await sh(sb!.conn, `cat ${FILE}`)).to.not.include('tcp_fin_timeout');
    });

    it('keeps bytes that are not UTF-8 on the lines it does not touch', async () => {
      await sh(sb!.conn, `printf '# caf\\351\\nnet.core.somaxconn=1024\\n' > ${FILE}`);
      await runInSandbox(sysctl, { name: 'net.core.somaxconn', value: 2048, sysctl_file: FILE }, testContext(sb!.conn));
      const bytes = Buffer.from(await sh(sb!.conn, `base64 -w0 ${FILE}`), 'base64');
      expect(bytes.toString('latin1')).to.equal('# caf\xe9\nnet.core.somaxconn=2048\n');
    });
  });
});

describe('swapoff re-plans when /etc/fstab changed meanwhile (sandbox, swapoff test double)', function () {
  this.timeout(60_000);
  let sb: Sandbox | undefined;
  before(async function () {
    this.timeout(30_000);
    sb = await startSandbox('replan-swapoff', {
      fakeProc: { swaps: 'Filename\tType\tSize\tUsed\tPriority\n' },
      files: {
        '/usr/local/sbin/swapoff': { content: readFileSync(new URL('../fixtures/system/swapoff-double.sh', import.meta.url)), mode: 0o755 },
        '/etc/fstab': 'UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n',
      },
    });
  });
  after(async () => sb?.stop());

  it('an entry added meanwhile is kept and the swap entry is commented out', async () => {
    const conn = interfering(sb!.conn, onlyFirst, async () => void (await sh(sb!.conn, `echo 'tmpfs /scratch tmpfs defaults 0 0' >> /etc/fstab`)));
    const r = await runInSandbox(swapoff, {}, testContext(conn));
    expect(r.changed).to.equal(true);
    expect(await sh(sb!.conn, 'cat /etc/fstab')).to.equal('UUID=1 / ext4 defaults 0 1\n# /swapfile none swap sw 0 0\ntmpfs /scratch tmpfs defaults 0 0\n');
  });
});

// What a failed write says: what is wrong, where (issue 10).
describe('write failures name what is wrong where', function () {
  this.timeout(60_000);
  let root = '';
  let full = '';
  // registered before the sshd fixture's after(), which removes the scratch dir holding the mount
  after(() => {
    if (full && existsSync(full)) execFileSync('umount', [full]);
  });
  const fx = useSshd({ tag: 'writemsg', address: '127.0.77.67', scratchMode: 0o777, vars: { ansible_python_interpreter: '/usr/bin/python3' } });
  before(() => {
    root = mkdtempSync(join(fx.scratch, 'msg-'));
    chmodSync(root, 0o777);
    writeFileSync(join(root, 'plain'), 'x\n');
    // a tiny filesystem to fill: mounted for this test only, always unmounted in after()
    full = join(root, 'full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0777', 'tsplay-test-full', full]);
  });

  const paths: [string, () => ModuleContext][] = [
    ['sh (local)', () => makeContext()],
    ['Python helper', () => withConn(makeContext(), fx.connect())],
    ['sh over SSH', () => withConn(makeContext(), fx.connect({ ansible_python_interpreter: '/nonexistent/python3' }))],
  ];
  for (const [how, ctx] of paths) {
    describe(how, () => {
      it('a parent that is a regular file is named as such (copy, no mkdirs)', async () => {
        const err = await runModule(copy.def, { dest: join(root, 'plain', 'x.conf'), content: 'y' }, ctx()).catch((e: Error) => e);
        expect(String(err)).to.match(/plain is not a directory, so .*plain\/x\.conf cannot be written under it; remove it or choose another path/);
      });

      it('an ancestor that is a regular file is named as such (lineinfile create, mkdirs)', async () => {
        const err = await runModule(lineinfile.def, { path: join(root, 'plain', 'sub', 'f'), line: 'y', create: true }, ctx()).catch((e: Error) => e);
        expect(String(err)).to.match(/\/plain is not a directory, so .*plain\/sub\/f cannot be written under it/);
        expect(String(err)).to.not.match(/File exists|does not exist/);
      });

      it('a full disk says so, names the file and keeps the old content', async () => {
        const f = join(full, `f-${how.replace(/\W/g, '')}`);
        writeFileSync(f, 'old\n', { mode: 0o666 });
        const err = await runModule(copy.def, { dest: f, content: 'z'.repeat(200_000) }, ctx()).catch((e: Error) => e);
        expect(String(err)).to.match(new RegExp(`${f}: cannot write: the filesystem is full \\(.*No space left on device.*\\); free some space there and run again; the file was not changed`));
        expect(String(err)).to.not.match(/None/);
        expect(readFileSync(f, 'utf8')).to.equal('old\n');
      });
    });
  }
});
