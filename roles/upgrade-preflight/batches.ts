// The worker play's batches, for the plan the guard prints: the same hosts and serial the worker
// play of upgrade-cluster.ts takes (kube_node:calico_rr:!kube_control_plane, `serial` or 20%, or a
// per-group map), cut as the engine cuts a play's batches (Ansible's serial: a percentage of the
// hosts, floored, at least 1; a ramp list; per-group sizes in the order given, the rest last).
import type { Serial, SerialSize } from '../../lib/index.js';

function sizeOf(size: SerialSize, total: number): number {
  if (typeof size === 'number') return size <= 0 ? total : size;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(size);
  if (!m) throw new Error(`serial '${size}' must be a number or "N%"`);
  return Math.max(1, Math.floor((total * Number(m[1])) / 100));
}

function cut(hosts: string[], serial: SerialSize | SerialSize[]): string[][] {
  const ramp = Array.isArray(serial) ? serial : [serial];
  const out: string[][] = [];
  for (let i = 0, at = 0; at < hosts.length; i++) {
    const n = ramp.length ? sizeOf(ramp[Math.min(i, ramp.length - 1)]!, hosts.length) : hosts.length;
    out.push(hosts.slice(at, at + n));
    at += n;
  }
  return out;
}

export function cutBatches(hosts: string[], serial: Serial, match: (pattern: string) => string[]): string[][] {
  if (typeof serial !== 'object' || Array.isArray(serial)) return cut(hosts, serial);
  const taken = new Set<string>();
  const batches: string[][] = [];
  for (const [pattern, size] of Object.entries(serial)) {
    const wanted = new Set(match(pattern));
    const group = hosts.filter((h) => wanted.has(h) && !taken.has(h));
    group.forEach((h) => taken.add(h));
    batches.push(...cut(group, size));
  }
  const rest = hosts.filter((h) => !taken.has(h));
  if (rest.length) batches.push(rest);
  return batches;
}

interface View {
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly allVars: Record<string, unknown>;
}

/** A host pattern over groups and names: `a`, `a:b`, `a:&b`, `a:!b` (what per-group serial keys use). */
export function matchPattern(groups: Readonly<Record<string, readonly string[]>>, pattern: string): string[] {
  let out: string[] = [];
  for (const raw of pattern.split(/[:,]/).filter(Boolean)) {
    const op = raw[0] === '&' || raw[0] === '!' ? raw[0] : '';
    const name = op ? raw.slice(1) : raw;
    const hosts = groups[name] ?? (groups['all'] ?? []).filter((h) => h === name);
    if (op === '&') out = out.filter((h) => hosts.includes(h));
    else if (op === '!') out = out.filter((h) => !hosts.includes(h));
    else out = [...out, ...hosts.filter((h) => !out.includes(h))];
  }
  return out;
}

export function workerSerial(vars: Record<string, unknown>): Serial {
  const s = vars['serial'];
  if (s === undefined || s === null || s === '') return '20%';
  if (typeof s === 'number') return s;
  if (typeof s === 'string') return /^\d+$/.test(s) ? Number(s) : (s as `${number}%`);
  return s as Serial;
}

export function workerBatches(h: View, playHosts: string[]): string[][] {
  const workers = matchPattern(h.groups, 'kube_node:calico_rr:!kube_control_plane').filter((n) => playHosts.includes(n));
  try {
    return cutBatches(workers, workerSerial(h.allVars), (p) => matchPattern(h.groups, p));
  } catch {
    return [workers];
  }
}
