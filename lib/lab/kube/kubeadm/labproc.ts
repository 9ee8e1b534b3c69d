// Kernel-wide state (/proc/sys, /proc/swaps, /proc/meminfo, the CPU count) is the same for every
// lab host: they share one kernel. So a lab host may hold its own copy under /etc/tsplay-lab
// (`/etc/tsplay-lab/proc/sys/net/ipv4/ip_forward`, `/etc/tsplay-lab/nproc`), or the environment
// variable TSPLAY_LAB_PROC_DIR may name another folder; when present it is read instead of the
// kernel's. Lab-only, documented in README "Test doubles"; roles never branch on it.
import { readFile } from 'node:fs/promises';
import os from 'node:os';

function labDir(): string {
  return process.env.TSPLAY_LAB_PROC_DIR || '/etc/tsplay-lab';
}

/** The text of a /proc file, from the lab's copy when it has one; null when neither exists. */
export async function readProc(path: string): Promise<string | null> {
  for (const p of [labDir() + path, path]) {
    try {
      return await readFile(p, 'utf8');
    } catch {
      /* try the next */
    }
  }
  return null;
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

/** MemTotal in MB, from /proc/meminfo (or the lab's copy). */
export async function memoryMB(): Promise<number> {
  const text = await readProc('/proc/meminfo');
  const m = text ? /^MemTotal:\s+(\d+) kB/m.exec(text) : null;
  return m ? Math.floor(Number(m[1]) / 1024) : Math.floor(os.totalmem() / (1 << 20));
}
