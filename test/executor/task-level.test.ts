import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskBuilder, TaskOptions } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';
import { probe, type Probe } from '../helpers/probe.js';
import { rejection } from '../helpers/rejection.js';

// runOnce and throttle have one value per task, the one they have on the first host (tasklevel.ts),
// as in Ansible's linear strategy; a value that cannot be read fails the task on every host.

const HOSTS = ['h1', 'h2', 'h3', 'h4'];

describe('task-level options: runOnce and throttle', () => {
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  let p: Probe;
  let running = 0;
  let most = 0;
  beforeEach(() => {
    ({ dir, cleanup } = scratch());
    // h1 says yes to run once and a throttle of 1; the other hosts say otherwise
    inv = localInventory(dir, HOSTS.map((h) => (h === 'h1' ? 'h1 once=yes limit=1' : h)), '[all:vars]\nonce=no\nlimit=3\nbad=often\n');
    for (const h of HOSTS) mkdirSync(join(dir, h), { recursive: true });
    p = probe();
    running = 0;
    most = 0;
    p.answer = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      return { changed: false };
    };
  });
  afterEach(() => cleanup());

  const run = (opts: TaskOptions) => runPlays(inv, [{ hosts: 'all', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('t', p.module({}), opts) }], { forks: 10 });

  it('without either, every host runs at once (up to forks)', async () => {
    await run({});
    expect(p.calls).to.have.length(4);
    expect(most).to.equal(4);
  });

  it('literal runOnce runs on the first host only; literal throttle caps how many run at once', async () => {
    await run({ runOnce: true });
    expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
    p.calls.length = 0;
    await run({ throttle: 2 });
    expect(p.calls).to.have.length(4);
    expect(most).to.equal(2);
  });

  it('throttle 0 means no cap', async () => {
    await run({ throttle: 0 });
    expect(most).to.equal(4);
  });

  it('from variables, the first host decides for the whole task', async () => {
    await run({ runOnce: '{{ once }}' } as TaskOptions);
    expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
    p.calls.length = 0;
    await run({ throttle: '{{ limit }}' } as TaskOptions);
    expect(p.calls).to.have.length(4);
    expect(most).to.equal(1);
    p.calls.length = 0;
    await run({ runOnce: (h) => h.name === 'h1' });
    expect(p.calls.map((c) => c.host)).to.deep.equal(['h1']);
  });

  it('a literal throttle that is not a whole number is refused before any host is touched, saying where', async () => {
    const err = await rejection(run({ throttle: 1.5 }));
    expect(p.calls).to.have.length(0);
    expect(err.message).to.match(/^test\/executor\/task-level\.test\.ts:\d+: task 't': option throttle: 1\.5 is not a whole number >= 0$/);
  });

  it('a throttle from a variable that is not a whole number fails the task on every host', async () => {
    const r = await run({ throttle: '{{ bad }}' } as TaskOptions);
    expect(p.calls).to.have.length(0);
    const l = r.lines('t');
    expect(l.map((x) => [x.host, x.status, x.changed])).to.deep.equal(HOSTS.map((h) => [h, 'failed', false]));
    expect(l[0].msg).to.match(/^task 't' at \S+task-level\.test\.ts:\d+, host h1: option throttle \(from '\{\{ bad \}\}'\): 'often' is not a whole number >= 0; fix/);
    expect(r.exitCode).to.equal(2);
  });

  it('a runOnce from a variable that is not a boolean fails likewise, naming the first host and the template', async () => {
    const r = await run({ runOnce: '{{ bad }}' } as TaskOptions);
    expect(p.calls).to.have.length(0);
    const l = r.lines('t');
    expect(l).to.have.length(4);
    expect(l[3].msg).to.match(/^task 't' at \S+, host h1: option runOnce \(from '\{\{ bad \}\}'\): 'often' is not a boolean/);
  });
});
