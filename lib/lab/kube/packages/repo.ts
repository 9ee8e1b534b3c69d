// The lab's apt repository of kubeadm, kubelet and kubectl at every release of KUBE_RELEASES: built
// with dpkg-deb, indexed with dpkg-scanpackages, signed with gpg, once per machine and again only
// when what goes into it changed (a double's sources, the real kubectl, this packaging code).
// Layout of the old apt.kubernetes.io (`deb ... kubernetes-xenial main`), all versions in one
// suite (pkgs.k8s.io has one repository per minor: a documented difference).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { KUBE_RELEASES, type KubeRelease } from '../common/versions.js';
import { bundleEntry, bundleProgram, kubeCacheDir, kubeSourcesDir } from './bundle.js';
import { buildDeb, type DebSpec } from './deb.js';
import { signingKey, signRelease } from './gpg.js';
import { realKubectl } from './kubectl.js';
import { kubeadmSpec, kubectlSpec, kubeletSpec, type PackageInputs } from './specs.js';

const exec = promisify(execFile);

export const SUITE = 'kubernetes-xenial';
export const COMPONENT = 'main';
/** Where hosts keep the key and the source, as the install guides (and seed 003) write them. */
export const HOST_KEYRING = '/etc/apt/keyrings/kubernetes-apt-keyring.gpg';
export const HOST_SOURCES = '/etc/apt/sources.list.d/kubernetes.list';

export interface KubeRepo {
  /** the repository's root on this machine; hosts see the machine's files, so the same path */
  dir: string;
  /** the public key (binary OpenPGP), to copy to HOST_KEYRING */
  keyring: string;
  /** the line for HOST_SOURCES */
  sourcesLine: string;
  /** `<name>=<debVersion>` of every package in it */
  packages: string[];
}

const pending = new Map<string, Promise<KubeRepo>>();

/** The repository under `<cache>/repos/<key>`, built on first use. */
export function kubeRepo(cacheDir = kubeCacheDir(), releases: readonly KubeRelease[] = KUBE_RELEASES): Promise<KubeRepo> {
  const k = `${cacheDir}\0${releases.map((r) => r.debVersion).join(',')}`;
  let p = pending.get(k);
  if (!p) {
    p = build(cacheDir, releases).finally(() => pending.delete(k));
    pending.set(k, p);
  }
  return p;
}

/**
 * The repository made of `inputs` (bundles and the real kubectl) instead of this checkout's
 * doubles: how the packaging is tested apart from the doubles.
 */
export function buildRepo(cacheDir: string, releases: readonly KubeRelease[], inputs: PackageInputs): Promise<KubeRepo> {
  return build(cacheDir, releases, inputs);
}

