import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apt, type AptArgs } from '../../lib/modules/apt.js';
import { dpkg_selections } from '../../lib/modules/dpkg_selections.js';
import { runModule, sh, startSandbox, testContext, type Sandbox, type SandboxFile } from '../helpers/sandbox.js';

// Real apt-get and dpkg inside the sandbox against a local file: repository of tiny packages
// built here with dpkg-deb; the sandbox's own Debian sources are moved away, so nothing touches
// the network and nothing is installed on this machine. Needs dpkg-dev (dpkg-scanpackages).

const REPO = '/srv/tsplay-repo';
const POOL = '/srv/tsplay-pool';

function buildDeb(dir: string, name: string, version: string, extra: { recommends?: string; conffile?: boolean } = {}): Buffer {
  const root = join(dir, `${name}_${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  const control = [
    `Package: ${name}`,
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: tsplay tests <tests@tsplay.invalid>',
    ...(extra.recommends ? [`Recommends: ${extra.recommends}`] : []),
    `Description: tsplay test package ${name}`,
    '',
  ].join('\n');
  writeFileSync(join(root, 'DEBIAN/control'), control);
  writeFileSync(join(root, `usr/bin/${name}`), `#!/bin/sh\necho ${name} ${version}\n`);
  chmodSync(join(root, `usr/bin/${name}`), 0o755);
  if (extra.conffile) {
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, `etc/${name}.conf`), `greeting=hello\n`);
    writeFileSync(join(root, 'DEBIAN/conffiles'), `/etc/${name}.conf\n`);
  }
  const deb = join(dir, `${name}_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'pipe' });
  return readFileSync(deb);
}

interface Row {
  title: string;
  /** versions of tsplay-hello the repository offers */
  repo: string[];
  /** whether the apt cache knows the repository as it is (else it knows only 1.0) */
  cacheFresh: boolean;
  installed?: string;
  args: AptArgs;
  changed: boolean;
  after: { hello: string | null; extra?: string | null };
  /** dpkg status of tsplay-hello afterwards, when it matters */
  status?: string;
}

const rows: Row[] = [
  { title: 'present installs the candidate (and its recommends)', repo: ['1.0'], cacheFresh: true, args: { name: 'tsplay-hello' }, changed: true, after: { hello: '1.0', extra: '1.0' } },
  { title: 'install_recommends: false installs only the package', repo: ['1.0'], cacheFresh: true, args: { name: ['tsplay-hello'], install_recommends: false }, changed: true, after: { hello: '1.0', extra: null } },
  { title: 'present on an installed package is ok', repo: ['1.0', '1.1'], cacheFresh: true, installed: '1.0', args: { name: 'tsplay-hello', state: 'present' }, changed: false, after: { hello: '1.0' } },
  { title: 'a pinned version downgrades', repo: ['1.0', '1.1'], cacheFresh: true, installed: '1.1', args: { name: 'tsplay-hello=1.0' }, changed: true, after: { hello: '1.0' } },
  { title: 'a version prefix (1.*) is satisfied by the installed 1.1', repo: ['1.0', '1.1'], cacheFresh: true, installed: '1.1', args: { name: 'tsplay-hello=1.*' }, changed: false, after: { hello: '1.1' } },
  { title: 'latest with update_cache upgrades to what the repository now offers', repo: ['1.0', '1.1'], cacheFresh: false, installed: '1.0', args: { name: 'tsplay-hello', state: 'latest', update_cache: true }, changed: true, after: { hello: '1.1' } },
  { title: 'latest against a still-valid cache (cache_valid_time) does not update', repo: ['1.0', '1.1'], cacheFresh: false, installed: '1.0', args: { name: 'tsplay-hello', state: 'latest', cache_valid_time: 3600 }, changed: false, after: { hello: '1.0' } },
  { title: 'absent removes the package and keeps its conffiles', repo: ['1.0'], cacheFresh: true, installed: '1.0', args: { name: 'tsplay-hello', state: 'absent' }, changed: true, after: { hello: null }, status: 'deinstall ok config-files' },
  { title: 'absent with purge also removes the conffiles', repo: ['1.0'], cacheFresh: true, installed: '1.0', args: { name: 'tsplay-hello', state: 'absent', purge: true }, changed: true, after: { hello: null }, status: '' },
  { title: 'update_cache alone is changed when the lists change', repo: ['1.0', '1.1'], cacheFresh: false, args: { update_cache: true }, changed: true, after: { hello: null } },
];

describe('apt module (real apt-get in a namespaced sandbox, local repository)', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let build: string;

  before(async () => {
    build = mkdtempSync(join(tmpdir(), 'tsplay-apt-'));
    const files: Record<string, SandboxFile> = {
      [`${POOL}/tsplay-hello_1.0_all.deb`]: buildDeb(build, 'tsplay-hello', '1.0', { recommends: 'tsplay-extra', conffile: true }),
      [`${POOL}/tsplay-hello_1.1_all.deb`]: buildDeb(build, 'tsplay-hello', '1.1', { recommends: 'tsplay-extra', conffile: true }),
      [`${POOL}/tsplay-extra_1.0_all.deb`]: buildDeb(build, 'tsplay-extra', '1.0'),
      '/etc/apt/sources.list.d/tsplay.list': `deb [trusted=yes] file:${REPO} ./\n`,
    };
    sb = await startSandbox('apt', { files });
    // inside the sandbox only: no Debian mirrors, only the local repository
    await sh(sb.conn, 'mkdir -p /etc/apt/sources.list.d.off && for f in /etc/apt/sources.list.d/*; do [ "$f" = /etc/apt/sources.list.d/tsplay.list ] || mv "$f" /etc/apt/sources.list.d.off/; done; rm -f /etc/apt/sources.list');
  });
  after(async () => {
    await sb?.stop();
    if (build) rmSync(build, { recursive: true, force: true });
  });

  const publish = (versions: string[]) =>
    sh(sb.conn, `rm -rf ${REPO} && mkdir -p ${REPO} && cp ${POOL}/tsplay-extra_1.0_all.deb ${versions.map((v) => `${POOL}/tsplay-hello_${v}_all.deb`).join(' ')} ${REPO}/ && cd ${REPO} && dpkg-scanpackages -m . > Packages 2>/dev/null`);
  const version = async (pkg: string) => {
    const r = await sb.conn.exec(`dpkg-query -W -f='\${Status}|\${Version}' ${pkg}`);
    const [status, v] = r.stdout.split('|');
    return { status: r.rc === 0 ? status : '', installed: / installed$/.test(status) ? v : null };
  };

  async function reset(r: Row) {
    await sh(sb.conn, 'dpkg --purge tsplay-hello tsplay-extra >/dev/null; rm -f /var/lib/apt/periodic/update-success-stamp');
    await publish(r.cacheFresh ? r.repo : ['1.0']);
    await sh(sb.conn, 'apt-get update -q >/dev/null');
    if (r.installed) await sh(sb.conn, `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades --no-install-recommends tsplay-hello=${r.installed} >/dev/null`);
    if (!r.cacheFresh) await publish(r.repo);
    // a cache updated "now": cache_valid_time rows must see it as valid
    await sh(sb.conn, 'mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp');
  }

  for (const r of rows) {
    it(r.title, async () => {
      await reset(r);
      const before = await version('tsplay-hello');

      const check = await runModule(apt, r.args, testContext(sb.conn, { check: true }));
      expect(check.failed, check.msg).to.equal(undefined);
      expect(check.changed, 'check mode reports').to.equal(r.changed);
      expect(await version('tsplay-hello'), 'check mode installs nothing').to.deep.equal(before);

      const first = await runModule(apt, r.args, testContext(sb.conn, { diff: true }));
      expect(first.failed, first.msg).to.equal(undefined);
      expect(first.changed).to.equal(r.changed);
      expect((await version('tsplay-hello')).installed).to.equal(r.after.hello);
      // every row states the whole outcome: a row that leaves something out asserts it unchanged
      const hello = await version('tsplay-hello');
      expect((await version('tsplay-extra')).installed, 'tsplay-extra').to.equal(r.after.extra === undefined ? null : r.after.extra);
      expect(hello.status, 'dpkg status').to.equal(r.status ?? (r.after.hello ? 'install ok installed' : ''));
      const moved = before.installed !== r.after.hello ? { before: before.installed, after: r.after.hello } : undefined;
      expect(first.packages['tsplay-hello'], 'packages').to.deep.equal(moved);
      expect(first.diff?.[0]?.attrs?.['tsplay-hello'], 'diff').to.deep.equal(moved);
      expect((await sb.conn.exec('command -v tsplay-hello >/dev/null && tsplay-hello')).stdout).to.equal(r.after.hello ? `tsplay-hello ${r.after.hello}\n` : '');

      const second = await runModule(apt, r.args, testContext(sb.conn));
      expect(second.changed, 'second run is idempotent').to.equal(false);
    });
  }

  it('an unknown package fails like Ansible', async () => {
    const res = await runModule(apt, { name: 'tsplay-nope' }, testContext(sb.conn));
    expect(res.failed).to.equal(true);
    expect(res.msg).to.equal("No package matching 'tsplay-nope' is available");
  });

  it('--check with a pending cache update: a package the stale cache does not list is a warned change, not a failure; without the update it fails', async () => {
    // the repository gains 1.1 after the last apt-get update (as a repository configured earlier in the same run)
    await reset({ title: '', repo: ['1.0', '1.1'], cacheFresh: false, args: {}, changed: true, after: { hello: null } });
    const before = await version('tsplay-hello');
    const ctx = testContext(sb.conn, { check: true });
    const check = await runModule(apt, { name: 'tsplay-hello=1.1', update_cache: true }, ctx);
    expect(check.failed, check.msg).to.equal(undefined);
    expect(check.changed).to.equal(true);
    expect(check.packages['tsplay-hello']).to.deep.equal({ before: null, after: '1.1' });
    expect(ctx.logged).to.deep.equal(["[WARNING]: tsplay-hello=1.1 not in the apt cache yet; this task would update the cache first, so --check cannot tell whether it will be available"]);
    expect(await version('tsplay-hello'), 'check mode installs nothing').to.deep.equal(before);
    // the same in check mode without a cache update, and against a still-valid cache: the cache is all there is
    for (const args of [{ name: 'tsplay-hello=1.1' }, { name: 'tsplay-hello=1.1', cache_valid_time: 3600 }]) {
      const res = await runModule(apt, args, testContext(sb.conn, { check: true }));
      expect(res.msg, JSON.stringify(args)).to.equal("No package matching 'tsplay-hello=1.1' is available");
    }
    // and the real run finds it after its update
    const run = await runModule(apt, { name: 'tsplay-hello=1.1', update_cache: true }, testContext(sb.conn));
    expect(run.failed, run.msg).to.equal(undefined);
    expect((await version('tsplay-hello')).installed).to.equal('1.1');
  });

  it('an unavailable version fails before apt-get runs', async () => {
    const res = await runModule(apt, { name: 'tsplay-hello=9.9' }, testContext(sb.conn));
    expect(res.msg).to.equal("No package matching 'tsplay-hello=9.9' is available");
  });

  // issue 18: a package name starting with - became an option of apt-get, apt-cache and dpkg-query
  const dashed: AptArgs['name'][] = ['-oAPT::Get::Simulate=true', 'tsplay-hello,--purge', ['tsplay-hello', '-s'], 'tsplay-hello=-1'];
  for (const name of dashed) {
    it(`refuses ${JSON.stringify(name)} before anything runs, naming the argument and what is allowed`, async () => {
      await sh(sb.conn, 'rm -f /tmp/apt-ran; : > /var/log/apt/history.log');
      const res = await runModule(apt, { name, state: 'absent' }, testContext(sb.conn));
      expect(res.failed).to.equal(true);
      expect(res.msg).to.match(/^apt: argument 'name': ".*" (is not a package name; give a Debian package name|has an invalid version)/);
      expect(await sh(sb.conn, 'cat /var/log/apt/history.log'), 'apt-get did not run').to.equal('');
    });
  }

  // issue 15: pinning a new version of a held package failed ("Held packages were changed") while
  // --check said it would change
  describe('held packages', () => {
    const held = async () => {
      await reset({ title: '', repo: ['1.0', '1.1'], cacheFresh: true, installed: '1.0', args: {}, changed: false, after: { hello: null } });
      await sh(sb.conn, "echo 'tsplay-hello hold' | dpkg --set-selections");
    };
    const HELD = /^apt: held packages would be changed: tsplay-hello \(1\.0 -> 1\.1\); apt-get refuses \("Held packages were changed.*Set allow_change_held_packages: true/;

    it('apt-get itself refuses to change a held package with -y (what tsplay predicts)', async () => {
      await held();
      const r = await sb.conn.exec('DEBIAN_FRONTEND=noninteractive apt-get install -y -q tsplay-hello=1.1');
      expect(r.rc).to.not.equal(0);
      expect(r.stderr).to.contain('Held packages were changed');
    });

    it('without allow_change_held_packages, --check and the run both fail, saying why and what to do', async () => {
      await held();
      for (const check of [true, false]) {
        const res = await runModule(apt, { name: 'tsplay-hello=1.1' }, testContext(sb.conn, { check }));
        expect(res.failed, `check=${check}`).to.equal(true);
        expect(res.msg).to.match(HELD);
      }
      expect((await version('tsplay-hello')).installed).to.equal('1.0');
      // no change planned: a held package that is as asked is fine
      const same = await runModule(apt, { name: 'tsplay-hello' }, testContext(sb.conn, { check: true }));
      expect(same.failed).to.equal(undefined);
      expect(same.changed).to.equal(false);
    });

    it('with allow_change_held_packages the pin applies and check mode said so; apt-get releases the hold, as under Ansible', async () => {
      await held();
      const args: AptArgs = { name: 'tsplay-hello=1.1', allow_change_held_packages: true };
      const check = await runModule(apt, args, testContext(sb.conn, { check: true }));
      expect(check.failed, check.msg).to.equal(undefined);
      expect(check.changed).to.equal(true);
      const first = await runModule(apt, args, testContext(sb.conn));
      expect(first.failed, first.msg).to.equal(undefined);
      expect(first.changed).to.equal(true);
      expect(await version('tsplay-hello')).to.deep.equal({ status: 'install ok installed', installed: '1.1' });
      const second = await runModule(apt, args, testContext(sb.conn));
      expect(second.changed).to.equal(false);
    });

    it('dpkg_selections holds and releases, idempotent, check mode changes nothing', async () => {
      await reset({ title: '', repo: ['1.0'], cacheFresh: true, installed: '1.0', args: {}, changed: false, after: { hello: null } });
      const check = await runModule(dpkg_selections, { name: 'tsplay-hello', selection: 'hold' }, testContext(sb.conn, { check: true }));
      expect(check).to.deep.include({ changed: true, before: 'install', after: 'hold' });
      expect((await version('tsplay-hello')).status).to.equal('install ok installed');
      const hold = await runModule(dpkg_selections, { name: 'tsplay-hello', selection: 'hold' }, testContext(sb.conn));
      expect(hold).to.deep.include({ changed: true, before: 'install', after: 'hold' });
      expect((await version('tsplay-hello')).status).to.equal('hold ok installed');
      expect((await runModule(dpkg_selections, { name: 'tsplay-hello', selection: 'hold' }, testContext(sb.conn))).changed).to.equal(false);
      const release = await runModule(dpkg_selections, { name: 'tsplay-hello', selection: 'install' }, testContext(sb.conn));
      expect(release).to.deep.include({ changed: true, before: 'hold', after: 'install' });
      expect((await version('tsplay-hello')).status).to.equal('install ok installed');
      const unknown = await runModule(dpkg_selections, { name: 'tsplay-nope', selection: 'hold' }, testContext(sb.conn));
      expect(unknown.msg).to.equal("Failed to find package 'tsplay-nope' to perform selection 'hold'.");
    });
  });
});
