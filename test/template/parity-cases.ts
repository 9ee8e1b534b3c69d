// Constructs of issue 17 (and the template items of issue 15), each rendered by tsplay and by
// ansible-core 2.14's Templar in vs-ansible.test.ts; the two must give identical text.
// Tuples are avoided in output: Python prints (1,), tsplay a list (a documented difference).

export interface ParityCase { template: string; vars?: Record<string, unknown> }

export const PARITY: Record<string, ParityCase[]> = {
  'trailing commas in literals (4)': [
    { template: "{{ {'a': 1, 'b': 2,} | to_json }}" },
    { template: "{{ [1, 2,] | to_json }} {{ [3,] | length }}" },
    { template: "{% set d = {\n  'x': 1,\n  'y': [1, 2,],\n} %}{{ d.y | sum }}" },
    { template: "{{ ((1, 2,) | list) | to_json }} {{ ('a',) | join('-') }}" },
    { template: "{{ {'a' ~ x: 1,} | to_json }}", vars: { x: 'b' } },
  ],
  'for over a bare tuple (5)': [
    { template: '{% for x in "a", "b" %}[{{ x }}]{% endfor %}' },
    { template: '{% for x in "a", v, 3 %}{{ x }};{% endfor %}', vars: { v: 'b' } },
    { template: '{% for x in "a", "b" %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}' },
  ],
  'tests with one bare argument (6)': [
    { template: '{{ x is sameas true }} {{ y is sameas true }} {{ n is sameas none }}', vars: { x: true, y: 1, n: null } },
    { template: '{{ 9 is divisibleby 3 }} {{ 9 is not divisibleby 2 }} {{ 10 is divisibleby(5) }}' },
    { template: "{{ n is divisibleby 3 and n is not divisibleby 2 }}", vars: { n: 9 } },
    { template: "{{ 'ab' is match 'a' }} {{ v is version '1.2' }} {{ v is eq '1.3' }}", vars: { v: '1.3' } },
    { template: "{{ v is ansible.builtin.version('1.20', '>=') }} {{ r is ansible.builtin.succeeded }}", vars: { v: '1.21', r: { failed: false } } },
  ],
  'namespace() and fully qualified names (15)': [
    { template: '{% set ns = namespace(n=0, names=[]) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}' },
    { template: "{% set ns = namespace(found=false) %}{% for h in hosts %}{% if h == 'b' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}", vars: { hosts: ['a', 'b'] } },
    { template: "{{ d | ansible.builtin.to_json }} {{ d | ansible.builtin.to_nice_yaml }}{{ 'a,b' | ansible.builtin.split(',') | join('+') }}", vars: { d: { b: 1, a: [1, 2] } } },
    { template: "{{ [[1], [2, [3]]] | ansible.builtin.flatten | ansible.builtin.to_json }} {{ 'yes' | ansible.builtin.bool }}" },
  ],
};
