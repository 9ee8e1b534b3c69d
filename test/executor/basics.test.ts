import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { command, copy, debug, defineRole, fail, file, roleVars, set_fact, shell, template, v } from '../../lib/index.js';
import { localInventory, localRun, runPlays } from '../helpers/run.js';

const HOSTS = ['web1', 'web2', 'web3'];

describe('executor: linear strategy on the local connection', () => {
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    ({ dir, inv, cleanup } = localRun(HOSTS, '[web]\nweb1\nweb2\nweb3\n[web:vars]\ncolor=blue\n'));
  });
  afterEach(() => cleanup());

  it('changes every host on the first run and nothing on the second', async () => {
    const plays = [
      {
        hosts: 'web',
        gatherFacts: false,
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          t.task('dir', file({ path: '{{ root }}/etc', state: 'directory', mode: '0755' }));
          t.task('conf', copy({ dest: '{{ root }}/etc/app.conf', content: 'color={{ color }}\nhost={{ inventory_hostname }}\n' }));
        },
      },
    ];
    const first = await runPlays(inv, plays);
    expect(first.exitCode).to.equal(0);
    for (const h of HOSTS) {
      expect(first.stats[h].changed).to.equal(2);
      expect(readFileSync(join(dir, h, 'etc/app.conf'), 'utf8')).to.equal(`color=blue\nhost=${h}\n`);
    }
    const second = await runPlays(inv, plays);
    for (const h of HOSTS) expect(second.stats[h]).to.include({ changed: 0, ok: 2, failed: 0 });
  });

  it('--check changes nothing and reports what would change, --diff shows the diff', async () => {
    writeFileSync(join(dir, 'web1', 'app.conf'), 'color=red\n');
    const plays = [{ hosts: 'web1', gatherFacts: false, tasks: (t: import('../../lib/index.js').TaskBuilder) => void t.task('conf', copy({ dest: '{{ root }}/app.conf', content: 'color={{ color }}\n' })) }];
    const run = await runPlays(inv, plays, { check: true, diff: true });
    expect(run.results('conf')).to.deep.equal(['web1:changed']);
    expect(readFileSync(join(dir, 'web1', 'app.conf'), 'utf8')).to.equal('color=red\n');
    const ev = run.events.find((e) => e.type === 'host_result' && e.task === 'conf');
    expect(ev && ev.type === 'host_result' && ev.diff?.[0]).to.include({ before: 'color=red\n', after: 'color=blue\n' });
  });

  it('skips command tasks in check mode unless checkMode: false', async () => {
    const plays = [
      {
        hosts: 'web1',
        gatherFacts: false,
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          t.task('touch', command('touch {{ root }}/ran'));
          t.task('read-only', command('echo hello'), { checkMode: false, register: 'out' });
          t.task('show', debug({ msg: '{{ out.stdout }}' }));
        },
      },
    ];
    const run = await runPlays(inv, plays, { check: true });
    expect(run.results('touch')).to.deep.equal(['web1:skipped']);
    expect(existsSync(join(dir, 'web1', 'ran'))).to.equal(false);
    expect(run.results('read-only')).to.deep.equal(['web1:changed']);
    const log = run.events.find((e) => e.type === 'log');
    expect(log && log.type === 'log' && log.message).to.contain('hello');
  });

  it('when, loop, register and typed results from earlier tasks', async () => {
    const plays = [
      {
        hosts: 'web',
        gatherFacts: false,
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          const probe = t.task('probe', shell('echo {{ inventory_hostname }} | tr -d web'), { changedWhen: false });
          t.task('files', copy({ dest: '{{ root }}/{{ item }}', content: '{{ item }}' }), {
            loop: ['a', 'b'],
            when: (h) => h.result(probe).stdout.trim() !== '2',
          });
          t.task('only web3', file({ path: '{{ root }}/three', state: 'touch' }), { when: "inventory_hostname == 'web3'" });
        },
      },
    ];
    const run = await runPlays(inv, plays);
    expect(existsSync(join(dir, 'web1', 'a'))).to.equal(true);
    expect(existsSync(join(dir, 'web2', 'a'))).to.equal(false);
    expect(run.results('only web3').sort()).to.deep.equal(['web1:skipped', 'web2:skipped', 'web3:changed']);
    expect(existsSync(join(dir, 'web3', 'three'))).to.equal(true);
  });

  it('a failed host leaves the play while the others finish; exit code 2', async () => {
    const plays = [
      {
        hosts: 'web',
        gatherFacts: false,
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          t.task('break web2', fail({ msg: 'web2 is broken' }), { when: "inventory_hostname == 'web2'" });
          t.task('after', file({ path: '{{ root }}/after', state: 'touch' }));
        },
      },
    ];
    const run = await runPlays(inv, plays);
    expect(run.exitCode).to.equal(2);
    expect(run.stats.web2.failed).to.equal(1);
    expect(existsSync(join(dir, 'web2', 'after'))).to.equal(false);
    expect(existsSync(join(dir, 'web1', 'after'))).to.equal(true);
    expect(existsSync(join(dir, 'web3', 'after'))).to.equal(true);
  });

  it('ignoreErrors, failedWhen and changedWhen', async () => {
    const plays = [
      {
        hosts: 'web1',
        gatherFacts: false,
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          t.task('fails', command('false'), { ignoreErrors: true });
          t.task('rc 3 is fine', shell('exit 3'), { failedWhen: (r) => r.rc !== 3, changedWhen: false });
          t.task('grep', shell('echo ready'), { register: 'g', failedWhen: "'ready' not in g.stdout", changedWhen: "'changed' in g.stdout" });
          t.task('still runs', file({ path: '{{ root }}/ok', state: 'touch' }));
        },
      },
    ];
    const run = await runPlays(inv, plays);
    expect(run.exitCode).to.equal(0);
    expect(run.results('fails')).to.deep.equal(['web1:ignored']);
    expect(run.results('rc 3 is fine')).to.deep.equal(['web1:ok']);
    expect(run.results('grep')).to.deep.equal(['web1:ok']);
    expect(run.stats.web1.ignored).to.equal(1);
    expect(existsSync(join(dir, 'web1', 'ok'))).to.equal(true);
  });

  it('handlers run once per host, in definition order, only when notified by a change', async () => {
    const order = join(dir, 'order');
    const plays = [
      {
        hosts: 'web',
        gatherFacts: false,
        handlers: {
          first: shell(`echo first-{{ inventory_hostname }} >> ${order}`),
          second: shell(`echo second-{{ inventory_hostname }} >> ${order}`),
        },
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          t.task('a', copy({ dest: '{{ root }}/a', content: 'a' }), { notify: ['second', 'first'] });
          t.task('b', copy({ dest: '{{ root }}/b', content: 'b' }), { notify: 'second', when: "inventory_hostname != 'web3'" });
          t.task('unchanged', command('true'), { changedWhen: false, notify: 'first' });
        },
      },
    ];
    await runPlays(inv, plays);
    const lines = readFileSync(order, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('first')).sort()).to.deep.equal(['first-web1', 'first-web2', 'first-web3']);
    expect(lines.filter((l) => l.startsWith('second')).sort()).to.deep.equal(['second-web1', 'second-web2', 'second-web3']);
    expect(lines.findIndex((l) => l.startsWith('second'))).to.be.greaterThan(lines.length - 1 - [...lines].reverse().findIndex((l) => l.startsWith('first')));
    writeFileSync(order, '');
    await runPlays(inv, plays);
    expect(readFileSync(order, 'utf8')).to.equal('');
  });

  it('a notify naming no handler is an error before anything runs', async () => {
    const plays = [{ hosts: 'web', gatherFacts: false, tasks: (t: import('../../lib/index.js').TaskBuilder) => void t.task('x', command('true'), { notify: 'restart nothing' }) }];
    let err: Error | undefined;
    try {
      await runPlays(inv, plays);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/basics\.test\.ts:\d+: task 'x' notifies 'restart nothing'/);
  });

  it('variable precedence: defaults < group < group_vars/all < group_vars/* < host < host_vars/* < play < role vars < task vars < set_fact < role params < extra vars', async () => {
    // p_<layer> is set at that layer and at every layer below it, each to the layer's name: it must
    // come out as its own layer's name, so each layer is shown to beat the one just under it
    const LAYERS = ['default', 'group', 'gvall', 'gv', 'host', 'hv', 'play', 'rolevar', 'task', 'fact', 'param', 'extra'] as const;
    type Layer = (typeof LAYERS)[number];
    const from = (l: Layer): Record<string, string> => Object.fromEntries(LAYERS.slice(LAYERS.indexOf(l)).map((x) => [`p_${x}`, l]));
    const yaml = (l: Layer): string => Object.entries(from(l)).map(([k, val]) => `${k}: ${val}\n`).join('');
    const ini = (l: Layer): string => Object.entries(from(l)).map(([k, val]) => `${k}=${val}`).join(' ');
    const schema = Object.fromEntries(LAYERS.map((l) => [`p_${l}`, v.string()]));
    const role = defineRole({
      name: 'probe2',
      vars: roleVars(schema),
      defaults: from('default'),
      roleVars: from('rolevar'),
      tasks: (t) => {
        t.task('fact', set_fact(from('fact')));
        t.task('dump', copy({ dest: '{{ root }}/vars', content: LAYERS.map((l) => `${l}={{ p_${l} }}`).join(' ') }), { vars: from('task') });
      },
    });
    mkdirSync(join(dir, 'group_vars'));
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'group_vars/all.yml'), yaml('gvall'));
    writeFileSync(join(dir, 'group_vars/web.yml'), yaml('gv'));
    writeFileSync(join(dir, 'host_vars/web1.yml'), yaml('hv'));
    const inv2 = localInventory(dir, ['web1'], `[web]\nweb1 ${ini('host')}\n[web:vars]\n${ini('group').split(' ').join('\n')}\n`);
    const run = await runPlays(inv2, [{ hosts: 'web', gatherFacts: false, vars: from('play'), roles: [role.with(from('param'))] }], { extraVars: from('extra') });
    expect(run.exitCode, JSON.stringify(run.events.filter((e) => e.type === 'host_result'))).to.equal(0);
    expect(readFileSync(join(dir, 'web1', 'vars'), 'utf8')).to.equal(LAYERS.map((l) => `${l}=${l}`).join(' '));
  });

  it('validates the vars a role receives: host, role and variable named', async () => {
    const role = defineRole({
      name: 'typed',
      vars: roleVars({ typed_port: v.integer() }),
      defaults: { typed_port: 80 },
      // validated when read (role-vars-lazy.test.ts: an unread variable is not)
      tasks: (t) => void t.task('noop', command('echo {{ typed_port }}')),
    });
    const inv2 = localInventory(dir, ['web1'], 'web1 typed_port=eighty\n');
    const run = await runPlays(inv2, [{ hosts: 'web1', gatherFacts: false, roles: [role] }]);
    expect(run.exitCode).to.equal(2);
    const ev = run.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(ev && ev.type === 'host_result' && ev.msg).to.match(/host web1, role typed: variable 'typed_port' must be integer/);
  });

  it("a role's declared booleans and numbers given as strings (INI, -e) reach templates typed", async () => {
    const role = defineRole({
      name: 'typed2',
      vars: roleVars({ t_flag: v.boolean(), t_port: v.integer(), t_label: v.string() }),
      defaults: { t_flag: true, t_port: 1, t_label: "{{ 'on' if t_flag else 'off' }}:{{ t_port + 1 }}" },
      tasks: (t) => void t.task('render', copy({ dest: '{{ root }}/typed', content: '{% if t_flag %}yes{% else %}no{% endif %} {{ t_label }}' })),
    });
    const inv2 = localInventory(dir, ['web1'], 'web1 t_flag=false\n');
    const run = await runPlays(inv2, [{ hosts: 'web1', gatherFacts: false, roles: [role] }], { extraVars: { t_port: '8079' } });
    expect(run.exitCode).to.equal(0);
    expect(readFileSync(join(dir, 'web1', 'typed'), 'utf8')).to.equal('no off:8080');
  });

  it('a wrong module argument fails the task naming task, host and argument', async () => {
    const bad = { path: '{{ root }}/x', state: 'directory', mdoe: '0644' } as unknown as Parameters<typeof file>[0];
    const run = await runPlays(inv, [{ hosts: 'web1', gatherFacts: false, tasks: (t) => void t.task('typo', file(bad)) }]);
    const ev = run.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(ev && ev.type === 'host_result' && ev.msg).to.match(/task 'typo'.*host web1: module file: unknown argument 'mdoe'/);
  });

  it('an undefined variable in a template fails with template file, line and host', async () => {
    const tdir = join(dir, 'templates');
    mkdirSync(tdir);
    writeFileSync(join(tdir, 'x.conf.njk'), 'line one\nport={{ no_such_var }}\n');
    const run = await runPlays(inv, [{ hosts: 'web1', gatherFacts: false, tasks: (t) => void t.task('render', template({ src: join(tdir, 'x.conf.njk'), dest: '{{ root }}/x.conf' })) }]);
    const ev = run.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(ev && ev.type === 'host_result' && ev.msg).to.match(/x\.conf\.njk:2/).and.to.match(/web1/).and.to.match(/no_such_var/);
    expect(existsSync(join(dir, 'web1', 'x.conf'))).to.equal(false);
  });

  it('--limit that leaves no host is an error; a play outside the limit is skipped with a note', async () => {
    let err: Error | undefined;
    try {
      await runPlays(inv, [{ hosts: 'web', gatherFacts: false, tasks: (t) => void t.task('x', command('true')) }], { limit: 'nope*' });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/--limit 'nope\*' matches no host/);
    const run = await runPlays(inv, [{ hosts: 'web3', gatherFacts: false, tasks: (t) => void t.task('x', command('true')) }, { hosts: 'web1', gatherFacts: false, tasks: (t) => void t.task('y', command('true')) }], { limit: 'web1' });
    const skipped = run.events.find((e) => e.type === 'play_skipped');
    expect(skipped && skipped.type === 'play_skipped' && skipped.reason).to.match(/outside --limit web1/);
    expect(run.results('y')).to.deep.equal(['web1:changed']);
  });
});
