import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
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
