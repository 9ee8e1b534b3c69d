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
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = openTemp(path, mode);
  try {
    fd.write(bytes);
    fd.commit();
  } catch (e) {
    fd.abandon();
    throw e;
  }
}

/**
 * writeFileAtomic for content that arrives in pieces (a fetch of a large file): `fill` writes
 * them as they come, and the file is renamed into place only when it resolves. A `fill` that
 * throws (a checksum that does not match) leaves `path` as it was and no temp file behind.
 */
export async function writeStreamAtomic(path: string, mode: number, fill: (write: (piece: Uint8Array) => void) => Promise<void>): Promise<void> {
  const fd = openTemp(path, mode);
  try {
    await fill((piece) => fd.write(piece));
    fd.commit();
  } catch (e) {
    fd.abandon();
    throw e;
  }
}

interface TempFile {
  write(bytes: Uint8Array): void;
  commit(): void;
  abandon(): void;
}

function openTemp(path: string, mode: number): TempFile {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  // a planted name fails the open (EEXIST) and is someone else's: never removed below
  let fd: number | undefined = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777);
  const close = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    write(bytes) {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd!, bytes, off, bytes.length - off);
    },
    commit() {
      fsyncSync(fd!);
      close();
      renameSync(tmp, path);
    },
    abandon() {
      close();
      rmSync(tmp, { force: true });
    },
  };
}
