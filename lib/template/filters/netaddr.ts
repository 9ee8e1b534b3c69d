// The parts of Python's netaddr 0.8 (what ansible.utils' address filters are written on) those
// filters use: IPNetwork parsing (inet_pton rules, partial IPv4 like "10/8", netmask or hostmask
// prefixes), glibc's inet_ntop text for IPv6, and the address classes (private, loopback, ...).
// Values are BigInt so IPv6 arithmetic is exact.

export type Version = 4 | 6;

export class AddrFormatError extends Error {}

const WIDTH: Record<Version, number> = { 4: 32, 6: 128 };
const maxInt = (v: Version) => (1n << BigInt(WIDTH[v])) - 1n;

/** glibc inet_pton(AF_INET): exactly four decimal octets, no leading zeros. */
function pton4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** glibc inet_pton(AF_INET6): hex groups, one '::', an optional dotted IPv4 tail. */
function pton6(s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i]!;
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = pton4(g);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let words: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    words = [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    words = head;
  }
  return words.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

/** netaddr's expand_partial_address: "10" -> "10.0.0.0", "10.1" -> "10.1.0.0", "01" -> "1". */
function expandPartial4(s: string): string | undefined {
  if (s.includes(':')) return undefined;
  const tokens: string[] = [];
  for (const t of s.split('.')) {
    // Python int(): surrounding spaces, a sign and digit-separating underscores
    if (!/^\s*[-+]?\d+(?:_\d+)*\s*$/.test(t)) return undefined;
    tokens.push(String(BigInt(t.trim().replace(/_/g, ''))));
  }
  if (tokens.length < 1 || tokens.length > 4) return undefined;
  while (tokens.length < 4) tokens.push('0');
  return tokens.join('.');
}

export function intToStr(value: bigint, version: Version): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const words = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // glibc inet_ntop: the longest run (>= 2) of zero words becomes '::', the first one on a tie
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // an IPv4-compatible (::a.b.c.d) or -mapped (::ffff:a.b.c.d) address ends in dotted form
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += intToStr(value & 0xffffffffn, 4);
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/** An address: IPAddress(text) tries IPv4 then IPv6, inet_pton-strict. */
export function parseAddress(s: string, version?: Version): { value: bigint; version: Version } {
  if (version !== 6) {
    const v4 = pton4(s);
    if (v4 !== undefined) return { value: v4, version: 4 };
  }
  if (version !== 4) {
    const v6 = pton6(s);
    if (v6 !== undefined) return { value: v6, version: 6 };
  }
  throw new AddrFormatError(`failed to detect a valid IP address from '${s}'`);
}

/** A netaddr IPNetwork: an address (kept as given, not masked) and a prefix length. */
export class IPNetwork {
  constructor(readonly value: bigint, readonly prefixlen: number, readonly version: Version) {
    if (value < 0n || value > maxInt(version)) throw new AddrFormatError('address out of range');
    if (prefixlen < 0 || prefixlen > WIDTH[version]) throw new AddrFormatError(`invalid prefix for IPv${version} address`);
  }

