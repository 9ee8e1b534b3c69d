import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskBuilder } from '../../lib/index.js';
import { UnreachableError } from '../../lib/connection/types.js';
import { localRun, runPlays } from '../helpers/run.js';
import { probe, type Probe } from '../helpers/probe.js';
import { rejection } from '../helpers/rejection.js';

// What a whole run reports (run.ts): its first and last events, its exit code, the recap of a
// stopped run, the retry file, the implicit localhost, a --limit that matches nothing.

describe('executor: a run, start to recap', () => {
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  let p: Probe;
  beforeEach(() => {
    ({ dir, inv, cleanup } = localRun(['h1', 'h2', 'h3']));
    p = probe();
  });
  afterEach(() => cleanup());

  const by = (answers: Record<string, 'ok' | 'failed' | 'unreachable'>) => {
    p.answer = (_a, ctx) => {
      const a = answers[ctx.host] ?? 'ok';
      if (a === 'unreachable') throw new UnreachableError(ctx.host, 'gone');
      return { changed: false, failed: a === 'failed' };
    };
  };
  const task = (t: TaskBuilder) => void t.task('t', p.module({}));

  it('run_start first, recap last, with the stats of every host in the plays and the run time', async () => {
    const before = Date.now();
    const run = await runPlays(inv, [{ hosts: 'h1:h2', gatherFacts: false, tasks: task }], { check: true, diff: true });
    const first = run.events[0];
    const last = run.events.at(-1)!;
    expect(first).to.deep.equal({ type: 'run_start', playbook: 'test', check: true, diff: true });
    expect(last.type).to.equal('recap');
    if (last.type !== 'recap') throw new Error('no recap');
    expect(Object.keys(last.hosts).sort()).to.deep.equal(['h1', 'h2']);
    expect(last.hosts.h1).to.include({ ok: 1, failed: 0 });
    expect(last.stopped).to.equal(undefined);
    expect(last.durationMs).to.be.within(0, Date.now() - before);
    expect(run.exitCode).to.equal(0);
  });

  it('exit code: 2 when a host failed, 4 when one was unreachable (also with failures)', async () => {
    by({ h2: 'failed' });
    expect((await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }])).exitCode).to.equal(2);
    by({ h3: 'unreachable' });
    expect((await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }])).exitCode).to.equal(4);
    by({ h2: 'failed', h3: 'unreachable' });
    expect((await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }])).exitCode).to.equal(4);
  });

  it('a stopped run lists the hosts of later plays as untouched, and recaps only the hosts it touched', async () => {
    by({ h1: 'failed' });
    const later = probe();
    const run = await runPlays(inv, [
      { hosts: 'h1', gatherFacts: false, tasks: task },
      { hosts: 'h2:h3', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('later', later.module({})) },
    ]);
    expect(later.calls).to.have.length(0);
    expect(run.stopped).to.deep.equal({ reason: 'every host of the play failed (h1)', untouched: ['h2', 'h3'] });
    expect(Object.keys(run.stats)).to.deep.equal(['h1']);
    const recap = run.events.at(-1)!;
    expect(recap.type === 'recap' && recap.stopped?.untouched).to.deep.equal(['h2', 'h3']);
  });

  it('the retry file lists failed and unreachable hosts, sorted; a clean run removes an old one', async () => {
    const retry = join(dir, 'play.retry');
    by({ h3: 'failed', h1: 'unreachable' });
    const bad = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }], { retryFile: retry });
    expect(bad.retryFile).to.equal(retry);
    expect(readFileSync(retry, 'utf8')).to.equal('h1\nh3\n');
    const recap = bad.events.at(-1)!;
    expect(recap.type === 'recap' && recap.retryFile).to.equal(retry);
    by({});
    const good = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }], { retryFile: retry });
    expect(good.retryFile).to.equal(undefined);
    expect(existsSync(retry)).to.equal(false);
    // no old file to remove is fine too
    const again = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }], { retryFile: retry });
    expect(again.exitCode).to.equal(0);
  });

  it('a play on localhost, which the inventory does not list, runs on the implicit localhost', async () => {
    const run = await runPlays(inv, [{ hosts: 'localhost', gatherFacts: false, tasks: task }]);
    expect(p.calls.map((c) => c.host)).to.deep.equal(['localhost']);
    expect(run.stats.localhost).to.include({ ok: 1 });
    expect(run.exitCode).to.equal(0);
  });

  it('a --limit that matches no host is refused before anything runs', async () => {
    const err = await rejection(runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }], { limit: 'nosuch' }));
    expect(err.message).to.equal("--limit 'nosuch' matches no host of the inventory; check the names (tsplay inventory -i INV --list-hosts all)");
    expect(p.calls).to.have.length(0);
  });
});
