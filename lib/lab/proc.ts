// Small process helpers: run a tool, and look processes up in /proc by pid (never by name).
import { readdir, readFile } from 'node:fs/promises';
import { collectOutput } from '../util/spawn.js';
import { LabError } from './errors.js';

/** A clean environment for everything the lab runs: no user PATH tricks reach the hosts. */
export const LAB_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
};

export async function run(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await collectOutput(cmd, args, { env: LAB_ENV, input }).catch((e: NodeJS.ErrnoException) => {
    throw new LabError(e.code === 'ENOENT' ? `${cmd} is not installed (needed by tsplay lab)` : `${cmd}: ${e.message}`);
  });
  if (r.rc !== 0) throw new LabError(`${cmd} ${args[0] ?? ''} failed (exit ${r.rc}): ${r.stderr.trim()}`);
  return r.stdout;
}

export interface ProcStat {
  pid: number;
  ppid: number;
  /** R, S, D, Z, ... */
  state: string;
  /** clock ticks since boot */
  startTime: number;
}

export async function procStat(pid: number): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm (field 2) may hold spaces and parentheses: the fields after it start after the last ')'
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: rest[0]!, ppid: Number(rest[1]), startTime: Number(rest[19]) };
}

/** True when `pid` is still the very process we started (same start time) and not a zombie. */
export async function isSameProcess(pid: number, startTime: number): Promise<boolean> {
  if (!pid) return false;
  const st = await procStat(pid);
  return !!st && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}

/** The children of `ppid` (this kernel has no /proc/PID/task/TID/children, so scan /proc). */
export async function childrenOf(ppid: number): Promise<ProcStat[]> {
  const found: ProcStat[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = await procStat(Number(entry));
    if (st && st.ppid === ppid) found.push(st);
  }
  return found;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until every listed process has exited (a zombie counts as exited: its host is gone). */
export async function waitGone(procs: { pid: number; startTime: number }[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = await Promise.all(procs.map((p) => isSameProcess(p.pid, p.startTime)));
    if (!alive.some(Boolean)) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}
