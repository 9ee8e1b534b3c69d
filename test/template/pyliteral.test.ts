// ast.literal_eval as ansible_eval_concat applies it to a rendered variable (pyliteral.ts).
import { expect } from 'chai';
import { ansibleEvalConcat, pyLiteralEval } from '../../lib/template/pyliteral.js';

describe('Python literals read back from rendered text', () => {
  const values: [string, unknown][] = [
    ["[1, 'a', \"b\", True, None, -3, 2.5, 0x1f, 0o17, 0b11, 1_000]", [1, 'a', 'b', true, null, -3, 2.5, 31, 15, 3, 1000]],
    ['[true, false, null]', [true, false, null]],
    ["{'a': [1, {'b': ()}], 'c': (1,), }", { a: [1, { b: [] }], c: [1] }],
    ["['a' 'b', r'\\d', '\\x41\\101\\u00e9\\n', '\\q']", ['ab', '\\d', 'A\u0041\u00e9\n', '\\q']],
    ['[1,\n 2,  # two\n 3]\n', [1, 2, 3]],
    ['[1], [2]', [[1], [2]]],
    ['[18446744073709551615]', [18446744073709551615n]],
    ["{1: 'x', None: 'y', True: 'z'}", { 1: 'x', None: 'y', True: 'z' }],
    ['[]', []],
    ['{}', {}],
  ];
  for (const [src, want] of values) it(src, () => expect(pyLiteralEval(src)).to.deep.equal({ value: want }));

  const notLiterals = ['[a]', "[f'x']", "[b'x']", '[1j]', '[01]', '[1, 2', '[1]\n[2]', "{'a': 1} + {}", '[print(1)]', '{[1]: 2}', '[1 2]', "['x\n']"];
  for (const src of notLiterals) it(`not a literal: ${JSON.stringify(src)}`, () => expect(pyLiteralEval(src)).to.equal(undefined));
});

describe("ansible_eval_concat's rule for when a rendered string is converted", () => {
  it('only text starting with [ or {, or exactly True/False', () => {
    expect(ansibleEvalConcat('[1]')).to.deep.equal([1]);
    expect(ansibleEvalConcat('True')).to.equal(true);
    expect(ansibleEvalConcat('False')).to.equal(false);
    expect(ansibleEvalConcat('true')).to.equal('true');
    expect(ansibleEvalConcat(' [1]')).to.equal(' [1]');
    expect(ansibleEvalConcat('(1, 2)')).to.equal('(1, 2)');
    expect(ansibleEvalConcat('5')).to.equal('5');
    expect(ansibleEvalConcat('[1] and more')).to.equal('[1] and more');
  });
});
