// Every filter/test case here was rendered by real Ansible 2.14 (its filter and test plugins on
// Jinja2 with trim_blocks); the expected text is Ansible's output, recorded in the fixture.
import fs from 'node:fs';
import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';

interface Case { template: string; vars: Record<string, unknown>; ansible: string }
const cases = JSON.parse(
  fs.readFileSync(new URL('../fixtures/templates/ansible-filter-cases.json', import.meta.url), 'utf8'),
) as Case[];

describe('filters and tests render as Ansible renders them', () => {
  for (const c of cases) {
    it(`${c.template}  with ${JSON.stringify(c.vars)}`, () => {
      expect(renderString(c.template, c.vars, { name: 'case' })).to.equal(c.ansible);
    });
  }
});

// Python tuples have no JS counterpart: they come out as lists. Floats that are whole numbers
// print without ".0" (JS has one number type).
describe('known representation differences from Python', () => {
  const table: [string, Record<string, unknown>, string][] = [
    ["{{ a | zip(b) | list }}", { a: [1, 2], b: ['x', 'y'] }, "[[1, 'x'], [2, 'y']]"],
    ["{{ d.items() | list }}", { d: { a: 1 } }, "[['a', 1]]"],
    ["{{ 'k=v' | regex_findall('(\\w)=(\\w)') }}", {}, "[['k', 'v']]"],
    ["{{ 2.5 | round }}", {}, '2'],
    ["{{ 'x' | float }}", {}, '0'],
  ];
  for (const [t, v, want] of table) {
    it(t, () => expect(renderString(t, v, { name: 'case' })).to.equal(want));
  }
});

describe('filter errors name the filter, file and line', () => {
  const table: [string, Record<string, unknown>, RegExp][] = [
    ['a\n{{ s | from_json }}', { s: '{bad' }, /^t\.njk:2: host h1: filter 'from_json': invalid JSON/],
    ['{{ [] | first }}', {}, /^t\.njk:1: host h1: filter 'first': first of an empty list/],
    ['{{ x | nosuch }}', { x: 1 }, /^t\.njk:1: host h1: no filter named 'nosuch'/],
    ['{{ d | dict2items }}', { d: [1] }, /dict2items requires a dictionary, got list/],
    ["{{ 'v1' is version('', '>=') }}", {}, /test 'version': version to compare against cannot be empty/],
    ["{{ 'a' is version('1', 'bogus') }}", {}, /invalid version operator 'bogus'/],
    ['{{ 1 + "a" }}', {}, /unsupported operand type\(s\) for \+: 'int' and 'str'/],
    ['{{ 1 < "a" }}', {}, /cannot compare int 1 with str 'a'/],
  ];
  for (const [t, v, re] of table) {
    it(t, () => expect(() => renderString(t, v, { name: 't.njk', host: 'h1' })).to.throw(re));
  }
});
