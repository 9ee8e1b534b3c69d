import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrivateDir } from '../../bin/privatedir.js';
import { bundledEngine } from './engine.js';

/**
 * tsplay's cache directory in the package's node_modules (where the prebuilt engine lives too):
 * derived data only, safe to delete at any time.
 */
export function cacheDir(): string {
  const engine = bundledEngine();
  // the engine lives in <cache>/engine-KEY; from lib/util/ (tsx) it is two levels up
  return engine ? dirname(engine.dir) : fileURLToPath(new URL('../../node_modules/.cache/tsplay', import.meta.url));
}

/**
 * `sub` of the cache, made private to this user (0700, a loose one tightened); throws when the
 * cache cannot be trusted (another user's, a symlink): callers then run without it.
 */
export function privateCacheDir(sub: string): string {
  const root = cacheDir();
  ensurePrivateDir(root);
  const dir = join(root, sub);
  ensurePrivateDir(dir);
  return dir;
}
