// ansible.utils' address tests (`ip is ansible.utils.ipv6`, `ip is ansible.utils.in_network(net)`),
// written on Python's ipaddress module as that collection's tests are: ip_network() is strict (a
// network with host bits set is not a network), addresses have no leading zeros and no prefix.

import { isDict, pyStr } from '../pyvalues.js';
import type { TestFn } from './types.js';
import { IPNetwork, isHostmask, isNetmask, parseAddress, type Version } from './netaddr.js';

/** ipaddress.ip_address(text): the address and its version, or undefined. */
function ipAddress(v: unknown): { value: bigint; version: Version } | undefined {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  const text = pyStr(v);
  if (text.includes('/')) return undefined;
  try {
    return parseAddress(text);
  } catch {
    return undefined;
  }
}

/** ipaddress.ip_network(text) with strict=True, or undefined. */
function ipNetwork(v: unknown): IPNetwork | undefined {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  const text = pyStr(v);
  const [addr, prefix, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const a = ipAddress(addr);
  if (!a) return undefined;
  const width = a.version === 4 ? 32 : 128;
  let len = width;
  if (prefix !== undefined) {
    if (/^\d+$/.test(prefix)) len = Number(prefix);
    else if (a.version === 4) {
      const m = ipAddress(prefix);
      if (!m || m.version !== 4) return undefined;
      const ones = m.value.toString(2).replace(/0/g, '').length;
      if (isNetmask(m.value, 4)) len = ones;
      else if (isHostmask(m.value)) len = 32 - ones;
      else return undefined;
    } else return undefined;
  }
  if (len > width) return undefined;
  const n = new IPNetwork(a.value, len, a.version);
  return n.value === n.network ? n : undefined;
}

/** _is_subnet_of: same version and a's range inside b's. */
function subnetOf(a: IPNetwork, b: IPNetwork): boolean {
  return a.version === b.version && b.first <= a.first && b.last >= a.last;
}

function inNetwork(ip: unknown, network: unknown): boolean {
  const a = ipNetwork(ip);
  const b = ipNetwork(network);
  return !!a && !!b && subnetOf(a, b);
}

export const IP_TESTS: Record<string, TestFn> = {
  ip: (v) => ipNetwork(v) !== undefined,
  ip_address: (v) => ipAddress(v) !== undefined,
  ipv4: (v) => ipNetwork(v)?.version === 4,
  ipv4_address: (v) => ipAddress(v)?.version === 4,
  ipv6: (v) => ipNetwork(v)?.version === 6,
  ipv6_address: (v) => ipAddress(v)?.version === 6,
  in_network: (v, a) => inNetwork(v, a[0]),
  in_any_network: (v, a) => Array.isArray(a[0]) && !isDict(a[0]) && a[0].some((n) => inNetwork(v, n)),
};

/** These tests exist only under their collection's name (ansible.utils.X). */
export const IP_TEST_NAMES = Object.keys(IP_TESTS);
