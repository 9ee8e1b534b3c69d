// The lab's stand-in for a per-host network namespace. Lab hosts share one network namespace, so
// the real programs' defaults (an apiserver on 0.0.0.0:6443, stacked etcd on 127.0.0.1:2379, the
// kubelet's healthz on 127.0.0.1:10248, ...) would collide between hosts. `lab up` writes each
// host's own address to /etc/tsplay-lab/address; when that file exists, the doubles listen on that
// address instead of a wildcard or loopback one, and connect to it instead of loopback, which is
// what those addresses mean on a real host with its own namespace. Without the file (a real host,
// or a double run on the controller) every address is used as given. README "Test doubles".
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { labDir } from './labdir.js';

function addressFile(): string {
  return `${labDir()}/address`;
}

let cached: { file: string; address: string | null } | undefined;

/** The host's own address from the lab file, or null when there is none (mapping off). */
export function labAddress(): string | null {
  const file = addressFile();
  if (cached?.file === file) return cached.address;
  let address: string | null = null;
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (isIP(text)) address = text;
  } catch {
    /* no file: not a lab host */
  }
  cached = { file, address };
  return address;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

function bare(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

/** The address to bind for a listener asked on `host` (undefined = all addresses, as Node's default). */
export function listenHost(host: string | undefined): string | undefined {
  const own = labAddress();
  if (!own) return host;
  const h = bare(host ?? '');
  return LOOPBACK.has(h) || UNSPECIFIED.has(h) ? own : host;
}

/** The address to connect to for `host`. */
export function connectHost(host: string): string {
  const own = labAddress();
  return own && LOOPBACK.has(bare(host)) ? own : host;
}

function withHost(url: string, map: (h: string) => string | undefined): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const to = map(u.hostname);
  if (!to || bare(to) === bare(u.hostname)) return url;
  u.hostname = isIP(to) === 6 ? `[${to}]` : to;
  // URL keeps a trailing '/' for a bare origin: give back what came in, host swapped
  return url.endsWith('/') ? u.toString() : u.toString().replace(/\/$/, '');
}

/** A URL to connect to (`https://127.0.0.1:6443`) with its host mapped. */
export function connectUrl(url: string): string {
  return withHost(url, connectHost);
}

/** A comma-separated list of listen URLs with their hosts mapped; duplicates the mapping makes are dropped. */
export function listenUrls(list: string): string {
  const out: string[] = [];
  for (const u of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = withHost(u, (h) => listenHost(h));
    if (!out.includes(m)) out.push(m);
  }
  return out.join(',');
}

/** etcd's flags whose URLs are sockets it binds; the advertise URLs stay as written. */
const ETCD_LISTEN_FLAGS = ['listen-client-urls', 'listen-peer-urls', 'listen-metrics-urls'];

/** The real etcd's arguments with the listen URLs' loopback/unspecified hosts mapped. */
export function etcdArgs(args: readonly string[]): string[] {
  if (!labAddress()) return [...args];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--?([a-z-]+)(=(.*))?$/.exec(a);
    if (m && ETCD_LISTEN_FLAGS.includes(m[1]!)) {
      if (m[2] !== undefined) out.push(`--${m[1]}=${listenUrls(m[3]!)}`);
      else if (i + 1 < args.length) out.push(a, listenUrls(args[++i]!));
      else out.push(a);
    } else out.push(a);
  }
  return out;
}
