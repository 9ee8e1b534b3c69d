// Python's repr() and str() of inventory values, which `tsplay inventory --graph --vars` prints as
// ansible-inventory does. Each row is what Python 3 prints; the last test proves the table by
// running repr() over the same values.
import { expect } from 'chai';
import { pythonJson } from '../helpers/python.js';
import { pyRepr, pyStr } from '../../lib/inventory/pyrepr.js';

const TABLE: Array<[unknown, string]> = [
  [null, "None"],
  [true, "True"],
  [false, "False"],
  [0, "0"],
  [-3, "-3"],
  [42, "42"],
  [2.5, "2.5"],
  [-0.125, "-0.125"],
  ["", "''"],
  ["a", "'a'"],
  ["it's", "\"it's\""],
  ["say \"hi\"", "'say \"hi\"'"],
  ["both ' and \"", "'both \\' and \"'"],
  ["back\\slash", "'back\\\\slash'"],
  ["a\nb\rc\td", "'a\\nb\\rc\\td'"],
  ["\u0001\u001f\u007f", "'\\x01\\x1f\\x7f'"],
  [" ", "' '"],
  ["\u00e9 \u65e5\u672c \ud83d\ude00", "'\u00e9 \u65e5\u672c \ud83d\ude00'"],
  ["\u0085\u00a0\u200b\u2028\u00ad", "'\\x85\\xa0\\u200b\\u2028\\xad'"],
  ["\ue000", "'\\ue000'"],
  ["\udb40\udc01", "'\\U000e0001'"],
  [[], "[]"],
  [[1, "a", null], "[1, 'a', None]"],
  [[[true], {"k": false}], "[[True], {'k': False}]"],
  [{}, "{}"],
  [{"a": 1, "b": "x"}, "{'a': 1, 'b': 'x'}"],
  [{"it's": "\"q\""}, "{\"it's\": '\"q\"'}"],
  [{"n": {"m": [1.5, "\\"]}}, "{'n': {'m': [1.5, '\\\\']}}"],
];

describe("inventory values printed as Python's repr() and str()", () => {
  for (const [value, repr] of TABLE) {
    it(`repr(${JSON.stringify(value)}) is ${repr}`, () => {
      expect(pyRepr(value)).to.equal(repr);
      // str() differs from repr() only for a top-level string, which prints bare
      expect(pyStr(value)).to.equal(typeof value === 'string' ? value : repr);
    });
  }

  it('floats JSON cannot carry print as Python prints them; an unset value prints None', () => {
    expect([NaN, Infinity, -Infinity, undefined].map(pyRepr)).to.deep.equal(['nan', 'inf', '-inf', 'None']);
  });

  it('the table is what Python 3 prints for every row', () => {
    const repr = 'import json,sys; print(json.dumps([repr(v) for v in json.load(sys.stdin)]))';
    expect(pythonJson(['-c', repr], TABLE.map(([v]) => v))).to.deep.equal(TABLE.map(([, r]) => r));
  });
});
