// @ts-check
// Running a CommonJS bundle with V8's code cache: Node 20 caches the compiled code of its own
// built-in modules but not of ours, and compiling the engine and its npm dependencies from source
// costs ~100 ms at every start.
//
// The cache holds every function of the bundle, compiled when the bundle is built. A cache taken
// from a run at its exit holds only what V8 still had compiled then: a long run has dropped the
// bytecode of code it ran only at start (V8 flushes old bytecode at major GCs), and every later
// start paid ~90 ms to compile it again. A complete cache costs ~6 ms more to load than the best
// run-made one and cannot go stale that way.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

/** A file for runCached is the function Node wraps a CommonJS module in: these, around the code. */
export const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
export const WRAPPER_END = '\n})';

/**
 * Writes `${file}.v8cache`: the code cache of `file` with every function compiled.
 * @param {string} file
 * @param {string} [source] the file's text when already read
 */
export function makeCache(file, source = readFileSync(file, 'utf8')) {
  // The flags only while compiling: V8 stamps a cache with a hash of the flags, and the defaults
  // are back when it is serialised, so a process started without flags accepts it. Without the
  // compilation cache: a process that ran the bundle would get its half-compiled script back.
  v8.setFlagsFromString('--no-lazy --no-compilation-cache');
  let script;
  try {
    script = new vm.Script(source, { filename: file });
  } finally {
    v8.setFlagsFromString('--lazy --compilation-cache');
  }
  writeAtomic(`${file}.v8cache`, script.createCachedData());
}

/**
 * Runs a CommonJS module written inside its wrapper function (WRAPPER_START, WRAPPER_END) and
 * returns its exports; `${file}.v8cache` holds the code cache (makeCache), made again at exit
 * when it is missing or V8 refused it (another Node version, a damaged file).
 * @param {string} file
 * @returns {unknown}
 */
export function runCached(file) {
  const cacheFile = `${file}.v8cache`;
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    /* no cache yet */
  }
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(source, {
    filename: file,
    // no importModuleDynamically: Node 20 supports it here only with --experimental-vm-modules
    // and loses it for code from the cache; the engine imports through lib/util/dynimport.ts
    cachedData,
  });
  const mod = { exports: {} };
  /** @type {Function} */ (script.runInThisContext())(mod.exports, createRequire(file), mod, file, dirname(file));
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        makeCache(file, source);
      } catch {
        /* a read-only install runs without the cache */
      }
    });
  }
  return mod.exports;
}

/** @param {string} file @param {string | Buffer} data */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}`;
  try {
    // private like the rest of the cache; 'wx' never writes through a file planted at tmp
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
