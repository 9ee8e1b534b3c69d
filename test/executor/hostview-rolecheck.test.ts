import { expect } from 'chai';
import { defineRole, roleVars, v, type TaskBuilder } from '../../lib/index.js';
import { localRun, runPlays } from '../helpers/run.js';
import { probe } from '../helpers/probe.js';

// The typed host view a task's functions get (hostview.ts) and the check of a role's declared
// variables when a task reads them (rolecheck.ts), with the words a user sees.

describe('host view and role variable checks', () => {
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    ({ inv, cleanup } = localRun(['h1', 'h2'], '[web]\nh1\n'));
  });
  afterEach(() => cleanup());

  it("h.result gives an earlier task's result, on this host or another; before it ran, or on no such host, it says so", async () => {
    const p = probe();
    p.answer = (_a, ctx) => ({ changed: false, on: ctx.host });
    const q = probe();
    const msgs: string[] = [];
    const plays = [
      {
        hosts: 'h1:h2',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          const first = t.task('first', p.module({}));
          t.task('read', q.module((h) => ({ mine: (h.result(first) as unknown as { on: string }).on, other: (h.result(first, 'h2') as unknown as { on: string }).on, groups: h.groupNames, web: h.groups.web, hv: h.hostvars('h2').inventory_hostname })));
          const later = { id: 987654, name: 'later' };
          t.task('too early', q.module((h) => ({ x: h.result(later as never) })), { ignoreErrors: true });
          t.task('no host', q.module((h) => ({ x: h.result(first, 'ghost') })), { ignoreErrors: true });
        },
      },
    ];
    const run = await runPlays(inv, plays);
    for (const task of ['too early', 'no host']) msgs.push(run.lines(task).find((e) => e.host === 'h1')!.msg!);
    expect(q.calls.filter((c) => c.host === 'h1').map((c) => c.args)).to.deep.equal([{ mine: 'h1', other: 'h2', groups: ['web'], web: ['h1'], hv: 'h2' }]);
    expect(msgs[0]).to.match(/task 'later' has not run on h1; read its result only after it ran \(or guard with a condition\)$/);
    expect(msgs[1]).to.match(/h\.result\('first', 'ghost'\): 'ghost' is not a host of this run$/);
  });

  it('a declared role variable with a bad value fails the task that reads it, naming host, role and variable', async () => {
    const p = probe();
    const r = defineRole({
      name: 'svc',
      vars: roleVars({ port: v.integer(), unused: v.integer() }),
      defaults: { port: 80, unused: 1 },
      tasks: (t) => {
        t.task('reads port', p.module({ port: '{{ port }}' }));
      },
    });
    const run = await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, roles: [r] }], { extraVars: { port: 'eighty', unused: 'never read' } });
    const line = run.lines('reads port')[0];
    expect(line.status).to.equal('failed');
    expect(line.msg).to.equal("host h1, role svc: variable 'port' must be integer (set it in the role's defaults, inventory, role params or -e)");
    expect(p.calls).to.have.length(0);
  });

  it('a good value is checked once per host and role, and used', async () => {
    const p = probe();
    const r = defineRole({ name: 'svc2', vars: roleVars({ port: v.integer() }), defaults: { port: 80 }, tasks: (t) => {
      t.task('one', p.module({ port: '{{ port }}' }));
      t.task('two', p.module({ port: '{{ port + 1 }}' }));
    } });
    await runPlays(inv, [{ hosts: 'h1:h2', gatherFacts: false, roles: [r] }]);
    expect(p.calls.map((c) => [c.host, c.args.port]).sort()).to.deep.equal([
      ['h1', 80],
      ['h1', 81],
      ['h2', 80],
      ['h2', 81],
    ]);
  });
});
