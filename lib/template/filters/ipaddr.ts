// ansible.utils' address filters (ipaddr, ipv4, ipv6, ipwrap, ipmath, ipsubnet, nthhost,
// next_nth_usable, previous_nth_usable, network_in_usable, network_in_network), following
// ansible.utils 2.10's plugin_utils/base/ipaddr_utils.py query by query, on netaddr.ts.
// A query that does not apply gives False or None (rendered as ''), as there.

import { TemplateFault } from '../errors.js';
import { normInt } from '../pyint.js';
import { pyStr, truthy, typeName } from '../pyvalues.js';
import { arg, type FilterFn } from './types.js';
import {
  IPNetwork, hostOf, isLinkLocal, isLoopbackAddr, isMulticast, isNetmask, isHostmask, isPrivate, maxInt, type Version,
} from './netaddr.js';

type Out = string | number | bigint | boolean | null | undefined | unknown[];
type VType = 'address' | 'network';
interface Q { v: IPNetwork; vtype: VType; value: string }

const num = (x: bigint): number | bigint => normInt(x);
const str = (n: IPNetwork, x: bigint) => n.addr(x);
/** netaddr's v.ip != v.network and the like compare addresses */
const ipIsNet = (v: IPNetwork) => v.value === v.network;

function firstLast(v: IPNetwork): [bigint, bigint] | undefined {
  if (v.size === 2n) return [v.first, v.last];
  if (v.size > 1n) return [v.first + 1n, v.last - 1n];
  return undefined;
}

function needNetwork(vtype: VType): void {
  if (vtype === 'address') throw new TemplateFault('Not a network address');
}

function addrPrefix({ v }: Q): Out {
  if (v.size > 2n && (v.value === v.network || v.value === v.broadcast)) return false;
  return `${v.ip()}/${v.prefixlen}`;
}

