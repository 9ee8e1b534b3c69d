import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fetch } from '../../lib/modules/fetch.js';
import type { FetchArgs, FetchResult } from '../../lib/modules/fetch.js';
import { fetchDestination } from '../../lib/modules/common/fetchpath.js';
import { makeContext, runModule } from '../helpers/module-context.js';

// Issue 18: fetch must never write outside its dest on the controller (CVE-2019-3828 in Ansible),
// must not widen a file's mode, and must not follow a symlink planted where it writes.

describe('fetch: controller-side safety', () => {
  let root: string;
  let remote: string;
  let dest: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-fetch-safety-'));
    remote = join(root, 'remote');
    dest = join(root, 'a', 'b', 'dest');
    mkdirSync(remote);
    mkdirSync(dest, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (args: FetchArgs, host = 'testhost'): Promise<FetchResult> => runModule(fetch.def, args, { ...makeContext(), host });
  const failure = async (p: Promise<unknown>): Promise<Error> => {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e, 'the task should fail').to.be.instanceOf(Error);
    return e as Error;
  };

  it('refuses a remote path whose .. climbs out of dest/<host>, writing nothing', async () => {
    writeFileSync(join(remote, 'f'), 'evil\n');
    // dest/testhost/<remote>/../../../../../../../escaped: join() normalises it to a sibling of dest
    const ups = '../'.repeat(remote.split('/').length + 1);
    const src = `${remote}/${ups}${root.slice(1)}/remote/f`;
    const e = await failure(run({ src, dest }));
    expect(e.message).to.match(/fetch: .* would be written to .* outside .*dest\/testhost/);
    expect(e.message).to.match(/remove the '\.\.'/);
    // nothing anywhere in the temp tree but the remote file and the (empty) dest
    expect(readFileSync(join(remote, 'f'), 'utf8')).to.equal('evil\n');
    expect(existsSync(join(root, 'remote', 'f.tmp'))).to.equal(false);
  });

  it('refuses an inventory host name that climbs out of dest (../../x), writing nothing', async () => {
    writeFileSync(join(remote, 'f'), 'evil\n');
    const e = await failure(run({ src: join(remote, 'f'), dest }, '../../planted'));
    expect(e.message).to.match(/fetch: inventory host name '\.\.\/\.\.\/planted'/);
    expect(existsSync(join(root, 'a', 'planted'))).to.equal(false);
  });

  it('flat with a trailing slash: a src whose last part is .. (a host may lie about what it is) cannot name dest\'s parent', () => {
    // the host's stat answer is not trusted: the path alone must be refused
    expect(() => fetchDestination({ src: '/var/..', dest: `${dest}/`, flat: true }, 'h')).to.throw(/fetch: src \/var\/\.\. has no file name to fetch into/);
    expect(fetchDestination({ src: '/var/app.conf', dest: `${dest}/`, flat: true }, 'h').file).to.equal(join(dest, 'app.conf'));
    // Ansible normalises the path: .. that stays inside dest/<host> is fine
    expect(fetchDestination({ src: '/etc/../srv/x', dest }, 'h').file).to.equal(join(dest, 'h', 'srv', 'x'));
    // inside dest but in another host's directory is not
    expect(() => fetchDestination({ src: '/../other/x', dest }, 'h')).to.throw(/outside/);
  });

  it('flat without a trailing slash onto an existing directory fails as in Ansible', async () => {
    writeFileSync(join(remote, 'f'), 'x\n');
    const e = await failure(run({ src: join(remote, 'f'), dest, flat: true }));
    expect(e.message).to.match(/dest .* is an existing directory; end it with '\/' to fetch into that directory/);
  });

  it('a 0600 remote file arrives 0600; 0640 arrives at most 0640', async () => {
    writeFileSync(join(remote, 'key'), 'PRIVATE\n');
    chmodSync(join(remote, 'key'), 0o600);
    writeFileSync(join(remote, 'conf'), 'conf\n');
    chmodSync(join(remote, 'conf'), 0o640);
    const r1 = await run({ src: join(remote, 'key'), dest });
    const r2 = await run({ src: join(remote, 'conf'), dest });
    expect(statSync(r1.dest).mode & 0o7777).to.equal(0o600);
    expect(statSync(r2.dest).mode & 0o7777 & ~0o640).to.equal(0);
    expect(readFileSync(r1.dest, 'utf8')).to.equal('PRIVATE\n');
  });

  it('an equal local copy with a looser mode is tightened (and reported changed)', async () => {
    writeFileSync(join(remote, 'key'), 'PRIVATE\n');
    chmodSync(join(remote, 'key'), 0o600);
    const local = join(dest, 'key');
    writeFileSync(local, 'PRIVATE\n', { mode: 0o644 });
    chmodSync(local, 0o644);
    const r = await run({ src: join(remote, 'key'), dest: local, flat: true });
    expect(r.changed).to.equal(true);
    expect(statSync(local).mode & 0o7777).to.equal(0o600);
    const again = await run({ src: join(remote, 'key'), dest: local, flat: true });
    expect(again.changed).to.equal(false);
  });

  it('replaces a symlink planted at the destination instead of writing through it', async () => {
    writeFileSync(join(remote, 'f'), 'new\n');
    const victim = join(root, 'victim');
    writeFileSync(victim, 'victim\n');
    const local = join(dest, 'copy');
    symlinkSync(victim, local);
    const r = await run({ src: join(remote, 'f'), dest: local, flat: true });
    expect(r.changed).to.equal(true);
    expect(readFileSync(victim, 'utf8')).to.equal('victim\n');
    expect(lstatSync(local).isFile()).to.equal(true);
    expect(readFileSync(local, 'utf8')).to.equal('new\n');
  });

  it('refuses to write through a symlinked directory planted below dest', async () => {
    writeFileSync(join(remote, 'f'), 'new\n');
    const outside = join(root, 'outside');
    mkdirSync(outside);
    // dest/testhost -> outside: the default layout would write outside/<remote>/f
    symlinkSync(outside, join(dest, 'testhost'));
    const e = await failure(run({ src: join(remote, 'f'), dest }));
    expect(e.message).to.match(/is a symbolic link/);
    expect(existsSync(join(outside, remote.slice(1), 'f'))).to.equal(false);
    expect(readlinkSync(join(dest, 'testhost'))).to.equal(outside);
  });
});
