// Issue 18: node_modules/.cache/tsplay holds bundles of the user's playbooks, roles and
// inventories (which may hold secrets) and code that tsplay runs (the engine, saved validators).
// It is private to the user running tsplay: dirs 0700, files 0600; a loose one left by an older
// version is tightened on the next run; a directory that is not ours is never used.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../bin/privatedir.js';

const CACHE = join(process.cwd(), 'node_modules', '.cache', 'tsplay');
const LIB = join(process.cwd(), 'lib/index.js');

function tsplay(args: string[], cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/tsplay.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    const st = lstatSync(p);
    return st.isDirectory() ? [p, ...walk(p)] : [p];
  });
}

/** Whether the unprivileged user nobody can read `file` (/work and its parents are 0755). */
function nobodyReads(file: string): boolean {
  return spawnSync('runuser', ['-u', 'nobody', '--', 'cat', file], { encoding: 'utf8' }).status === 0;
}

describe('the cache under node_modules/.cache/tsplay is private', function () {
  this.timeout(120_000);
  let dir: string;
  let secret: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-cache-private-'));
    secret = `S3CRET-${process.pid}-${Date.now()}`;
    // the owner-only playbook: its secret must not become readable to anyone else through the cache
    const pb = join(dir, 'site.ts');
    writeFileSync(pb, [
      `import { debug, playbook } from ${JSON.stringify(LIB)};`,
      `const token = ${JSON.stringify(secret)};`,
      `export default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('t', debug({ msg: token.length > 0 ? 'ok' : 'no' })) }]);`,
      ``,
    ].join('\n'), { mode: 0o600 });
    chmodSync(pb, 0o600);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const holdingSecret = (): string[] => walk(CACHE).filter((p) => statSync(p).isFile() && readFileSync(p).includes(secret));

  it('a run leaves every cache dir 0700 and file 0600; nobody cannot read the bundled secret', () => {
    const r = tsplay(['run', 'site.ts', '-i', 'localhost,', '-c', 'local'], dir);
    expect(r.code, r.err).to.equal(0);
    const withSecret = holdingSecret();
    expect(withSecret, 'the playbook bundle should be cached').to.not.deep.equal([]);
    for (const f of withSecret) expect(nobodyReads(f), `nobody reads ${f}`).to.equal(false);
    const loose = [CACHE, ...walk(CACHE)].filter((p) => {
      const st = lstatSync(p);
      return (st.mode & 0o077) !== 0 || (st.isFile() && (st.mode & 0o777) !== 0o600) || (st.isDirectory() && (st.mode & 0o777) !== 0o700);
    });
    expect(loose.map((p) => `${p} ${(lstatSync(p).mode & 0o777).toString(8)}`)).to.deep.equal([]);
  });

  it('a cache left loose by an older version (0755 dirs, 0644 files) is tightened by the next run', () => {
    expect(tsplay(['run', 'site.ts', '-i', 'localhost,', '-c', 'local'], dir).code).to.equal(0);
    const [bundle] = holdingSecret();
    expect(bundle).to.be.a('string');
    chmodSync(CACHE, 0o755);
    for (const p of walk(CACHE)) chmodSync(p, lstatSync(p).isDirectory() ? 0o755 : 0o644);
    expect(tsplay(['run', 'site.ts', '-i', 'localhost,', '-c', 'local'], dir).code).to.equal(0);
    expect(statSync(CACHE).mode & 0o777).to.equal(0o700);
    expect(statSync(bundle!).mode & 0o777).to.equal(0o600);
    expect(nobodyReads(bundle!)).to.equal(false);
  });
});

describe('ensurePrivateDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-privdir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing dir 0700 (parents as needed)', () => {
    const d = join(root, 'a', 'b');
    ensurePrivateDir(d);
    expect(statSync(d).mode & 0o777).to.equal(0o700);
  });

  it('refuses a directory owned by another user: code there could be planted', () => {
    const d = join(root, 'theirs');
    mkdirSync(d, { mode: 0o777 });
    chmodSync(d, 0o777);
    chownSync(d, 65534, 65534);
    expect(() => ensurePrivateDir(d)).to.throw(new RegExp(`${d} belongs to uid 65534, not to this user \\(uid 0\\), and tsplay does not load code from another user's cache`));
    expect(statSync(d).mode & 0o777).to.equal(0o777); // left alone
  });

  it('refuses a symlink in its place', () => {
    const real = join(root, 'real');
    mkdirSync(real, { mode: 0o700 });
    const d = join(root, 'link');
    symlinkSync(real, d);
    expect(() => ensurePrivateDir(d)).to.throw(/is a symbolic link, not a directory; remove it/);
  });
});
