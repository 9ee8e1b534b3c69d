// ansible.utils address filter cases for vs-ansible.test.ts: every query on a spread of IPv4,
// IPv6, partial, numeric and invalid values, and the forms kubespray's templates use.
import type { ParityCase } from './parity-cases.js';

const VALUES = ['192.168.1.10', '192.168.1.10/24', '192.168.1.0/24', '10.0.0.0/31', '10.0.0.1/31', '10.0.0.1/32',
  '10.0.0.1/30', '10.2/16', '172.16.0.5/255.255.0.0', '10.0.0.0/0.0.0.255', '2001:db8::1', '2001:db8::/64',
  '2001:db8::5/64', '2001:db8:0:0:1:0:0:1/127', 'fe80::1', '::1', '::ffff:10.0.0.1', '::ffff:10.0.0.0/120', '167772161', '167772160/8',
  'garbage', '10.0.0.300', '127.0.0.1', '8.8.8.8', '224.0.0.1', 'fd00::1/8', '169.254.3.4', '255.255.255.0', '0.0.0.0/0', '10.1.2.3/33'];

const ANY = ['', 'address', 'ip', 'host', 'net', 'network', 'netmask', 'hostmask', 'prefix', 'size', 'broadcast', 'cidr',
  'subnet', 'network/prefix', 'host/prefix', 'address/prefix', 'gateway', 'ip/prefix', 'ip_netmask', 'type', 'version', 'bool',
  'int', 'wrap', 'ipv4', 'ipv6', 'private', 'public', 'loopback', 'lo', 'link-local', 'multicast', 'unicast', 'revdns',
  'size_usable', 'network_netmask', 'network_wildcard', 'wildcard', '0', '1', '-1', '5', '300', '10.0.0.0/8',
  '192.168.0.0/16', '2001:db8::/32'];
const NETWORK_ONLY = ['first_usable', 'last_usable', 'next_usable', 'previous_usable', 'range_usable'];

const show = (filter: string, q: string) => `{{ v | ansible.utils.${filter}(${JSON.stringify(q)}) }}`;

