// Writing into a host's overlay upper dir before it is mounted. A directory created in the
// upper dir replaces the attributes of the same directory in `/` (the lower layer), so each one
// copies mode and owner from `/`: /root stays 0700, /etc stays 0755, and sshd's StrictModes
// keeps accepting /root/.ssh/authorized_keys.
import { chmod, chown, copyFile, lstat, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

async function mkdirLike(upper: string, rel: string): Promise<void> {
  const parts = rel.split('/').filter(Boolean);
  let cur = '';
  for (const part of parts) {
    cur = `${cur}/${part}`;
    const target = path.join(upper, cur);
    try {
      await lstat(target);
      continue;
    } catch {
      /* create it below */
    }
    let mode = 0o755;
    let uid = 0;
    let gid = 0;
    try {
      const lower = await stat(cur);
      mode = lower.mode & 0o7777;
      uid = lower.uid;
      gid = lower.gid;
    } catch {
      /* not in `/` either: a plain root-owned 0755 directory */
    }
    try {
      await mkdir(target);
    } catch (e) {
      // a parallel write into the same upper dir created it first: its attributes are set there
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    await chown(target, uid, gid);
    await chmod(target, mode);
  }
}

export interface UpperFile {
  mode: number;
  uid?: number;
  gid?: number;
}

/** Write `content` at `/rel` as the host will see it. */
export async function writeUpper(upper: string, rel: string, content: string | Buffer, f: UpperFile): Promise<void> {
  await mkdirLike(upper, path.posix.dirname(rel));
  const target = path.join(upper, rel);
  await writeFile(target, content, { mode: f.mode });
  await chown(target, f.uid ?? 0, f.gid ?? 0);
  await chmod(target, f.mode);
}

export async function copyIntoUpper(upper: string, rel: string, source: string, mode: number): Promise<void> {
  await mkdirLike(upper, path.posix.dirname(rel));
  const target = path.join(upper, rel);
  await copyFile(source, target);
  await chown(target, 0, 0);
  await chmod(target, mode);
}

/** Make sure the directory `/rel` exists in the upper dir (with the lower layer's attributes). */
export async function ensureUpperDir(upper: string, rel: string): Promise<void> {
  await mkdirLike(upper, rel);
}
