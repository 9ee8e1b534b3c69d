import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debug, setup, type TaskBuilder } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// setup refreshes facts mid-play, in a play that did not gather them; filter narrows them.
describe('setup module', () => {
  const { dir, cleanup } = scratch('tsplay-setup-');
  after(cleanup);

  it('makes ansible_* and ansible_facts[...] available mid-play; filter keeps only matching facts', async () => {
    const inv = localInventory(dir, ['h1']);
    const out = join(dir, 'out');
    writeFileSync(out, '');
    const plays = [{
      hosts: 'h1',
      gatherFacts: false,
      tasks: (t: TaskBuilder) => {
        t.task('refresh distribution facts', setup({ filter: ['ansible_distribution*'] }), { register: 'narrow' });
        t.task('show', debug({ msg: "{{ ansible_distribution }}|{{ ansible_facts['distribution_major_version'] }}|{{ ansible_hostname is defined }}|{{ narrow.ansible_facts | length > 2 }}" }), { register: 'shown' });
        t.task('all facts', setup({ gather_subset: ['all'] }));
        t.task('show all', debug({ msg: "{{ ansible_hostname | length > 0 }}|{{ ansible_facts.os_family }}|{{ ansible_processor_vcpus > 0 }}" }), { register: 'all' });
      },
    }];
    const run = await runPlays(inv, plays);
    expect(run.exitCode).to.equal(0);
    const msgs = run.events.flatMap((e) => (e.type === 'host_result' && e.result && 'msg' in e.result ? [String(e.result.msg)] : []));
    expect(msgs[0]).to.match(/^\w+\|\d+\|False\|True$/);
    expect(msgs[0]).to.not.include('$');
    expect(msgs[1]).to.match(/^True\|\w+\|True$/);
  });
});