export const IPADDR_CASES: ParityCase[] = [
  ...VALUES.map((v) => ({ template: ANY.map((q) => show('ipaddr', q)).join('|'), vars: { v } })),
  // (0.0.0.0/0's previous_usable is an error in both: there is no address before 0.0.0.0)
  ...VALUES.filter((v) => v.includes('/') && !v.startsWith('1677') && v !== '10.1.2.3/33' && v !== '0.0.0.0/0')
    .map((v) => ({ template: NETWORK_ONLY.map((q) => show('ipaddr', q)).join('|'), vars: { v } })),
  ...VALUES.map((v) => ({ template: ['', 'address', 'net', 'prefix', '1'].map((q) => `${show('ipv4', q)}/${show('ipv6', q)}`).join('|'), vars: { v } })),
  ...VALUES.map((v) => ({ template: `{{ v | ansible.utils.ipwrap }}|{{ v | ipwrap('address') }}|{{ [v, 'x', '::1'] | ansible.utils.ipwrap }}`, vars: { v } })),
  { template: "{{ l | ansible.utils.ipaddr }} {{ l | ansible.utils.ipv4('address') }} {{ l | ipv6 }} {{ l | ipaddr('net') }}",
    vars: { l: ['10.0.0.1', '2001:db8::1/64', 'x', '10.0.0.0/24', 42] } },
  { template: '{{ 5 | ipaddr }} {{ 4294967296 | ipaddr }} {{ 5 | ipaddr(6) }} {{ n | ipaddr(5) }} {{ n | ipaddr(-2) }} {{ n | ipaddr(1) | ipaddr("address") }}', vars: { n: '10.233.0.0/18' } },
  { template: "{{ '10.0.0.2/31' | ipaddr('peer') }} {{ '10.0.0.1/30' | ipaddr('peer') }} {{ '10.0.0.2/30' | ipaddr('peer') }}" },
  // the forms kubespray's templates and defaults use
  { template: "{{ kube_service_addresses | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | ansible.utils.ipaddr('address') }}", vars: { kube_service_addresses: '10.233.0.0/18' } },
  { template: "{{ kube_service_addresses | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(3) | ansible.utils.ipaddr('address') }}", vars: { kube_service_addresses: 'fd85:ee78:d8a6:8607::1000/116' } },
  { template: "https://{{ ip | ansible.utils.ipwrap }}:6443 {{ ip6 | ansible.utils.ipwrap }}:2379 {{ ip6 | ipaddr('address') | ipwrap }}", vars: { ip: '10.0.0.5', ip6: 'fd00::5' } },
  { template: "{{ '10.233.64.0/18' | ansible.utils.ipaddr('prefix') }} {{ 'fd85:ee78:d8a6:8607::1:0000/112' | ipaddr('prefix') }} {{ '10.233.64.0/18' | ipaddr('size') }} {{ 'fd00::/64' | ipaddr('size') }}" },
  { template: "{{ ip | ansible.utils.ipmath(1) }} {{ '10.0.0.255' | ipmath(1) }} {{ '10.0.0.5/24' | ipmath(-5) }} {{ '2001:db8::ff' | ipmath(1) }} {{ '::1' | ipmath(-1) }}", vars: { ip: '10.233.0.1' } },
  { template: "{{ '10.0.0.0/16' | ansible.utils.ipsubnet }} {{ '10.0.0.0/16' | ipsubnet(24) }} {{ '10.0.0.0/16' | ipsubnet(24, 0) }} {{ '10.0.0.0/16' | ipsubnet(24, -1) }} {{ '10.0.0.0/16' | ipsubnet(24, 300) }} {{ '10.0.5.0/24' | ipsubnet('10.0.0.0/16') }}" },
  { template: "{{ '10.1.2.3' | ipsubnet(20) }} {{ '10.1.2.3' | ipsubnet(20, 2) }} {{ '10.1.2.3/16' | ipsubnet(20) }} {{ 'fd00::/64' | ipsubnet(72, 3) }} {{ 'x' | ipsubnet }}" },
  { template: "{{ '10.0.0.0/24' | ansible.utils.nthhost(5) }} {{ '10.0.0.0/24' | nthhost(-1) }} {{ '10.0.0.0/24' | nthhost(256) }} {{ 'fd00::/64' | nthhost(10) }}" },
  { template: "{{ '10.0.0.0/24' | ansible.utils.next_nth_usable(2) }}|{{ '10.0.0.10/24' | next_nth_usable(300) }}|{{ '10.0.0.10/24' | previous_nth_usable(3) }}|{{ '10.0.0.1/32' | next_nth_usable(1) }}" },
  { template: "{{ '10.0.0.0/24' | ansible.utils.network_in_usable('10.0.0.1') }} {{ '10.0.0.0/24' | network_in_usable('10.0.0.0') }} {{ '10.0.0.0/24' | network_in_usable('10.0.0.255') }} {{ '10.0.0.0/24' | network_in_usable('10.0.0.128/25') }} {{ '10.0.0.0/24' | network_in_usable('10.0.1.1') }}" },
  { template: "{{ '10.0.0.0/24' | ansible.utils.network_in_network('10.0.0.0') }} {{ '10.0.0.0/24' | network_in_network('10.0.0.255') }} {{ '10.0.0.0/16' | network_in_network('10.0.3.0/24') }} {{ '10.0.0.0/24' | network_in_network('10.1.0.0/24') }}" },
  { template: "{{ '10.0.0.1' | ansible.netcommon.ipaddr('address') }} {{ 'fd00::1' | ansible.netcommon.ipwrap }}" },
];

const TEST_VALUES = ['10.0.0.1', '10.0.0.0/8', '10.0.0.1/8', '10.0.0.0/255.0.0.0', '10.0.0.0/0.255.255.255', '01.2.3.4', '10.2/16',
  'fd00::13', 'fd00::/8', 'fd00::1/8', '::ffff:10.0.0.1', '::', '1.2.3.4/33', 'x', '', '5'];

/** ansible.utils' tests (on Python's ipaddress) for every value. */
export const IP_TEST_CASES: ParityCase[] = TEST_VALUES.map((v) => ({
  template: ['ip', 'ip_address', 'ipv4', 'ipv4_address', 'ipv6', 'ipv6_address'].map((t) => `{{ v is ansible.utils.${t} }}`).join(' ')
    + " {{ v is ansible.utils.in_network('10.0.0.0/8') }} {{ v is ansible.utils.in_network('fd00::/8') }} {{ v is ansible.utils.in_any_network(['192.168.0.0/16', '10.0.0.0/16']) }} {{ v is not ansible.utils.ipv6 }}",
  vars: { v },
}));
