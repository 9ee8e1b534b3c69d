import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { add_host, command, debug, group_by } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// group_by and add_host on the local connection: what the side-by-side test does not cover.

describe('group_by and add_host', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-dyn-')));
  afterEach(() => cleanup());

  it('add_host in a loop adds each host once (not once per play host), with vars; check mode too; --limit still applies', async () => {
    for (const h of ['h1', 'h2']) mkdirSync(join(dir, h));
    const inv = localInventory(dir, ['h1', 'h2']);
    const plays = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: import('../../lib/index.js').TaskBuilder) => {
          t.task('add', add_host({ name: '{{ item }}', groups: 'new', ansible_connection: 'local', label: 'L-{{ item }}' }), { loop: ['n1', 'n2'] });
          t.task('role', group_by({ key: "{{ 'first' if inventory_hostname == 'h1' else 'rest' }}" }));
        },
      },
      { hosts: 'new', gatherFacts: false, tasks: (t: import('../../lib/index.js').TaskBuilder) => void t.task('new', debug({ msg: '{{ label }} {{ groups.new | join(",") }}' })) },
      { hosts: 'first', gatherFacts: false, tasks: (t: import('../../lib/index.js').TaskBuilder) => void t.task('first', command('true')) },
    ];
    const run = await runPlays(inv, plays, { check: true });
    expect(run.results('add')).to.deep.equal(['h1:changed', 'h1:changed']);
    expect(run.events.flatMap((e) => (e.type === 'host_result' && e.task === 'new' ? [`${e.host}=${e.msg}`] : [])).sort()).to.deep.equal(['n1=L-n1 n1,n2', 'n2=L-n2 n1,n2']);
    expect(run.results('first')).to.deep.equal(['h1:skipped']); // check mode: command is skipped, the group was made
    expect(run.exitCode).to.equal(0);
    const limited = await runPlays(inv, plays, { limit: 'h*' });
    expect(limited.results('new')).to.deep.equal([]);
    expect(limited.results('first')).to.deep.equal(['h1:changed']);
  });

  it('group_by with an empty key fails the host, saying so', async () => {
    mkdirSync(join(dir, 'h1'));
    const inv = localInventory(dir, ['h1']);
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('g', group_by({ key: '{{ "" }}' })) }]);
    const ev = run.events.find((e) => e.type === 'host_result' && e.task === 'g');
    expect(ev && ev.type === 'host_result' && ev.msg).to.match(/group_by: key rendered to an empty group name/);
  });
});
