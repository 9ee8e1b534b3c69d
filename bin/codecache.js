// @ts-check
// Running a CommonJS bundle with V8's code cache: Node 20 caches the compiled code of its own
// built-in modules but not of ours, and compiling the engine and its npm dependencies from source
// costs ~100 ms at every start. V8 serialises the bytecode it has at the moment the cache is
// made, so it is made at exit: by the first run, again by any run that ended with clearly more
// bytecode than the run that made it (it ran code the cache lacks: connecting, templating, ...),
// and whenever V8 rejects it (another Node version).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

/** A file for runCached is the function Node wraps a CommonJS module in: these, around the code. */
export const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
export const WRAPPER_END = '\n})';

/** How much more bytecode than the cache's maker a run must end with to remake it. */
const GROWTH = 1.05;

/**
 * Runs a CommonJS module written inside its wrapper function (WRAPPER_START, WRAPPER_END) and
 * returns its exports; `${file}.v8cache` holds the code cache.
 * @param {string} file
 * @returns {unknown}
 */
export function runCached(file) {
  const cacheFile = `${file}.v8cache`;
  /** @type {Buffer | undefined} */
  let cachedData;
  /** bytecode in the heap of the run that made the cache */
  let made = 0;
  try {
    cachedData = readFileSync(cacheFile);
    made = Number(readFileSync(`${cacheFile}.bytecode`, 'utf8')) || 0;
  } catch {
    /* no cache yet */
  }
  const script = new vm.Script(readFileSync(file, 'utf8'), {
    filename: file,
    // no importModuleDynamically: Node 20 supports it here only with --experimental-vm-modules
    // and loses it for code from the cache; the engine imports through lib/util/dynimport.ts
    cachedData,
  });
  const mod = { exports: {} };
  /** @type {Function} */ (script.runInThisContext())(mod.exports, createRequire(file), mod, file, dirname(file));
  // no cache, or one V8 refused: any run makes it
  if (!cachedData || script.cachedDataRejected) made = 0;
  process.once('exit', () => {
    // ~1 ms: a walk of the heap's code
    const bytecode = v8.getHeapCodeStatistics().bytecode_and_metadata_size;
    if (bytecode <= made * GROWTH) return;
    try {
      writeAtomic(cacheFile, script.createCachedData());
      writeAtomic(`${cacheFile}.bytecode`, String(bytecode));
    } catch {
      /* a read-only install runs without the cache */
    }
  });
  return mod.exports;
}

/** @param {string} file @param {string | Buffer} data */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
