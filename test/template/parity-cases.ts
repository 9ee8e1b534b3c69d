// Constructs of issue 17 (and the template items of issue 15), each rendered by tsplay and by
// ansible-core 2.14's Templar in vs-ansible.test.ts; the two must give identical text.
// Tuples are avoided in output: Python prints (1,), tsplay a list (a documented difference).

export interface ParityCase {
  template: string;
  vars?: Record<string, unknown>;
  /** Ansible's loader basedir; tsplay gets it as playbook_dir (lookups search it) */
  basedir?: string;
}

export const PARITY: Record<string, ParityCase[]> = {
  'an undefined default value is evaluated only when used, and passes on to the next default': [
    { template: '{{ a | default(nope) }} {{ a | default(nope.x) }} {{ a | d(nope[0]) }}', vars: { a: 'set' } },
    { template: "{{ u | default(ip) | default(host) }} {{ u | default(nope) | default(nope2) | default('z') }} {{ u | default(d.missing) | default(7) }}", vars: { ip: '5.6.7.9', host: 'h', d: {} } },
    { template: "{{ u | default(v, true) }} {{ e | default(nope, false) }}|{{ e | default(w, true) }}", vars: { v: 'x', e: '', w: 'y' } },
  ],
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
  'for with a loop filter': [
    { template: "{% for x in xs if x > 1 %}{{ loop.index }}/{{ loop.length }}:{{ x }}{% if not loop.last %},{% endif %}{% else %}none{% endfor %}|{% for x in xs if x > 5 %}{{ x }}{% else %}none{% endfor %}", vars: { xs: [1, 2, 3] } },
    { template: "{% for k, v in d.items() if v %}{{ k }}={{ v }};{% endfor %} {% for h in hosts if hv[h].ip is defined %}{{ h }}{{ loop.revindex }} {% endfor %}", vars: { d: { a: 1, b: 0, c: 2 }, hosts: ['a', 'b', 'c'], hv: { a: { ip: 1 }, b: {}, c: { ip: 3 } } } },
  ],
  'set inside a loop stays in the loop (why namespace() exists)': [
    { template: "{% set x = 0 %}{% for i in [1, 2] %}{% set x = i %}{{ x }}{% endfor %}{{ x }}|{% if true %}{% set y = 5 %}{% endif %}{{ y }}|{% macro m() %}{% set z = 9 %}{{ z }}{% endmacro %}{% set z = 1 %}{{ m() }}{{ z }}|{% set a = 1 %}{% set a = a + 1 %}{{ a }}" },
  ],
  'tests with one bare argument (6)': [
    { template: '{{ x is sameas true }} {{ y is sameas true }} {{ n is sameas none }}', vars: { x: true, y: 1, n: null } },
    { template: '{{ 9 is divisibleby 3 }} {{ 9 is not divisibleby 2 }} {{ 10 is divisibleby(5) }}' },
    { template: "{{ n is divisibleby 3 and n is not divisibleby 2 }}", vars: { n: 9 } },
    { template: "{{ 'ab' is match 'a' }} {{ v is version '1.2' }} {{ v is eq '1.3' }}", vars: { v: '1.3' } },
    { template: "{{ a == b is defined }} {{ 1 + 2 is number }} {{ 'a' ~ 'b' is string }} {{ l | length is divisibleby 3 }} {{ not z is defined }} {{ a is defined and a }}", vars: { a: true, b: 1, l: [1, 2, 3] } },
    { template: "{{ v is ansible.builtin.version('1.20', '>=') }} {{ r is ansible.builtin.succeeded }}", vars: { v: '1.21', r: { failed: false } } },
  ],
  'namespace() and fully qualified names (15)': [
    { template: '{% set ns = namespace(n=0, names=[]) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}' },
    { template: "{% set ns = namespace(found=false) %}{% for h in hosts %}{% if h == 'b' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}", vars: { hosts: ['a', 'b'] } },
    { template: "{{ d | ansible.builtin.to_json }} {{ d | ansible.builtin.to_nice_yaml }}{{ 'a,b' | ansible.builtin.split(',') | join('+') }}", vars: { d: { b: 1, a: [1, 2] } } },
    { template: "{{ [[1], [2, [3]]] | ansible.builtin.flatten | ansible.builtin.to_json }} {{ 'yes' | ansible.builtin.bool }}" },
  ],
  'a variable rendered to list/dict text becomes the value (3)': [
    { template: "{{ (a + ['c']) | to_json }} {% for i in a %}<{{ i }}>{% endfor %} {{ a | type_debug }}", vars: { x: 1, a: "[{{ x }}, 'b']" } },
    { template: '{{ b | type_debug }} {{ b | length }} {{ b[0] }}', vars: { x: 'p', y: ['q'], b: '{{ [x] + y }}' } },
    { template: "{{ c is string }} {{ c2 | type_debug }} {{ c2.k }}", vars: { d: { k: 'v' }, c: '{{ d | to_json }}', c2: '{{ d }}' } },
    { template: "{{ t | type_debug }} {{ t }} {{ f | type_debug }} {{ u | type_debug }} {{ w | type_debug }}", vars: { t: "{{ 'True' }}", f: "{{ 'Fal' ~ 'se' }}", u: 'True', w: "{{ 'true' }}" } },
    { template: "{{ g | type_debug }} {{ g | sum }}", vars: { s: '[1, 2]', g: '{{ s }}' } },
    { template: "{{ i | type_debug }} {{ j | type_debug }} {{ o | type_debug }} {{ p | type_debug }}", vars: { x: 1, i: '[{{ x }}', j: "{{ '{' }}a: 1}", o: "{{ '[1]' }} and more", p: '({{ x }}, 2)' } },
    { template: "{{ k | to_json }} {{ m | to_json }} {{ q | length }} {{ q[1] }}", vars: { n: 5, x: 'y', k: "{{ '[1, true, null, None, -2, 0x10, 1_000]' }}", m: "{'a': {{ n }}, 'b': '{{ x }}', 'c': [ ], }", q: '[{{ n }}], [2]' } },
    { template: "{{ e | to_json }} {{ e2 | to_json }} {{ e3 | type_debug }} {{ e4 | sort }}", vars: { raw: String.raw`["a\tb", 'c\x41', r'\d', "x" "y", '\q']`, e: '{{ raw }}', raw2: '{1: 2, "k": {"n": [1, {}]}}', e2: '{{ raw2 }}', raw4: '{3, 2, 3}', e4: '{{ raw4 }}', e3: "{{ '[1] # note' }}" } },
    { template: "{{ j1 is string }} {{ j2 is string }} {{ j3 is string }} {{ j4 is string }} {{ j5 is string }} {{ j6 is string }}", vars: { d: [1], j1: '{{ d | to_json }}', j2: '{{ d | to_nice_json }}', j3: '{{ d | string }}', j4: '{{ d | ansible.builtin.to_json }}', j5: '{{ d | to_json }} ', j6: "{{ d | to_json if d else 'x' }}" } },
    { template: "{{ big | type_debug }} {{ big[0] + 1 }}", vars: { big: "{{ '[18446744073709551615]' }}" } },
    { template: "{{ nested.l | type_debug }} {{ nested.l[1] }} {{ lst[0] | type_debug }}", vars: { x: 2, nested: { l: '[1, {{ x }}]' }, lst: ['[{{ x }}]'] } },
  ],
  'random and shuffle with a seed, as Python random.Random(seed) (15)': [
    { template: "{{ 60 | random(seed=inventory_hostname) }} {{ 60 | random(seed='k1-node02') }} {{ 100 | random(seed=5) }} {{ 10 | random(seed=0) }} {{ 1000000 | random(seed=-7) }}", vars: { inventory_hostname: 'k1-master01' } },
    { template: "{{ 100 | random(10, 5, seed='x') }} {{ 100 | random(start=1, seed='é∂') }} {{ (2 ** 70) | random(seed='big') }} {{ 5 | random(seed=True) }} {{ 10 | random(seed=18446744073709551617) }}" },
    { template: "{{ ['a', 'b', 'c', 'd'] | random(seed='node1') }} {{ 'xyz' | random(seed='s') }} {{ hosts | random(seed=inventory_hostname) }}", vars: { inventory_hostname: 'n3', hosts: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] } },
    { template: "{{ [1, 2, 3, 4, 5, 6, 7, 8] | shuffle(seed='abc') }} {{ range(20) | shuffle(seed=42) | list }} {{ 'hello' | shuffle(seed=1) }}" },
    { template: "{% for h in ['k1', 'k2', 'k3', 'k4', 'k5'] %}{{ 59 | random(seed=h) }} {% endfor %}" },
  ],
  'from_yaml keeps the last of duplicate keys (2)': [
    { template: "{{ y | from_yaml | to_json }} {{ (y2 | from_yaml).a.b }} {{ y3 | from_yaml_all | list | to_json }} {{ d | from_yaml | to_json }}", vars: { d: { x: [1] }, y: 'a: 1\nb: 2\na: 3\n', y2: 'a:\n  b: x\n  b: y\nc: 1\nc: 2\n', y3: 'k: 1\nk: 2\n---\nk: 3\nk: [4]\n' } },
  ],
};
