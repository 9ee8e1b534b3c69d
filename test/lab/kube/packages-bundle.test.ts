import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleEntry, VERSION_ENV } from '../../../lib/lab/kube/packages/bundle.js';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/echo-double', import.meta.url));

/** node <bundle> args with the version env (or none); never throws: returns code and output. */
async function runBundle(file: string, args: string[], version?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (version) env[VERSION_ENV] = version;
  try {
    const r = await run(process.execPath, [file, ...args], { env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('lab kube packages: bundleEntry (esbuild single-file bundle of a double)', function () {
  this.timeout(60000);
  let tmp: string;
  let progDir: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kube-bundle-'));
    // inside the repo, as the real programs are (esbuild reports inputs relative to the repo)
    progDir = path.join(path.dirname(FIXTURE), `copy-${process.pid}`);
    await cp(FIXTURE, progDir, { recursive: true });
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
    await rm(progDir, { recursive: true, force: true });
  });

  it('runs main(argv, version) from the launcher env, exits with its code, and hides the env from main', async () => {
    const out = await bundleEntry('echo-double', progDir, tmp);
    const r = await runBundle(out, ['3', '--flag=x'], '1.16.3');
    expect(r.code).to.equal(3);
    expect(r.stdout).to.equal('v1.16.3 ["3","--flag=x"] env=unset\n');
  });

  it('refuses to run without a version, with a clear message and exit 2', async () => {
    const out = await bundleEntry('echo-double', progDir, tmp);
    const r = await runBundle(out, []);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`echo-double: ${VERSION_ENV} is not set (run it through its launcher, /usr/bin/echo-double)\n`);
  });

  it('is cached: the same file, not rewritten, while the sources are unchanged', async () => {
    const a = await bundleEntry('echo-double', progDir, tmp);
    const before = (await stat(a)).mtimeMs;
    const b = await bundleEntry('echo-double', progDir, tmp);
    expect(b).to.equal(a);
    expect((await stat(b)).mtimeMs).to.equal(before);
  });

  it('is rebuilt when an imported file changes', async () => {
    const a = await bundleEntry('echo-double', progDir, tmp);
    await writeFile(path.join(progDir, 'helper.ts'), 'export function helper(version: string): string {\n  return `changed ${version}`;\n}\n');
    const b = await bundleEntry('echo-double', progDir, tmp);
    expect(b).to.not.equal(a);
    expect((await runBundle(b, ['0'], '1.35.2')).stdout).to.equal('changed 1.35.2 ["0"] env=unset\n');
  });

  it('reports a missing program as a located error', async () => {
    let err: unknown;
    try {
      await bundleEntry('nope', path.join(tmp, 'nope'), tmp);
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/no Kubernetes double 'nope': .*nope\/main\.ts does not exist/);
  });
});

describe('lab kube packages: a bundled double needs no node_modules', function () {
  this.timeout(60000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kube-bundle-etcd-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('loads etcd3 (its protos inlined at build time) from a copy outside the checkout', async () => {
    const out = await bundleEntry('etcd-double', fileURLToPath(new URL('./fixtures/etcd-double', import.meta.url)), tmp);
    const copy = path.join(tmp, 'alone', 'etcd-double.mjs');
    await cp(out, copy);
    const r = await runBundle(copy, [], '1.35.2');
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal('etcd client made 1.35.2\n');
    expect(r.code).to.equal(0);
  });
});
