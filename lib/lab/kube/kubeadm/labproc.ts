// What the kubeadm double reads of the kernel. Lab hosts have their own copies of the kernel files
// node preparation changes (/proc/sys, /proc/swaps: lib/lab/kernel), so those are read at their
// normal paths, as the real kubeadm reads them. The CPU count and memory size stay the machine's;
// a lab host may pretend otherwise with /etc/tsplay-lab/nproc and /etc/tsplay-lab/proc/meminfo
// (or the folder named by TSPLAY_LAB_PROC_DIR), to reproduce NumCPU/Mem refusals. Lab-only,
// documented in README "Test doubles"; roles never touch them.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { labDir } from '../common/labdir.js';

/** The text of a /proc file; null when it does not exist or cannot be read. */
export async function readProc(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function cpuCount(): Promise<number> {
  try {
    const n = Number((await readFile(labDir() + '/nproc', 'utf8')).trim());
    if (Number.isInteger(n) && n > 0) return n;
  } catch {
    /* the machine's */
  }
  return os.availableParallelism();
}

/** MemTotal in MB, from /proc/meminfo (or the lab's pretend copy). */
export async function memoryMB(): Promise<number> {
  const text = (await readProc(labDir() + '/proc/meminfo')) ?? (await readProc('/proc/meminfo'));
  const m = text ? /^MemTotal:\s+(\d+) kB/m.exec(text) : null;
  return m ? Math.floor(Number(m[1]) / 1024) : Math.floor(os.totalmem() / (1 << 20));
}
