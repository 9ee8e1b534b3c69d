// What every subcommand gets: the installed version, where to print, the node's hostname, and a
// flag check that refuses flags the real subcommand does not have.
import { hostname as osHostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { parseFlags, type FlagSpec, type ParsedFlags } from '../common/flags.js';
import type { SemVer } from '../common/versions.js';
import { CobraError, KubeadmError } from './errors.js';
import type { Out } from './output.js';

export interface Ctx {
  v: SemVer;
  out: Out;
  hostname: string;
}

export function newCtx(v: SemVer, out: Out): Ctx {
  return { v, out, hostname: osHostname() };
}

/** Flags every kubeadm command takes (persistent flags of the root command). */
const GLOBAL = ['v', 'rootfs', 'add-dir-header', 'log-file', 'skip-headers', 'skip-log-headers', 'log-flush-frequency', 'one-output'];

/** Refuses an unknown long flag before parsing (pflag stops at the first one it does not know). */
export function checkArgv(argv: readonly string[], allowed: readonly string[], usage: string): void {
  for (const a of argv) {
    if (a === '--') break;
    const m = /^--([^=]+)/.exec(a);
    if (m && !allowed.includes(m[1]!) && !GLOBAL.includes(m[1]!)) throw new CobraError(`unknown flag: --${m[1]}`, usage);
  }
}

export function checkFlags(p: ParsedFlags, allowed: readonly string[], usage: string): void {
  for (const name of p.seen) {
    if (!allowed.includes(name) && !GLOBAL.includes(name)) throw new CobraError(`unknown flag: --${name}`, usage);
  }
}

/** `can not mix '--config' with arguments [...]` for flags a config file replaces. */
export function checkMixedArgs(p: ParsedFlags, mixable: readonly string[]): void {
  if (!p.flags.has('config')) return;
  const bad = [...new Set(p.seen)].filter((n) => n !== 'config' && !mixable.includes(n) && !GLOBAL.includes(n)).sort();
  if (bad.length > 0) throw new KubeadmError(`can not mix '--config' with arguments [${bad.join(' ')}]`);
}

/**
 * The address to advertise when none is configured. The real kubeadm takes the address of the
 * default route's interface; lab hosts share one network namespace, so the lab uses the address
 * the host's own name resolves to (its /etc/hosts line). Documented difference.
 */
export async function defaultAdvertiseAddress(hostname: string): Promise<string> {
  try {
    const r = await lookup(hostname, { family: 4 });
    return r.address;
  } catch {
    throw new KubeadmError(`unable to select an IP from default routes.`);
  }
}

export function boolFlag(p: ParsedFlags, name: string, d = false): boolean {
  const v = p.flags.get(name);
  return v === undefined ? d : v === 'true';
}

export function listFlag(p: ParsedFlags, name: string): string[] {
  return (p.all.get(name) ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

/** pflag parsing with kubeadm's refusals: unknown flags first, then the values. */
export function parseCmd(argv: readonly string[], spec: FlagSpec, allowed: readonly string[], usage: string): ParsedFlags {
  checkArgv(argv, allowed, usage);
  const p = parseFlags(argv, spec);
  checkFlags(p, allowed, usage);
  return p;
}
