import { execFile } from 'node:child_process';
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Lab hosts run no systemd. Debian's package `systemctl` is a daemonless reimplementation (a
// Python script) that reads real unit files and starts, stops and enables services. It conflicts
// with systemd, so it is never installed here: the .deb is downloaded and unpacked into a cache.

const run = promisify(execFile);

export const SYSTEMCTL_CACHE_DIR = '/var/cache/tsplay/systemctl';

let pending: Promise<string> | undefined;

/** Path of the daemonless systemctl script, downloaded and unpacked once per machine. */
export function daemonlessSystemctl(cacheDir = SYSTEMCTL_CACHE_DIR): Promise<string> {
  if (cacheDir !== SYSTEMCTL_CACHE_DIR) return fetchSystemctl(cacheDir);
  pending ??= fetchSystemctl(cacheDir).catch((e: unknown) => {
    pending = undefined; // let a later call retry (e.g. after apt-get update)
    throw e;
  });
  return pending;
}

async function fetchSystemctl(cacheDir: string): Promise<string> {
  const bin = join(cacheDir, 'root', 'usr', 'bin', 'systemctl');
  if (await isExecutable(bin)) return bin;
  await mkdir(cacheDir, { recursive: true });
  try {
    // apt's _apt sandbox user may not write here; apt then downloads as root with a warning
    await run('apt-get', ['download', '-q', 'systemctl'], { cwd: cacheDir });
  } catch (e) {
    const detail = e instanceof Error && 'stderr' in e ? String((e as { stderr: unknown }).stderr).trim() : String(e);
    throw new Error(
      `cannot download the Debian package 'systemctl' (daemonless systemctl for lab hosts) into ${cacheDir}: ` +
        `${detail || 'apt-get failed'}. Run 'apt-get update' and check that a Debian mirror is reachable.`,
    );
  }
  const deb = (await readdir(cacheDir)).filter((f) => /^systemctl_.*\.deb$/.test(f)).sort().pop();
  if (!deb) throw new Error(`apt-get download systemctl left no systemctl_*.deb in ${cacheDir}`);
  await rm(join(cacheDir, 'root'), { recursive: true, force: true });
  await run('dpkg', ['-x', join(cacheDir, deb), join(cacheDir, 'root')]);
  if (!(await isExecutable(bin))) throw new Error(`${deb} holds no usr/bin/systemctl (unpacked in ${cacheDir}/root)`);
  return bin;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
