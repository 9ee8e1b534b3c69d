// Issue 18: `tsplay lab down --state-dir DIR` removes hosts/, known_hosts, the key and the state
// file of a lab. Pointed at a directory that is not a lab's (one without the lab's state file) it
// must delete nothing and say so; `lab up` must not write its files among someone else's either.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { labDown, LabError, labUp } from '../../lib/lab/index.js';
import { labSubnet, tempStateDir } from '../helpers/lab.js';

describe('tsplay lab down: only a lab state directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempStateDir('down-refuse');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a directory with hosts and known_hosts but no state file, and deletes nothing', async () => {
    // an /etc-like directory: a hosts file, a known_hosts file, a hosts/ directory elsewhere
    await writeFile(path.join(dir, 'hosts'), '127.0.0.1 localhost\n');
    await writeFile(path.join(dir, 'known_hosts'), 'host ssh-ed25519 AAAA\n');
    await writeFile(path.join(dir, 'id_ed25519'), 'not ours\n');
    await mkdir(path.join(dir, 'ssh_config'));
    const err = await labDown(dir).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LabError);
    expect((err as Error).message).to.equal(
      `${dir} holds no lab state file (state.json), so it is not a lab's state directory; nothing was removed. ` +
        "Pass the --state-dir that 'tsplay lab up' used (default .tsplay/lab/<inventory name> beside the inventory)",
    );
    expect(await readFile(path.join(dir, 'hosts'), 'utf8')).to.equal('127.0.0.1 localhost\n');
    expect(await readFile(path.join(dir, 'known_hosts'), 'utf8')).to.equal('host ssh-ed25519 AAAA\n');
    expect(await readFile(path.join(dir, 'id_ed25519'), 'utf8')).to.equal('not ours\n');
    expect((await stat(path.join(dir, 'ssh_config'))).isDirectory()).to.equal(true);
  });

  it('an empty or missing directory: nothing to stop, nothing removed, no error', async () => {
    await labDown(dir);
    expect((await stat(dir)).isDirectory()).to.equal(true);
    await labDown(path.join(dir, 'nothing-here'));
  });

  it('a damaged state file is refused the same way (nothing removed)', async () => {
    await writeFile(path.join(dir, 'state.json'), 'garbage');
    await writeFile(path.join(dir, 'known_hosts'), 'x\n');
    const err = await labDown(dir).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LabError);
    expect(await readFile(path.join(dir, 'known_hosts'), 'utf8')).to.equal('x\n');
  });

  it('lab up refuses a non-empty directory without a state file (--state-dir ~/.ssh), writing nothing', async () => {
    await writeFile(path.join(dir, 'known_hosts'), 'theirs\n');
    await writeFile(path.join(dir, 'id_ed25519'), 'their key\n');
    const err = await labUp([{ name: 'sd-a', address: `${labSubnet(49)}.1` }], { stateDir: dir }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LabError);
    expect((err as Error).message).to.equal(
      `${dir} is not empty and holds no lab state file (state.json); nothing was written. ` +
        'Give --state-dir a new or empty directory of its own (default .tsplay/lab/<inventory name> beside the inventory)',
    );
    expect(await readFile(path.join(dir, 'known_hosts'), 'utf8')).to.equal('theirs\n');
    expect(await readFile(path.join(dir, 'id_ed25519'), 'utf8')).to.equal('their key\n');
    expect((await readdir(dir)).sort()).to.deep.equal(['id_ed25519', 'known_hosts']);
  });
});