const QUERIES: Record<string, (q: Q) => Out> = {
  '': ({ v, vtype }) => (vtype === 'address' ? v.ip() : v.str()),
  address: ({ v }) => ipQuery(v),
  ip: ({ v }) => ipQuery(v),
  'address/prefix': addrPrefix,
  gateway: addrPrefix,
  gw: addrPrefix,
  'host/prefix': addrPrefix,
  hostnet: addrPrefix,
  router: addrPrefix,
  bool: () => true,
  broadcast: ({ v }) => (v.size > 2n ? str(v, v.broadcast ?? v.last) : null),
  cidr: ({ v }) => v.str(),
  first_usable: ({ v, vtype }) => {
    needNetwork(vtype);
    if (v.size === 2n) return str(v, v.network);
    return v.size > 1n ? str(v, v.network + 1n) : null;
  },
  host: ({ v }) => {
    if (v.size === 1n) return v.str();
    return v.value !== v.network || v.broadcast === undefined ? `${v.ip()}/${v.prefixlen}` : null;
  },
  hostmask: ({ v }) => str(v, v.hostmaskInt),
  wildcard: ({ v }) => str(v, v.hostmaskInt),
  int: ({ v, vtype }) => (vtype === 'address' ? num(v.value) : `${v.value}/${v.prefixlen}`),
  'ip/prefix': ({ v }) => {
    if (v.size === 2n) return `${v.ip()}/${v.prefixlen}`;
    return v.size > 1n && !ipIsNet(v) ? `${v.ip()}/${v.prefixlen}` : null;
  },
  ip_netmask: ({ v }) => {
    if (v.size === 2n) return `${v.ip()} ${str(v, v.netmaskInt)}`;
    return v.size > 1n && !ipIsNet(v) ? `${v.ip()} ${str(v, v.netmaskInt)}` : null;
  },
  ipv4: ({ v, value }) => {
    if (v.version === 4) return value;
    if (v.value <= maxInt(4)) return `${str4(v.value)}/${v.prefixlen - 96}`;
    if (v.value <= 0xffffffffffffn) return `${str4(v.value - 0xffff00000000n)}/${v.prefixlen - 96}`;
    return false;
  },
  ipv6: ({ v, value }) => (v.version === 4 ? new IPNetwork(0xffff00000000n + v.value, v.prefixlen + 96, 6).str() : value),
  last_usable: ({ v, vtype }) => {
    needNetwork(vtype);
    const fl = v.size > 1n ? firstLast(v) : undefined;
    return fl ? str(v, fl[1]) : null;
  },
  'link-local': ({ v, value }) => (isLinkLocal(hostOf(v)) ? value : null),
  lo: ({ v, value }) => (isLoopbackAddr(v.value, v.version) ? value : null),
  loopback: ({ v, value }) => (isLoopbackAddr(v.value, v.version) ? value : null),
  multicast: ({ v, value }) => (isMulticast(v) ? value : null),
  net: ({ v }) => (v.size > 1n && ipIsNet(v) ? `${str(v, v.network)}/${v.prefixlen}` : null),
  next_usable: ({ v, vtype }) => {
    needNetwork(vtype);
    const fl = v.size > 1n ? firstLast(v) : undefined;
    if (!fl) return null;
    checkRange(v, v.value + 1n);
    return v.value + 1n >= fl[0] && v.value + 1n <= fl[1] ? str(v, v.value + 1n) : null;
  },
  previous_usable: ({ v, vtype }) => {
    needNetwork(vtype);
    const fl = v.size > 1n ? firstLast(v) : undefined;
    if (!fl) return null;
    checkRange(v, v.value - 1n);
    return v.value - 1n >= fl[0] && v.value - 1n <= fl[1] ? str(v, v.value - 1n) : null;
  },
  netmask: ({ v }) => str(v, v.netmaskInt),
  network: ({ v }) => str(v, v.network),
  network_id: ({ v }) => str(v, v.network),
  'network/prefix': ({ v }) => v.cidr().str(),
  subnet: ({ v }) => v.cidr().str(),
  network_netmask: ({ v }) => `${str(v, v.network)} ${str(v, v.netmaskInt)}`,
  network_wildcard: ({ v }) => `${str(v, v.network)} ${str(v, v.hostmaskInt)}`,
  peer: ({ v, vtype }) => {
    needNetwork(vtype);
    if (v.size === 2n) return str(v, v.value ^ 1n);
    if (v.size === 4n) {
      if (v.value % 4n === 0n) throw new TemplateFault('Network address of /30 has no peer');
      if (v.value % 4n === 3n) throw new TemplateFault('Broadcast address of /30 has no peer');
      return str(v, v.value ^ 3n);
    }
    throw new TemplateFault('Not a point-to-point network');
  },
  prefix: ({ v }) => v.prefixlen,
  private: ({ v, value }) => (isPrivate(v) ? value : null),
  public: ({ v, value }) => {
    const h = hostOf(v);
    return !isMulticast(h) && !isPrivate(h) && !isLoopbackAddr(v.value, v.version) && !isNetmask(v.value, v.version) && !isHostmask(v.value) ? value : null;
  },
  range_usable: ({ v, vtype }) => {
    needNetwork(vtype);
    const fl = v.size > 1n ? firstLast(v) : undefined;
    return fl ? `${str(v, fl[0])}-${str(v, fl[1])}` : null;
  },
  revdns: ({ v }) => revdns(v),
  size: ({ v }) => num(v.size),
  size_usable: ({ v }) => (v.size === 1n ? 0 : v.size === 2n ? 2 : num(v.size - 2n)),
  type: ({ v }) => (v.size === 1n || !ipIsNet(v) ? 'address' : 'network'),
  unicast: ({ v, value }) => (!isMulticast(v) ? value : null),
  version: ({ v }) => v.version,
  wrap: ({ v, vtype, value }) => {
    if (v.version !== 6) return value;
    return vtype === 'address' ? `[${v.ip()}]` : `[${v.ip()}]/${v.prefixlen}`;
  },
};
QUERIES.v4 = QUERIES.ipv4!;
QUERIES.v6 = QUERIES.ipv6!;

