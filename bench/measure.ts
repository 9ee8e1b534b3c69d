// Timing one CLI run as a user would see it: wall time of the whole process (startup included),
// the controller's peak RSS from GNU time, and what the run reported (recap per host).
import { existsSync } from 'node:fs';
import { collectOutput } from '../lib/util/spawn.js';

export interface Measured {
  code: number;
  wallMs: number;
  /** peak resident set of the controller process (GNU time's "Maximum resident set size") */
  maxRssKb?: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs `cmd args` (under `/usr/bin/time -v` when it exists) and measures it. */
export async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measured> {
  const withTime = existsSync(GNU_TIME);
  const [bin, argv] = withTime ? [GNU_TIME, ['-v', cmd, ...args]] : [cmd, args];
  const started = performance.now();
  const r = await collectOutput(bin, argv, { cwd, env });
  const wallMs = performance.now() - started;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { code: r.rc, wallMs, maxRssKb: rss ? Number(rss[1]) : undefined, stdout: r.stdout, stderr: r.stderr };
}

/** changed= per host from tsplay's --json recap event. */
export function tsplayChanged(stdout: string): { changed: Record<string, number>; durationMs: number } {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.includes('"recap"')) continue;
    const ev = JSON.parse(line) as { type: string; durationMs: number; hosts: Record<string, { changed: number; failed: number; unreachable: number }> };
    if (ev.type !== 'recap') continue;
    const changed: Record<string, number> = {};
    for (const [h, s] of Object.entries(ev.hosts)) changed[h] = s.failed || s.unreachable ? -1 : s.changed;
    return { changed, durationMs: ev.durationMs };
  }
  throw new Error(`tsplay printed no recap:\n${stdout.slice(-2000)}`);
}

/** changed= per host from ansible-playbook's PLAY RECAP (-1 for a host that failed). */
export function ansibleChanged(stdout: string): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const m of stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    changed[m[1]!] = m[3] !== '0' || m[4] !== '0' ? -1 : Number(m[2]);
  }
  return changed;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
