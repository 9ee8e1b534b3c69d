import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec, TaskBuilder } from '../../lib/index.js';
import { command, copy, debug, fail, file, shell } from '../../lib/index.js';
import { batchSizes, cutBatches } from '../../lib/executor/batches.js';
import { shouldRun } from '../../lib/executor/tags.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

const names = (n: number, p = 'h') => Array.from({ length: n }, (_, i) => `${p}${String(i + 1).padStart(2, '0')}`);

describe('serial batch sizes (Ansible rules)', () => {
  const table: [string, Parameters<typeof batchSizes>[0], number, number[]][] = [
    ['integer', 2, 5, [2, 2, 1]],
    ['percentage of the total, floored', '50%', 7, [3, 3, 1]],
    ['a tiny percentage is at least 1', '10%', 5, [1, 1, 1, 1, 1]],
    ['ramp list, last value repeats', [1, 3, '50%'], 10, [1, 3, 5, 1]],
    ['no serial: all at once', undefined, 4, [4]],
    ['0 means all', 0, 3, [3]],
    ['bigger than the play', 10, 3, [3]],
  ];
  for (const [name, serial, total, want] of table) {
    it(`${name}: ${JSON.stringify(serial)} over ${total} hosts -> ${want.join(', ')}`, () => {
      expect(batchSizes(serial, total)).to.deep.equal(want);
    });
  }

  it('per-group sizes: each pattern batched by its own size, in the order given, the rest last', () => {
    const hosts = ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'b4', 'c1'];
    const groups: Record<string, string[]> = { 'zone-a': ['a1', 'a2', 'a3'], 'zone-b': ['b1', 'b2', 'b3', 'b4'] };
    expect(cutBatches(hosts, { 'zone-b': '50%', 'zone-a': 1 }, (p) => groups[p] ?? [])).to.deep.equal([
      ['b1', 'b2'],
      ['b3', 'b4'],
      ['a1'],
      ['a2'],
      ['a3'],
      ['c1'],
    ]);
  });
});

describe('tag selection (always, never, tagged, untagged)', () => {
  const table: [string[], string[], string[], boolean][] = [
    [[], [], [], true],
    [['a'], ['a'], [], true],
    [['b'], ['a'], [], false],
    [['always'], ['a'], [], true],
    [['always'], [], ['always'], false],
    [['never'], [], [], false],
    [['never', 'debug'], ['debug'], [], true],
    [['a'], ['tagged'], [], true],
    [[], ['tagged'], [], false],
    [[], ['untagged'], [], true],
    [['a'], [], ['a'], false],
    [['a'], [], ['tagged'], false],
  ];
  for (const [taskTags, tags, skip, want] of table) {
    it(`task [${taskTags}] with --tags [${tags}] --skip-tags [${skip}] -> ${want ? 'runs' : 'skipped'}`, () => {
      expect(shouldRun(taskTags, { tags, skipTags: skip })).to.equal(want);
    });
  }
});

