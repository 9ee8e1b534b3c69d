import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, FIXTURES, hostResults, recap, tsplay, writeLabInventory } from './helpers.js';

// Issue 10's lost updates: two runs started together, each adding 25 distinct lines with
// lineinfile to the same file on the same hosts. Before, both reported success and changed=25
// while a fifth of the lines were gone; now a write commits only if the file is still what the
// module read, else the module reads and plans again. One host has no python, so both write
// paths (the Python helper and the sh script) race.
const LINES = path.join(FIXTURES, 'lines.ts');
const HOSTS = clusterHosts(labSubnet(61), 1, 2);

describe('e2e: two runs editing the same file at once lose no line', function () {
  this.timeout(120_000);
  const lab = useLab('e2e-concurrent', HOSTS);

  it('every line of both runs is on every host, and both runs report the 25 changes they made', async () => {
    const state = lab();
    const inv = await writeLabInventory(state, path.join(state.stateDir, 'concurrent.ini'), {
      hostVars: { 'k1-node02': 'ansible_python_interpreter=/nonexistent/python3' },
    });
    const file = '/etc/tsplay-e2e-lines';
    const run = (tag: string) => tsplay(['run', LINES, '-i', inv, '-e', `lines_tag=${tag}`, '-e', `lines_file=${file}`, '--json']);
    const [a, b] = await Promise.all([run('a'), run('b')]);
    const failures = [a, b].flatMap((r) => hostResults(r).filter((x) => x.status === 'failed').map((x) => `${x.host} ${x.task}: ${x.msg ?? ''}`));
    expect(failures, 'failed tasks').to.deep.equal([]);
    for (const r of [a, b]) expect(r.code, describeRun(r)).to.equal(0);
    const replans = [a, b].flatMap((r) => r.events).filter((e) => e.type === 'log' && /reading it again/.test(e.message)).length;
    if (process.env.TSPLAY_TEST_VERBOSE) console.log(`      (${replans} re-plans)`);
    const want = ['a', 'b'].flatMap((t) => Array.from({ length: 25 }, (_, i) => `${t}-${i + 1}`)).sort();
    for (const h of HOSTS) {
      for (const r of [a, b]) expect(recap(r)[h.name], `${h.name} recap`).to.include({ changed: 25, failed: 0 });
      const lines = (await labSsh(state, h.name, `cat ${file}`)).stdout.split('\n').filter(Boolean);
      expect([...lines].sort(), `${h.name}: lines in ${file}`).to.deep.equal(want);
    }
  });
});
