// The address filters' errors (their results are compared with ansible's in vs-ansible.test.ts).
import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';

const r = (t: string, v: Record<string, unknown> = {}) => renderString(t, v, { name: 't.j2', host: 'h1' });

describe('address filter errors name the filter and the reason', () => {
  const table: [string, RegExp][] = [
    ["{{ '10.0.0.1' | ansible.utils.ipaddr('bogus') }}", /^t\.j2:1: host h1: filter 'ansible\.utils\.ipaddr': ipaddr: unknown filter type: bogus/],
    ["{{ '10.0.0.1' | ipv4('bogus') }}", /ipv4: unknown filter type: bogus/],
    ["{{ '10.0.0.1' | ipaddr('first_usable') }}", /Not a network address/],
    ["{{ '0.0.0.0/0' | ipaddr('previous_usable') }}", /-1 is not a valid IPv4 address/],
    ["{{ 'nope' | ipmath(1) }}", /You must pass a valid IP address; nope is invalid/],
    ["{{ '10.0.0.1' | ipmath('x') }}", /You must pass an integer for arithmetic; x is not a valid integer/],
    ["{{ '255.255.255.255' | ipmath(1) }}", /result outside valid IP address boundary/],
    ["{{ '10.0.0.0/24' | ipsubnet('nope') }}", /You must pass a valid subnet or IP address; nope is invalid/],
    ["{{ '10.0.5.0/24' | ipsubnet('10.1.0.0/16') }}", /10\.0\.5\.0\/24 is not in the subnet 10\.1\.0\.0\/16/],
    ["{{ '10.0.0.0/24' | next_nth_usable('2') }}", /Must pass in an integer/],
    ['{{ {} | ipaddr }}', /Unrecognized type <dict> for ipaddr filter <value>/],
    ['{{ 5 | ipwrap }}', /Unrecognized type <int> for ipwrap filter <value>/],
    ["{{ '10.0.0.0/24' | ansible.builtin.ipaddr }}", /no filter named 'ansible\.builtin\.ipaddr'/],
  ];
  for (const [t, re] of table) it(t, () => expect(() => r(t)).to.throw(re));
});

describe('address filter values keep their types', () => {
  it('prefix, size and version are numbers; a 2^64 size is exact', () => {
    expect(r("{{ ('10.0.0.0/8' | ipaddr('prefix')) + 1 }} {{ ('fd00::/64' | ipaddr('size')) + 1 }} {{ '::1' | ipaddr('version') is number }}"))
      .to.equal('9 18446744073709551617 True');
  });
});