describe('rolling orchestration on the local connection', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-orch-')));
  afterEach(() => cleanup());

  function inventory(hosts: string[], extra = ''): string {
    for (const h of hosts) mkdirSync(join(dir, h), { recursive: true });
    return localInventory(dir, hosts, extra);
  }
  const touch = (name: string) => (t: TaskBuilder) => void t.task(name, file({ path: '{{ root }}/' + name, state: 'touch' }));

  it('serial: each batch runs the whole play and flushes its handlers; progress names the batch', async () => {
    const inv = inventory(names(5));
    const log = join(dir, 'log');
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        serial: [1, 2],
        handlers: { h: shell(`echo handler-{{ inventory_hostname }} >> ${log}`) },
        tasks: (t) => {
          t.task('one', shell(`echo one-{{ inventory_hostname }} >> ${log}`), { notify: 'h' });
          t.task('two', shell(`echo two-{{ inventory_hostname }} >> ${log}`));
        },
      },
    ]);
    expect(run.batches()).to.deep.equal([['h01'], ['h02', 'h03'], ['h04', 'h05']]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.slice(0, 3)).to.deep.equal(['one-h01', 'two-h01', 'handler-h01']);
    expect(lines.indexOf('handler-h03')).to.be.lessThan(lines.indexOf('one-h04'));
  });

  it('order: reverse_sorted and sorted; an invalid order is an error before anything runs', async () => {
    const inv = inventory(['b', 'c', 'a']);
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, serial: 1, order: 'reverse_sorted', tasks: touch('x') }]);
    expect(run.batches()).to.deep.equal([['c'], ['b'], ['a']]);
    let err: Error | undefined;
    try {
      await runPlays(inv, [{ hosts: 'all', gatherFacts: false, order: 'backwards' as unknown as 'sorted', tasks: touch('y') }]);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/order 'backwards' is not one of inventory, reverse_inventory, sorted/);
    expect(existsSync(join(dir, 'a', 'y'))).to.equal(false);
  });

  it('when every host of a batch fails the run stops; the recap names the hosts never touched', async () => {
    const inv = inventory(names(4));
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, serial: 2, tasks: (t) => void t.task('boom', fail({ msg: 'no' })) }]);
    expect(run.exitCode).to.equal(2);
    expect(run.stopped?.reason).to.match(/every host of batch 1\/2 failed/);
    expect(run.stopped?.untouched).to.deep.equal(['h03', 'h04']);
  });

  it('maxFailPercentage aborts when failed/batch is strictly greater', async () => {
    const inv = inventory(names(4));
    const play = (pct: number): PlaySpec => ({
      hosts: 'all',
      gatherFacts: false,
      maxFailPercentage: pct,
      tasks: (t) => {
        t.task('h01 fails', fail({ msg: 'x' }), { when: "inventory_hostname == 'h01'" });
        t.task('next', file({ path: '{{ root }}/next-' + pct, state: 'touch' }));
      },
    });
    const at25 = await runPlays(inv, [play(25)]);
    expect(at25.stopped).to.equal(undefined);
    expect(existsSync(join(dir, 'h02', 'next-25'))).to.equal(true);
    const at24 = await runPlays(inv, [play(24)]);
    expect(at24.stopped?.reason).to.match(/maxFailPercentage 24% exceeded: 1 of 4/);
    expect(existsSync(join(dir, 'h02', 'next-24'))).to.equal(false);
  });

  it('anyErrorsFatal: one failure ends the play for every host', async () => {
    const inv = inventory(names(3));
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        anyErrorsFatal: true,
        tasks: (t) => {
          t.task('h02 fails', fail({ msg: 'x' }), { when: "inventory_hostname == 'h02'" });
          t.task('next', file({ path: '{{ root }}/next', state: 'touch' }));
        },
      },
    ]);
    expect(run.stopped?.reason).to.match(/anyErrorsFatal: task 'h02 fails' failed on h02/);
    for (const h of names(3)) expect(existsSync(join(dir, h, 'next'))).to.equal(false);
  });

  it('runOnce runs on the first host and gives its result to all; delegateTo runs elsewhere with the host vars', async () => {
    const inv = inventory(names(3), '[ctl]\nh03\n');
    const run = await runPlays(inv, [
      {
        hosts: 'h01,h02',
        gatherFacts: false,
        tasks: (t) => {
          t.task('once', shell('echo {{ inventory_hostname }}'), { runOnce: true, register: 'who' });
          t.task('copy who', copy({ dest: '{{ root }}/who', content: '{{ who.stdout }}' }));
          t.task('delegated', shell('echo {{ inventory_hostname }} >> {{ hostvars["h03"].root }}/seen'), { delegateTo: 'h03' });
        },
      },
    ]);
    expect(run.results('once')).to.deep.equal(['h01:changed']);
    expect(readFileSync(join(dir, 'h02', 'who'), 'utf8')).to.equal('h01');
    expect(readFileSync(join(dir, 'h03', 'seen'), 'utf8').trim().split('\n').sort()).to.deep.equal(['h01', 'h02']);
    const d = run.events.filter((e) => e.type === 'host_result' && e.task === 'delegated');
    expect(d.map((e) => (e.type === 'host_result' ? `${e.host} -> ${e.delegatedTo}` : ''))).to.have.members(['h01 -> h03', 'h02 -> h03']);
  });

  it('throttle bounds how many hosts run a task at once', async () => {
    const inv = inventory(names(6));
    const counter = join(dir, 'counter');
    writeFileSync(counter, '0 0\n');
    // each host raises a shared counter under a lock, waits, lowers it; the max seen is recorded
    const script = `exec 9>${dir}/lock; flock 9; read n m < ${counter}; n=$((n+1)); [ $n -gt $m ] && m=$n; echo "$n $m" > ${counter}; flock -u 9; sleep 0.2; flock 9; read n m < ${counter}; echo "$((n-1)) $m" > ${counter}`;
    await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('t', shell(script), { throttle: 2 }) }]);
    expect(readFileSync(counter, 'utf8').trim().split(' ')[1]).to.equal('2');
  });

  it('block / rescue / always: the failed result is available in rescue and counts as rescued', async () => {
    const inv = inventory(names(2));
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t) =>
          t.block(
            'guarded',
            (b) => {
              b.task('maybe fail', shell('exit 7'), { when: "inventory_hostname == 'h01'" });
              b.task('after failure', file({ path: '{{ root }}/block-after', state: 'touch' }));
            },
            {
              rescue: (r) => void r.task('rescue', copy({ dest: '{{ root }}/rescued', content: '{{ ansible_failed_result.rc }} {{ ansible_failed_task.name }}' })),
              always: (a) => void a.task('always', file({ path: '{{ root }}/always', state: 'touch' })),
            },
          ),
      },
    ]);
    expect(run.exitCode).to.equal(0);
    expect(readFileSync(join(dir, 'h01', 'rescued'), 'utf8')).to.equal('7 maybe fail');
    expect(existsSync(join(dir, 'h01', 'block-after'))).to.equal(false);
    expect(existsSync(join(dir, 'h02', 'rescued'))).to.equal(false);
    expect(existsSync(join(dir, 'h01', 'always'))).to.equal(true);
    expect(existsSync(join(dir, 'h02', 'always'))).to.equal(true);
    expect(run.stats.h01).to.include({ rescued: 1, failed: 0 });
  });

  it('until / retries / delay: each attempt is reported, the task passes when the condition holds', async () => {
    const inv = inventory(['h01']);
    const n = join(dir, 'n');
    writeFileSync(n, '0');
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t) => void t.task('count to 3', shell(`v=$(($(cat ${n})+1)); echo $v > ${n}; echo $v`), { until: (r) => r.stdout.trim() === '3', retries: 5, delay: 0 }),
      },
    ]);
    expect(run.exitCode).to.equal(0);
    expect(run.events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.attempt : 0))).to.deep.equal([1, 2]);
    const again = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('never', command('false'), { until: (r) => r.rc === 0, retries: 2, delay: 0 }) }]);
    expect(again.events.filter((e) => e.type === 'retry')).to.have.length(2);
    expect(again.exitCode).to.equal(2);
  });

  it('--tags / --skip-tags / always / never and --start-at-task', async () => {
    const inv = inventory(['h01']);
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t) => {
          t.task('etcd', file({ path: '{{ root }}/etcd', state: 'touch' }), { tags: ['etcd'] });
          t.task('always', file({ path: '{{ root }}/always', state: 'touch' }), { tags: ['always'] });
          t.task('debug only', file({ path: '{{ root }}/never', state: 'touch' }), { tags: ['never', 'debug'] });
          t.task('untagged', file({ path: '{{ root }}/untagged', state: 'touch' }));
        },
      },
    ];
    await runPlays(inv, plays, { tags: { tags: ['etcd'], skipTags: [] } });
    expect(['etcd', 'always', 'never', 'untagged'].filter((f) => existsSync(join(dir, 'h01', f)))).to.deep.equal(['etcd', 'always']);
    const run = await runPlays(inv, plays, { startAtTask: 'untag*' });
    expect(run.events.filter((e) => e.type === 'task_start').map((e) => (e.type === 'task_start' ? e.task : ''))).to.deep.equal(['untagged']);
  });

  it('a retry file lists failed hosts sorted, and --limit @file reads it back', async () => {
    const inv = inventory(names(4));
    const retry = join(dir, 'play.retry');
    const plays: PlaySpec[] = [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('odd fail', fail({ msg: 'x' }), { when: "inventory_hostname in ['h03', 'h01']" }) }];
    const run = await runPlays(inv, plays, { retryFile: retry });
    expect(run.retryFile).to.equal(retry);
    expect(readFileSync(retry, 'utf8')).to.equal('h01\nh03\n');
    const again = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('x', debug({ msg: 'hi' })) }], { limit: `@${retry}` });
    expect(again.results('x').sort()).to.deep.equal(['h01:ok', 'h03:ok']);
  });

  it('handlers: listen topics, dropped for failed hosts unless forceHandlers', async () => {
    const inv = inventory(names(2));
    const log = join(dir, 'hlog');
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        handlers: {
          'restart a': { call: shell(`echo a-{{ inventory_hostname }} >> ${log}`), opts: { listen: 'restart stack' } },
          'restart b': { call: shell(`echo b-{{ inventory_hostname }} >> ${log}`), opts: { listen: 'restart stack' } },
        },
        tasks: (t) => {
          t.task('change', command('true'), { notify: 'restart stack' });
          t.task('h02 fails', fail({ msg: 'x' }), { when: "inventory_hostname == 'h02'" });
        },
      },
    ];
    await runPlays(inv, plays);
    expect(readFileSync(log, 'utf8').trim().split('\n')).to.deep.equal(['a-h01', 'b-h01']);
    writeFileSync(log, '');
    await runPlays(inv, plays, { forceHandlers: true });
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).to.deep.equal(['a-h01', 'a-h02', 'b-h01', 'b-h02']);
  });

  it('an upgrade-shaped run: masters one by one, then workers; a failed drain rescues, stops the run, and the retry file names it', async () => {
    const masters = ['k1-master01', 'k1-master02'];
    const workers = ['k1-node01', 'k1-node02', 'k1-node03'];
    const inv = inventory([...masters, ...workers], `[kube-master]\n${masters.join('\n')}\n[kube-node]\n${workers.join('\n')}\n`);
    const retry = join(dir, 'upgrade.retry');
    const upgrade = (t: TaskBuilder) => void t.task('upgrade kubelet', copy({ dest: '{{ root }}/kubelet-version', content: 'v1.15.6' }));
    const run = await runPlays(
      inv,
      [
        { name: 'masters', hosts: 'kube-master', serial: 1, anyErrorsFatal: true, gatherFacts: false, tasks: upgrade },
        {
          name: 'workers',
          hosts: 'kube-node:!kube-master',
          serial: 1,
          gatherFacts: false,
          tasks: (t) => {
            t.block(
              'drain and upgrade',
              (b) => {
                b.task('cordon', file({ path: '{{ root }}/cordoned', state: 'touch' }));
                b.task('drain', shell("[ {{ inventory_hostname }} != k1-node02 ] || { echo 'Cannot evict pod as it would violate the pod disruption budget' >&2; exit 1; }"));
                upgrade(b);
              },
              {
                rescue: (r) => {
                  r.task('uncordon after failed drain', file({ path: '{{ root }}/cordoned', state: 'absent' }));
                  r.task('stop the upgrade', fail({ msg: 'drain failed on {{ inventory_hostname }}; node uncordoned' }));
                },
              },
            );
          },
        },
      ],
      { retryFile: retry },
    );
    expect(run.exitCode).to.equal(2);
    for (const m of masters) expect(readFileSync(join(dir, m, 'kubelet-version'), 'utf8')).to.equal('v1.15.6');
    expect(readFileSync(join(dir, 'k1-node01', 'kubelet-version'), 'utf8')).to.equal('v1.15.6');
    expect(existsSync(join(dir, 'k1-node02', 'kubelet-version'))).to.equal(false);
    expect(existsSync(join(dir, 'k1-node02', 'cordoned'))).to.equal(false); // the rescue uncordoned it
    expect(run.results('uncordon after failed drain')).to.deep.equal(['k1-node02:changed']);
    expect(existsSync(join(dir, 'k1-node03', 'cordoned'))).to.equal(false);
    expect(run.stopped?.untouched).to.deep.equal(['k1-node03']);
    expect(readFileSync(retry, 'utf8')).to.equal('k1-node02\n');
  });
});
