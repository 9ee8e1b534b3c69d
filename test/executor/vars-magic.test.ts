import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, roleVars, v, type TaskBuilder } from '../../lib/index.js';
import { runPlays, scratch } from '../helpers/run.js';
import { probe, type Probe } from '../helpers/probe.js';

// The variables the executor adds to a host's own (vars.ts): magic vars, hostvars, the play's
// host lists, a role's name and path, typed role variables given as strings, function defaults.

describe('executor vars: magic variables, hostvars, typed role variables', () => {
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  let p: Probe;
  beforeEach(() => {
    ({ dir, cleanup } = scratch());
    // the host on a two-digit line: inventory_file must lose the whole ":12"
    const lines = ['# hosts', '', '[web]', 'web1.example.com ansible_connection=local x=1', 'h2 ansible_connection=local x=2', 'h3 ansible_connection=local x=3'];
    while (lines.length < 11) lines.splice(2, 0, '# padding');
    lines.push('late ansible_connection=local x=12');
    inv = join(dir, 'inv', 'hosts.ini');
    mkdirSync(join(dir, 'inv'));
    writeFileSync(inv, lines.join('\n') + '\n');
    p = probe();
  });
  afterEach(() => cleanup());

  const seen = (host: string, name: string) => p.calls.find((c) => c.host === host)!.ctx.vars[name];

  it('inventory_hostname(_short), inventory_file and inventory_dir (absolute, line number dropped), verbosity', async () => {
    await runPlays(inv, [{ hosts: 'web1.example.com:late', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('t', p.module({})) }], { verbosity: 2 });
    expect(seen('web1.example.com', 'inventory_hostname')).to.equal('web1.example.com');
    expect(seen('web1.example.com', 'inventory_hostname_short')).to.equal('web1');
    expect(seen('late', 'inventory_hostname_short')).to.equal('late');
    expect(seen('late', 'inventory_file')).to.equal(inv);
    expect(seen('late', 'inventory_dir')).to.equal(join(dir, 'inv'));
    expect(seen('web1.example.com', 'inventory_file')).to.equal(inv);
    expect(seen('late', 'ansible_verbosity')).to.equal(2);
    p.calls.length = 0;
    await runPlays(inv, [{ hosts: 'late', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('t', p.module({})) }]);
    expect(seen('late', 'ansible_verbosity')).to.equal(0);
  });

  it('hostvars: every host of the run by name, with its vars; no other key', async () => {
    await runPlays(inv, [
      {
        hosts: 'h2',
        gatherFacts: false,
        tasks: (t: TaskBuilder) =>
          void t.task('t', p.module({ names: '{{ hostvars.keys() | list | sort }}', has: '{{ "h3" in hostvars }}', hasNot: '{{ "nope" in hostvars }}', x: '{{ hostvars["late"].x }}', missing: '{{ hostvars["nope"] is defined }}' })),
      },
    ]);
    expect(p.calls[0].args).to.deep.equal({ names: ['h2', 'h3', 'late', 'web1.example.com'], has: true, hasNot: false, x: 12, missing: false });
    const hv = seen('h2', 'hostvars') as Record<string, Record<string, unknown>>;
    expect(Object.keys(hv).sort()).to.deep.equal(['h2', 'h3', 'late', 'web1.example.com']);
    expect(Object.getOwnPropertyDescriptor(hv, 'h3')?.enumerable).to.equal(true);
    expect(Object.getOwnPropertyDescriptor(hv, 'nope')).to.equal(undefined);
    expect(hv.h3.x).to.equal(3);
  });

  it('ansible_play_hosts leaves out hosts that failed; ansible_play_hosts_all and play_hosts keep the batch', async () => {
    const breaker = probe();
    breaker.answer = (_a, ctx) => ({ changed: false, failed: ctx.host === 'h3' });
    await runPlays(inv, [
      {
        hosts: 'h2:h3',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('break', breaker.module({}));
          t.task('t', p.module({}));
        },
      },
    ]);
    expect(p.calls.map((c) => c.host)).to.deep.equal(['h2']);
    expect(seen('h2', 'ansible_play_hosts')).to.deep.equal(['h2']);
    expect(seen('h2', 'ansible_play_hosts_all')).to.deep.equal(['h2', 'h3']);
  });

  it("a role's tasks see role_name and role_path; a play's tasks do not", async () => {
    const r = defineRole({ name: 'myrole', vars: roleVars({}), tasks: (t) => void t.task('in role', p.module({})) });
    await runPlays(inv, [{ hosts: 'h2', gatherFacts: false, roles: [r], tasks: (t: TaskBuilder) => void t.task('in play', p.module({})) }]);
    expect(p.calls.map((c) => [c.ctx.vars.role_name, c.ctx.vars.role_path])).to.deep.equal([
      ['myrole', r.dir],
      [undefined, undefined],
    ]);
  });

  it('declared booleans and numbers given as strings get their type; integers only from whole numbers; templates and other vars stay', async () => {
    const r = defineRole({
      name: 'typed',
      vars: roleVars({ flag: v.boolean(), ratio: v.number(), count: v.integer(), odd: v.string(), later: v.integer(), blank: v.number(), off: v.boolean() }),
      tasks: (t) => void t.task('in role', p.module({})),
    });
    // as `-e k=v` gives them: text
    const extraVars = { flag: 'false', ratio: '2.5', count: '7', odd: '3', later: '{{ 4 }}', blank: ' ', off: 'maybe' };
    let err: unknown;
    await runPlays(inv, [{ hosts: 'h2', gatherFacts: false, roles: [r] }], { extraVars }).catch((e: unknown) => (err = e));
    // `off=maybe` is not a boolean: the run says so when the role reads it; the others are typed
    const vars = p.calls[0]?.ctx.vars;
    expect(err, 'the run itself goes on to the task').to.equal(undefined);
    expect([vars.flag, vars.ratio, vars.count, vars.odd, vars.later]).to.deep.equal([false, 2.5, 7, '3', 4]);
    // a blank is not the number 0
    expect(vars.blank).to.equal(' ');
    expect(() => vars.off).to.throw(/off/);
  });

  it('an integer variable given "2.5" is left as text, and validation names it', async () => {
    const r = defineRole({ name: 'int', vars: roleVars({ count: v.integer() }), tasks: (t) => void t.task('in role', p.module({})) });
    await runPlays(inv, [{ hosts: 'h2', gatherFacts: false, roles: [r] }], { extraVars: { count: '2.5' } });
    expect(() => p.calls[0].ctx.vars.count).to.throw(/count/);
  });

  it('a function default sees the host (its other vars), and is called only when read', async () => {
    let calls = 0;
    const r = defineRole({
      name: 'fndef',
      vars: roleVars({ addr: v.string(), unused: v.string() }),
      defaults: {
        addr: (h) => `${String(h.vars.x)}@${h.name}`,
        unused: () => {
          calls++;
          return 'never';
        },
      },
      tasks: (t) => void t.task('in role', p.module({ a: '{{ addr }}' })),
    });
    await runPlays(inv, [{ hosts: 'h2:h3', gatherFacts: false, roles: [r] }]);
    expect(p.calls.map((c) => c.args.a).sort()).to.deep.equal(['2@h2', '3@h3']);
    expect(calls).to.equal(0);
  });
});
