// The worker play's batches, for the plan the guard prints: the same hosts and serial the worker
// play of upgrade-cluster.ts takes (kube_node:calico_rr:!kube_control_plane, `serial` or 20%, or a
// per-group map), cut by the engine's own cutBatches (lib/executor/batches.ts), so the plan shows
// exactly the batches the play will run.
import { cutBatches, type Serial } from '../../lib/index.js';

export { cutBatches };

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
