import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

// OpenSSH known_hosts: `[marker] hostpatterns keytype base64key [comment]`, where hostpatterns is a
// comma list of names, `[name]:port` for a non-22 port, `*`/`?` wildcards, `!negations`, or one
// hashed `|1|base64salt|base64hmac` entry (HMAC-SHA1 of the name keyed with the salt).

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

export interface KnownKey {
  type: string;
  /** raw key blob, as sent by the server */
  blob: Buffer;
  /** file:line, for messages */
  where: string;
}

export type HostKeyCheck =
  | { status: 'match' }
  | { status: 'unknown' }
  | { status: 'changed'; known: KnownKey[] };

interface Entry {
  patterns: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  revoked: boolean;
  key: KnownKey;
}

/** `SHA256:base64` without padding, as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside a key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** The name known_hosts uses for host:port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

export class KnownHosts {
  private readonly entries: Entry[] = [];

  constructor(
    text: string,
    readonly file = '(known_hosts)',
  ) {
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const fields = line.split(/\s+/);
      let revoked = false;
      if (fields[0].startsWith('@')) {
        const marker = fields.shift();
        // certificate authorities are not supported: such lines never match, so a host only
        // trusted through a CA is reported unknown rather than silently accepted
        if (marker !== '@revoked') return;
        revoked = true;
      }
      const [hosts, type, b64] = fields;
      if (!hosts || !type || !b64) return;
      const blob = Buffer.from(b64, 'base64');
      if (blob.length === 0) return;
      const key: KnownKey = { type, blob, where: `${this.file}:${i + 1}` };
      const h = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
      if (h) {
        this.entries.push({ patterns: [], hashed: { salt: Buffer.from(h[1], 'base64'), hash: Buffer.from(h[2], 'base64') }, revoked, key });
      } else {
        this.entries.push({ patterns: hosts.split(','), revoked, key });
      }
    });
  }

  static load(file: string): KnownHosts {
    return new KnownHosts(existsSync(file) ? readFileSync(file, 'utf8') : '', file);
  }

  /**
   * One parsed copy per file for every connection of the run, re-read only when the file changed:
   * 500 hosts sharing a 500-host known_hosts must not each parse and keep their own copy.
   */
  static shared(file: string): KnownHosts {
    const stamp = existsSync(file) ? (() => { const st = statSync(file); return `${st.mtimeMs}:${st.size}`; })() : 'absent';
    const hit = SHARED.get(file);
    if (hit && hit.stamp === stamp) return hit.kh;
    const kh = KnownHosts.load(file);
    SHARED.set(file, { stamp, kh });
    return kh;
  }

  private matches(e: Entry, name: string): boolean {
    if (e.hashed) {
      const mac = createHmac('sha1', e.hashed.salt).update(name).digest();
      return mac.equals(e.hashed.hash);
    }
    let hit = false;
    for (const p of e.patterns) {
      if (p.startsWith('!')) {
        if (globMatch(p.slice(1), name)) return false;
      } else if (globMatch(p, name)) hit = true;
    }
    return hit;
  }

  /** Keys recorded for host:port (revoked ones excluded). */
  keysFor(host: string, port: number): KnownKey[] {
    const name = knownHostsName(host, port);
    return this.entries.filter((e) => !e.revoked && this.matches(e, name)).map((e) => e.key);
  }

  check(host: string, port: number, blob: Buffer): HostKeyCheck {
    const name = knownHostsName(host, port);
    const mine = this.entries.filter((e) => this.matches(e, name));
    if (mine.some((e) => e.revoked && e.key.blob.equals(blob))) return { status: 'changed', known: [] };
    const known = mine.filter((e) => !e.revoked).map((e) => e.key);
    if (known.some((k) => k.blob.equals(blob))) return { status: 'match' };
    return known.length ? { status: 'changed', known } : { status: 'unknown' };
  }

  /** Record a newly seen host (accept-new) in memory and at the end of the file. */
  append(host: string, port: number, blob: Buffer): void {
    const type = keyTypeOf(blob);
    const line = `${knownHostsName(host, port)} ${type} ${blob.toString('base64')}`;
    this.entries.push({ patterns: [knownHostsName(host, port)], revoked: false, key: { type, blob, where: this.file } });
    if (this.file === '/dev/null') return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    let prefix = '';
    if (existsSync(this.file)) {
      const cur = readFileSync(this.file, 'utf8');
      if (cur.length && !cur.endsWith('\n')) prefix = '\n';
    }
    appendFileSync(this.file, `${prefix}${line}\n`, { mode: 0o600 });
    // this copy already holds the new line: keep sharing it
    const hit = SHARED.get(this.file);
    if (hit?.kh === this) {
      const st = statSync(this.file);
      hit.stamp = `${st.mtimeMs}:${st.size}`;
    }
  }
}

const SHARED = new Map<string, { stamp: string; kh: KnownHosts }>();

/** ssh2 host key algorithm names for a known_hosts key type, so a known type is negotiated first. */
export function hostKeyAlgorithmsFor(type: string): string[] {
  // never ssh-rsa itself: an RSA key is negotiated with SHA-2 signatures (connection/ssh/algorithms.ts)
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256'];
  return [type];
}
