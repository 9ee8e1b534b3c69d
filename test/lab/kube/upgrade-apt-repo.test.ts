// pkgs.k8s.io has one apt repository per minor (https://pkgs.k8s.io/core:/stable:/v1.35/deb/): an
// upgrade must point the host at the target minor's repository before it installs the target's
// packages (issue 13). Without the internet: two flat repositories laid out as pkgs.k8s.io's,
// signed with the lab's key, each with a dummy kubeadm of its minor, served over HTTP on a lab
// address (kube_apt_repo_base; get_url takes http(s) only); the upgrade's repository step
// (fixtures/apt-repo-playbook.ts) runs with real apt on a lab host. Also: upgrade-cluster.ts runs
// that step in each upgrade role before its first install. Uses labSubnet(196) and (197) (the server).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { kubeCacheDir } from '../../../lib/lab/kube/packages/bundle.js';
import { signingKey, signRelease } from '../../../lib/lab/kube/packages/gpg.js';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { writeOneHostInventory } from './upgrade-path-lab.js';
import { changedTasks, describeRun, REPO, tsplay, type CliRun } from '../../e2e/helpers.js';

const exec = promisify(execFile);
const HOST = { name: 'apt196', address: `${labSubnet(196)}.1` };
const PLAYBOOK = path.join(REPO, 'test/lab/kube/fixtures/apt-repo-playbook.ts');
const SOURCE = '/etc/apt/sources.list.d/kubernetes.list';

