// @ts-check
// The engine's npm dependencies (ssh2, nunjucks, ajv, yaml, listr2) as one CommonJS bundle, run
// with V8's code cache. Loaded from node_modules they cost ~120 ms per start in module resolution
// and compilation; from one bundle with the cache, ~35 ms (BENCHMARKS.md). Each dependency is
// initialised only when the engine first imports it. bin/engine.js builds the bundle; the engine's
// imports of these packages read them through the function installed here.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';

export const DEPS_FILE = 'deps.cjs';
const CODE_CACHE = 'deps.v8cache';
export const DEPS_KEY = Symbol.for('tsplay.deps');

/** Runs after a build that add what they compiled to the code cache (see loadDeps). */
const WARMING_RUNS = 5;

/**
 * Runs the dependency bundle of the engine in `dir` and installs its lookup. V8's code cache holds
 * only the functions compiled when it is made, so it is made at exit, and again by each of the
 * first few runs (each adds what it ran: connecting, templating, ...), and whenever V8 rejects it
 * (another Node version).
 * @param {string} dir
 */
export function loadDeps(dir) {
  const file = join(dir, DEPS_FILE);
  const cacheFile = join(dir, CODE_CACHE);
  /** @type {Buffer | undefined} */
  let cachedData;
  let runs = 0;
  try {
    cachedData = readFileSync(cacheFile);
    runs = Number(readFileSync(`${cacheFile}.runs`, 'utf8')) || 0;
  } catch {
    /* no cache yet */
  }
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    // a dependency's own import() resolves as it would from the main context
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: /** @type {Record<string, () => unknown>} */ ({}) };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dir);
  const table = mod.exports;
  /** @param {string} spec */
  const lookup = (spec) => {
    const get = table[spec];
    if (!get) throw new Error(`tsplay: the engine's dependency bundle lacks ${spec}; delete ${dir} so the next run rebuilds it`);
    return get();
  };
  Object.assign(globalThis, { [DEPS_KEY]: lookup });
  const rejected = !cachedData || script.cachedDataRejected;
  if (rejected || runs < WARMING_RUNS) {
    process.once('exit', () => {
      try {
        writeAtomic(cacheFile, script.createCachedData());
        writeAtomic(`${cacheFile}.runs`, String(rejected ? 1 : runs + 1));
      } catch {
        /* a read-only install runs without the cache */
      }
    });
  }
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