  static parse(text: string): IPNetwork {
    let last: unknown;
    for (const v of [4, 6] as const) {
      try {
        return IPNetwork.parseAs(text, v);
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof AddrFormatError ? last : new AddrFormatError(`invalid IPNetwork ${text}`);
  }

  private static parseAs(text: string, version: Version): IPNetwork {
    const slash = text.indexOf('/');
    const addr = slash < 0 ? text : text.slice(0, slash);
    const prefix = slash < 0 ? undefined : text.slice(slash + 1);
    let value = version === 4 ? pton4(addr) : pton6(addr);
    if (value === undefined && version === 4) {
      const expanded = expandPartial4(addr);
      value = expanded === undefined ? undefined : pton4(expanded);
    }
    if (value === undefined) throw new AddrFormatError(`invalid IPNetwork address ${text}`);
    const width = WIDTH[version];
    let prefixlen: number;
    if (prefix === undefined) prefixlen = width;
    else if (/^\s*[-+]?\d+\s*$/.test(prefix)) prefixlen = Number(prefix.trim());
    else {
      const mask = version === 4 ? pton4(prefix) : pton6(prefix);
      if (mask === undefined) throw new AddrFormatError(`invalid prefix ${prefix}`);
      const ones = (x: bigint) => { let n = 0; for (let b = x; b; b >>= 1n) n += Number(b & 1n); return n; };
      if (isNetmask(mask, version)) prefixlen = ones(mask);
      else if (isHostmask(mask)) prefixlen = width - ones(mask);
      else throw new AddrFormatError(`addr '${text}' is not a valid IPNetwork`);
    }
    return new IPNetwork(value, prefixlen, version);
  }

  get width(): number { return WIDTH[this.version]; }
  get hostmaskInt(): bigint { return (1n << BigInt(this.width - this.prefixlen)) - 1n; }
  get netmaskInt(): bigint { return maxInt(this.version) ^ this.hostmaskInt; }
  get first(): bigint { return this.value & this.netmaskInt; }
  get last(): bigint { return this.value | this.hostmaskInt; }
  get size(): bigint { return this.last - this.first + 1n; }
  get network(): bigint { return this.first; }
  /** netaddr 0.8: none for IPv4 /31 and /32; IPv6 always has one */
  get broadcast(): bigint | undefined {
    return this.version === 4 && this.width - this.prefixlen <= 1 ? undefined : this.last;
  }

  ip(): string { return intToStr(this.value, this.version); }
  str(): string { return `${this.ip()}/${this.prefixlen}`; }
  cidr(): IPNetwork { return new IPNetwork(this.first, this.prefixlen, this.version); }
  addr(value: bigint): string { return intToStr(value, this.version); }

  /** v[index]: the index-th address (negative from the end); IndexError beyond. */
  at(index: bigint): string {
    if (index < 0n && -this.size <= index) return this.addr(this.last + index + 1n);
    if (index >= 0n && index <= this.size - 1n) return this.addr(this.first + index);
    throw new RangeError('index out range for address range size!');
  }

  containsAddr(value: bigint, version: Version): boolean {
    return version === this.version && value >= this.first && value <= this.last;
  }

  /** `self in other`: this whole network lies in `other` (netaddr's IPNetwork.__contains__) */
  within(other: IPNetwork): boolean {
    if (other.version !== this.version) return false;
    const shift = BigInt(other.width - other.prefixlen);
    return (other.value >> shift) === (this.value >> shift) && other.prefixlen <= this.prefixlen;
  }
}

export function isNetmask(value: bigint, version: Version): boolean {
  const x = (value ^ maxInt(version)) + 1n;
  return (x & (x - 1n)) === 0n;
}

export function isHostmask(value: bigint): boolean {
  const x = value + 1n;
  return (x & (x - 1n)) === 0n;
}

const nets = (list: string[]) => list.map((s) => IPNetwork.parse(s));
const V4_PRIVATE = nets(['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '239.0.0.0/8']);
const V6_PRIVATE = nets(['fc00::/7', 'fec0::/10']);
const LINK_LOCAL = { 4: IPNetwork.parse('169.254.0.0/16'), 6: IPNetwork.parse('fe80::/10') };
const MULTICAST = { 4: IPNetwork.parse('224.0.0.0/4'), 6: IPNetwork.parse('ff00::/8') };

/** An address's classes, as netaddr's IPAddress.is_*() (a network: IPNetwork.is_*() on the whole range). */
export function isLinkLocal(n: IPNetwork): boolean { return n.within(LINK_LOCAL[n.version]); }
export function isMulticast(n: IPNetwork): boolean { return n.within(MULTICAST[n.version]); }
export function isPrivate(n: IPNetwork): boolean {
  return (n.version === 4 ? V4_PRIVATE : V6_PRIVATE).some((p) => n.within(p)) || isLinkLocal(n);
}
export function isLoopbackAddr(value: bigint, version: Version): boolean {
  return version === 4 ? value >> 24n === 127n : value === 1n;
}
export function hostOf(n: IPNetwork): IPNetwork { return new IPNetwork(n.value, n.width, n.version); }
export { maxInt };
