// Which labs are up on this machine, so `tsplay lab status` finds them from any directory: one
// symlink per lab in /run/tsplay/labs, named after the state dir's hash and pointing at it. /run
// is a tmpfs: after a reboot (when every lab host is gone too) the list starts empty.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

export const LAB_REGISTRY = '/run/tsplay/labs';

const entryFor = (stateDir: string, dir: string): string => path.join(dir, createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 16));

export async function registerLab(stateDir: string, dir = LAB_REGISTRY): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const entry = entryFor(stateDir, dir);
  await rm(entry, { force: true });
  await symlink(path.resolve(stateDir), entry);
}

export async function unregisterLab(stateDir: string, dir = LAB_REGISTRY): Promise<void> {
  await rm(entryFor(stateDir, dir), { force: true });
}

/** State dirs of the labs registered as up (a lab removed by hand may still be listed: callers read its state). */
export async function registeredLabs(dir = LAB_REGISTRY): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: string[] = [];
  for (const n of names) {
    const target = await readlink(path.join(dir, n)).catch(() => undefined);
    if (target) out.push(target);
  }
  return out.sort();
}
