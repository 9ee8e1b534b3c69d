import { expect } from 'chai';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { typeCheck } from '../../lib/cli/check.js';

// Type-level tests, checked with the TypeScript compiler (as `tsplay check` does): the fixture
// test/fixtures/typing/good.ts must compile; each snippet below must NOT, with the error a user
// should see. Together they pin: args functions and handler options see the role's typed vars,
// a loop's item type follows its list (label, results[].item), a task with `when` is possibly
// skipped, and a loop result is not a single result.

const HEADER = `import { command, debug, defineRole, roleVars, systemd, v, wait_for } from '../../../../lib/index.js';
const vars = roleVars({ drain_retries: v.integer(), drain_address: v.string() });
export const r = defineRole({ name: 'r', vars, `;

const BAD: [string, string, RegExp][] = [
  ['args-typo', `tasks: (t) => { t.task('a', wait_for((h) => ({ port: h.vars.drain_retires }))); } });`, /Property 'drain_retires' does not exist on type .*Did you mean 'drain_retries'\?/],
  ['args-wrong-type', `tasks: (t) => { t.task('a', wait_for((h) => ({ port: h.vars.drain_address }))); } });`, /Type 'string' is not assignable to type 'number'/],
  ['handler-opts', `handlers: { h1: { call: systemd({ name: 'x', state: 'restarted' }), opts: { when: (h) => h.vars.drain_nope === 1 } } }, tasks: () => undefined });`, /Property 'drain_nope' does not exist/],
  ['handler-args', `handlers: (r) => ({ h1: systemd((h) => ({ name: h.vars.drain_retries, state: 'restarted' })) }), tasks: () => undefined });`, /Type 'number' is not assignable to type 'string'/],
  ['skipped-unchecked', `tasks: (t) => { const m = t.task('m', command('x'), { when: 'x' }); t.task('c', debug({ msg: 'x' }), { when: (h) => h.result(m).rc === 0 }); } });`, /Property 'rc' does not exist on type 'SkippedResult \| Registered<CommandResult>'/],
  ['label-item', `tasks: (t) => { t.task('l', debug({ msg: 'x' }), { loop: [{ name: 'a' }], loopControl: { label: (i) => i.nmae } }); } });`, /Property 'nmae' does not exist on type '\{ name: string; \}'/],
  ['results-item', `tasks: (t) => { const l = t.task('l', debug({ msg: 'x' }), { loop: [{ name: 'a' }] }); t.task('d', debug({ msg: 'x' }), { when: (h) => h.result(l).results[0].item.nmae === 'a' }); } });`, /Property 'nmae' does not exist on type '\{ name: string; \}'/],
  ['loop-not-single', `tasks: (t) => { const l = t.task('l', command('x'), { loop: [1, 2] }); t.task('e', debug({ msg: 'x' }), { when: (h) => h.result(l).rc === 0 }); } });`, /Property 'rc' does not exist on type 'LoopResult<LoopItemResult<CommandResult, number>>'/],
  ['other-host-typed', `tasks: (t) => { const m = t.task('m', command('x')); t.task('o', debug({ msg: 'x' }), { when: (h) => h.result(m, 'k1').stdout === 1 }); } });`, /This comparison appears to be unintentional because the types 'string' and 'number' have no overlap/],
];

describe('typing of tasks, loops, results and args functions (tsc)', function () {
  this.timeout(120_000);
  const dir = join('test', 'fixtures', 'typing', `tmp-${process.pid}`);
  let errors: string[] = [];
  before(() => {
    mkdirSync(dir, { recursive: true });
    for (const [name, body] of BAD) writeFileSync(join(dir, `${name}.ts`), `${HEADER}${body}\n`);
    // one program for all: the good fixture and every bad snippet
    const good = ['good.ts', 'readme-examples.ts'].map((f) => join('test', 'fixtures', 'typing', f));
    errors = typeCheck([...good, ...BAD.map(([name]) => join(dir, `${name}.ts`))]).errors;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('good.ts compiles: typed args, handler options, loops, possibly-skipped and other hosts\' results', () => {
    expect(errors.filter((e) => e.includes('good.ts'))).to.deep.equal([]);
  });

  it('the README\'s kubespray-to-tsplay examples compile (readme-examples.ts)', () => {
    expect(errors.filter((e) => e.includes('readme-examples.ts'))).to.deep.equal([]);
  });

  for (const [name, , want] of BAD) {
    it(`${name} does not compile, with the error a user should see`, () => {
      const mine = errors.filter((e) => e.includes(`${dir}/${name}.ts:`));
      expect(mine.length, mine.join('\n')).to.be.at.least(1);
      expect(mine.join('\n')).to.match(want);
    });
  }
});
