import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes a file on the controller under a temporary name beside it, then renames it into place,
 * so a reader (another run, a crash halfway) sees the old file or the new one, never half of one.
 *
 * The temp file is created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW): a file or symlink planted
 * under that name makes the write fail instead of being written through, and rename() replaces a
 * symlink at `path` rather than following it. `mode` (default 0600: most of what tsplay writes
 * holds user code or secrets) is applied at creation, so the umask still narrows it and the data
 * is never readable more widely than `mode`, not even for a moment.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    // only our own temp file: when the open itself failed (EEXIST) the name is someone else's
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(tmp, { force: true });
    throw e;
  }
}
