import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { ensureDebs, KUBE_LAB_DEBS, LAB_DEBS, type DebInstaller } from '../../lib/lab/debs.js';
import { LabError } from '../../lib/lab/errors.js';

// `lab up` installs the Debian packages the lab needs when they are missing (issue 14). The
// machine's packages are not removed for this test: the file checks and apt-get are recorded.

function fake(missing: string[], codes: Record<string, number[]> = {}): DebInstaller & { calls: string[]; said: string[] } {
  const calls: string[] = [];
  const said: string[] = [];
  return {
    calls,
    said,
    exists: async (f) => !missing.includes(f),
    run: async (cmd, args) => {
      const line = [cmd, ...args].join(' ');
      calls.push(line);
      const key = args[0]!;
      const code = codes[key]?.shift() ?? 0;
      return { code, out: code ? `E: ${key} went wrong` : '' };
    },
    say: (l) => void said.push(l),
  };
}

describe('lab up: Debian packages the lab needs', () => {
  it('nothing missing: apt-get is not run', async () => {
    const io = fake([]);
    expect(await ensureDebs(LAB_DEBS, io)).to.deep.equal([]);
    expect(io.calls).to.deep.equal([]);
  });

  it('installs each missing package once, saying what and why', async () => {
    const io = fake(['/usr/bin/tini', '/usr/bin/setpriv', '/usr/sbin/pivot_root']);
    expect(await ensureDebs(LAB_DEBS, io)).to.deep.equal(['tini', 'util-linux']);
    expect(io.calls).to.deep.equal(['apt-get install -y -qq --no-install-recommends tini util-linux']);
    expect(io.said).to.deep.equal(["lab: installing Debian packages the lab needs: tini util-linux (lab hosts' PID 1; confining lab hosts)"]);
  });

  it('a fresh machine without package lists: apt-get update, then install again', async () => {
    const io = fake(['/usr/bin/tini'], { install: [100, 0] });
    await ensureDebs(LAB_DEBS, io);
    expect(io.calls).to.deep.equal([
      'apt-get install -y -qq --no-install-recommends tini',
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends tini',
    ]);
  });

  it('an install that still fails is a clear error with apt-get\'s words', async () => {
    const io = fake(['/usr/bin/tini'], { install: [100, 100] });
    const err = await ensureDebs(LAB_DEBS, io).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LabError);
    expect((err as Error).message).to.equal("apt-get install tini failed:\nE: install went wrong\nInstall them by hand, then run 'tsplay lab up' again");
  });

  it('no apt-get: says which packages to install by hand', async () => {
    const io = fake(['/usr/bin/tini', '/usr/bin/apt-get']);
    const err = await ensureDebs(LAB_DEBS, io).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/needs the Debian packages tini \(\/usr\/bin\/tini: lab hosts' PID 1\) and this machine has no apt-get/);
  });

  it("every file it looks for is shipped by the package named (this machine's dpkg says so)", async () => {
    const { spawnSync } = await import('node:child_process');
    // dpkg records some files under their pre-usrmerge path (/sbin/pivot_root)
    const owner = (f: string): string => {
      for (const p of [f, f.replace(/^\/usr/, '')]) {
        const r = spawnSync('dpkg', ['-S', p], { encoding: 'utf8' });
        if (r.status === 0) return r.stdout.split(':')[0]!;
      }
      return '';
    };
    for (const d of LAB_DEBS) expect(owner(d.file), d.file).to.equal(d.shippedBy ?? d.pkg);
    // the Kubernetes lab's, where installed here (CI installs them all)
    for (const d of KUBE_LAB_DEBS) if (existsSync(d.file)) expect(owner(d.file), d.file).to.equal(d.shippedBy ?? d.pkg);
  });
});
