import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The lab's kubectl is the REAL client: Debian's `kubernetes-client` package (kubectl 1.20.x on
// bookworm). Like the lab's systemctl it is never installed on the machine: the .deb is downloaded
// with apt and unpacked into a cache directory, once per machine.

const run = promisify(execFile);

export const KUBECTL_CACHE_DIR = '/var/cache/tsplay/kubectl';

let pending: Promise<string> | undefined;

/** Path of the real kubectl binary, downloaded and unpacked once per machine. */
export function realKubectl(cacheDir = KUBECTL_CACHE_DIR): Promise<string> {
  if (cacheDir !== KUBECTL_CACHE_DIR) return fetchKubectl(cacheDir);
  pending ??= fetchKubectl(cacheDir).catch((e: unknown) => {
    pending = undefined; // a later call may retry (e.g. after apt-get update)
    throw e;
  });
  return pending;
}

async function fetchKubectl(cacheDir: string): Promise<string> {
  const bin = join(cacheDir, 'root', 'usr', 'bin', 'kubectl');
  if (await isExecutable(bin)) return bin;
  await mkdir(cacheDir, { recursive: true });
  // several test processes may fetch at once: each works in its own dir and renames at the end
  const work = await mkdtemp(join(cacheDir, 'fetch-'));
  try {
    try {
      // apt's _apt sandbox user may not write here; apt then downloads as root with a warning
      await run('apt-get', ['download', '-q', 'kubernetes-client'], { cwd: work });
    } catch (e) {
      const detail = e instanceof Error && 'stderr' in e ? String((e as { stderr: unknown }).stderr).trim() : String(e);
      throw new Error(
        `cannot download the Debian package 'kubernetes-client' (the real kubectl for the lab) into ${cacheDir}: ` +
          `${detail || 'apt-get failed'}. Run 'apt-get update' and check that a Debian mirror is reachable.`,
      );
    }
    const deb = (await readdir(work)).filter((f) => /^kubernetes-client_.*\.deb$/.test(f)).sort().pop();
    if (!deb) throw new Error(`apt-get download kubernetes-client left no kubernetes-client_*.deb in ${work}`);
    await run('dpkg', ['-x', join(work, deb), join(work, 'root')]);
    if (!(await isExecutable(join(work, 'root', 'usr', 'bin', 'kubectl')))) throw new Error(`${deb} holds no usr/bin/kubectl`);
    if (!(await isExecutable(bin))) {
      await rm(join(cacheDir, 'root'), { recursive: true, force: true });
      await rename(join(work, 'root'), join(cacheDir, 'root')).catch(async (e: unknown) => {
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