/** A flat repository like pkgs.k8s.io's core:/stable:/vX.Y/deb/: Packages, signed Release, Release.key, one dummy kubeadm. */
async function flatRepo(dir: string, version: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pkg = await mkdtemp(path.join(os.tmpdir(), 'tsplay-apt-pkg-'));
  try {
    await mkdir(path.join(pkg, 'DEBIAN'));
    await writeFile(path.join(pkg, 'DEBIAN/control'), `Package: kubeadm\nVersion: ${version}\nArchitecture: all\nMaintainer: tsplay tests <t@tsplay.invalid>\nDescription: dummy kubeadm ${version}\n`);
    await exec('dpkg-deb', ['--build', '--root-owner-group', pkg, path.join(dir, `kubeadm_${version}_all.deb`)]);
  } finally {
    await rm(pkg, { recursive: true, force: true });
  }
  const { stdout: packages } = await exec('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: dir });
  await writeFile(path.join(dir, 'Packages'), packages);
  const data = Buffer.from(packages);
  const release = [
    'Origin: tsplay test', 'Label: Kubernetes', `Date: ${new Date().toUTCString().replace('GMT', 'UTC')}`, 'Architectures: amd64 all',
    'SHA256:', ` ${createHash('sha256').update(data).digest('hex')} ${data.length} Packages`, '',
  ].join('\n');
  await writeFile(path.join(dir, 'Release'), release);
  const key = await signingKey(kubeCacheDir());
  await signRelease(key, path.join(dir, 'Release'), dir);
  // Release.key as pkgs.k8s.io serves it: the armored public key
  const home = await mkdtemp(path.join(os.tmpdir(), 'tsplay-gpg-'));
  try {
    await exec('cp', ['-a', `${key.home}/.`, home]);
    const { stdout } = await exec('gpg', ['--homedir', home, '--batch', '--armor', '--export', key.fingerprint]);
    await writeFile(path.join(dir, 'Release.key'), stdout);
  } finally {
    await exec('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

describe('upgrade: the target minor\'s apt repository (pkgs.k8s.io layout served on a lab address, real apt on a lab host)', function () {
  this.timeout(300000);
  const lab = useLab('apt196', [HOST]);
  let dir = '';
  let base = '';
  let url = '';
  let server: Server | undefined;
  let inventory = '';
  const ok = async (cmd: string): Promise<string> => {
    const r = await labSsh(lab(), HOST.name, cmd);
    if (r.rc !== 0) throw new Error(`${HOST.name}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const run = (...args: string[]): Promise<CliRun> => tsplay(['run', PLAYBOOK, '-i', inventory, '-e', `kube_apt_repo_base=${url}`, '--json', ...args]);
  /** kubeadm versions apt offers, as `apt-cache madison` lists them */
  const offered = async (): Promise<string[]> => (await ok('apt-cache madison kubeadm')).split('\n').filter(Boolean).map((l) => l.split('|')[1]!.trim());

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-apt-repo-'));
    base = path.join(dir, 'www', 'core:', 'stable:');
    await flatRepo(path.join(base, 'v1.34', 'deb'), '1.34.3-1.1');
    await flatRepo(path.join(base, 'v1.35', 'deb'), '1.35.2-1.1');
    // pkgs.k8s.io's stand-in: the files under www/, GET and HEAD
    const www = path.join(dir, 'www');
    server = createServer((req, res) => {
      const file = path.join(www, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (!file.startsWith(`${www}/`)) return void res.writeHead(403).end();
      readFile(file).then(
        (body) => res.writeHead(200, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, `${labSubnet(197)}.1`, resolve));
    url = `http://${labSubnet(197)}.1:${(server.address() as AddressInfo).port}/core:/stable:`;
    inventory = path.join(dir, 'hosts.ini');
    await writeOneHostInventory(lab(), inventory, HOST);
  });
  after(async function () {
    this.timeout(120000);
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  it('a 1.34 host moves to the v1.35 repository before a 1.35.2 install: source, key, apt lists; a rerun changes nothing', async () => {
    const first = await run('-e', 'kube_version=1.34.3');
    expect(first.code, describeRun(first)).to.equal(0);
    expect(await ok(`cat ${SOURCE}`)).to.equal(`deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] ${url}/v1.34/deb/ /\n`);
    expect(await offered()).to.deep.equal(['1.34.3-1.1']);

    const up = await run('-e', 'kube_version=1.35.2', '--diff');
    expect(up.code, describeRun(up)).to.equal(0);
    expect(changedTasks(up)).to.deep.equal(['repository source', 'apt lists of the new repository']);
    const diff = up.events.find((e) => e.type === 'host_result' && e.task === 'repository source');
    expect(JSON.stringify(diff && diff.type === 'host_result' ? diff.diff : null)).to.contain('/v1.34/deb/').and.contain('/v1.35/deb/');
    expect(await ok(`cat ${SOURCE}`)).to.equal(`deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] ${url}/v1.35/deb/ /\n`);
    // what `apt-get install kubeadm=1.35.2-1.1` needs: apt offers it (signature checked), and nothing of 1.34 any more
    expect(await offered()).to.deep.equal(['1.35.2-1.1']);
    expect(await ok('cat /etc/apt/keyrings/kubernetes-apt-keyring.asc')).to.equal(await readFile(path.join(base, 'v1.35/deb/Release.key'), 'utf8'));

    const again = await run('-e', 'kube_version=1.35.2');
    expect(again.code, describeRun(again)).to.equal(0);
    expect(changedTasks(again)).to.deep.equal([]);
  });

  it('a kubelet rollback writes the previous minor\'s source back first (its package is only there)', async () => {
    const r = await run('-e', 'kube_version=1.35.2', '-e', 'rollback_to=1.34.3');
    expect(r.code, describeRun(r)).to.equal(0);
    expect(await ok(`cat ${SOURCE}`)).to.equal(`deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] ${url}/v1.34/deb/ /\n`);
    expect(await offered()).to.deep.equal(['1.34.3-1.1']);
    // the next upgrade run puts the target's back
    const up = await run('-e', 'kube_version=1.35.2');
    expect(up.code, describeRun(up)).to.equal(0);
    expect(await ok(`cat ${SOURCE}`)).to.contain('/v1.35/deb/');
    expect(await offered()).to.deep.equal(['1.35.2-1.1']);
  });

  it('kube_apt_repo_manage false (the lab\'s one repository) leaves the source alone', async () => {
    const r = await run('-e', 'kube_version=1.34.3', '-e', 'kube_apt_repo_manage=false');
    expect(r.code, describeRun(r)).to.equal(0);
    expect(r.events.filter((e) => e.type === 'host_result' && e.status !== 'skipped')).to.deep.equal([]);
    expect(await ok(`cat ${SOURCE}`)).to.contain('/v1.35/deb/');
  });

  it('upgrade-cluster.ts writes the target minor\'s source and refreshes apt before each upgrade role installs packages', async () => {
    const r = await tsplay(['run', path.join(REPO, 'playbooks/upgrade-cluster.ts'), '-i', path.join(REPO, 'inventory/lab/lab.ini'), '--list-tasks']);
    expect(r.code, describeRun(r)).to.equal(0);
    const tasks = r.stdout.split('\n').map((l) => l.trim().split('\t')[0]!);
    for (const [role, install] of [['upgrade-control-plane', 'kubeadm at kube_version'], ['upgrade-kubelet', 'kubelet and kubectl at kube_version']] as const) {
      const at = (t: string): number => tasks.indexOf(`${role} : ${t}`);
      expect(at('repository source'), role).to.be.greaterThan(-1);
      expect(at('repository source')).to.be.lessThan(at('apt lists of the new repository'));
      expect(at('apt lists of the new repository')).to.be.lessThan(at(install));
    }
  });
});
