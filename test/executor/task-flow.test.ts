import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskBuilder } from '../../lib/index.js';
import { UnreachableError } from '../../lib/connection/types.js';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { localRun, runPlays } from '../helpers/run.js';
import { probe, type Probe } from '../helpers/probe.js';

// How a task is run over the batch (nodes.ts): --step answers, --start-at-task globs, run-once
// failures, anyErrorsFatal, a run-once result given to every host, blocks' environment, and the
// events a reporter sees for tasks and handlers.

describe('executor: a task over the batch', () => {
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  let p: Probe;
  beforeEach(() => {
    ({ dir, inv, cleanup } = localRun(['h1', 'h2', 'h3']));
    p = probe();
  });
  afterEach(() => cleanup());

  const three = (t: TaskBuilder) => {
    t.task('a.b', p.module({ n: 'a.b' }));
    t.task('axb', p.module({ n: 'axb' }));
    t.task('c', p.module({ n: 'c' }));
  };
  const names = () => [...new Set(p.calls.map((c) => c.args.n))];

  it('--step: no skips the task, yes runs it, continue runs it and every later one without asking', async () => {
    const asked: string[] = [];
    const answers: ('yes' | 'no' | 'continue')[] = ['no', 'yes', 'continue'];
    const four = (t: TaskBuilder) => {
      three(t);
      t.task('d', p.module({ n: 'd' }));
    };
    await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: four }], {
      step: async (task) => {
        asked.push(task);
        return answers.shift()!;
      },
    });
    expect(asked).to.deep.equal(['a.b', 'axb', 'c']);
    expect(names()).to.deep.equal(['axb', 'c', 'd']);
  });

  it('--start-at-task takes a glob: dots are dots, * and ? are wildcards', async () => {
    await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: three }], { startAtTask: 'axb' });
    expect(names()).to.deep.equal(['axb', 'c']);
    p.calls.length = 0;
    await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: three }], { startAtTask: 'a?b' });
    expect(names()).to.deep.equal(['a.b', 'axb', 'c']);
    p.calls.length = 0;
    await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: three }], { startAtTask: 'c*' });
    expect(names()).to.deep.equal(['c']);
    p.calls.length = 0;
    // '.' must not match any character, '(' must not be a regex group
    await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: (t: TaskBuilder) => { t.task('x(1)', p.module({ n: 'x(1)' })); three(t); } }], { startAtTask: 'x(1)' });
    expect(names()).to.deep.equal(['x(1)', 'a.b', 'axb', 'c']);
  });

  it('a run-once task that fails fails every host of the batch and ends the play', async () => {
    const after = probe();
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('once', p.module({}), { runOnce: true, failedWhen: 'true' });
          t.task('after', after.module({}));
        },
      },
    ]);
    expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
    expect(after.calls).to.have.length(0);
    expect(run.stopped?.reason).to.equal("run-once task 'once' failed on h1");
    expect(run.stats.h1.failed).to.equal(1);
    expect(run.exitCode).to.equal(2);
  });

  it('a run-once failure inside a block with rescue is rescued, not the end of the play', async () => {
    const after = probe();
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.block('b', (b) => void b.task('once', p.module({}), { runOnce: true, failedWhen: 'true' }), { rescue: (r) => void r.task('rescue', after.module({ n: 'r' })) });
          t.task('after', after.module({ n: 'after' }));
        },
      },
    ]);
    expect(run.stopped).to.equal(undefined);
    expect(after.calls.filter((c) => c.args.n === 'after').map((c) => c.host)).to.include('h1');
  });

  it("a run-once task's registered result is every host's", async () => {
    const reader = probe();
    p.answer = (_a, ctx) => ({ changed: false, ran_on: ctx.host });
    await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('once', p.module({}), { runOnce: true, register: 'once_r' });
          t.task('read', reader.module({ v: '{{ once_r.ran_on }}' }));
        },
      },
    ]);
    expect(reader.calls.map((c) => [c.host, c.args.v]).sort()).to.deep.equal([
      ['h1', 'h1'],
      ['h2', 'h1'],
      ['h3', 'h1'],
    ]);
  });

  it('anyErrorsFatal: one failed host fails the batch and ends the play, naming the task and host', async () => {
    const after = probe();
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        anyErrorsFatal: true,
        tasks: (t: TaskBuilder) => {
          t.task('boom', p.module({}), { failedWhen: "inventory_hostname == 'h2'" });
          t.task('after', after.module({}));
        },
      },
    ]);
    expect(after.calls).to.have.length(0);
    expect(run.stopped?.reason).to.equal("anyErrorsFatal: task 'boom' failed on h2");
    expect(run.exitCode).to.equal(2);
  });

  it('reporter events: task_start (handlers flagged) and task_end, in order', async () => {
    const plays: PlaySpec[] = [
      {
        hosts: 'h1',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => void t.task('n', p.module({}), { changedWhen: 'true', notify: 'hh' }),
        handlers: { hh: p.module({}) },
      },
    ];
    const run = await runPlays(inv, plays);
    const seq = run.events.filter((e) => e.type === 'task_start' || e.type === 'task_end').map((e) => (e.type === 'task_start' ? `start ${e.task} ${String(e.handler)} ${e.hosts.join(',')}` : `end ${e.task}`));
    expect(seq).to.deep.equal(['start n undefined h1', 'end n', 'start hh true h1', 'end hh']);
  });

  it("a block's environment is added to the task's, the task's winning key by key", async () => {
    const seen: Record<string, string>[] = [];
    p.answer = async (_a, ctx) => {
      const r = await ctx.conn.exec('echo "$OUTER/$INNER"');
      seen.push({ out: r.stdout.trim() });
      return { changed: false };
    };
    await runPlays(inv, [
      {
        hosts: 'h1',
        gatherFacts: false,
        environment: { OUTER: 'play', INNER: 'play' },
        tasks: (t: TaskBuilder) => {
          t.block('b', (b) => {
            b.task('in block', p.module({}));
            b.task('task env', p.module({}), { environment: { INNER: 'task' } });
          }, { environment: { INNER: 'block' } });
          t.task('outside', p.module({}));
        },
      },
    ]);
    expect(seen.map((s) => s.out)).to.deep.equal(['play/block', 'play/task', 'play/play']);
  });

  it('after every host failed inside a block with rescue, the block\'s later tasks are not started at all', async () => {
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) =>
          void t.block(
            'b',
            (b) => {
              b.task('fails', p.module({ n: 'fails' }), { failedWhen: 'true' });
              b.task('never', p.module({ n: 'never' }));
            },
            { rescue: (r) => void r.task('rescue', p.module({ n: 'rescue' })) },
          ),
      },
    ]);
    expect(run.of('task_start').map((e) => e.task)).to.deep.equal(['fails', 'rescue']);
    expect(run.stats.h1).to.include({ rescued: 1, failed: 0 });
    expect(run.exitCode).to.equal(0);
  });

  it('a failure in a block without rescue counts as failed, not rescued', async () => {
    const run = await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: (t: TaskBuilder) => void t.block('b', (b) => void b.task('fails', p.module({}), { failedWhen: 'true' }), { always: (a) => void a.task('always', p.module({ n: 'always' })) }) }]);
    expect(run.stats.h1).to.include({ failed: 1, rescued: 0 });
    expect(p.calls.map((c) => c.args.n)).to.deep.equal([undefined, 'always']);
  });

  it('always does not run on a host that became unreachable in the block', async () => {
    p.answer = (args, ctx) => {
      if (args.n === 'drop' && ctx.host === 'h2') throw new UnreachableError('h2', 'gone');
      return { changed: false };
    };
    await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t: TaskBuilder) => void t.block('b', (b) => void b.task('drop', p.module({ n: 'drop' })), { always: (a) => void a.task('always', p.module({ n: 'always' })) }) }]);
    expect(p.calls.filter((c) => c.args.n === 'always').map((c) => c.host).sort()).to.deep.equal(['h1', 'h3']);
  });

  it('flushHandlers runs the notified handlers at that point', async () => {
    const order: string[] = [];
    p.answer = (args, ctx) => {
      order.push(`${String(args.n)}:${ctx.host}`);
      return { changed: true };
    };
    await runPlays(inv, [
      {
        hosts: 'h1',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('notify', p.module({ n: 'notify' }), { notify: 'h' });
          t.flushHandlers();
          t.task('after', p.module({ n: 'after' }));
        },
        handlers: { h: p.module({ n: 'handler' }) },
      },
    ]);
    expect(order).to.deep.equal(['notify:h1', 'handler:h1', 'after:h1']);
  });

  it('handlers are not filtered by --tags: a tagged task notifies an untagged handler, which runs', async () => {
    await runPlays(
      inv,
      [
        {
          hosts: 'h1',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('tagged', p.module({ n: 'tagged' }), { tags: ['x'], changedWhen: 'true', notify: 'h' });
            t.task('untagged', p.module({ n: 'untagged' }));
          },
          handlers: { h: p.module({ n: 'handler' }) },
        },
      ],
      { tags: { tags: ['x'], skipTags: [] } },
    );
    expect(p.calls.map((c) => c.args.n)).to.deep.equal(['tagged', 'handler']);
  });

  it('anyErrorsFatal counts an unreachable host too, fails the whole batch, and exits 2', async () => {
    p.answer = (_a, ctx) => {
      if (ctx.host === 'h2') throw new UnreachableError('h2', 'gone');
      return { changed: false };
    };
    const retry = join(dir, 'r.retry');
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, anyErrorsFatal: true, tasks: (t: TaskBuilder) => { t.task('boom', p.module({})); t.task('after', p.module({ n: 'after' })); } }], { retryFile: retry });
    expect(run.stopped?.reason).to.equal("anyErrorsFatal: task 'boom' failed on h2");
    expect(p.calls.filter((c) => c.args.n === 'after')).to.have.length(0);
    expect(readFileSync(retry, 'utf8')).to.equal('h1\nh2\nh3\n');
    expect(run.exitCode).to.equal(2);
  });

  it('a run-once task whose host is unreachable ends the play too', async () => {
    p.answer = () => {
      throw new UnreachableError('h1', 'gone');
    };
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t: TaskBuilder) => { t.task('once', p.module({}), { runOnce: true }); t.task('after', p.module({ n: 'after' })); } }]);
    expect(run.stopped?.reason).to.equal("run-once task 'once' failed on h1");
    expect(p.calls).to.have.length(1);
  });
});
