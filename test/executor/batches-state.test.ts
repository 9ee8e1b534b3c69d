import { expect } from 'chai';
import { batchSizes, cutBatches, SerialError, sizeOf } from '../../lib/executor/batches.js';
import { HostState } from '../../lib/executor/state.js';
import { becomeFor } from '../../lib/executor/become.js';
import type { PlayContext } from '../../lib/executor/context.js';
import { runOptions } from '../../lib/executor/context.js';

// Small executor parts with exact answers: serial sizes and batches (their edges and refusals;
// the ordinary table is proved against Ansible in serial-ansible.test.ts), the recap arithmetic
// of one host, and become's precedence corners.

describe('serial: sizes and batches', () => {
  it('sizeOf: whole numbers (0 = all), percentages of the total floored but at least 1', () => {
    expect([sizeOf(0, 7), sizeOf(3, 7), sizeOf('50%', 7), sizeOf('1%', 7), sizeOf('100%', 7), sizeOf('12.5%', 16), sizeOf('0%', 7)]).to.deep.equal([7, 3, 3, 1, 7, 2, 1]);
  });

  it('sizeOf refuses what is not a size, in words', () => {
    expect(() => sizeOf(-1, 5)).to.throw(SerialError, 'serial -1 must be a whole number >= 0');
    expect(() => sizeOf(1.5, 5)).to.throw(SerialError, 'serial 1.5 must be a whole number >= 0');
    for (const bad of ['50', '50%x', 'x50%', '5.%', '.5%', '%', '5 %']) expect(() => sizeOf(bad as never, 5), bad).to.throw(SerialError, `serial '${bad}' must be a number or "N%"`);
  });

  it('batchSizes: none for no hosts, all at once without serial or with an empty ramp; the last size repeats', () => {
    expect(batchSizes(2, 0)).to.deep.equal([]);
    expect(batchSizes(undefined, 5)).to.deep.equal([5]);
    expect(batchSizes([], 5)).to.deep.equal([5]);
    expect(batchSizes([1, 2], 7)).to.deep.equal([1, 2, 2, 2]);
    expect(batchSizes(3, 7)).to.deep.equal([3, 3, 1]);
  });

  it('cutBatches: a size or ramp cuts the hosts in order; per-pattern sizes batch each pattern, then the rest at once', () => {
    const hosts = ['m1', 'm2', 'w1', 'w2', 'w3', 'x1'];
    expect(cutBatches(hosts, 4, () => [])).to.deep.equal([['m1', 'm2', 'w1', 'w2'], ['w3', 'x1']]);
    expect(cutBatches(hosts, undefined, () => [])).to.deep.equal([hosts]);
    const match = (p: string) => hosts.filter((h) => h.startsWith(p[0]));
    expect(cutBatches(hosts, { masters: 1, workers: [1, 2] }, match)).to.deep.equal([['m1'], ['m2'], ['w1'], ['w2', 'w3'], ['x1']]);
    // a host two patterns name goes with the first; nothing left over means no last batch
    expect(cutBatches(['m1', 'w1'], { m: 5, mw: 5 }, (p) => (p === 'm' ? ['m1'] : ['m1', 'w1']))).to.deep.equal([['m1'], ['w1']]);
    // a pattern that matches none of the play's hosts adds no batch
    expect(cutBatches(['w1'], { nothing: 1, w: 1 }, (p) => (p === 'w' ? ['w1'] : []))).to.deep.equal([['w1']]);
  });
});

describe('a host\'s recap arithmetic', () => {
  it('changed is also ok; ignored is ok, and changed when it changed; the rest count as themselves', () => {
    const st = new HostState('h');
    expect(st.touched).to.equal(false);
    st.count('ok');
    st.count('changed');
    st.count('ignored');
    st.count('ignored', true);
    st.count('failed');
    st.count('skipped');
    st.count('unreachable');
    st.count('rescued');
    expect(st.stats).to.deep.equal({ ok: 4, changed: 2, failed: 1, skipped: 1, unreachable: 1, ignored: 2, rescued: 1 });
    expect(st.touched).to.equal(true);
    expect(st.active).to.equal(true);
    st.failed = true;
    expect(st.active).to.equal(false);
  });
});

describe('become: which user, and whether', () => {
  const pc = (play: Record<string, unknown> = {}, run: Record<string, unknown> = {}) => ({ run: { opts: runOptions(run) }, play }) as unknown as PlayContext;

  it('off unless something turns it on; root by default; the password from either variable name', () => {
    expect(becomeFor(pc(), {}, {})).to.equal(false);
    expect(becomeFor(pc(), { become: true }, {})).to.deep.equal({ user: 'root', password: undefined });
    expect(becomeFor(pc({ become: true }), {}, { ansible_become_pass: 'pw1' })).to.deep.equal({ user: 'root', password: 'pw1' });
    expect(becomeFor(pc({ become: true }), {}, { ansible_become_password: 'pw2', ansible_become_pass: 'old' })).to.deep.equal({ user: 'root', password: 'pw2' });
  });

  it('task, then play, then the command line; the variables over all of them', () => {
    expect(becomeFor(pc({ become: true, becomeUser: 'play' }, { become: false, becomeUser: 'cli' }), { becomeUser: 'task' }, {})).to.deep.equal({ user: 'task', password: undefined });
    expect(becomeFor(pc({ becomeUser: 'play' }, { become: true, becomeUser: 'cli' }), {}, {})).to.deep.equal({ user: 'play', password: undefined });
    expect(becomeFor(pc({}, { become: true, becomeUser: 'cli' }), {}, {})).to.deep.equal({ user: 'cli', password: undefined });
    expect(becomeFor(pc({ become: false }, { become: true }), {}, {})).to.equal(false);
    expect(becomeFor(pc({ become: true }), { become: false }, {})).to.equal(false);
    expect(becomeFor(pc(), { become: true, becomeUser: 'task' }, { ansible_become: 'no' })).to.equal(false);
    expect(becomeFor(pc(), {}, { ansible_become: 'yes', ansible_become_user: 'var' })).to.deep.equal({ user: 'var', password: undefined });
    expect(becomeFor(pc(), {}, { ansible_become: false })).to.equal(false);
  });
});