async function build(cacheDir: string, releases: readonly KubeRelease[], given?: PackageInputs): Promise<KubeRepo> {
  const [key, inputs] = await Promise.all([signingKey(cacheDir), given ?? packageInputs(cacheDir)]);
  const debDir = join(cacheDir, 'debs');
  const specs: DebSpec[] = releases.flatMap((r) => [kubeadmSpec(r, inputs), kubeletSpec(r, inputs), kubectlSpec(r, inputs)]);
  // one at a time: dpkg-deb compressing in parallel would take both CPUs from everything else
  const debs: string[] = [];
  for (const s of specs) debs.push(await buildDeb(s, debDir));
  const repoKey = createHash('sha256').update(key.fingerprint).update(debs.map((d) => basename(d)).join('\n')).digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'repos', repoKey);
  const result: KubeRepo = {
    dir,
    keyring: key.keyring,
    sourcesLine: `deb [signed-by=${HOST_KEYRING}] file:${dir} ${SUITE} ${COMPONENT}`,
    packages: specs.map((s) => `${s.name}=${s.version}`),
  };
  if (existsSync(join(dir, 'dists', SUITE, 'InRelease'))) return result;

  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), `.${repoKey}-`));
  try {
    await chmod(tmp, 0o755); // apt reads file: repositories as its _apt user
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i];
      const pool = join(tmp, 'pool', COMPONENT, s.name[0], s.name);
      await mkdir(pool, { recursive: true });
      await link(debs[i], join(pool, `${s.name}_${s.version}_amd64.deb`));
    }
    const bin = join(tmp, 'dists', SUITE, COMPONENT, 'binary-amd64');
    await mkdir(bin, { recursive: true });
    const { stdout: packages } = await exec('dpkg-scanpackages', ['-m', 'pool', '/dev/null'], { cwd: tmp, maxBuffer: 64 << 20 });
    await writeFile(join(bin, 'Packages'), packages);
    await writeFile(join(bin, 'Packages.gz'), gzipSync(packages));
    await writeFile(join(bin, 'Release'), `Archive: ${SUITE}\nComponent: ${COMPONENT}\nOrigin: tsplay lab\nLabel: Kubernetes\nArchitecture: amd64\n`);
    const release = join(tmp, 'dists', SUITE, 'Release');
    await writeFile(release, await releaseText(join(tmp, 'dists', SUITE)));
    await signRelease(key, release, join(tmp, 'dists', SUITE));
    await rename(tmp, dir).catch(async (e: unknown) => {
      if (!existsSync(join(dir, 'dists', SUITE, 'InRelease'))) throw e; // another process built it first
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  await pruneOld(cacheDir, dir, new Set(debs));
  return result;
}

async function packageInputs(cacheDir: string): Promise<PackageInputs> {
  const [kubeadm, kubelet, apiserver, controllerManager, scheduler, kubectlVersion, real] = await Promise.all([
    bundleProgram('kubeadm', cacheDir),
    bundleProgram('kubelet', cacheDir),
    bundleProgram('apiserver', cacheDir),
    bundleProgram('controller-manager', cacheDir),
    bundleProgram('scheduler', cacheDir),
    bundleEntry('kubectl-version', join(kubeSourcesDir(), 'packages', 'kubectl-version'), cacheDir),
    realKubectl(),
  ]);
  return { kubeadm, kubelet, apiserver, controllerManager, scheduler, kubectlVersion, realKubectl: real };
}

/** dists/<suite>/Release: what apt checks InRelease against (sizes and hashes of the indexes). */
async function releaseText(suiteDir: string): Promise<string> {
  const files = ['Packages', 'Packages.gz', 'Release'].map((f) => `${COMPONENT}/binary-amd64/${f}`);
  const rows = await Promise.all(
    files.map(async (f) => {
      const data = await readFile(join(suiteDir, f));
      const hash = (alg: string): string => createHash(alg).update(data).digest('hex');
      return { f, size: data.length, md5: hash('md5'), sha256: hash('sha256') };
    }),
  );
  return [
    'Origin: tsplay lab',
    'Label: Kubernetes',
    `Suite: ${SUITE}`,
    `Codename: ${SUITE}`,
    `Date: ${new Date().toUTCString().replace('GMT', 'UTC')}`,
    'Architectures: amd64',
    `Components: ${COMPONENT}`,
    'Description: kubeadm, kubelet and kubectl for the tsplay lab (test doubles; the real kubectl client)',
    'MD5Sum:',
    ...rows.map((r) => ` ${r.md5} ${r.size} ${r.f}`),
    'SHA256:',
    ...rows.map((r) => ` ${r.sha256} ${r.size} ${r.f}`),
    '',
  ].join('\n');
}

const DAY_MS = 24 * 3600 * 1000;

/** Repositories and .debs of earlier sources, a day old or more (a running lab may still read newer ones). */
async function pruneOld(cacheDir: string, keepRepo: string, keepDebs: Set<string>): Promise<void> {
  const now = Date.now();
  for (const [sub, keep] of [['repos', (p: string) => p === keepRepo], ['debs', (p: string) => keepDebs.has(p)]] as const) {
    const d = join(cacheDir, sub);
    for (const name of await readdir(d).catch(() => [] as string[])) {
      const p = join(d, name);
      if (keep(p)) continue;
      const s = await stat(p).catch(() => undefined);
      if (s && now - s.mtimeMs > DAY_MS) await rm(p, { recursive: true, force: true });
    }
  }
}
