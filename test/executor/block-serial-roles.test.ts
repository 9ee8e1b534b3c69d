import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../lib/report/events.js';
import { command, debug, defineRole, roleVars, shell, v } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// Structure kubespray relies on (issue 15): a block that hosts go through one at a time, and
// options on a role where a play lists it.

describe('block serial and role entries', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-structure-')));
  afterEach(() => cleanup());

  function inventory(): string {
    for (const h of ['h1', 'h2', 'h3']) mkdirSync(join(dir, h), { recursive: true });
    return localInventory(dir, ['h1', 'h2', 'h3']);
  }
  const order = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'host_result' ? [`${e.task}:${e.host}`] : []));

  it('serial: 1 on a block runs the whole block (rescue, always) for one host before the next; registers stay each host\'s', async () => {
    const run = await runPlays(inventory(), [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t) => {
          t.block(
            'join one by one',
            (b) => {
              b.task('join', shell('echo joined-{{ inventory_hostname }}'), { register: 'joined' });
              b.task('maybe', command('false'), { when: "inventory_hostname == 'h2'" });
              b.task('later skip', command('true'), { when: false, register: 'unused' });
            },
            { serial: 1, rescue: (r) => void r.task('undo', debug({ msg: 'undo' })), always: (a) => void a.task('check', debug({ msg: 'check' })) },
          );
          t.task('after', debug({ msg: '{{ joined.stdout }}' }));
        },
      },
    ]);
    expect(order(run.events).filter((x) => !x.startsWith('after'))).to.deep.equal([
      'join:h1', 'maybe:h1', 'later skip:h1', 'check:h1',
      'join:h2', 'maybe:h2', 'undo:h2', 'check:h2',
      'join:h3', 'maybe:h3', 'later skip:h3', 'check:h3',
    ]);
    const after = run.events.flatMap((e) => (e.type === 'host_result' && e.task === 'after' ? [`${e.host}=${e.msg}`] : []));
    expect(after).to.deep.equal(['h1=joined-h1', 'h2=joined-h2', 'h3=joined-h3']);
    expect(run.exitCode).to.equal(0);
  });

  it('a block serial that is not a whole number >= 1 is refused before anything runs, with file:line', async () => {
    let err: Error | undefined;
    try {
      await runPlays(inventory(), [{ hosts: 'all', gatherFacts: false, tasks: (t) => t.block('b', (b) => void b.task('x', command('true')), { serial: 0 }) }]);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/block-serial-roles\.test\.ts:\d+: block 'b': serial 0 must be a whole number >= 1/);
  });

  it('a role listed as { role, when, tags, vars, environment }: the options reach its tasks and its dependencies\'', async () => {
    const base = defineRole({ name: 'base', vars: roleVars({}), tasks: (t) => void t.task('base task', shell('echo "$P"')) });
    const app = defineRole({
      name: 'app',
      vars: roleVars({ app_msg: v.string() }),
      defaults: { app_msg: 'default' },
      dependencies: [base],
      tasks: (t) => void t.task('app task', debug({ msg: '{{ app_msg }}' }), { tags: ['inner'] }),
    });
    const plays = [
      {
        hosts: 'all',
        gatherFacts: false,
        roles: [{ role: app, when: "inventory_hostname != 'h2'", tags: ['app'], vars: { app_msg: 'from entry' }, environment: { P: 'proxy' } }],
        tasks: (t: import('../../lib/index.js').TaskBuilder) => void t.task('play task', command('true')),
      },
    ];
    const run = await runPlays(inventory(), plays);
    expect(run.results('base task').sort()).to.deep.equal(['h1:changed', 'h2:skipped', 'h3:changed']);
    const byHost = (task: string, pick: (e: Extract<RunEvent, { type: 'host_result' }>) => unknown) =>
      Object.fromEntries(run.events.flatMap((e) => (e.type === 'host_result' && e.task === task ? [[e.host, pick(e)]] : [])));
    expect(byHost('base task', (e) => (e.result as { stdout?: string }).stdout)).to.deep.equal({ h1: 'proxy', h2: undefined, h3: 'proxy' });
    expect(byHost('app task', (e) => e.msg ?? 'skipped')).to.deep.equal({ h1: 'from entry', h2: 'skipped', h3: 'from entry' });
    const tagged = await runPlays(inventory(), plays, { tags: { tags: ['app'], skipTags: [] } });
    expect(tagged.events.filter((e) => e.type === 'task_start').map((e) => (e.type === 'task_start' ? e.task : ''))).to.deep.equal(['base task', 'app task']);
  });
});
