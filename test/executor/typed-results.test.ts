import { expect } from 'chai';
import { command, debug, defineRole, roleVars, shell, v, type TaskBuilder } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// What the typed API promises at run time: h.result(ref, host) reads another host's result, a
// loop's results carry each item, a skipped task registers { skipped: true }, and handlers given
// as a function run with the role's typed vars.

const msgs = (events: { type: string }[], task: string): string[] =>
  events.flatMap((e) => (e.type === 'log' && (e as { task?: string }).task === task ? [(e as unknown as { message: string }).message] : []));

describe('typed results at run time', function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    ({ dir, cleanup } = scratch('tsplay-typed-'));
    inv = localInventory(dir, ['h1', 'h2']);
  });
  afterEach(() => cleanup());

  it('h.result(ref, host) reads another host\'s result; a host outside the run is a clear error', async () => {
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          const who = t.task('who', command('echo {{ inventory_hostname }}'), { changedWhen: false });
          t.task('peer', debug((h) => ({ msg: `${h.name} sees ${h.result(who, h.name === 'h1' ? 'h2' : 'h1').stdout}` })));
          t.task('nobody', debug((h) => ({ msg: h.result(who, 'h9').stdout })), { ignoreErrors: true });
        },
      },
    ]);
    expect(msgs(run.events, 'peer').sort()).to.deep.equal(['h1 sees h2', 'h2 sees h1']);
    const e = run.events.find((x) => x.type === 'host_result' && x.task === 'nobody' && x.host === 'h1');
    expect(e?.type === 'host_result' && e.msg).to.contain("h.result('who', 'h9'): 'h9' is not a host of this run");
  });

  it('a loop\'s results carry each item; a skipped task registers skipped, which a typed when checks first', async () => {
    const run = await runPlays(inv, [
      {
        hosts: 'h1',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          const sizes = t.task('sizes', shell('echo {{ item.n * 2 }}'), { loop: [{ n: 1 }, { n: 5 }], changedWhen: false });
          const never = t.task('never', command('false'), { when: false });
          t.task('sum', debug((h) => ({ msg: h.result(sizes).results.map((r) => `${r.item.n}:${r.stdout}`).join(',') })));
          t.task('guarded', debug({ msg: 'ran' }), { when: (h) => { const r = h.result(never); return r.skipped === true || r.rc !== 0; } });
        },
      },
    ]);
    expect(run.exitCode).to.equal(0);
    expect(msgs(run.events, 'sum')).to.deep.equal(['1:2,5:10']);
    expect(msgs(run.events, 'guarded')).to.deep.equal(['ran']);
  });

  it('a role\'s handlers given as a function run, notified, with the role\'s vars', async () => {
    const vars = roleVars({ svc: v.string() });
    const role = defineRole({
      name: 'svc',
      vars,
      defaults: { svc: 'kubelet' },
      handlers: (r) => ({ 'say it': debug((h) => ({ msg: `${r.role} restarts ${h.vars.svc.toUpperCase()}` })) }),
      tasks: (t) => void t.task('change', command('true'), { notify: 'say it' }),
    });
    const run = await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, roles: [role.with({ svc: 'etcd' })] }]);
    expect(run.exitCode).to.equal(0);
    expect(msgs(run.events, 'say it')).to.deep.equal(['svc restarts ETCD']);
  });
});
