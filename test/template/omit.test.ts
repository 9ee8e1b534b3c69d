// `omit`: an argument set to it is left out before the module runs (ansible-core's remove_omit).
import { expect } from 'chai';
import { command, type TaskBuilder } from '../../lib/index.js';
import { OMIT_TOKEN, removeOmit, renderString } from '../../lib/template/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

describe('omit', () => {
  it('is a random placeholder, the same for the whole run', () => {
    expect(OMIT_TOKEN).to.match(/^__omit_place_holder__[0-9a-f]{40}$/);
    expect(renderString('{{ x | default(omit) }}', {}, { name: 't' })).to.equal(OMIT_TOKEN);
  });
  it('drops keys equal to it in nested dicts and in dicts inside lists, nothing else', () => {
    expect(removeOmit({ a: OMIT_TOKEN, b: 1, c: { d: OMIT_TOKEN, e: [OMIT_TOKEN, { f: OMIT_TOKEN, g: 2 }] } }))
      .to.deep.equal({ b: 1, c: { e: [OMIT_TOKEN, { g: 2 }] } });
  });
  it('an argument rendered to omit does not reach the module', async function () {
    this.timeout(30_000);
    const { dir, cleanup } = scratch();
    try {
      const inv = localInventory(dir, ['h1']);
      const run = await runPlays(inv, [{
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('pwd', command({ cmd: 'pwd', chdir: '{{ nowhere | default(omit) }}' }), { register: 'r' });
          t.task('in dir', command({ cmd: 'pwd', chdir: `{{ somewhere | default(omit) }}` }), { vars: { somewhere: dir }, register: 'r2' });
        },
      }]);
      expect(run.results('pwd')).to.deep.equal(['h1:changed']);
      expect(run.results('in dir')).to.deep.equal(['h1:changed']);
      const out = run.events.find((e) => e.type === 'host_result' && e.task === 'in dir');
      expect(out && out.type === 'host_result' && out.result?.stdout).to.equal(dir);
    } finally {
      cleanup();
    }
  });
});
