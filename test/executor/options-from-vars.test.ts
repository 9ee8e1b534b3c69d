import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { command, debug, defineRole, fail, roleVars, set_fact, shell, v } from '../../lib/index.js';
import type { ModuleResult, TaskOptions } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';
import { rejection } from '../helpers/rejection.js';

// Task and play options that come from variables (issue 15): Jinja strings and typed functions,
// validated with errors that say where.

// typed functions of the host see the role's typed vars: a misspelled one does not compile
export const typedRetries: TaskOptions<ModuleResult, { drain_retries: number }> = { retries: (h) => h.vars.drain_retries };
// @ts-expect-error drain_retires is not a variable of the role
export const misspelled: TaskOptions<ModuleResult, { drain_retries: number }> = { retries: (h) => h.vars.drain_retires };
// @ts-expect-error a plain string is neither a number nor a Jinja expression
export const notJinja: TaskOptions = { retries: 'three' };

describe('options from variables', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-optvars-')));
  afterEach(() => cleanup());

  function inventory(lines: string): string {
    for (const h of ['h1', 'h2', 'h3']) mkdirSync(join(dir, h), { recursive: true });
    return localInventory(dir, ['h1', 'h2', 'h3'], lines);
  }

  it('retries and delay from host vars (Jinja and a typed role function); ignoreErrors per host', async () => {
    const role = defineRole({
      name: 'drain',
      vars: roleVars({ drain_retries: v.integer(), drain_retry_delay_seconds: v.integer() }),
      defaults: { drain_retries: 1, drain_retry_delay_seconds: 0 },
      tasks: (t) => {
        // h.vars is the role's typed vars: `h.vars.drain_retires` would not compile
        t.task('drain', command('false'), { until: 'false', retries: (h) => h.vars.drain_retries, delay: '{{ drain_retry_delay_seconds }}', ignoreErrors: true });
        t.task('jinja', command('false'), { until: 'false', retries: '{{ drain_retries + 1 }}', delay: 0, ignoreErrors: "{{ inventory_hostname != 'h3' }}" });
      },
    });
    const inv = inventory('[all:vars]\ndrain_retries=2\n[pin]\nh2 drain_retries=0\n');
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, roles: [role] }]);
    const attempts = (task: string) => Object.fromEntries(run.lines(task).map((e) => [e.host, (e.result as { attempts?: number } | undefined)?.attempts]));
    // tries: one retry event before each try after the first
    const tries = (task: string) => Object.fromEntries(['h1', 'h2', 'h3'].map((h) => [h, 1 + run.events.filter((e) => e.type === 'retry' && e.task === task && e.host === h).length]));
    expect(tries('drain')).to.deep.equal({ h1: 3, h2: 1, h3: 3 });
    expect(tries('jinja')).to.deep.equal({ h1: 4, h2: 2, h3: 4 });
    // registered attempts: out of tries, Ansible 2.14 records tries - 1; a single try (retries 0) records 1
    expect(attempts('drain')).to.deep.equal({ h1: 2, h2: 1, h3: 2 });
    expect(attempts('jinja')).to.deep.equal({ h1: 3, h2: 1, h3: 3 });
    expect(run.results('jinja').sort()).to.deep.equal(['h1:ignored', 'h2:ignored', 'h3:failed']);
  });

  it('a value that does not validate fails the host, naming task file:line, host and option', async () => {
    const inv = inventory('h1 r=1\nh2 r=-1\nh3 r=abc\n');
    const run = await runPlays(inv, [
      { hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('try', command('true'), { until: 'true', retries: '{{ r }}', delay: 0 }) },
    ]);
    expect(run.results('try').sort()).to.deep.equal(['h1:changed', 'h2:failed', 'h3:failed']);
    const msgs = run.lines('try').filter((e) => e.status === 'failed').map((e) => e.msg);
    expect(msgs[0]).to.match(/^task 'try' at test\/executor\/options-from-vars\.test\.ts:\d+, host h2: option retries \(from '\{\{ r \}\}'\): -1 is not a whole number >= 0/);
    expect(msgs[1]).to.match(/host h3: option retries .*'abc' is not a whole number >= 0/);
  });

  it('noLog from a variable hides the output of the hosts where it is true', async () => {
    const inv = inventory('h1 quiet=yes\n');
    const run = await runPlays(inv, [
      { hosts: 'h1:h2', gatherFacts: false, tasks: (t) => void t.task('say', debug({ msg: 'visible-{{ inventory_hostname }}' }), { noLog: '{{ quiet | default(false) }}' }) },
    ]);
    const byHost = Object.fromEntries(run.lines('say').map((e) => [e.host, JSON.stringify(e.result)]));
    expect(byHost.h1).to.not.include('visible');
    expect(byHost.h2).to.include('visible-h2');
  });

  it('runOnce and throttle from variables', async () => {
    const inv = inventory('');
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        vars: { once: true, t: '1' },
        tasks: (t) => {
          t.task('once', set_fact({ picked: '{{ inventory_hostname }}' }), { runOnce: '{{ once }}' });
          t.task('show', debug({ msg: '{{ picked }}' }), { throttle: '{{ t }}' });
          // a string is not true: a Jinja false runs the task everywhere
          t.task('every', debug({ msg: 'x' }), { runOnce: '{{ not once }}' });
        },
      },
    ]);
    expect(run.results('once')).to.deep.equal(['h1:ok']);
    expect(run.results('every')).to.have.length(3);
    expect(run.lines('show').map((e) => e.msg)).to.deep.equal(['h1', 'h1', 'h1']);
  });

  it('play hosts and serial from play vars and -e; anyErrorsFatal and maxFailPercentage too', async () => {
    const inv = inventory('[g]\nh1\nh2\n[g:vars]\nhv=h3\n');
    const run = await runPlays(
      inv,
      [
        { name: 'one', hosts: '{{ node }}', gatherFacts: false, vars: { node: 'h1' }, tasks: (t) => void t.task('a', command('true')) },
        { name: 'two', hosts: '{{ grp }}', serial: "{{ s | default('50%') }}", gatherFacts: false, tasks: (t) => void t.task('b', command('true')) },
        { name: 'three', hosts: (p) => String(p.vars.grp), serial: (p) => (p.vars.one ? 1 : 3), gatherFacts: false, vars: { one: true }, tasks: (t) => void t.task('c', command('true')) },
        {
          name: 'four',
          hosts: 'all',
          anyErrorsFatal: '{{ fatal }}',
          gatherFacts: false,
          vars: { fatal: 'yes' },
          tasks: (t) => {
            t.task('d', fail({ msg: 'x' }), { when: "inventory_hostname == 'h2'" });
            t.task('e', command('true'));
          },
        },
      ],
      { extraVars: { node: 'h2', grp: 'g' } },
    );
    // -e beats play vars
    expect(run.results('a')).to.deep.equal(['h2:changed']);
    expect(run.batches()).to.deep.equal([['h1'], ['h2'], ['h1'], ['h2']]);
    expect(run.results('c')).to.deep.equal(['h1:changed', 'h2:changed']);
    expect(run.results('e')).to.deep.equal([]);
    expect(run.exitCode).to.equal(2);
  });

  it('play options see play vars and -e, not host or group vars; a bad value is refused before anything runs', async () => {
    const inv = inventory('[g]\nh1\n[g:vars]\nhv=h1\n');
    const undef = await rejection(runPlays(inv, [{ hosts: '{{ hv }}', gatherFacts: false, tasks: (t) => void t.task('a', command('true')) }]));
    // runPlays calls playbook() in the helper: a real run names the playbook file there
    expect(undef.message).to.match(/helpers\/run\.ts:\d+: play #1 '\{\{ hv \}\}': option hosts \(from '\{\{ hv \}\}'\): undefined variable 'hv'/);
    const bad = await rejection(
      runPlays(inv, [
        { name: 'p', hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('a', command('true')) },
        { name: 'q', hosts: 'all', serial: '{{ s }}', gatherFacts: false, tasks: (t) => void t.task('a', command('true')) },
      ], { extraVars: { s: 'abc' } }),
    );
    expect(bad.message).to.match(/run\.ts:\d+: play #2 'q': option serial \(from '\{\{ s \}\}'\): serial 'abc' must be a number or "N%"/);
    const literal = await rejection(runPlays(inv, [{ hosts: 'all', tasks: (t) => void t.task('lit', command('true'), { until: 'true', retries: -1 }) }]));
    expect(literal.message).to.match(/options-from-vars\.test\.ts:\d+: task 'lit': option retries: -1 is not a whole number >= 0/);
    const pct = await rejection(runPlays(inv, [{ name: 'r', hosts: 'all', maxFailPercentage: '{{ m }}', vars: { m: 150 }, tasks: (t) => void t.task('a', command('true')) }]));
    expect(pct.message).to.match(/play #1 'r': option maxFailPercentage .*150 is not a number between 0 and 100/);
  });
});

describe('environment', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-env-')));
  afterEach(() => cleanup());

  it('play < role < block < task, per key; values and whole maps from variables', async () => {
    mkdirSync(join(dir, 'h1'));
    const inv = localInventory(dir, ['h1'], 'h1 proxy=http://proxy:3128\n');
    const role = defineRole({
      name: 'envr',
      vars: roleVars({}),
      tasks: (t) => {
        t.task('role', shell('echo "$A $B $C $D"'));
        t.block('blk', (b) => void b.task('inner', shell('echo "$A $B $C $D"'), { environment: { D: 'task' } }), { environment: { C: 'block', D: 'block' } });
      },
    });
    const run = await runPlays(inv, [
      {
        hosts: 'h1',
        gatherFacts: false,
        vars: { proxy_env: { http_proxy: '{{ proxy }}', NO_PROXY: 'localhost' } },
        environment: { A: 'play', B: 'play', C: 'play', D: 'play' },
        roles: [{ role, environment: { B: 'role' } }],
        tasks: (t) => {
          t.task('jinja map', shell('echo "$http_proxy $NO_PROXY $A"'), { environment: '{{ proxy_env }}' });
          t.task('function', shell('echo "$X"'), { environment: (h) => ({ X: `fn-${h.name}` }) });
          // sudo resets the environment: the variables still reach the command
          t.task('become', shell('echo "$A $(id -un)"'), { become: true, becomeUser: 'nobody', environment: { A: 'kept' } });
          t.task('bad', shell('true'), { environment: { 'BAD-NAME': 'x' } });
        },
      },
    ]);
    const out = (task: string) => (run.lines(task)[0]?.result as { stdout?: string } | undefined)?.stdout;
    expect(out('role')).to.equal('play role play play');
    expect(out('inner')).to.equal('play role block task');
    expect(out('jinja map')).to.equal('http://proxy:3128 localhost play');
    expect(out('function')).to.equal('fn-h1');
    expect(out('become')).to.equal('kept nobody');
    expect(run.lines('bad')[0].msg).to.match(/task 'bad' at .*options-from-vars\.test\.ts:\d+, host h1: option environment: 'BAD-NAME' is not a valid environment variable name/);
  });
});
