// Issue 18: the retry file is written beside the playbook, often in a shared or world-writable
// directory; a symlink planted at its path must be replaced, never written through.
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { PlaySpec } from '../../lib/index.js';
import { fail } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

describe('retry file: no writing through a planted symlink', () => {
  const s = scratch('tsplay-retry-');
  after(() => s.cleanup());
  const plays: PlaySpec[] = [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('fail', fail({ msg: 'x' }), { when: "inventory_hostname == 'r02'" }) }];

  it('a symlink at PLAYBOOK.retry is replaced by the retry file; its target is untouched', async () => {
    const inv = localInventory(s.dir, ['r01', 'r02']);
    const victim = join(s.dir, 'victim');
    writeFileSync(victim, 'keep me\n');
    const retry = join(s.dir, 'play.retry');
    symlinkSync(victim, retry);
    const run = await runPlays(inv, plays, { retryFile: retry });
    expect(run.retryFile).to.equal(retry);
    expect(readFileSync(victim, 'utf8')).to.equal('keep me\n');
    expect(lstatSync(retry).isSymbolicLink()).to.equal(false);
    expect(readFileSync(retry, 'utf8')).to.equal('r02\n');
  });
});