function ipQuery(v: IPNetwork): Out {
  if (v.size === 1n) return v.ip();
  // /31 networks have no broadcast in netaddr; the first IPv6 address of a network is a host too
  if (v.value !== v.network || v.broadcast === undefined) return v.ip();
  if (v.version === 6) return v.ip();
  return null;
}

function checkRange(v: IPNetwork, x: bigint): void {
  if (x < 0n || x > maxInt(v.version)) throw new TemplateFault(`${x} is not a valid IPv${v.version} address`);
}

function str4(x: bigint): string {
  return new IPNetwork(x, 32, 4).ip();
}

function revdns(v: IPNetwork): string {
  if (v.version === 4) return `${[0n, 8n, 16n, 24n].map((s) => String((v.value >> s) & 0xffn)).join('.')}.in-addr.arpa.`;
  const hex = v.value.toString(16).padStart(32, '0');
  return `${[...hex].reverse().join('.')}.ip6.arpa.`;
}

/** Python's str.isdigit() for what the filters test it on. */
const isDigits = (s: string) => /^[0-9]+$/.test(s);

/** What ipaddr() makes of its value: the network, how it was written, and its text. */
function parseValue(value: unknown, version: Version | false): Q | false {
  const text = pyStr(value);
  if (isDigits(text)) {
    const n = BigInt(text);
    let v: IPNetwork;
    if (version !== 6 && n <= maxInt(4)) v = new IPNetwork(n, 32, 4);
    else if (n <= maxInt(6)) v = new IPNetwork(n, 128, 6);
    else return false;
    return { v, vtype: 'address', value: v.str() };
  }
  try {
    const v = IPNetwork.parse(text);
    return { v, vtype: text.split('/').length === 2 ? 'network' : 'address', value: text };
  } catch {
    // a numerical CIDR: "167772160/8"
    const parts = text.split('/');
    if (parts.length !== 2 || !/^\s*[-+]?\d+\s*$/.test(parts[0]!) || !/^\s*[-+]?\d+\s*$/.test(parts[1]!)) return false;
    const address = BigInt(parts[0]!.trim());
    const prefix = Number(parts[1]!.trim());
    for (const ver of [4, 6] as const) {
      try {
        const v = new IPNetwork(address, prefix, ver);
        return { v, vtype: 'network', value: v.str() };
      } catch { /* try IPv6 */ }
    }
    return false;
  }
}

/** ipaddr(value, query, version): the core every address filter goes through. */
export function ipaddr(value: unknown, query: string, version: Version | false = false, alias = 'ipaddr'): Out {
  if (Array.isArray(value)) return value.map((e) => ipaddr(e, query, version, alias)).filter((x) => truthy(x));
  if (!truthy(value) || value === true) return false;
  const q = parseValue(value, version);
  if (!q) return false;
  let subnet: IPNetwork | undefined;
  if (query && (!(query in QUERIES) || query === 'cidr_lookup') && !isDigits(query) && truthy(ipaddr(query, 'network'))) {
    subnet = IPNetwork.parse(query);
  }
  if (version && q.v.version !== version) return false;
  // _cidr_lookup_query: the value when it lies in the subnet, else None
  if (subnet) return q.v.within(subnet) ? q.value : null;
  const fn = Object.prototype.hasOwnProperty.call(QUERIES, query) ? QUERIES[query] : undefined;
  if (fn) return fn(q);
  // a number: the n-th address of the network (negative from its end)
  if (query.trim() !== '' && Number.isFinite(Number(query))) {
    const { v, vtype } = q;
    if (v.size === 1n) return vtype === 'address' ? v.ip() : v.str();
    if (!/^\s*[-+]?\d+\s*$/.test(query)) return false;
    try {
      return `${v.at(BigInt(query.trim()))}/${v.prefixlen}`;
    } catch {
      return false;
    }
  }
  throw new TemplateFault(`${alias}: unknown filter type: ${query}`);
}

/** The filter argument `query` is a str in ansible.utils' argument spec: 5 becomes '5'. */
function queryArg(a: unknown[], kw: Record<string, unknown>, index = 0): string {
  const q = arg<unknown>(a, kw, index, 'query', '');
  return q === null || q === undefined ? '' : pyStr(q);
}

