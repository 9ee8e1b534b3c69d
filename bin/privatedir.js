// @ts-check
// tsplay's cache (node_modules/.cache/tsplay) holds bundles of the user's playbooks, roles and
// inventories, which may carry secrets, and code that later runs load (the engine, saved
// validators): it must be readable and writable by its owner only. Shared by bin/engine.js (before
// the engine loads) and lib/util/cachedir.ts.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A cache directory that exists but must not be used (as opposed to one that cannot be made). */
export class RefusedDir extends Error {}

/**
 * Makes `dir` a directory only this user can enter, or throws saying why it cannot be used:
 * created 0700 (parents as needed); ours with looser bits: tightened, contents included (dirs
 * 0700, files 0600); a symlink, a non-directory or another user's directory: refused, never
 * used (whoever owns it could have planted code there).
 * @param {string} dir
 */
export function ensurePrivateDir(dir) {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new RefusedDir(`${dir} is a symbolic link, not a directory; remove it (tsplay recreates its cache)`);
  if (!st.isDirectory()) throw new RefusedDir(`${dir} is not a directory; remove it (tsplay recreates its cache)`);
  const uid = process.geteuid?.() ?? st.uid;
  if (st.uid !== uid) {
    throw new RefusedDir(`${dir} belongs to uid ${st.uid}, not to this user (uid ${uid}), and tsplay does not load code from another user's cache; runs go on without it (a slower start): use an install of your own, or have its owner remove it`);
  }
  if ((st.mode & 0o077) !== 0) tighten(dir);
}

/**
 * Dirs 0700 and files at most 0600 from `dir` down (a build made with the umask's modes).
 * @param {string} dir
 */
export function tighten(dir) {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    // chmod follows symlinks: a link in here is left alone, what it points at is not the cache's
    if (e.isDirectory()) tighten(p);
    else if (e.isFile()) chmodSync(p, lstatSync(p).mode & 0o600);
  }
}
