// set_fact with a function: its names are listed beside it, so `tsplay check` knows them and a run
// fails (clearly, on that task) when the function sets a name the list leaves out.
import { expect } from 'chai';
import { debug, playbook, set_fact, type TaskBuilder } from '../../lib/index.js';
import { checkText, collectTexts } from '../../lib/cli/check-templates.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

describe('set_fact((h) => ..., names)', () => {
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = scratch());
    inv = localInventory(dir, ['n1']);
  });
  afterEach(() => cleanup());

  const play = (names: string[]) => ({
    hosts: 'all',
    gatherFacts: false,
    tasks: (t: TaskBuilder) => {
      t.task('plan', set_fact((h) => ({ plan_mode: `restore ${h.name}`, plan_stamp: '20261202' }), names));
      t.task('say', debug({ msg: '{{ plan_mode }} at {{ plan_stamp }}' }));
    },
  });

  it('sets the listed names for later templates', async () => {
    const r = await runPlays(inv, [play(['plan_mode', 'plan_stamp'])]);
    expect(r.exitCode).to.equal(0);
    const said = r.events.find((e) => e.type === 'host_result' && e.task === 'say');
    expect(JSON.stringify(said)).to.include('restore n1 at 20261202');
  });

  it('fails the task, naming what the list lacks, when the function sets another name', async () => {
    const r = await runPlays(inv, [play(['plan_mode'])]);
    expect(r.exitCode).to.not.equal(0);
    expect(r.results('plan')).to.deep.equal(['n1:failed']);
    expect(r.results('say')).to.deep.equal([]);
    const failed = r.events.find((e) => e.type === 'host_result' && e.task === 'plan');
    expect(JSON.stringify(failed)).to.match(/set plan_stamp, which its list of names \(plan_mode\) does not give/);
  });

  it('tsplay check knows the listed names, and only those', () => {
    const problems = (names: string[]) =>
      collectTexts(playbook('t', [play(names)]), [])
        .flatMap((t) => checkText(t))
        .map((p) => p.message);
    expect(problems(['plan_mode', 'plan_stamp'])).to.deep.equal([]);
    expect(problems(['plan_mode']).join('\n')).to.match(/undefined variable 'plan_stamp'/);
    expect(problems([]).join('\n')).to.match(/undefined variable 'plan_mode'/);
  });
});
