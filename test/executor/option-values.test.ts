import { expect } from 'chai';
import { environment, flag, OptionValueError, pattern, percent, serial, wholeNumber } from '../../lib/executor/optionvalues.js';
import { environmentOn, hostOptions, noLogOn, optionValue, TaskOptionError, type OptionScope } from '../../lib/executor/taskopts.js';
import type { HostView } from '../../lib/dsl/types.js';
import { lazyVars } from '../../lib/template/index.js';

// Option values from variables (optionvalues.ts, taskopts.ts): what each option accepts, what it
// turns the value into, and the exact words of a refusal, which a user reads to fix a playbook.

const ok = <T>(fn: (v: unknown) => T, v: unknown) => fn(v);
const refusal = (fn: (v: unknown) => unknown, v: unknown): string => {
  try {
    fn(v);
  } catch (e) {
    expect(e).to.be.instanceOf(OptionValueError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(v)}`);
};

describe('option values: what each option accepts', () => {
  it('wholeNumber: integers >= 0, as numbers or digit strings (spaces allowed)', () => {
    expect([0, 3, '3', ' 7 ', '0'].map((v) => ok(wholeNumber, v))).to.deep.equal([0, 3, 3, 7, 0]);
    expect(refusal(wholeNumber, -1)).to.equal('-1 is not a whole number >= 0');
    expect(refusal(wholeNumber, 1.5)).to.equal('1.5 is not a whole number >= 0');
    expect(refusal(wholeNumber, '')).to.equal("'' is not a whole number >= 0");
    expect(refusal(wholeNumber, '  ')).to.equal("'  ' is not a whole number >= 0");
    expect(refusal(wholeNumber, 'x')).to.equal("'x' is not a whole number >= 0");
    expect(refusal(wholeNumber, true)).to.equal('true is not a whole number >= 0');
    expect(refusal(wholeNumber, undefined)).to.equal('undefined is not a whole number >= 0');
  });

  it('flag: Ansible booleans', () => {
    expect([true, 'yes', 'on', '1', 1, 'True', false, 'no', 'off', '0', 0].map((v) => ok(flag, v))).to.deep.equal([true, true, true, true, true, true, false, false, false, false, false]);
    expect(refusal(flag, 'maybe')).to.equal("'maybe' is not a boolean (yes/no, true/false, on/off, 1/0)");
    expect(refusal(flag, [1])).to.equal('[1] is not a boolean (yes/no, true/false, on/off, 1/0)');
  });

  it('percent: 0..100, fractions allowed, strings read as numbers', () => {
    expect([0, 100, 50.5, '25', ' 30 '].map((v) => ok(percent, v))).to.deep.equal([0, 100, 50.5, 25, 30]);
    for (const bad of [-0.1, 100.1, '', 'x', null, Infinity]) expect(refusal(percent, bad)).to.match(/ is not a number between 0 and 100$/);
    expect(refusal(percent, '101')).to.equal("'101' is not a number between 0 and 100");
    expect(refusal(percent, '')).to.equal("'' is not a number between 0 and 100");
  });

  it('serial: a size, "N%", a ramp of them, or sizes per pattern', () => {
    expect(ok(serial, 2)).to.equal(2);
    expect(ok(serial, ' 3 ')).to.equal(3);
    expect(ok(serial, ' 30% ')).to.equal('30%');
    expect(ok(serial, [1, '2', '50%'])).to.deep.equal([1, 2, '50%']);
    expect(ok(serial, { masters: 1, workers: ['1', '50%'] })).to.deep.equal({ masters: 1, workers: [1, '50%'] });
    expect(refusal(serial, true)).to.equal('true is not a number or "N%"');
    expect(refusal(serial, [1, null])).to.equal('null is not a number or "N%"');
    expect(refusal(serial, { w: [true] })).to.equal('true is not a number or "N%"');
    expect(refusal(serial, 'lots')).to.match(/lots/);
  });

  it('pattern: a non-empty pattern, or a list of them joined with commas', () => {
    expect(ok(pattern, 'web')).to.equal('web');
    expect(ok(pattern, ['a', 'b:&c'])).to.equal('a,b:&c');
    expect(refusal(pattern, '  ')).to.equal("'  ' is not a non-empty host pattern");
    expect(refusal(pattern, ['a', 1])).to.equal('["a",1] is not a non-empty host pattern');
    expect(refusal(pattern, [])).to.equal('[] is not a non-empty host pattern');
  });

  it('environment: names to strings (booleans as Python prints them), null values left out', () => {
    expect(ok(environment, { A: 'x', B_2: 3, C: true, D: false, E: null, F: undefined })).to.deep.equal({ A: 'x', B_2: '3', C: 'True', D: 'False' });
    expect(refusal(environment, ['A'])).to.equal('["A"] is not a map of variable names to values');
    expect(refusal(environment, null)).to.equal('null is not a map of variable names to values');
    expect(refusal(environment, 'A=1')).to.equal("'A=1' is not a map of variable names to values");
    expect(refusal(environment, { '1A': 'x' })).to.equal("'1A' is not a valid environment variable name (letters, digits, _; not starting with a digit)");
    expect(refusal(environment, { A: { b: 1 } })).to.equal('the value of A is {"b":1}, not a string or number');
    expect(refusal(environment, { A: [1] })).to.equal('the value of A is [1], not a string or number');
  });
});

describe('task options from variables, on one host', () => {
  const vars = lazyVars({ n: '3', yes_: 'yes', bad: 'sometimes', proxy: 'http://p:3128', envmap: { X: '{{ n }}' }, notmap: 'A=1' }, { host: 'h1' });
  const s: OptionScope = { view: { name: 'h1', vars } as unknown as HostView, vars, where: "task 't' at pb.ts:9", host: 'h1' };

  it('a template, a function of the host, or a literal; undefined stays undefined', () => {
    expect(optionValue('retries', '{{ n }}', wholeNumber, s)).to.equal(3);
    expect(optionValue('retries', (h: HostView) => (h.name === 'h1' ? 4 : 0), wholeNumber, s)).to.equal(4);
    expect(optionValue('retries', 5, wholeNumber, s)).to.equal(5);
    expect(optionValue('retries', undefined, wholeNumber, s)).to.equal(undefined);
  });

  it('a bad value names task, host, option and where it came from', () => {
    expect(() => optionValue('ignoreErrors', '{{ bad }}', flag, s)).to.throw(
      TaskOptionError,
      "task 't' at pb.ts:9, host h1: option ignoreErrors (from '{{ bad }}'): 'sometimes' is not a boolean (yes/no, true/false, on/off, 1/0); fix the option or the variables it reads",
    );
    expect(() => optionValue('delay', () => -2, wholeNumber, s)).to.throw(TaskOptionError, "task 't' at pb.ts:9, host h1: option delay (from its function): -2 is not a whole number >= 0; fix");
    expect(() => optionValue('delay', 1.5, wholeNumber, s)).to.throw(TaskOptionError, "task 't' at pb.ts:9, host h1: option delay: 1.5 is not a whole number >= 0; fix");
  });

  it('a function that throws is named as such; a template error keeps its own words', () => {
    expect(() =>
      optionValue(
        'retries',
        () => {
          throw new Error('no such var');
        },
        wholeNumber,
        s,
      ),
    ).to.throw(TaskOptionError, "task 't' at pb.ts:9, host h1: option retries: its function threw: no such var");
    expect(() => optionValue('retries', '{{ missing }}', wholeNumber, s))
      .to.throw(/retries of task 't' at pb\.ts:9.*undefined variable 'missing'/)
      .and.not.to.be.instanceOf(TaskOptionError);
  });

  it('a check that fails for another reason than a bad value is not dressed up', () => {
    expect(() =>
      optionValue('x', 1, () => {
        throw new RangeError('internal');
      }, s),
    ).to.throw(RangeError, 'internal');
  });

  it('hostOptions resolves the per-host options and passes the others through', () => {
    const o = hostOptions({ ignoreErrors: '{{ yes_ }}', ignoreUnreachable: 'no', retries: '{{ n }}', delay: '2', async: 0, poll: (h: HostView) => (h.name === 'h1' ? 1 : 9), register: 'r', tags: ['t'] } as never, s);
    expect(o).to.deep.equal({ ignoreErrors: true, ignoreUnreachable: false, retries: 3, delay: 2, async: 0, poll: 1, register: 'r', tags: ['t'] });
    const names = ['ignoreErrors', 'ignoreUnreachable', 'retries', 'delay', 'async', 'poll'];
    for (const name of names) expect(() => hostOptions({ [name]: '{{ bad }}' } as never, s), name).to.throw(TaskOptionError, `option ${name} (from '{{ bad }}')`);
  });

  it('noLog: false when absent; an unreadable value hides (true) and carries the error', () => {
    expect(noLogOn({}, s)).to.deep.equal({ noLog: false });
    expect(noLogOn({ noLog: '{{ yes_ }}' } as never, s)).to.deep.equal({ noLog: true });
    const bad = noLogOn({ noLog: '{{ bad }}' } as never, s);
    expect(bad.noLog).to.equal(true);
    expect(bad.error?.message).to.contain("option noLog (from '{{ bad }}')");
  });

  it('environment layers merge key by key, each value a template; a layer that is not a map is refused', () => {
    expect(environmentOn([{ A: '1', B: '{{ n }}' }, { B: 'two', C: '{{ proxy }}' }, {}], s)).to.deep.equal({ A: '1', B: 'two', C: 'http://p:3128' });
    expect(environmentOn([{ N: 5, B: '{{ n }}x' }], s)).to.deep.equal({ N: '5', B: '3x' });
    expect(() => environmentOn([{ U: '{{ missing_env }}' }], s)).to.throw(/^environment of task 't' at pb\.ts:9.*undefined variable 'missing_env'/);
    expect(environmentOn(['{{ envmap }}' as never], s)).to.deep.equal({ X: '3' });
    expect(environmentOn([(h: HostView) => ({ WHO: h.name })] as never, s)).to.deep.equal({ WHO: 'h1' });
    expect(() => environmentOn(['{{ notmap }}' as never], s)).to.throw(
      TaskOptionError,
      "task 't' at pb.ts:9, host h1: option environment (from '{{ notmap }}'): 'A=1' is not a map of variable names to values; fix the option or the variables it reads",
    );
    expect(() => environmentOn([() => 'A=1'] as never, s)).to.throw(TaskOptionError, "option environment (from its function): 'A=1' is not a map");
    expect(() => environmentOn([{ A: { deep: 1 } } as never], s)).to.throw(TaskOptionError, 'option environment: the value of A is {"deep":1}, not a string or number');
  });
});
