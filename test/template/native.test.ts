import { expect } from 'chai';
import { templateValue, evalExpression, evalCondition, TemplateError } from '../../lib/template/index.js';

const vars = {
  n: 5, s: 'text', l: [1, 'a'], d: { k: [1, 2] }, t: true, f: false, z: null, empty: [], emptyd: {},
  etcd_cluster_is_healthy: { rc: 1 }, inventory_hostname: 'etcd1', groups: { etcd: ['etcd1', 'etcd2'], kube_node: [] },
  kube_version: 'v1.16.3', sfalse: 'false', zero: 0,
};
const o = { name: "task 'render' arg dest", host: 'etcd1' };

describe('templateValue keeps native types for a lone {{ expr }}', () => {
  const table: [unknown, unknown][] = [
    ['{{ n }}', 5],
    ['{{ n + 1 }}', 6],
    ['{{ l }}', [1, 'a']],
    ['{{ d }}', { k: [1, 2] }],
    ['{{ t }}', true],
    ['{{ z }}', null],
    ['{{ s }}', 'text'],
    ['{{ d.k | length > 1 }}', true],
    ['{{- n -}}', 5],
    ['n={{ n }}', 'n=5'],
    [' {{ n }}', ' 5'],
    ['{{ n }}{{ n }}', '55'],
    ['plain', 'plain'],
    [{ a: '{{ l }}', b: ['{{ n }}', 'x{{ s }}'], c: 3, '{{ s }}': 'key templated' }, { a: [1, 'a'], b: [5, 'xtext'], c: 3, text: 'key templated' }],
    [[true, null, 1.5], [true, null, 1.5]],
  ];
  for (const [input, want] of table) {
    it(JSON.stringify(input), () => expect(templateValue(input, vars, o)).to.deep.equal(want));
  }

  it('does not modify its input', () => {
    const input = { a: '{{ n }}', b: ['{{ s }}'] };
    templateValue(input, vars, o);
    expect(input).to.deep.equal({ a: '{{ n }}', b: ['{{ s }}'] });
  });

  it('names the argument and host in errors', () => {
    expect(() => templateValue({ dest: '/etc/{{ nope }}' }, vars, o)).to.throw(TemplateError, "task 'render' arg dest:1: host etcd1: undefined variable 'nope'");
  });
});

describe('evalExpression returns native values', () => {
  const table: [string, unknown][] = [
    ["etcd_cluster_is_healthy.rc != 0 and inventory_hostname in groups['etcd']", true],
    ['x is defined', false],
    ["kube_version is version('v1.15', '>=')", true],
    ["kube_version is version('v1.17', '>=')", false],
    ['l', [1, 'a']],
    ['n * 2', 10],
    ["groups['kube_node'] | length == 0", true],
    ['{{ n }}', 5],
    ["d.k | map('string') | list", ['1', '2']],
  ];
  for (const [expr, want] of table) {
    it(expr, () => expect(evalExpression(expr, vars, o)).to.deep.equal(want));
  }
  it('rejects an empty expression', () => {
    expect(() => evalExpression('  ', vars, o)).to.throw(TemplateError, /empty expression/);
  });
});

describe('evalCondition uses Ansible (Python) truthiness', () => {
  const table: [string | boolean, boolean][] = [
    [true, true], [false, false], ['', true],
    ['t', true], ['f', false], ['z', false], ['n', true], ['zero', false],
    ['empty', false], ['emptyd', false], ['l', true], ['d', true], ['s', true],
    ['sfalse', true], // the string "false" is a non-empty string: true, as in Ansible
    ['sfalse | bool', false],
    ['{{ t }}', true], ['{{ empty }}', false], ['{{ n }} == 5', true],
    ['not t', false], ['t and f', false], ['f or t', true],
    ['etcd_cluster_is_healthy.rc != 0', true],
    ["inventory_hostname in groups['kube_node']", false],
    ['x is not defined', true],
    ['x is defined and x', false],
  ];
  for (const [cond, want] of table) {
    it(`${JSON.stringify(cond)} -> ${want}`, () => expect(evalCondition(cond, vars, o)).to.equal(want));
  }
  it('an undefined variable in a condition is an error, not false', () => {
    expect(() => evalCondition('missing_var', vars, { name: "task 'x' when", host: 'h' }))
      .to.throw(TemplateError, "task 'x' when:1: host h: undefined variable 'missing_var'");
  });
});

describe('template string literals follow Python escapes', () => {
  it("'\\d' stays a regex escape", () => {
    expect(templateValue("{{ 'a1b2' | regex_replace('\\d', 'X') }}", {}, o)).to.equal('aXbX');
  });
  it("'\\n' is a newline", () => {
    expect(templateValue("{{ 'a\\nb' }}", {}, o)).to.equal('a\nb');
  });
});