/** The value types each filter's wrapper accepts: ipaddr/ipv4/ipv6 str, list, int (bool is an int); ipwrap str, list, bool. */
function checkValue(v: unknown, name: string): void {
  const isInt = typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean';
  const ok = typeof v === 'string' || Array.isArray(v) || (name === 'ipwrap' ? typeof v === 'boolean' : isInt);
  if (!ok) throw new TemplateFault(`Unrecognized type <${typeName(v)}> for ${name} filter <value>`);
}

function normalized(value: unknown): string | false {
  try {
    const t = ipaddr(value, 'type');
    if (t === 'address' || t === 'network') return String(ipaddr(value, 'subnet'));
  } catch { /* not an address */ }
  return false;
}

function bounds(v: string | false, firstQuery: string, lastQuery: string): [bigint, bigint] {
  const pick = (q: string) => {
    const x = ipaddr(v, q);
    return ipaddr(truthy(x) ? x : ipaddr(v, 'address'), 'int');
  };
  return [BigInt(pick(firstQuery) as number | bigint), BigInt(pick(lastQuery) as number | bigint)];
}

function within(value: unknown, test: unknown, usable: boolean): boolean {
  const [vf, vl] = bounds(normalized(value), usable ? 'first_usable' : 'network', usable ? 'last_usable' : 'broadcast');
  const [wf, wl] = bounds(normalized(test), 'network', 'broadcast');
  return vf <= wf && wf <= vl && vf <= wl && wl <= vl;
}

function asNetwork(value: unknown): IPNetwork | false {
  try {
    const t = ipaddr(value, 'type');
    const v = t === 'address' ? ipaddr(value, 'cidr') : t === 'network' ? ipaddr(value, 'subnet') : undefined;
    return IPNetwork.parse(String(v));
  } catch {
    return false;
  }
}

function intArg(x: unknown, filter: string): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number' && Number.isInteger(x)) return BigInt(x);
  throw new TemplateFault(filter === 'ipmath'
    ? `You must pass an integer for arithmetic; ${pyStr(x)} is not a valid integer`
    : 'Must pass in an integer');
}

function nthUsable(value: unknown, offset: bigint): Out {
  const v = asNetwork(value);
  if (!v) return false;
  if (v.size <= 1n) return null;
  const fl = firstLast(v)!;
  const nth = v.value + offset;
  checkRange(v, nth);
  return fl[0] <= nth && nth <= fl[1] ? v.addr(nth) : null;
}

export const IPADDR_FILTERS: Record<string, FilterFn> = {
  ipaddr: (v, a, kw) => {
    checkValue(v, 'ipaddr');
    const version = arg<unknown>(a, kw, 1, 'version', false);
    return ipaddr(v, queryArg(a, kw), version === 4 || version === 6 ? version : false, String(arg(a, kw, 2, 'alias', 'ipaddr')));
  },
  ipv4: (v, a, kw) => { checkValue(v, 'ipv4'); return ipaddr(v, queryArg(a, kw), 4, 'ipv4'); },
  ipv6: (v, a, kw) => { checkValue(v, 'ipv6'); return ipaddr(v, queryArg(a, kw), 6, 'ipv6'); },
  ipwrap: (v, _a, kw) => {
    checkValue(v, 'ipwrap');
    // ansible.utils' ipwrap takes its value positionally and nothing else: a positional query
    // is dropped (`ipwrap('address')` wraps the whole value); only query= is used
    const query = kw.query === undefined || kw.query === null ? '' : pyStr(kw.query);
    try {
      if (Array.isArray(v)) return v.map((e) => (truthy(ipaddr(e, query, false, 'ipwrap')) ? ipaddr(e, 'wrap') : e));
      const r = ipaddr(v, query, false, 'ipwrap');
      return truthy(r) ? ipaddr(r, 'wrap') : v;
    } catch {
      return v;
    }
  },
  ipmath: (v, a, kw) => {
    const value = pyStr(v);
    let n: IPNetwork;
    try {
      n = IPNetwork.parse(value.includes('/') ? value : value);
      if (!value.includes('/')) n = hostOf(n);
    } catch {
      throw new TemplateFault(`You must pass a valid IP address; ${value} is invalid`);
    }
    const amount = intArg(arg(a, kw, 0, 'amount'), 'ipmath');
    const r = n.value + amount;
    if (r < 0n || r > maxInt(n.version)) throw new TemplateFault('result outside valid IP address boundary!');
    return n.addr(r);
  },
  ipsubnet: (v, a, kw) => ipsubnet(v, queryArg(a, kw), arg<unknown>(a, kw, 1, 'index', null)),
  nthhost: (v, a, kw) => {
    const n = asNetwork(v);
    const query = queryArg(a, kw);
    if (!n || !query) return false;
    if (!/^\s*[-+]?\d+\s*$/.test(query)) return false;
    const nth = BigInt(query.trim());
    if (!(n.size > nth)) return false;
    try {
      return n.at(nth);
    } catch {
      return false;
    }
  },
  next_nth_usable: (v, a, kw) => nthUsable(v, intArg(arg(a, kw, 0, 'offset'), 'next_nth_usable')),
  previous_nth_usable: (v, a, kw) => nthUsable(v, -intArg(arg(a, kw, 0, 'offset'), 'previous_nth_usable')),
  network_in_usable: (v, a, kw) => within(v, arg(a, kw, 0, 'test'), true),
  network_in_network: (v, a, kw) => within(v, arg(a, kw, 0, 'test'), false),
};

