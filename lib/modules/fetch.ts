import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { probe } from './common/probe.js';
import { readByExec } from '../connection/files.js';
import { UnreachableError } from '../connection/types.js';
import { writeStreamAtomic } from '../util/atomic.js';
import { fetchDestination, refuseLinksBelow } from './common/fetchpath.js';

// fetch: copy a file from the host to the controller. The remote sha1 is read first; the bytes
// only travel when the local copy differs. Writes on the controller are atomic (temp + rename),
// stay inside dest (common/fetchpath.ts) and never get more mode bits than the remote file had.

export interface FetchArgs {
  /** file on the host */
  src: string;
  /** directory (or, with flat and no trailing /, file) on the controller */
  dest: string;
  /** false (default): dest/<inventory host>/<src path>; true: dest itself or dest/<basename> */
  flat?: boolean;
  /** default true: a missing src fails the task */
  fail_on_missing?: boolean;
  /** default true: compare the sha1 of what arrived with the host's */
  validate_checksum?: boolean;
}

export interface FetchResult extends ModuleResult {
  src: string;
  /** local path on the controller */
  dest: string;
  checksum?: string;
  remote_checksum?: string;
}

export const fetchSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    flat: { type: 'boolean' },
    fail_on_missing: { type: 'boolean' },
    validate_checksum: { type: 'boolean' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

/**
 * The local copy's sha1 when it is a regular file whose mode grants nothing `allowed` does not;
 * otherwise undefined (rewritten: a symlink there is replaced, a looser mode narrowed).
 */
/** sha1 of a local file read in pieces (a fetched file can be larger than memory should hold). */
function fileSha1(path: string): string {
  const hash = createHash('sha1');
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function localSha1(path: string, allowed: number): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || (st.mode & 0o777 & ~allowed) !== 0) return undefined;
    return fileSha1(path);
  } catch {
    return undefined;
  }
}

/**
 * Streams the host's file into `path` piece by piece (the controller never holds it whole) and
 * commits it only when its sha1 is `remote` (unless validate_checksum is off); the sha1 it got.
 */
async function fetchInto(path: string, mode: number, args: FetchArgs, ctx: ModuleContext, remote: string | undefined): Promise<string> {
  const hash = createHash('sha1');
  let got = '';
  try {
    mkdirSync(dirname(path), { recursive: true });
    await writeStreamAtomic(path, mode, async (write) => {
      await readByExec(ctx.conn, args.src, (piece) => (hash.update(piece), write(piece)), { become: ctx.become });
      got = hash.digest('hex');
      if (args.validate_checksum !== false && got !== remote) {
        throw new ModuleFailure(`fetch: checksum mismatch for ${args.src} (the file changed during the transfer?); run the task again`);
      }
    });
  } catch (e) {
    if (e instanceof ModuleFailure || e instanceof UnreachableError) throw e;
    throw new ModuleFailure(`fetch: cannot write ${path} on the controller: ${(e as Error).message}`);
  }
  return got;
}

async function run(args: FetchArgs, ctx: ModuleContext): Promise<FetchResult> {
  const { file: dest, root } = fetchDestination(args, ctx.host);
  const [st] = await probe(ctx, [{ path: args.src, follow: true, checksum: true }]);
  if (!st.exists) {
    if (args.fail_on_missing === false) {
      return { changed: false, src: args.src, dest, msg: 'the remote file does not exist, not transferring, ignored' };
    }
    throw new ModuleFailure(`fetch: the remote file ${args.src} does not exist on ${ctx.host} (set fail_on_missing: false to ignore)`);
  }
  if (st.type !== 'file') throw new ModuleFailure(`fetch: remote ${args.src} is a ${st.type}; fetch copies regular files only`);
  const remote = st.checksum;
  // permission bits only: a setuid bit has no business on a fetched copy
  const mode = st.mode === undefined ? 0o600 : parseInt(st.mode, 8) & 0o777;
  // before the local copy is even read: a planted link must not steer a read either
  refuseLinksBelow(root, dest);
  const local = localSha1(dest, mode);
  const base = { src: args.src, dest, remote_checksum: remote };
  if (local !== undefined && local === remote) return { ...base, changed: false, checksum: local };
  if (ctx.check) return { ...base, changed: true, checksum: remote };
  const got = await fetchInto(dest, mode, args, ctx, remote);
  return { ...base, changed: true, checksum: got };
}

export const fetch = defineModule<FetchArgs, FetchResult>({ name: 'fetch', schema: fetchSchema, run });
