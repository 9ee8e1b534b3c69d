// `tsplay check`'s static template checks (lib/cli/check-templates.ts) accept the Jinja and
// Ansible syntax templates render with (issue 17): every construct here renders, and check finds
// nothing wrong in it; misspelt qualified names are still found.
import { expect } from 'chai';
import { checkText } from '../../lib/cli/check-templates.js';
import { renderString } from '../../lib/template/index.js';

const SRC = [
  "{% set counter = {'dns': 2, 'ip': 1,} %}",
  '{% set ns = namespace(ips=[],) %}',
  "{% for h in hosts if h is ansible.utils.ipv4 or h is sameas 'x' %}{% set ns.ips = ns.ips + [h,] %}{% endfor %}",
  '{% for x in "a", "b" %}{{ x }}{% endfor %}',
  "{{ ns.ips | ansible.utils.ipwrap | join(',') }} {{ net | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) }}",
  "{{ 9 is divisibleby 3 }} {{ v is ansible.builtin.version('1.2', '>=') }} {{ d | ansible.builtin.to_json }}",
  "{{ lookup('vars', 'v') }} {{ query('items', [1, 2]) | length }} {{ 5 | random(seed=inventory_hostname) }}",
  "{{ m | default(omit) }} {{ ['b', 'a'] | shuffle(seed='s') | length }} {{ ansible_managed }}",
].join('\n');
const VARS = { hosts: ['10.0.0.1', 'fd00::1'], net: '10.233.0.0/18', v: '1.3', d: { a: 1 }, inventory_hostname: 'k1', ansible_managed: 'Ansible managed' };

const text = (src: string) => ({ src, at: (l: number, c: number) => `t.j2:${l + 1}:${c + 1}`, known: new Set(Object.keys(VARS)), what: 'template t.j2' });

describe('tsplay check accepts the syntax templates render with', () => {
  it('renders', () => {
    expect(renderString(SRC, VARS, { name: 't.j2' })).to.include('10.0.0.1 10.233.0.1/18');
  });
  it('and check finds no problem in it', () => {
    expect(checkText(text(SRC))).to.deep.equal([]);
  });
  it('a chain of defaults: each value but the last may be undefined; the last is still checked', () => {
    expect(checkText(text("{{ access_ip | default(ip) | default(d.a) }} {{ (x | default(y)) | d(1) }}"))).to.deep.equal([]);
    const problems = checkText(text('{{ access_ip | default(ip) }}'));
    expect(problems.map((p) => p.message)).to.have.length(1);
    expect(problems[0]!.message).to.match(/undefined variable 'ip'/);
  });
  it('a misspelt qualified filter or test is still a problem', () => {
    const problems = checkText(text("{{ x | ansible.utils.ipadr('net') }} {{ x is ansible.utils.ipv7 }}\n{{ x | ansible.builtin.default(1) }}"));
    expect(problems.some((p) => /no filter named 'ansible\.utils\.ipadr'/.test(p.message))).to.equal(true);
    expect(problems.some((p) => /no test named 'ansible\.utils\.ipv7'/.test(p.message))).to.equal(true);
    expect(problems.some((p) => /no filter named 'ansible\.builtin\.default'/.test(p.message))).to.equal(true);
  });
});
