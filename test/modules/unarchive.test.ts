import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unarchive } from '../../lib/modules/unarchive.js';
import type { UnarchiveArgs, UnarchiveResult } from '../../lib/modules/unarchive.js';
import { ModuleFailure } from '../../lib/modules/types.js';
import { makeContext, runModule } from '../helpers/module-context.js';
import { tempLeftovers } from './harness.js';

// unarchive remote_src with real GNU tar archives on real files (a LocalConnection is the host),
// as kubespray unpacks the CNI plugins and crictl tarballs into their directories.

describe('unarchive module (remote_src, real tar)', function () {
  let dir: string;
  let tgz: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-unarchive-'));
    const src = join(dir, 'build');
    mkdirSync(join(src, 'cni-v1/bin'), { recursive: true });
    writeFileSync(join(src, 'cni-v1/bin/bridge'), '#!/bin/sh\necho bridge\n', { mode: 0o755 });
    writeFileSync(join(src, 'cni-v1/bin/host-local'), '#!/bin/sh\necho host-local\n', { mode: 0o755 });
    writeFileSync(join(src, 'cni-v1/LICENSE'), 'Apache-2.0\n');
    tgz = join(dir, 'cni.tgz');
    execFileSync('tar', ['-C', src, '-czf', tgz, 'cni-v1']);
    mkdirSync(join(dir, 'opt'));
  });
  afterEach(() => {
    expect(tempLeftovers(dir), 'temp files left behind').to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (args: Partial<UnarchiveArgs>, o: { check?: boolean; diff?: boolean } = {}): Promise<UnarchiveResult | ModuleFailure> => {
    try {
      return await runModule(unarchive.def, { src: tgz, dest: join(dir, 'opt'), remote_src: true, ...args } as UnarchiveArgs, makeContext(o));
    } catch (e) {
      if (e instanceof ModuleFailure) return e;
      throw e;
    }
  };

  it('check mode reports, then unpacks, then the rerun is ok (tar --diff)', async () => {
    const check = (await run({}, { check: true, diff: true })) as UnarchiveResult;
    expect(check.changed).to.equal(true);
    expect(existsSync(join(dir, 'opt/cni-v1'))).to.equal(false);
    const r = (await run({ list_files: true })) as UnarchiveResult;
    expect(r).to.deep.include({ changed: true, handler: 'TgzArchive', dest: join(dir, 'opt') });
    expect(r.files).to.include.members(['cni-v1/', 'cni-v1/bin/bridge', 'cni-v1/LICENSE']);
    expect(readFileSync(join(dir, 'opt/cni-v1/bin/bridge'), 'utf8')).to.equal('#!/bin/sh\necho bridge\n');
    expect(statSync(join(dir, 'opt/cni-v1/bin/bridge')).mode & 0o777).to.equal(0o755);
    expect(((await run({})) as UnarchiveResult).changed).to.equal(false);
  });

  it('a changed file in dest is restored; files not in the archive stay', async () => {
    await run({});
    writeFileSync(join(dir, 'opt/cni-v1/LICENSE'), 'changed\n');
    writeFileSync(join(dir, 'opt/cni-v1/bin/mine'), 'keep\n');
    const r = (await run({})) as UnarchiveResult;
    expect(r.changed).to.equal(true);
    expect(readFileSync(join(dir, 'opt/cni-v1/LICENSE'), 'utf8')).to.equal('Apache-2.0\n');
    expect(readFileSync(join(dir, 'opt/cni-v1/bin/mine'), 'utf8')).to.equal('keep\n');
  });

  it('extra_opts --strip-components=1 unpacks the contents; idempotent too', async () => {
    const r = (await run({ extra_opts: ['--strip-components=1'] })) as UnarchiveResult;
    expect(r.changed).to.equal(true);
    expect(existsSync(join(dir, 'opt/bin/host-local'))).to.equal(true);
    expect(((await run({ extra_opts: ['--strip-components=1'] })) as UnarchiveResult).changed).to.equal(false);
  });

  it('mode is applied and judged by what the task asks', async () => {
    const r = (await run({ mode: '0750', extra_opts: ['--strip-components=1'] })) as UnarchiveResult;
    expect(r.changed).to.equal(true);
    expect((statSync(join(dir, 'opt/LICENSE')).mode & 0o777).toString(8)).to.equal('750');
    expect(((await run({ mode: '0750', extra_opts: ['--strip-components=1'] })) as UnarchiveResult).changed).to.equal(false);
  });

  it('creates: an existing path skips it', async () => {
    writeFileSync(join(dir, 'opt/marker'), '');
    const r = (await run({ creates: join(dir, 'opt/marker') })) as UnarchiveResult;
    expect(r).to.deep.include({ changed: false, msg: `skipped, since ${join(dir, 'opt/marker')} exists` });
    expect(existsSync(join(dir, 'opt/cni-v1'))).to.equal(false);
  });

  it('a corrupt archive fails and leaves dest as it was', async () => {
    writeFileSync(join(dir, 'bad.tgz'), Buffer.concat([readFileSync(tgz).subarray(0, 60)]));
    const r = (await run({ src: join(dir, 'bad.tgz') })) as ModuleFailure;
    expect(r).to.be.instanceOf(ModuleFailure);
    expect(r.message).to.match(/bad\.tgz|dest was left as it was/);
    expect(existsSync(join(dir, 'opt/cni-v1'))).to.equal(false);
  });

  it('a missing source, a missing dest and a controller source fail with what to do', async () => {
    expect(((await run({ src: join(dir, 'nope.tgz') })) as ModuleFailure).message).to.match(/^Source '.*nope.tgz' does not exist on testhost/);
    expect(((await run({ dest: join(dir, 'nodir') })) as ModuleFailure).message).to.match(/is not a directory; create it first/);
    expect(((await run({ remote_src: false })) as ModuleFailure).message).to.match(/only remote_src: true is supported/);
  });

  it('an archive name starting with - is read as a file, not an option', async () => {
    execFileSync('cp', [tgz, join(dir, '-x.tgz')]);
    const r = (await run({ src: join(dir, '-x.tgz') })) as UnarchiveResult;
    expect(r.changed).to.equal(true);
  });
});
