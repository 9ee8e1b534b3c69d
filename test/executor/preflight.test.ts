import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, roleVars, v, type TaskBuilder } from '../../lib/index.js';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { playbook } from '../../lib/dsl/playbook.js';
import { loadInventory, type Inventory } from '../../lib/inventory/index.js';
import { validatePlaybook, PlaybookError } from '../../lib/executor/preflight.js';
import { playOptions, PlayOptionError } from '../../lib/executor/playopts.js';
import { probe } from '../helpers/probe.js';
import { scratch } from '../helpers/run.js';

// What a run refuses before any host is touched (preflight.ts), every problem at once, and the
// play options worked out from play vars and -e (playopts.ts), with their exact words.

describe('preflight: a playbook is checked whole before anything runs', () => {
  let dir: string;
  let cleanup: () => void;
  let inv: Inventory;
  before(async () => {
    ({ dir, cleanup } = scratch('tsplay-preflight-'));
    const file = join(dir, 'hosts.ini');
    writeFileSync(file, '[web]\nw1\nw2\n');
    inv = await loadInventory([file]);
  });
  after(() => cleanup());

  const p = probe();
  const problems = (plays: PlaySpec[]): string[] => {
    try {
      validatePlaybook(playbook('pb', plays), { inv, opts: { cwd: dir, extraVars: {} } });
    } catch (e) {
      expect(e).to.be.instanceOf(PlaybookError);
      return (e as Error).message.split('\n');
    }
    return [];
  };

  it('a good playbook passes', () => {
    expect(problems([{ hosts: 'web', tasks: (t: TaskBuilder) => void t.task('a', p.module({}), { retries: 2, delay: 0, throttle: 1 }) }])).to.deep.equal([]);
  });

  it('a bad host order, a pattern that cannot be read, and a bad play option, each naming the play', () => {
    const got = problems([
      { name: 'ordered', hosts: 'web', order: 'random' as never, tasks: () => undefined },
      { name: 'badpattern', hosts: '~(', tasks: () => undefined },
      { name: 'badserial', hosts: 'web', serial: '{{ s }}' as never, vars: { s: 'lots' }, tasks: () => undefined },
    ]);
    expect(got).to.have.length(3);
    expect(got[0]).to.equal("play 'ordered': order 'random' is not one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle");
    expect(got[1]).to.equal("play 'badpattern': hosts '~(': invalid host pattern '~(': not a valid regular expression; fix the pattern");
    expect(got[2]).to.match(/^\S+preflight\.test\.ts:\d+: play #3 'badserial': option serial \(from '\{\{ s \}\}'\): .*lots/);
  });

  it('a play whose hosts come from a function is named so in an error about it', () => {
    const got = problems([
      {
        hosts: (() => {
          throw new Error('no inventory yet');
        }) as never,
        tasks: () => undefined,
      },
    ]);
    expect(got).to.have.length(1);
    expect(got[0]).to.match(/^\S+preflight\.test\.ts:\d+: play #1 '\(hosts from a function\)': option hosts \(from its function\): no inventory yet$/);
  });

  it('a tasks function that throws names the play and the line that threw', () => {
    const got = problems([
      {
        name: 'broken',
        hosts: 'web',
        tasks: () => {
          throw new Error('typo in the playbook');
        },
      },
    ]);
    expect(got).to.have.length(1);
    expect(got[0]).to.match(/^play 'broken': building its tasks failed at test\/executor\/preflight\.test\.ts:\d+:\d+: typo in the playbook$/);
  });

  it('literal retries, delay and throttle must be whole numbers, in tasks, blocks and handlers', () => {
    const got = problems([
      {
        name: 'opts',
        hosts: 'web',
        tasks: (t: TaskBuilder) => {
          t.task('r', p.module({}), { retries: -1 });
          t.task('d', p.module({}), { delay: 0.5 });
          t.block('b', (b) => void b.task('inner', p.module({}), { throttle: -2 }));
        },
        handlers: { h: { call: p.module({}), opts: { retries: 1.5 } } },
      },
    ]);
    expect(got.map((l) => l.replace(/^\S+preflight\.test\.ts:\d+: /, 'AT: '))).to.deep.equal([
      "AT: task 'r': option retries: -1 is not a whole number >= 0",
      "AT: task 'd': option delay: 0.5 is not a whole number >= 0",
      "AT: task 'inner': option throttle: -2 is not a whole number >= 0",
      "play 'opts': task 'h': option retries: 1.5 is not a whole number >= 0",
    ]);
  });

  it("a block's serial: whole numbers >= 1, \"N%\" with N > 0 (fractions allowed), or a non-empty list of them", () => {
    const block = (serial: unknown) => [{ name: 's', hosts: 'web', tasks: (t: TaskBuilder) => void t.block('b', (b) => void b.task('x', p.module({})), { serial: serial as never }) }];
    for (const ok of [1, 3, '50%', '2.5%', [1, '50%']]) expect(problems(block(ok)), JSON.stringify(ok)).to.deep.equal([]);
    for (const bad of [0, 1.5, '0%', '5', 'x50%', '50%x', '2.5.1%', '.5%', [], [1, 0], ['50%', 'x']]) {
      const got = problems(block(bad));
      expect(got, JSON.stringify(bad)).to.have.length(1);
      expect(got[0]).to.match(/block 'b': serial .* must be a whole number >= 1 or "N%" with N > 0, or a non-empty list of them \(hosts that go through the block together\)$/);
      expect(got[0]).to.contain(`serial ${JSON.stringify(bad)} must`);
    }
  });

  it('a notify that no handler answers (name, listen topic, or "role : name") is refused', () => {
    const r = defineRole({ name: 'svc', vars: roleVars({}), handlers: { restart: p.module({}) }, tasks: (t) => void t.task('in role', p.module({}), { notify: 'restart' }) });
    const got = problems([
      {
        name: 'n',
        hosts: 'web',
        roles: [r],
        tasks: (t: TaskBuilder) => {
          t.task('by name', p.module({}), { notify: 'local' });
          t.task('by topic', p.module({}), { notify: ['topic', 'svc : restart'] });
          t.task('nobody', p.module({}), { notify: ['local', 'ghost'] });
        },
        handlers: { local: { call: p.module({}), opts: { listen: 'topic' } } },
      },
    ]);
    expect(got).to.have.length(1);
    expect(got[0]).to.match(/preflight\.test\.ts:\d+: task 'nobody' notifies 'ghost', but no handler of the play has that name or listens to it$/);
  });

  it('every problem at once, each said once even when a role is in several plays', () => {
    const r = defineRole({ name: 'typo', vars: roleVars({ port: v.integer() }), tasks: () => undefined });
    const bad = r.with({ prot: 1 } as never);
    const got = problems([
      { name: 'one', hosts: 'web', roles: [bad], order: 'x' as never, tasks: () => undefined },
      { name: 'two', hosts: 'web', roles: [bad], tasks: () => undefined },
    ]);
    expect(got).to.have.length(2);
    expect(got[0]).to.contain("role 'typo' has no variable 'prot'");
    expect(got[1]).to.equal("play 'one': order 'x' is not one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle");
  });
});

describe('play options from play vars and -e', () => {
  let inv: Inventory;
  let cleanup: () => void;
  before(async () => {
    let dir: string;
    ({ dir, cleanup } = scratch('tsplay-playopts-'));
    writeFileSync(join(dir, 'hosts.ini'), '[web]\nw1\nw2\n[db]\nd1\n');
    inv = await loadInventory([join(dir, 'hosts.ini')]);
  });
  after(() => cleanup());

  const where = 'pb.ts:3: play #1';
  it('literals pass as they are; templates see play vars under -e, and groups', () => {
    expect(playOptions(inv, { hosts: 'web', serial: 2, tasks: () => undefined }, {}, where)).to.deep.equal({ hosts: 'web', serial: 2, maxFailPercentage: undefined, anyErrorsFatal: undefined });
    const play: PlaySpec = { hosts: '{{ target }}', serial: '{{ n }}' as never, maxFailPercentage: '{{ pct }}' as never, anyErrorsFatal: '{{ fatal }}' as never, vars: { target: 'db', n: 1, pct: 20, fatal: 'no' }, tasks: () => undefined };
    expect(playOptions(inv, play, {}, where)).to.deep.equal({ hosts: 'db', serial: 1, maxFailPercentage: 20, anyErrorsFatal: false });
    expect(playOptions(inv, play, { target: 'web', fatal: 'yes' }, where)).to.include({ hosts: 'web', anyErrorsFatal: true });
    expect(playOptions(inv, { hosts: '{{ groups.db | join(",") }}', tasks: () => undefined }, {}, where).hosts).to.equal('d1');
    expect(playOptions(inv, { hosts: ((pv: { groups: Record<string, string[]> }) => pv.groups.web) as never, tasks: () => undefined }, {}, where).hosts).to.equal('w1,w2');
  });

  it('the same play and -e give the same answer object (worked out once per run)', () => {
    const play: PlaySpec = { hosts: 'web', tasks: () => undefined };
    const extra = {};
    expect(playOptions(inv, play, extra, where)).to.equal(playOptions(inv, play, extra, where));
  });

  it('a bad value names the play, the option and where it came from', () => {
    const fail = (play: Partial<PlaySpec>, extra = {}) => {
      try {
        playOptions(inv, { hosts: 'web', tasks: () => undefined, ...play } as PlaySpec, extra, where);
      } catch (e) {
        expect(e).to.be.instanceOf(PlayOptionError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(fail({ serial: '{{ n }}' as never, vars: { n: 'many' } })).to.match(/^pb\.ts:3: play #1: option serial \(from '\{\{ n \}\}'\): .*many.*; fix the option, the play's vars or -e$/);
    expect(fail({ anyErrorsFatal: (() => 'perhaps') as never })).to.equal("pb.ts:3: play #1: option anyErrorsFatal (from its function): 'perhaps' is not a boolean (yes/no, true/false, on/off, 1/0); fix the option, the play's vars or -e");
    expect(fail({ maxFailPercentage: 150 as never })).to.equal("pb.ts:3: play #1: option maxFailPercentage: 150 is not a number between 0 and 100; fix the option, the play's vars or -e");
    expect(fail({ hosts: '{{ nothing_here }}' })).to.match(/^pb\.ts:3: play #1: option hosts \(from '\{\{ nothing_here \}\}'\): .*nothing_here/);
    expect(
      fail({
        hosts: (() => {
          throw new Error('no groups yet');
        }) as never,
      }),
    ).to.equal('pb.ts:3: play #1: option hosts (from its function): no groups yet');
    expect(fail({ hosts: '' })).to.equal("pb.ts:3: play #1: option hosts (from ''): '' is not a non-empty host pattern; fix the option, the play's vars or -e");
  });
});
