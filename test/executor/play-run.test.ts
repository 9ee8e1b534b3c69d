import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { defineRole, roleVars, v, type TaskBuilder } from '../../lib/index.js';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { localRun, runPlays } from '../helpers/run.js';
import { probe, type Probe } from '../helpers/probe.js';

// A play from start to end (play.ts): fact gathering, names, skipped plays, how a run stops,
// roles listed twice or with options, handlers on failed hosts.

describe('executor: a play from start to end', () => {
  let cleanup: () => void;
  let inv: string;
  let p: Probe;
  beforeEach(() => {
    ({ inv, cleanup } = localRun(['h1', 'h2'], '[web]\nh1\nh2\n'));
    p = probe();
  });
  afterEach(() => cleanup());

  const task = (t: TaskBuilder) => void t.task('t', p.module({}));

  describe('facts', () => {
    it('gathers facts once per host for the run: a later play on the same hosts does not gather again', async () => {
      const run = await runPlays(inv, [
        { hosts: 'all', tasks: task },
        { hosts: 'h1', tasks: task },
      ]);
      const starts = run.of('task_start').filter((e) => e.task === 'Gathering Facts');
      expect(starts.map((e) => e.hosts)).to.deep.equal([['h1', 'h2']]);
      const lines = run.lines('Gathering Facts');
      expect(lines.map((l) => [l.host, l.status, l.changed]).sort()).to.deep.equal([
        ['h1', 'ok', false],
        ['h2', 'ok', false],
      ]);
      expect(lines[0].durationMs).to.be.within(0, 60000);
      expect(run.of('task_end').filter((e) => e.task === 'Gathering Facts')).to.have.length(1);
      // the facts are there for the tasks, as ansible_<name> and under ansible_facts
      const vars = p.calls[0].ctx.vars;
      expect(vars.ansible_system).to.equal('Linux');
      expect((vars.ansible_facts as Record<string, unknown>).system).to.equal('Linux');
      // gathering counts as an ok task, as in Ansible's recap
      expect(run.stats.h1.ok).to.equal(3);
      expect(run.stats.h2.ok).to.equal(2);
    });

    it('gatherFacts: false gathers nothing', async () => {
      const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: task }]);
      expect(run.events.some((e) => e.type === 'task_start' && e.task === 'Gathering Facts')).to.equal(false);
      expect(p.calls[0].ctx.vars.ansible_system).to.equal(undefined);
    });

    it('a host that cannot be reached while gathering is unreachable and does not run the tasks; the others go on', async () => {
      writeFileSync(inv, `h1 ansible_connection=local\ndown ansible_host=127.0.10.254 ansible_port=1 ansible_user=nobody\n`);
      const run = await runPlays(inv, [{ hosts: 'all', tasks: task }]);
      const lines = run.lines('Gathering Facts');
      const down = lines.find((l) => l.host === 'down')!;
      expect(down.status).to.equal('unreachable');
      expect(down.msg).to.be.a('string').and.not.equal('');
      expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
      expect(run.stats.down).to.include({ unreachable: 1, ok: 0 });
      expect(run.exitCode).to.equal(4);
    });
  });

  it('a host whose connection cannot be made (not unreachable) fails at gathering, saying why', async () => {
    writeFileSync(inv, `h1 ansible_connection=local\nodd ansible_connection=bogus\n`);
    const run = await runPlays(inv, [{ hosts: 'all', tasks: task }]);
    const odd = run.lines('Gathering Facts').find((e) => e.host === 'odd')!;
    expect(odd).to.include({ status: 'failed', changed: false, msg: "odd: ansible_connection 'bogus' is not supported (use ssh or local)" });
    expect(run.stats.odd).to.include({ failed: 1, unreachable: 0 });
    expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
    expect(run.exitCode).to.equal(2);
  });

  describe('names and skipped plays', () => {
    it("an unnamed play is named by its hosts, with its number after the first", async () => {
      const run = await runPlays(inv, [
        { hosts: 'web', gatherFacts: false, tasks: task },
        { hosts: 'h1', gatherFacts: false, tasks: task },
        { name: 'named', hosts: 'h2', gatherFacts: false, tasks: task },
        { hosts: () => 'h1', gatherFacts: false, tasks: task } as unknown as PlaySpec,
      ]);
      expect(run.of('play_start').map((e) => e.play)).to.deep.equal(['web', 'h1 #2', 'named', 'h1 #4']);
    });

    it('a play whose pattern matches nothing, or only hosts outside --limit, is skipped saying which', async () => {
      const run = await runPlays(inv, [
        { hosts: 'nomatch', gatherFacts: false, tasks: task },
        { hosts: 'web', gatherFacts: false, tasks: task },
        { hosts: 'h2', gatherFacts: false, tasks: task },
      ], { limit: 'h1' });
      expect(run.of('play_skipped').map((e) => [e.play, e.reason])).to.deep.equal([
        ['nomatch', "no host matches 'nomatch'"],
        ['h2 #3', 'all of its hosts (h2) are outside --limit h1'],
      ]);
      expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
    });
  });

  it('batch_start events name each batch of a serial play, and only when there are several', async () => {
    const serial = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, serial: 1, tasks: task }]);
    expect(serial.of('batch_start').map((e) => [e.play, e.batch, e.batches, e.hosts])).to.deep.equal([
      ['all', 1, 2, ['h1']],
      ['all', 2, 2, ['h2']],
    ]);
    const one = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, serial: 5, tasks: task }]);
    expect(one.of('batch_start')).to.deep.equal([]);
  });

  describe('how a run stops', () => {
    const failAll = (t: TaskBuilder) => {
      t.task('boom', p.module({}), { failedWhen: 'true' });
    };

    it('every host of the play failed: the run stops there, saying so; later plays do not run', async () => {
      const after = probe();
      const run = await runPlays(inv, [
        { hosts: 'all', gatherFacts: false, tasks: failAll },
        { hosts: 'all', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('later', after.module({})) },
      ]);
      expect(run.stopped?.reason).to.equal('every host of the play failed (h1, h2)');
      expect(after.calls).to.have.length(0);
      expect(run.exitCode).to.equal(2);
    });

    it('with serial, the batch whose hosts all failed is named, and later batches do not run', async () => {
      const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, serial: 1, tasks: failAll }]);
      expect(run.stopped?.reason).to.equal('every host of batch 1/2 failed (h1)');
      expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
      expect(run.stopped?.untouched).to.deep.equal(['h2']);
    });

    it('one host failing does not stop the others', async () => {
      const later = probe();
      const run = await runPlays(inv, [
        {
          hosts: 'all',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('boom', p.module({}), { failedWhen: "inventory_hostname == 'h1'" });
            t.task('later', later.module({}));
          },
        },
      ]);
      expect(run.stopped).to.equal(undefined);
      expect(later.calls.map((c) => c.host)).to.deep.equal(['h2']);
    });
  });

  describe('roles in a play', () => {
    it('a role listed twice with the same params runs once; with other params it runs again', async () => {
      const r = defineRole({ name: 'twice', vars: roleVars({ n: v.integer() }), defaults: { n: 0 }, tasks: (t) => void t.task('in role', p.module({ n: '{{ n }}' })) });
      await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, roles: [r, r, r.with({ n: 1 }), r.with({ n: 1 }), r.with({ n: 2 })] }]);
      expect(p.calls.map((c) => c.args.n)).to.deep.equal([0, 1, 2]);
    });

    it('a role entry\'s when, vars and tags apply to every task of the role', async () => {
      const r = defineRole({ name: 'opts', vars: roleVars({}), tasks: (t) => void t.task('in role', p.module({ who: '{{ who | default("nobody") }}' })) });
      const run = async (entry: Record<string, unknown>, tags: string[] = []) => {
        p.calls.length = 0;
        await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, roles: [{ role: r, ...entry } as never] }], { tags: { tags, skipTags: [] } });
        return p.calls.map((c) => c.args.who);
      };
      expect(await run({ when: 'false' })).to.deep.equal([]);
      expect(await run({ when: 'true' })).to.deep.equal(['nobody']);
      expect(await run({ vars: { who: 'entry' } })).to.deep.equal(['entry']);
      expect(await run({ tags: ['x'] }, ['x'])).to.deep.equal(['nobody']);
      expect(await run({ tags: ['x'] }, ['y'])).to.deep.equal([]);
      expect(await run({ environment: { A: '1' } }, ['y'])).to.deep.equal([]);
      expect(await run({ environment: { A: '1' } })).to.deep.equal(['nobody']);
    });

    it("a role's handlers may be a function of the role, and a role entry's vars reach them", async () => {
      const h = probe();
      const r = defineRole({
        name: 'web',
        vars: roleVars({}),
        handlers: (scope) => ({ [`${scope.role} restart`]: h.module({ port: '{{ port }}' }) }),
        tasks: (t) => void t.task('in role', p.module({}), { changedWhen: 'true', notify: 'web restart' }),
      });
      await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, roles: [{ role: r, vars: { port: 8080 } }] }]);
      expect(h.calls.map((c) => c.args.port)).to.deep.equal([8080]);
    });

    it("a handler's listen topics, one or several, notify it", async () => {
      const h = probe();
      await runPlays(inv, [
        {
          hosts: 'h1',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('a', p.module({}), { changedWhen: 'true', notify: 'topic-b' });
          },
          handlers: { one: { call: h.module({ n: 1 }), opts: { listen: 'topic-a' } }, two: { call: h.module({ n: 2 }), opts: { listen: ['topic-a', 'topic-b'] } } },
        },
      ]);
      expect(h.calls.map((c) => c.args.n)).to.deep.equal([2]);
    });
  });

  describe('handlers of a failed host', () => {
    const plays = (h: Probe): PlaySpec[] => [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('notify', p.module({}), { changedWhen: 'true', notify: 'h' });
          t.task('fail h1', p.module({}), { failedWhen: "inventory_hostname == 'h1'" });
        },
        handlers: { h: h.module({}) },
      },
    ];

    it('a role handler answers to "role : name" too', async () => {
      const h = probe();
      const r = defineRole({ name: 'svc', vars: roleVars({}), handlers: { restart: h.module({}) }, tasks: () => undefined });
      await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, roles: [r], tasks: (t: TaskBuilder) => void t.task('t', p.module({}), { changedWhen: 'true', notify: 'svc : restart' }) }]);
      expect(h.calls.map((c) => c.host)).to.deep.equal(['h1']);
    });

    it('a failed host that ran its handlers under forceHandlers stays failed', async () => {
      const h = probe();
      const later = probe();
      const run = await runPlays(inv, [...plays(h), { hosts: 'all', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('later', later.module({})) }], { forceHandlers: true });
      expect(h.calls.map((c) => c.host).sort()).to.deep.equal(['h1', 'h2']);
      expect(later.calls.map((c) => c.host)).to.deep.equal(['h2']);
      expect(run.stats.h1.failed).to.equal(1);
      expect(run.exitCode).to.equal(2);
    });

    it('are dropped, unless forceHandlers', async () => {
      const dropped = probe();
      await runPlays(inv, plays(dropped));
      expect(dropped.calls.map((c) => c.host)).to.deep.equal(['h2']);
      const forced = probe();
      await runPlays(inv, plays(forced), { forceHandlers: true });
      expect(forced.calls.map((c) => c.host).sort()).to.deep.equal(['h1', 'h2']);
    });
  });
});
