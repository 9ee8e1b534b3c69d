import { expect } from 'chai';
import { ModuleFailure, type TaskBuilder, type TaskOptions } from '../../lib/index.js';
import { UnreachableError } from '../../lib/connection/types.js';
import { CENSORED } from '../../lib/executor/task.js';
import type { RunOptions } from '../../lib/executor/context.js';
import { localRun, runPlays, type HostResult, type TestRun } from '../helpers/run.js';
import { probe, type Probe, type ProbeResult } from '../helpers/probe.js';

// What one task makes of its module's answers on a host: loop results, when, until/retries,
// ignore options, delegation, check/diff flags, argument rendering, error messages, noLog and
// secrets in item labels and diffs. A probe module stands in for the module (test/helpers/probe.ts),
// so every assertion is about the executor's own handling.

describe('executor: one task on one host (task.ts)', () => {
  let cleanup: () => void;
  let inv: string;
  let p: Probe;
  beforeEach(() => {
    ({ inv, cleanup } = localRun(['h1', 'h2'], '[all:vars]\nplain=visible\n'));
    p = probe();
  });
  afterEach(() => cleanup());

  /** The task under test on h1 (then `after`'s tasks); `lines` are the task's own host lines. */
  async function runTask(args: unknown, opts: TaskOptions, runOpts: Partial<RunOptions> = {}, after?: (t: TaskBuilder) => void): Promise<Omit<TestRun, 'lines'> & { lines: HostResult[] }> {
    const tasks = (t: TaskBuilder) => {
      t.task('under test', p.module(args as Record<string, unknown>), { register: 'r', ...opts } as TaskOptions);
      after?.(t);
    };
    const run = await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks }], runOpts);
    return { ...run, lines: run.lines('under test') };
  }

  const one = (args: unknown, opts: TaskOptions, runOpts: Partial<RunOptions> = {}) => runTask(args, opts, runOpts);

  /** Runs the task, then a second probe task on the same host that reads `r`; returns r. */
  async function registeredAfter(args: unknown, opts: TaskOptions, runOpts: Partial<RunOptions> = {}): Promise<{ run: Omit<TestRun, 'lines'>; r: Record<string, unknown>; lines: HostResult[] }> {
    const reader = probe();
    const run = await runTask(args, opts, runOpts, (t) => void t.task('read back', reader.module({})));
    // a failed task ends the host: nothing reads `r` then (the test looks at its line instead)
    return { run, r: (reader.calls.length ? reader.seen('r') : undefined) as Record<string, unknown>, lines: run.lines };
  }

  describe('loops', () => {
    it('registers every item with its loop var, changed when any item changed, and reports one line per item', async () => {
      p.answer = (args) => ({ changed: args.v === 'b' });
      const { r, lines, run } = await registeredAfter({ v: '{{ item }}' }, { loop: ['a', 'b', 'c'] });
      expect(r).to.deep.equal({
        changed: true,
        results: [
          { changed: false, item: 'a', ansible_loop_var: 'item' },
          { changed: true, item: 'b', ansible_loop_var: 'item' },
          { changed: false, item: 'c', ansible_loop_var: 'item' },
        ],
      });
      // items only: a loop that neither failed nor was empty has no summary line
      expect(lines.map((l) => [l.status, l.item])).to.deep.equal([
        ['ok', 'a'],
        ['changed', 'b'],
        ['ok', 'c'],
      ]);
      // ok counts changed tasks too, as Ansible's recap does; the reading task is the other
      expect(run.stats.h1).to.include({ changed: 1, ok: 2 });
    });

    it('a loop where no item changed is ok, not changed', async () => {
      const { r, run } = await registeredAfter({}, { loop: ['a', 'b'] });
      expect(r.changed).to.equal(false);
      expect(r).to.not.have.any.keys('failed', 'skipped', 'msg');
      expect(run.stats.h1).to.include({ changed: 0, ok: 2, skipped: 0 });
    });

    it('labels items as Ansible prints them: scalars as text, anything else as JSON', async () => {
      const { lines } = await registeredAfter({}, { loop: ['s', 7, true, null, { k: 1 }, [1, 2], { n: null }] });
      expect(lines.map((l) => l.item)).to.deep.equal(['s', '7', 'true', 'null', '{"k":1}', '[1,2]', '{"n":null}']);
    });

    it('gives each item ansible_loop (index, index0, first, last, length), and loopVar/indexVar under their names', async () => {
      const seen: unknown[] = [];
      p.answer = (_a, ctx) => {
        seen.push([ctx.vars.x, ctx.vars.i, ctx.vars.ansible_loop, ctx.vars.ansible_loop_var, ctx.vars.ansible_index_var]);
        return { changed: false };
      };
      const { r } = await registeredAfter({}, { loop: ['p', 'q', 'r'], loopControl: { loopVar: 'x', indexVar: 'i' } });
      expect(seen).to.deep.equal([
        ['p', 0, { index: 1, index0: 0, first: true, last: false, length: 3 }, 'x', 'i'],
        ['q', 1, { index: 2, index0: 1, first: false, last: false, length: 3 }, 'x', 'i'],
        ['r', 2, { index: 3, index0: 2, first: false, last: true, length: 3 }, 'x', 'i'],
      ]);
      expect((r.results as unknown[])[1]).to.deep.equal({ changed: false, x: 'q', item: 'q', ansible_loop_var: 'x', i: 1, ansible_index_var: 'i' });
    });

    it('a one-item loop is both first and last', async () => {
      p.answer = (_a, ctx) => ({ changed: false, loop: ctx.vars.ansible_loop });
      const { r } = await registeredAfter({}, { loop: ['only'] });
      expect((r.results as Record<string, unknown>[])[0].loop).to.deep.equal({ index: 1, index0: 0, first: true, last: true, length: 1 });
    });

    it('takes the loop from a template that gives a list, and from a function of the host', async () => {
      const a = await registeredAfter({ v: '{{ item }}' }, { loop: '{{ [plain, "x"] }}' });
      expect((a.r.results as Record<string, unknown>[]).map((x) => x.item)).to.deep.equal(['visible', 'x']);
      p.calls.length = 0;
      const b = await registeredAfter({ v: '{{ item }}' }, { loop: (h) => [h.name, 'y'] });
      expect(p.calls.map((c) => c.args.v)).to.deep.equal(['h1', 'y']);
      expect((b.r.results as unknown[]).length).to.equal(2);
    });

    it('a loop that does not give a list fails the task, saying what it gave', async () => {
      const { lines, run } = await registeredAfter({}, { loop: '{{ plain }}' });
      expect(p.calls).to.have.length(0);
      expect(lines).to.have.length(1);
      expect(lines[0].status).to.equal('failed');
      expect(lines[0].msg).to.match(/^task 'under test' at .*task-outcomes\.test\.ts:\d+: loop must give a list, got string$/);
      expect(lines[0].result).to.deep.equal({ changed: false, failed: true, msg: lines[0].msg });
      expect(run.exitCode).to.equal(2);
    });

    it('an empty loop is skipped with "No items in the list", on the task line', async () => {
      const { r, lines, run } = await registeredAfter({}, { loop: [] });
      expect(r).to.deep.equal({ changed: false, results: [], skipped: true, skipped_reason: 'No items in the list' });
      expect(lines.map((l) => [l.status, l.item])).to.deep.equal([['skipped', undefined]]);
      expect(run.stats.h1).to.include({ skipped: 1, ok: 1 });
    });

    it('an item whose when is false is skipped (changed false), the others run; all skipped makes the task skipped', async () => {
      const some = await registeredAfter({ v: '{{ item }}' }, { loop: ['a', 'b'], when: 'item != "b"' });
      expect(p.calls.map((c) => c.args.v)).to.deep.equal(['a']);
      expect(some.r).to.deep.equal({
        changed: false,
        results: [
          { changed: false, item: 'a', ansible_loop_var: 'item' },
          { changed: false, skipped: true, item: 'b', ansible_loop_var: 'item' },
        ],
      });
      expect(some.lines.map((l) => l.status)).to.deep.equal(['ok', 'skipped']);
      const none = await registeredAfter({}, { loop: ['a', 'b'], when: 'item == "z"' });
      expect(none.r.skipped).to.equal(true);
      expect(none.r).to.not.have.property('skipped_reason');
      expect(none.run.stats.h1).to.include({ skipped: 1, ok: 1 });
    });

    it('one failed item fails the task with "One or more items failed" and a summary line; ignoreErrors makes it ignored', async () => {
      p.answer = (args) => (args.v === 'bad' ? { changed: true, failed: true, msg: 'item broke' } : { changed: true });
      const failed = await registeredAfter({ v: '{{ item }}' }, { loop: ['ok', 'bad', 'after'] });
      expect(p.calls.map((c) => c.args.v), 'a failed item does not stop the loop').to.deep.equal(['ok', 'bad', 'after']);
      expect(failed.lines.map((l) => [l.status, l.item ?? 'task'])).to.deep.equal([
        ['changed', 'ok'],
        ['failed', 'bad'],
        ['changed', 'after'],
        ['failed', 'task'],
      ]);
      expect(failed.lines[3].msg).to.equal('One or more items failed');
      expect(failed.lines[3].result).to.include({ failed: true, changed: true, msg: 'One or more items failed' });
      expect(failed.run.stats.h1.failed).to.equal(1);
      p.calls.length = 0;
      const ignored = await registeredAfter({ v: '{{ item }}' }, { loop: ['ok', 'bad'], ignoreErrors: true });
      expect(ignored.lines.map((l) => l.status)).to.deep.equal(['changed', 'failed', 'ignored']);
      expect(ignored.r).to.include({ failed: true, msg: 'One or more items failed' });
      expect(ignored.run.stats.h1).to.include({ failed: 0, ignored: 1 });
      expect(ignored.run.exitCode).to.equal(0);
    });

    it('an unreachable item ends the loop: the task is unreachable, with the items so far', async () => {
      p.answer = (args) => {
        if (args.v === 'down') throw new UnreachableError('h1', 'connection lost');
        return { changed: false };
      };
      const { lines, run } = await registeredAfter({ v: '{{ item }}' }, { loop: ['up', 'down', 'never'] });
      expect(p.calls.map((c) => c.args.v)).to.deep.equal(['up', 'down']);
      expect(lines.map((l) => [l.status, l.item ?? 'task'])).to.deep.equal([
        ['ok', 'up'],
        ['unreachable', 'down'],
        ['unreachable', 'task'],
      ]);
      expect(lines[2].result).to.include({ unreachable: true });
      expect((lines[2].result!.results as unknown[]).length).to.equal(2);
      expect(run.stats.h1.unreachable).to.equal(1);
      expect(run.exitCode).to.equal(4);
    });
  });

  describe('when, until, ignore options', () => {
    it('a false when skips the task: registered as Ansible does, module never called', async () => {
      const { r, lines } = await registeredAfter({}, { when: 'plain == "other"' });
      expect(p.calls).to.have.length(0);
      expect(r).to.deep.equal({ changed: false, skipped: true, skip_reason: 'Conditional result was False' });
      expect(lines.map((l) => l.status)).to.deep.equal(['skipped']);
    });

    it('until retries until the condition holds and records the attempts', async () => {
      p.answer = (_a, _c, n) => ({ changed: false, n });
      const { r, run } = await registeredAfter({}, { until: 'r.n >= 2', retries: 5, delay: 0 });
      expect(p.calls).to.have.length(2);
      expect(r).to.deep.equal({ changed: false, n: 2, attempts: 2 });
      const retries = run.events.filter((e) => e.type === 'retry');
      expect(retries).to.deep.equal([{ type: 'retry', task: 'under test', host: 'h1', attempt: 1, retries: 6, msg: undefined }]);
    });

    it('out of retries: failed, attempts is the retry count, msg says so when the module gave none', async () => {
      const { r, lines } = await registeredAfter({}, { until: 'false', retries: 2, delay: 0, ignoreErrors: true });
      expect(p.calls).to.have.length(3);
      expect(r).to.deep.equal({ changed: false, attempts: 2, failed: true, msg: 'retries exhausted (3 attempts)' });
      expect(lines[0].status).to.equal('ignored');
    });

    it('out of retries keeps the module message; retries defaults to 3 (four tries)', async () => {
      p.answer = () => ({ changed: false, msg: 'not yet' });
      const { lines } = await registeredAfter({}, { until: 'false', delay: 0 });
      expect(p.calls).to.have.length(4);
      expect(lines[0].status).to.equal('failed');
      expect(lines[0].result).to.include({ attempts: 3, failed: true, msg: 'not yet' });
    });

    it('retries 0 is a single try that is not "out of attempts"', async () => {
      const { r, lines } = await registeredAfter({}, { until: 'false', retries: 0, delay: 0 });
      expect(p.calls).to.have.length(1);
      expect(r).to.deep.equal({ changed: false, attempts: 1 });
      expect(lines[0].status).to.equal('ok');
    });

    it('an unreachable host is not retried', async () => {
      p.answer = () => {
        throw new UnreachableError('h1', 'gone');
      };
      const { lines } = await registeredAfter({}, { until: 'false', retries: 3, delay: 0 });
      expect(p.calls).to.have.length(1);
      expect(lines[0].status).to.equal('unreachable');
    });

    it('unreachable: registered with unreachable true and the message; ignoreUnreachable makes it ignored and the play goes on', async () => {
      p.answer = () => {
        throw new UnreachableError('h1', 'ssh: connect refused');
      };
      const down = await one({}, {});
      expect(down.lines.map((l) => l.status)).to.deep.equal(['unreachable']);
      expect(down.lines[0].result).to.deep.equal({ changed: false, unreachable: true, _unreachable: true, msg: 'ssh: connect refused' });
      expect(down.exitCode).to.equal(4);
      const ignored = await registeredAfter({}, { ignoreUnreachable: true });
      expect(ignored.lines.map((l) => l.status)).to.deep.equal(['ignored']);
      expect(ignored.r).to.deep.equal({ changed: false, unreachable: true, msg: 'ssh: connect refused' });
    });

    it('ignoreUnreachable does not ignore a failure, nor ignoreErrors an unreachable host', async () => {
      p.answer = () => ({ changed: false, failed: true, msg: 'plain failure' });
      expect((await one({}, { ignoreUnreachable: true })).lines.map((l) => l.status)).to.deep.equal(['failed']);
      p.answer = () => {
        throw new UnreachableError('h1', 'gone');
      };
      expect((await one({}, { ignoreErrors: true })).lines.map((l) => l.status)).to.deep.equal(['unreachable']);
    });

    it('a module answer of failed or skipped sets the status', async () => {
      p.answer = () => ({ changed: true, failed: true, msg: 'no' });
      const failed = await registeredAfter({}, {});
      expect(failed.lines[0]).to.include({ status: 'failed', msg: 'no', changed: true });
      p.answer = () => ({ changed: false, skipped: true, msg: 'not here' });
      const skipped = await registeredAfter({}, {});
      expect(skipped.lines[0]).to.include({ status: 'skipped', msg: 'not here' });
    });

    it('notifies when changed, not when failed or unchanged', async () => {
      const handler = probe();
      const answers: ProbeResult[] = [{ changed: true }, { changed: false }, { changed: true, failed: true }];
      const runs: string[][] = [];
      for (const a of answers) {
        p.answer = () => a;
        handler.calls.length = 0;
        await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('under test', p.module({}), { notify: 'restart' }), handlers: { restart: handler.module({}) } }]);
        runs.push(handler.calls.map((c) => c.host));
      }
      expect(runs).to.deep.equal([['h1'], [], []]);
    });
  });

  it('a when, a loop item\'s when, an until or a label that cannot be evaluated names itself and the task', async () => {
    const cases: [TaskOptions, RegExp][] = [
      [{ when: 'nope_w.x' }, /^when of task 'under test' at \S+/],
      [{ loop: [1], when: 'nope_w2.x' }, /^when of task 'under test' at \S+/],
      [{ until: 'nope_u.x', retries: 1, delay: 0 }, /^until of task 'under test' at \S+/],
      [{ loop: [1], loopControl: { label: '{{ nope_l }}' } }, /^loopControl\.label of task 'under test' at \S+/],
      [{ loop: '{{ nope_loop }}' }, /^loop of task 'under test' at \S+/],
      [{ delegateTo: '{{ nope_d }}' }, /^delegateTo of task 'under test' at \S+/],
    ];
    for (const [opts, re] of cases) {
      const { lines } = await one({}, opts);
      const failed = lines.filter((l) => l.status === 'failed');
      expect(failed, JSON.stringify(opts)).to.have.length.greaterThan(0);
      expect(failed.at(-1)!.msg, JSON.stringify(opts)).to.match(re);
    }
  });

  describe('delegation, check and diff', () => {
    it('delegateTo a host of the inventory runs with that host named on the line; the registered result does not carry it', async () => {
      const { lines, r } = await registeredAfter({}, { delegateTo: '{{ "h" ~ 2 }}' });
      expect(lines[0].delegatedTo).to.equal('h2');
      expect(r).to.deep.equal({ changed: false });
      expect(p.calls[0].host).to.equal('h1');
    });

    it('delegateTo localhost (not in the inventory) runs locally; an unknown host fails before the module', async () => {
      const local = await registeredAfter({}, { delegateTo: 'localhost' });
      expect(local.lines[0]).to.include({ status: 'ok', delegatedTo: 'localhost' });
      p.calls.length = 0;
      const bad = await registeredAfter({}, { delegateTo: 'nosuch' });
      expect(p.calls).to.have.length(0);
      expect(bad.lines[0].status).to.equal('failed');
      expect(bad.lines[0].msg).to.match(/^task 'under test' at \S+: delegateTo 'nosuch' is not a host of the inventory$/);
    });

    it('checkMode on the task wins over the run, both ways; diff follows the run unless noLog', async () => {
      await one({}, { checkMode: true });
      await one({}, { checkMode: false }, { check: true });
      await one({}, {}, { check: true, diff: true });
      await one({}, {}, { check: false });
      await one({}, { noLog: true }, { diff: true });
      expect(p.calls.map((c) => [c.check, c.diff])).to.deep.equal([
        [true, false],
        [false, false],
        [true, true],
        [false, false],
        [false, false],
      ]);
    });

    it('async on a module that does not run one command fails, naming the modules that take it', async () => {
      const { lines } = await registeredAfter({}, { async: 10, poll: 1 });
      expect(p.calls).to.have.length(0);
      expect(lines[0].msg).to.match(/^task 'under test' at \S+, host h1: option async: module probe does not take it \(tsplay runs async only for modules that run one command: command, shell(, \w+)*\)$/);
    });
  });

  describe('arguments and errors', () => {
    it('renders every string leaf of the args (nested dicts and lists), leaves raw args and non-strings alone', async () => {
      await one({ a: '{{ plain }}', list: ['{{ plain }}-1', 2], nested: { deep: { x: '{{ plain | upper }}' } }, raw: '{{ plain }}', n: 3, yes: true, none: null }, {});
      expect(p.calls[0].args).to.deep.equal({ a: 'visible', list: ['visible-1', 2], nested: { deep: { x: 'VISIBLE' } }, raw: '{{ plain }}', n: 3, yes: true, none: null });
    });

    it('an undefined variable names the argument path: dict key, list index', async () => {
      const a = await one({ nested: { deep: '{{ nope }}' } }, {});
      expect(a.lines[0].status).to.equal('failed');
      expect(a.lines[0].msg).to.match(/^task 'under test' at test\/executor\/task-outcomes\.test\.ts:\d+ arg nested\.deep:1: host h1: undefined variable 'nope'$/);
      const b = await one({ list: ['ok', '{{ nope2 }}'] }, {});
      expect(b.lines[0].msg).to.match(/ arg list\[1\]:1: host h1: undefined variable 'nope2'$/);
      expect(p.calls).to.have.length(0);
    });

    it('args given by a function of the host are rendered too', async () => {
      await one((h: { name: string }) => ({ who: `{{ plain }}@${h.name}` }), {});
      expect(p.calls[0].args).to.deep.equal({ who: 'visible@h1' });
    });

    it('a module error names task, source and host; a ModuleFailure keeps its own message and result keys', async () => {
      p.answer = () => {
        throw new Error('boom');
      };
      const crash = await registeredAfter({}, { ignoreErrors: true });
      expect(crash.r.msg).to.match(/^task 'under test' at \S+task-outcomes\.test\.ts:\d+, host h1: boom$/);
      expect(crash.r).to.include({ failed: true, changed: false });
      p.answer = () => {
        throw new ModuleFailure('cannot do it', { rc: 3, changed: true });
      };
      const failure = await registeredAfter({}, { ignoreErrors: true });
      expect(failure.r).to.deep.equal({ rc: 3, changed: false, failed: true, msg: 'cannot do it' });
      p.answer = () => {
        throw 'a string';
      };
      const odd = await registeredAfter({}, { ignoreErrors: true });
      expect(odd.r.msg).to.match(/, host h1: a string$/);
    });

    it('a changedWhen that cannot be evaluated is what the failed line says', async () => {
      const { lines } = await registeredAfter({}, { changedWhen: 'nope_var.x' });
      expect(lines[0].status).to.equal('failed');
      expect(lines[0].msg).to.equal(lines[0].result!.changed_when_result);
      expect(lines[0].msg).to.contain('nope_var');
    });

    it('the words of a condition that cannot be evaluated: which condition, and the error', async () => {
      const thrower = () => {
        throw new Error('fn broke');
      };
      const a = await registeredAfter({}, { changedWhen: 'nope_c.x', ignoreErrors: true });
      expect(a.r.changed_when_result).to.match(/^The conditional check 'nope_c\.x' failed\. The error was: changedWhen of task 'under test' at \S+/);
      const b = await registeredAfter({}, { failedWhen: ['true', thrower] as never, ignoreErrors: true });
      expect(b.r.failed_when_result).to.equal("The conditional check 'true', (a function) failed. The error was: fn broke");
      expect(b.r.failed).to.equal(true);
      const c = await registeredAfter({}, { failedWhen: 'nope_f.x', ignoreErrors: true });
      expect(c.r.failed_when_result).to.match(/^The conditional check 'nope_f\.x' failed\. The error was: failedWhen of task 'under test' at \S+/);
    });

    it('changedWhen and failedWhen leave a skipped result alone', async () => {
      p.answer = () => ({ changed: false, skipped: true, msg: 'skip me' });
      const { lines } = await one({}, { failedWhen: 'true', changedWhen: 'true' });
      expect(lines[0].status).to.equal('skipped');
      expect(lines[0].result).to.deep.equal({ changed: false, skipped: true, msg: 'skip me' });
    });

    it('a failedWhen error is what the line says too', async () => {
      const { lines } = await registeredAfter({}, { failedWhen: 'nope_var2.x' });
      expect(lines[0].status).to.equal('failed');
      expect(lines[0].msg).to.equal(lines[0].result!.failed_when_result);
    });
  });

  describe('noLog and secrets', () => {
    it('noLog: the line shows the censored result and no message; the register keeps the real one; logs are censored', async () => {
      p.answer = (_a, ctx) => {
        ctx.log('the log line');
        return { changed: true, msg: 'private words', data: 'private-data-1' };
      };
      const { r, lines, run } = await registeredAfter({}, { noLog: true });
      expect(lines[0].result).to.deep.equal({ censored: CENSORED, changed: true });
      expect(lines[0].msg).to.equal(undefined);
      expect(lines[0].changed).to.equal(true);
      expect(r).to.deep.equal({ changed: true, msg: 'private words', data: 'private-data-1' });
      const logs = run.events.filter((e) => e.type === 'log' && e.task === 'under test');
      expect(logs).to.deep.equal([{ type: 'log', host: 'h1', task: 'under test', message: '(censored)' }]);
    });

    it('noLog from a variable: false shows the result, true hides it', async () => {
      p.answer = () => ({ changed: false, msg: 'shown' });
      const shown = await one({}, { noLog: '{{ plain == "x" }}' } as TaskOptions);
      expect(shown.lines[0].msg).to.equal('shown');
      const hidden = await one({}, { noLog: '{{ plain == "visible" }}' } as TaskOptions);
      expect(hidden.lines[0].msg).to.equal(undefined);
      expect(hidden.lines[0].result).to.deep.equal({ censored: CENSORED, changed: false });
    });

    it('noLog loop items are shown as (censored)', async () => {
      const { lines } = await registeredAfter({}, { loop: ['one', 'two'], noLog: true });
      expect(lines.map((l) => l.item)).to.deep.equal(['(censored)', '(censored)']);
    });

    it('an item that carries a registered secret (as text, number, or inside a dict) is censored; the others are shown', async () => {
      const token = `tok-${process.pid}-${Date.now()}`;
      const num = 700000 + (process.pid % 1000);
      const reader = probe();
      p.answer = () => ({ changed: false, value: token, num });
      const plays = [
        {
          hosts: 'h1',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('secret source', p.module({}), { noLog: true, register: 'hidden' });
            t.task('items', reader.module({}), { loop: ['plain-item', token, num, { nested: { k: token } }, { [token]: 1 }, { safe: 'x' }, { safe: 'x', other: token }] });
          },
        },
      ];
      const run = await runPlays(inv, plays);
      const items = run.lines('items').map((e) => e.item);
      expect(items).to.deep.equal(['plain-item', '(censored)', '(censored)', '(censored)', '(censored)', '{"safe":"x"}', '(censored)']);
    });

    it('a loop rendered from a secret variable censors every item, and the failed summary hides them while the register keeps them', async () => {
      const reader = probe();
      reader.answer = (args) => ({ changed: false, failed: args.v === 'b2', msg: 'x' });
      const after = probe();
      const plays = [
        {
          hosts: 'h1',
          gatherFacts: false,
          vars: { my_secret: ['a1', 'b2'] },
          tasks: (t: TaskBuilder) => {
            t.task('items', reader.module({ v: '{{ it }}' }), { loop: '{{ my_secret }}', loopControl: { loopVar: 'it' }, register: 'out', ignoreErrors: true });
            t.task('after', after.module({}));
          },
        },
      ];
      const run = await runPlays(inv, plays);
      const lines = run.lines('items');
      expect(lines.map((l) => [l.status, l.item ?? 'task'])).to.deep.equal([
        ['ok', '(censored)'],
        ['failed', '(censored)'],
        ['ignored', 'task'],
      ]);
      const shown = lines[2].result!.results as Record<string, unknown>[];
      expect(shown.map((x) => [x.item, x.it])).to.deep.equal([
        ['(censored)', '(censored)'],
        ['(censored)', '(censored)'],
      ]);
      const kept = (after.seen('out') as { results: Record<string, unknown>[] }).results;
      expect(kept.map((x) => [x.item, x.it])).to.deep.equal([
        ['a1', 'a1'],
        ['b2', 'b2'],
      ]);
    });

    it('a loopControl label is shown, unless it is rendered from a secret or holds one', async () => {
      const reader = probe();
      const plays = [
        {
          hosts: 'h1',
          gatherFacts: false,
          vars: { db_password: 'pw-label-9931' },
          tasks: (t: TaskBuilder) => {
            t.task('plain label', reader.module({}), { loop: [{ n: 'a' }], loopControl: { label: '{{ item.n }}' } });
            t.task('secret label', reader.module({}), { loop: [{ n: 'a' }], loopControl: { label: '{{ db_password }}' } });
            t.task('fn label', reader.module({}), { loop: [{ n: 'b' }], loopControl: { label: (i: { n: string }) => `n=${i.n}` } });
            t.task('fn label secret', reader.module({}), { loop: [{ n: 'pw-label-9931' }], loopControl: { label: (i: { n: string }) => i.n } });
          },
        },
      ];
      const run = await runPlays(inv, plays);
      const item = (task: string) => run.lines(task).map((e) => e.item);
      expect(item('plain label')).to.deep.equal(['a']);
      expect(item('secret label')).to.deep.equal(['(censored)']);
      expect(item('fn label')).to.deep.equal(['n=b']);
      expect(item('fn label secret')).to.deep.equal(['(censored)']);
    });

    it('a diff of content rendered from a secret says it changed and shows neither side; other diffs are shown', async () => {
      p.answer = (args) => ({
        changed: true,
        diff: [
          { path: '/x', before: 'old\n', after: String(args.content) },
          { path: '/same', before: 'same\n', after: 'same\n' },
          { path: '/new', after: 'n\n' },
          { path: '/attrs', attrs: { mode: { before: '0644', after: '0600' } } },
        ],
      });
      const plays = [
        {
          hosts: 'h1',
          gatherFacts: false,
          vars: { api_token: 'tok-diff-88123' },
          tasks: (t: TaskBuilder) => {
            t.task('secret', p.module({ content: 'key={{ api_token }}\n' }));
            t.task('plain', p.module({ content: 'key={{ plain }}\n' }));
          },
        },
      ];
      const run = await runPlays(inv, plays, { diff: true });
      const diff = (task: string) => run.lines(task)[0].diff;
      expect(diff('secret')).to.deep.equal([
        { path: '/x', before: '[content rendered from secret values: not shown]\n', after: '[content rendered from secret values: changed, not shown]\n' },
        { path: '/same', before: '[content rendered from secret values: not shown]\n', after: '[content rendered from secret values: not shown]\n' },
        { path: '/new', before: undefined, after: '[content rendered from secret values: changed, not shown]\n' },
        { path: '/attrs', attrs: { mode: { before: '0644', after: '0600' } } },
      ]);
      expect(diff('plain')![0]).to.deep.equal({ path: '/x', before: 'old\n', after: 'key=visible\n' });
    });

    it('a module render that reads a secret hides the diff too', async () => {
      p.answer = (_a, ctx) => ({ changed: true, diff: [{ path: '/t', before: 'a\n', after: ctx.render('v={{ api_token }}\n', 'inline') }] });
      const plays = [{ hosts: 'h1', gatherFacts: false, vars: { api_token: 'tok-render-55411' }, tasks: (t: TaskBuilder) => void t.task('t', p.module({})) }];
      const run = await runPlays(inv, plays, { diff: true });
      const line = run.lines('t')[0];
      expect(line.diff).to.deep.equal([{ path: '/t', before: '[content rendered from secret values: not shown]\n', after: '[content rendered from secret values: changed, not shown]\n' }]);
    });
  });

  describe('noLog before its value is known, and what a line shows', () => {
    it('a noLog whose template fails hides the failure line too (the value might have been true)', async () => {
      p.answer = () => ({ changed: false, msg: 'never' });
      const { lines } = await one({}, { noLog: '{{ nope_flag }}' } as TaskOptions);
      expect(p.calls).to.have.length(0);
      expect(lines.map((l) => l.status)).to.deep.equal(['failed']);
      expect(lines[0].msg).to.equal(undefined);
      expect(lines[0].result).to.deep.equal({ censored: CENSORED, changed: false });
    });

    it('noLog: false (literal) shows the line', async () => {
      p.answer = () => ({ changed: false, msg: 'seen' });
      const { lines } = await one({}, { noLog: false });
      expect(lines[0].msg).to.equal('seen');
      expect(lines[0].result).to.deep.equal({ changed: false, msg: 'seen' });
    });

    it('a message that is not text is not the line message; the duration is the task time', async () => {
      p.answer = () => ({ changed: false, msg: { not: 'text' } as unknown as string });
      const before = Date.now();
      const { lines } = await one({}, {});
      expect(lines[0].msg).to.equal(undefined);
      expect(lines[0].durationMs).to.be.within(0, Date.now() - before);
    });

    it('a noLog result registered under a name makes what is read from it a secret, however short', async () => {
      const reader = probe();
      p.answer = () => ({ changed: false, v: 'ab' });
      const plays = [
        {
          hosts: 'h1',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('source', p.module({}), { noLog: true, register: 'short_one' });
            t.task('items', reader.module({}), { loop: '{{ [short_one.v, "cd"] }}' });
          },
        },
      ];
      const run = await runPlays(inv, plays);
      expect(run.lines('items').map((e) => e.item)).to.deep.equal(['(censored)', '(censored)']);
      expect(reader.calls.map((c) => c.ctx.vars.item)).to.deep.equal(['ab', 'cd']);
    });

    it('a failed loop summary hides only the items that carried a secret', async () => {
      const token = `tok-sum-${process.pid}`;
      const reader = probe();
      reader.answer = (args) => ({ changed: false, failed: args.v === 'fail', msg: 'm' });
      p.answer = () => ({ changed: false, value: token });
      const plays = [
        {
          hosts: 'h1',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('source', p.module({}), { noLog: true, register: 'src' });
            t.task('items', reader.module({ v: '{{ item.v }}' }), { loop: [{ v: 'fail', s: 'plain' }, { v: 'ok', s: token }, { v: 'ok', k: 'x', s2: token }] });
          },
        },
      ];
      const run = await runPlays(inv, plays);
      const summary = run.lines('items').find((e) => e.item === undefined)!;
      expect(summary.status).to.equal('failed');
      expect((summary.result!.results as Record<string, unknown>[]).map((r) => r.item)).to.deep.equal([{ v: 'fail', s: 'plain' }, '(censored)', '(censored)']);
    });

    it('loopControl pause waits between items, not before the first', async () => {
      const at: number[] = [];
      p.answer = () => {
        at.push(Date.now());
        return { changed: false };
      };
      const start = Date.now();
      await one({}, { loop: ['a', 'b'], loopControl: { pause: 1 } });
      expect(at[1] - at[0]).to.be.at.least(950);
      expect(at[0] - start, 'no pause before the first item').to.be.below(at[1] - at[0]);
    });

    it('until waits delay seconds between tries', async () => {
      const at: number[] = [];
      p.answer = (_a, _c, n) => {
        at.push(Date.now());
        return { changed: false, n };
      };
      await one({}, { until: 'r.n >= 2', retries: 3, delay: 1 });
      expect(at).to.have.length(2);
      expect(at[1] - at[0]).to.be.at.least(950);
    });
  });

  describe('run once and facts', () => {
    it('facts set by a runOnce task reach every host of the batch; without runOnce only the host', async () => {
      const reader = probe();
      p.answer = (_a, ctx) => {
        ctx.setFacts({ picked: ctx.host });
        return { changed: false };
      };
      const plays = [
        {
          hosts: 'h1:h2',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('once', p.module({}), { runOnce: true });
            t.task('read', reader.module({}));
          },
        },
      ];
      await runPlays(inv, plays);
      expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
      expect(reader.calls.map((c) => [c.host, c.ctx.vars.picked])).to.deep.equal([
        ['h1', 'h1'],
        ['h2', 'h1'],
      ]);
      const each = probe();
      each.answer = (_a, ctx) => {
        ctx.setFacts({ mine: ctx.host });
        return { changed: false };
      };
      const reader2 = probe();
      await runPlays(inv, [{ hosts: 'h1:h2', gatherFacts: false, tasks: (t: TaskBuilder) => { t.task('each', each.module({})); t.task('read', reader2.module({})); } }]);
      expect(reader2.calls.map((c) => c.ctx.vars.mine)).to.deep.equal(['h1', 'h2']);
    });
  });
});
