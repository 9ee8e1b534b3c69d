// SSH keys of the lab: one client key pair per state dir, and each host's own host keys, written
// into its upper dir before the overlay is mounted. known_hosts lists the hosts' keys so host-key
// checking stays on against the lab.
import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { run } from './proc.js';
import { ensureUpperDir } from './upper.js';

/** Host key types each lab host gets (both generate in milliseconds; RSA would take seconds). */
export const HOST_KEY_TYPES = ['ed25519', 'ecdsa'] as const;

export const hostKeyPath = (type: string): string => `/etc/ssh/ssh_host_${type}_key`;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function keygen(file: string, type: string, comment: string): Promise<void> {
  // a half-written pair (interrupted run) would make ssh-keygen ask before overwriting
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', comment, '-f', file]);
}

/** The lab's client key pair; created once per state dir and kept across `up`s. */
export async function ensureClientKey(keyFile: string): Promise<string> {
  if (!(await exists(keyFile)) || !(await exists(`${keyFile}.pub`))) {
    await keygen(keyFile, 'ed25519', 'tsplay-lab');
  }
  return (await readFile(`${keyFile}.pub`, 'utf8')).trim();
}

/** Generates the host's keys in its upper dir unless it has them (a restarted host keeps its keys). */
export async function ensureHostKeys(upper: string, host: string): Promise<string[]> {
  await ensureUpperDir(upper, '/etc/ssh');
  return Promise.all(
    HOST_KEY_TYPES.map(async (type) => {
      const file = path.join(upper, hostKeyPath(type));
      if (!(await exists(file)) || !(await exists(`${file}.pub`))) await keygen(file, type, `root@${host}`);
      const [alg, key] = (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/);
      return `${alg} ${key}`;
    }),
  );
}

/** known_hosts entries for one host: reachable by inventory name and by address. */
export function knownHostsLines(h: { name: string; address: string; port: number }, keys: string[]): string[] {
  const pattern = h.port === 22 ? `${h.name},${h.address}` : `[${h.name}]:${h.port},[${h.address}]:${h.port}`;
  return keys.map((k) => `${pattern} ${k}`);
}

/** Reads back the public host keys from a host's upper dir (for rewriting known_hosts). */
export async function readHostKeys(upper: string): Promise<string[]> {
  const keys: string[] = [];
  for (const type of HOST_KEY_TYPES) {
    try {
      const [alg, key] = (await readFile(path.join(upper, `${hostKeyPath(type)}.pub`), 'utf8')).trim().split(/\s+/);
      keys.push(`${alg} ${key}`);
    } catch {
      /* missing: the host cannot be verified, and ssh will say so */
    }
  }
  return keys;
}
