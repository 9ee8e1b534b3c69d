// Jinja syntax tsplay accepts as Jinja does, and the located errors where Jinja refuses it.
import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';

const r = (t: string, v: Record<string, unknown> = {}) => renderString(t, v, { name: 't.j2', host: 'h1' });

describe('Jinja syntax nunjucks lacks', () => {
  it('a one-item tuple is (x,), a group is (x)', () => {
    expect(r('{{ (1,) | length }} {{ (1) + 1 }}')).to.equal('1 2');
  });
  it('a dict key may be any expression', () => {
    expect(r("{{ {'k' ~ n: n * 2,} }}", { n: 3 })).to.equal("{'k3': 6}");
  });
  it('call arguments may end in a comma', () => {
    expect(r("{% set ns = namespace(ips=[],) %}{{ ns.ips }} {{ 'a-b' | replace('-', '+',) }} {{ range(3,) | list }}")).to.equal('[] a+b [0, 1, 2]');
  });
  it('for over a bare tuple ending in a comma', () => {
    expect(r('{% for x in 1, 2, %}{{ x }}{% endfor %}')).to.equal('12');
  });
  it('a bare test argument stops before and/or/else', () => {
    expect(r("{{ 'y' if 4 is divisibleby 2 else 'n' }} {{ 4 is divisibleby 3 or 5 is odd }}")).to.equal('y True');
  });
  it('namespace attributes set in a loop are seen after it', () => {
    expect(r('{% set ns = namespace(items=[]) %}{% for i in [1, 2] %}{% set ns.items = ns.items + [i * 10] %}{% endfor %}{{ ns.items }}'))
      .to.equal('[10, 20]');
  });
});

describe('syntax errors stay located', () => {
  it('a trailing comma alone is an error', () => {
    expect(() => r('x\n{{ [,] }}')).to.throw(/^t\.j2:2: host h1: syntax error/);
  });
  it('set on an attribute of something not a namespace', () => {
    expect(() => r('{% set d = {} %}\n{% set d.x = 1 %}')).to.throw(/^t\.j2:2: host h1: cannot assign attribute on non-namespace object \(a dict\)/);
  });
  it('Jinja builtins are not under ansible.builtin (as in Ansible)', () => {
    expect(() => r("{{ x | ansible.builtin.default('d') }}", { x: 1 })).to.throw(/no filter named 'ansible\.builtin\.default'/);
  });
  it('an undefined name in a loop filter names its line', () => {
    expect(() => r('{% for x in [1]\n if nope %}{% endfor %}')).to.throw(/^t\.j2:2: host h1: undefined variable 'nope'/);
  });
  it('is without a test name', () => {
    expect(() => r('{{ 1 is 2 }}')).to.throw(/^t\.j2:1: host h1: syntax error: expected a test name after 'is'/);
  });
});
