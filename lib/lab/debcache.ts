import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

// A Debian package's files, for the lab, without installing the package on this machine (the
// daemonless systemctl conflicts with systemd; kubectl must not shadow the user's): the .deb is
// downloaded with apt and unpacked into a cache directory, once per machine.

const run = promisify(execFile);

export interface UnpackedDeb {
  /** the Debian package */
  pkg: string;
  /** the file that must be in it, relative to / (usr/bin/kubectl) */
  file: string;
  cacheDir: string;
  /** what the lab uses it for, for the error message */
  why: string;
}

const pending = new Map<string, Promise<string>>();

/** Path of `file` from the unpacked package; several callers (test processes too) may ask at once. */
export function unpackedDeb(d: UnpackedDeb): Promise<string> {
  const key = join(d.cacheDir, d.file);
  let p = pending.get(key);
  if (!p) {
    p = fetchDeb(d).catch((e: unknown) => {
      pending.delete(key); // a later call may retry (e.g. after apt-get update)
      throw e;
    });
    pending.set(key, p);
  }
  return p;
}

async function fetchDeb(d: UnpackedDeb): Promise<string> {
  const bin = join(d.cacheDir, 'root', d.file);
  if (await isExecutable(bin)) return bin;
  await mkdir(d.cacheDir, { recursive: true });
  // each fetch works in its own dir and renames at the end: concurrent fetches never mix
  const work = await mkdtemp(join(d.cacheDir, 'fetch-'));
  try {
    try {
      // apt's _apt sandbox user may not write here; apt then downloads as root with a warning
      await run('apt-get', ['download', '-q', d.pkg], { cwd: work });
    } catch (e) {
      const detail = e instanceof Error && 'stderr' in e ? String((e as { stderr: unknown }).stderr).trim() : String(e);
      throw new Error(
        `cannot download the Debian package '${d.pkg}' (${d.why}) into ${d.cacheDir}: ` +
          `${detail || 'apt-get failed'}. Run 'apt-get update' and check that a Debian mirror is reachable.`,
      );
    }
    const deb = (await readdir(work)).filter((f) => f.startsWith(`${d.pkg}_`) && f.endsWith('.deb')).sort().pop();
    if (!deb) throw new Error(`apt-get download ${d.pkg} left no ${d.pkg}_*.deb in ${work}`);
    await run('dpkg', ['-x', join(work, deb), join(work, 'root')]);
    if (!(await isExecutable(join(work, 'root', d.file)))) throw new Error(`${deb} holds no ${d.file}`);
    if (!(await isExecutable(bin))) {
      await rm(join(d.cacheDir, 'root'), { recursive: true, force: true });
      await rename(join(work, 'root'), join(d.cacheDir, 'root')).catch(async (e: unknown) => {
        if (!(await isExecutable(bin))) throw e; // another process won the race: fine
      });
    }
    return bin;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