function ipsubnet(value: unknown, query: string, index: unknown): Out {
  const vtype0 = ipaddr(value, 'type');
  if (!truthy(vtype0)) return false;
  const v0 = String(ipaddr(value, vtype0 === 'address' ? 'cidr' : 'subnet'));
  const net = IPNetwork.parse(v0).cidr();
  const vtype = ipaddr(net.str(), 'type');
  if (!query) return net.str();
  const total = net.width;
  if (isDigits(query)) {
    const q = Number(query);
    if (q < 0 || q > total) return false;
    if (index === null || index === undefined) {
      if (vtype === 'address') {
        if (q >= net.prefixlen) throw new TemplateFault('list index out of range');
        return new IPNetwork(net.value, q, net.version).cidr().str();
      }
      if (q - net.prefixlen < 0) throw new TemplateFault(`Requested subnet size of ${q} is invalid`);
      return String(2n ** BigInt(q - net.prefixlen));
    }
    let i = BigInt(Number(pyStr(index)));
    if (vtype === 'address') {
      if (i > BigInt(total + 1) - i || i < BigInt(q - total)) return false;
      // netaddr's supernet(q): the networks of prefix q .. prefixlen-1 around the address
      const supernets: string[] = [];
      for (let p = q; p < net.prefixlen; p++) supernets.push(new IPNetwork(net.value, p, net.version).cidr().str());
      const at = i < 0n ? BigInt(supernets.length) + i : i;
      if (at < 0n || at >= BigInt(supernets.length)) throw new TemplateFault('list index out of range');
      return supernets[Number(at)]!;
    }
    const subnets = 2n ** BigInt(q - net.prefixlen);
    if (i < 0n) i += subnets;
    if (i < 0n || i >= subnets) return false;
    return new IPNetwork(net.network + (i << BigInt(total - q)), q, net.version).str();
  }
  const qt = ipaddr(query, 'type');
  if (qt !== 'address' && qt !== 'network') throw new TemplateFault(`You must pass a valid subnet or IP address; ${query} is invalid`);
  const outer = IPNetwork.parse(String(ipaddr(query, qt === 'address' ? 'cidr' : 'subnet')));
  const shift = BigInt(total - outer.prefixlen);
  if (net.value >> shift === outer.value >> shift) {
    const inner = BigInt(total - net.prefixlen);
    const mask = (2n ** BigInt(net.prefixlen - outer.prefixlen) - 1n) << inner;
    return num(((net.value & mask) >> inner) + 1n);
  }
  throw new TemplateFault(`${net.cidr().str()} is not in the subnet ${outer.cidr().str()}`);
}
