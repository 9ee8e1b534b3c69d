// Network facts from `ip addr show` and `ip route get` (the same probes Ansible's Linux network
// collector makes): interfaces, every address, and the interface that holds the default route.

interface Inet {
  address: string;
  prefix: string;
  broadcast?: string;
  scope: string;
  label: string;
}

interface Iface {
  name: string;
  mtu: number;
  type: string;
  macaddress?: string;
  ipv4: Inet[];
  ipv6: Inet[];
}

export interface NetworkFacts {
  interfaces: string[];
  all_ipv4_addresses: string[];
  all_ipv6_addresses: string[];
  default_ipv4: Record<string, string | number>;
  default_ipv6: Record<string, string | number>;
}

export function parseIpAddr(text: string): Iface[] {
  const ifaces: Iface[] = [];
  let cur: Iface | undefined;
  for (const line of text.split('\n')) {
    const head = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s.*?\bmtu (\d+)/.exec(line);
    if (head) {
      cur = { name: head[1], mtu: Number(head[2]), type: 'unknown', ipv4: [], ipv6: [] };
      ifaces.push(cur);
      continue;
    }
    if (!cur) continue;
    const words = line.trim().split(/\s+/);
    if (words[0].startsWith('link/')) {
      const kind = words[0].slice(5);
      cur.type = kind === 'ether' ? 'ether' : kind === 'loopback' ? 'loopback' : kind;
      if (kind === 'ether' && words[1]) cur.macaddress = words[1];
    } else if (words[0] === 'inet' || words[0] === 'inet6') {
      const [address, prefix = words[0] === 'inet' ? '32' : '128'] = words[1].split('/');
      const at = (k: string): string | undefined => (words.includes(k) ? words[words.indexOf(k) + 1] : undefined);
      const inet: Inet = { address, prefix, scope: at('scope') ?? '', label: words[0] === 'inet' ? words[words.length - 1] : cur.name };
      const brd = at('brd');
      if (brd) inet.broadcast = brd;
      (words[0] === 'inet' ? cur.ipv4 : cur.ipv6).push(inet);
    }
  }
  return ifaces;
}

function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

function network(address: string, prefix: number): string {
  const mask = netmask(prefix).split('.').map(Number);
  return address.split('.').map((o, i) => Number(o) & mask[i]).join('.');
}

/** `ip route get` names the outgoing device, the source address and the gateway ("via"). */
function route(text: string): { dev?: string; src?: string; via?: string } {
  const w = text.split('\n')[0]?.trim().split(/\s+/) ?? [];
  const at = (k: string): string | undefined => (w.includes(k) ? w[w.indexOf(k) + 1] : undefined);
  return { dev: at('dev'), src: at('src'), via: at('via') };
}

export function networkFacts(addr: string, route4: string, route6: string): NetworkFacts {
  const ifaces = parseIpAddr(addr);
  const facts: NetworkFacts = {
    interfaces: ifaces.map((i) => i.name),
    all_ipv4_addresses: ifaces.flatMap((i) => i.ipv4.map((a) => a.address)).filter((a) => !a.startsWith('127.')),
    all_ipv6_addresses: ifaces.flatMap((i) => i.ipv6.map((a) => a.address)).filter((a) => a !== '::1'),
    default_ipv4: {},
    default_ipv6: {},
  };
  const r4 = route(route4);
  const if4 = ifaces.find((i) => i.name === r4.dev);
  if (if4 && r4.dev) {
    const inet = if4.ipv4.find((a) => a.address === r4.src) ?? if4.ipv4[0];
    const d: Record<string, string | number> = { interface: r4.dev, mtu: if4.mtu, type: if4.type };
    if (r4.via) d.gateway = r4.via;
    if (if4.macaddress) d.macaddress = if4.macaddress;
    if (inet) {
      Object.assign(d, { address: inet.address, alias: inet.label, prefix: inet.prefix, netmask: netmask(Number(inet.prefix)), network: network(inet.address, Number(inet.prefix)) });
      d.broadcast = inet.broadcast ?? '';
    }
    facts.default_ipv4 = d;
  }
  const r6 = route(route6);
  const if6 = ifaces.find((i) => i.name === r6.dev);
  if (if6 && r6.dev) {
    const inet = if6.ipv6.find((a) => a.address === r6.src) ?? if6.ipv6.find((a) => a.scope === 'global');
    const d: Record<string, string | number> = { interface: r6.dev, mtu: if6.mtu, type: if6.type };
    if (r6.via) d.gateway = r6.via;
    if (if6.macaddress) d.macaddress = if6.macaddress;
    if (inet) Object.assign(d, { address: inet.address, prefix: inet.prefix, scope: inet.scope });
    facts.default_ipv6 = d;
  }
  return facts;
}
