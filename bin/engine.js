// @ts-check
// The prebuilt engine: lib/ and the npm packages it uses bundled once by esbuild into one CommonJS
// file in node_modules/.cache/tsplay/engine-KEY, run with V8's code cache (codecache.js). A start
// then neither transforms ~160 TypeScript files through tsx nor resolves and compiles ~300 files
// of node_modules (0.7 s → under 0.2 s, BENCHMARKS.md). KEY is derived from the size and mtime of
// every file under lib/ and the installed packages, so an edit is built on the next run and never
// served stale.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCache, runCached, WRAPPER_END, WRAPPER_START } from './codecache.js';
import { ensurePrivateDir, RefusedDir, tighten } from './privatedir.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIB = join(ROOT, 'lib');
/** Inside the package's node_modules so the bundle resolves the same dependencies as lib/ does. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'tsplay');
/** Bump when the build options below change. */
const FORMAT = '7';
/** What user code may import from the engine: the public API (and the role-testing helper). */
export const PUBLIC = ['index.ts', 'testing.ts'];
const ENTRIES = [...PUBLIC, 'cli/main.ts'];
/** Packages left to Node's loader: big tools that only the commands needing them load. */
const UNBUNDLED = ['typescript', 'esbuild', 'tsx'];
/** The engine and the npm packages it uses, one CommonJS file run with V8's code cache. */
const BUNDLE = 'engine.cjs';
/** globalThis key of the bundle's lookup: entry (a file of ENTRIES) -> its exports */
const LIB_KEY = Symbol.for('tsplay.lib');

/** @returns {string} */
function engineKey() {
  // the bundles name absolute paths (lib-root, native addons): a moved checkout builds afresh
  const h = createHash('sha1').update(FORMAT).update(ROOT);
  let stamps = ''; // one update: ~180 small ones cost more than the stats
  for (const f of tsFiles(LIB).sort()) {
    const st = statSync(f);
    stamps += `${f}\0${st.size}\0${st.mtimeMs}\n`;
  }
  // lib/util/cachedir.ts bundles this one file of bin/ too
  const priv = statSync(join(ROOT, 'bin', 'privatedir.js'));
  stamps += `privatedir.js\0${priv.size}\0${priv.mtimeMs}\n`;
  h.update(stamps);
  h.update(readFileSync(join(ROOT, 'package.json')));
  // the installed dependency tree (npm rewrites this file on every install): the dependency
  // bundle must follow an upgrade even when package.json stays the same
  try {
    const st = statSync(join(ROOT, 'node_modules', '.package-lock.json'));
    h.update(`${st.size}\0${st.mtimeMs}`);
  } catch {
    /* installed by another tool: package.json alone decides */
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Every .ts file under dir (a plain walk: readdirSync's recursive mode costs ~8 ms at start).
 * @param {string} dir
 * @returns {string[]}
 */
function tsFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`; // dir is absolute and normal: path.join's normalising cost ~3 ms here
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** @param {string} dir */
async function build(dir) {
  // everything the build writes is private from the first byte (esbuild's service process
  // inherits the umask when it starts), not only once tighten() has run
  const umask = process.umask(0o077);
  try {
    await buildInto(dir);
  } finally {
    process.umask(umask);
  }
}

/** @param {string} dir */
async function buildInto(dir) {
  const { build: esbuild } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}`;
  // one getter per entry: esbuild runs a module's top level on its first require, so a run only
  // initialises what it uses (the CLI loads each command's code when that command runs)
  const entries = ENTRIES.map((e) => `  ${JSON.stringify(e)}: () => require(${JSON.stringify(`./lib/${e}`)}),`);
  await esbuild({
    stdin: { contents: `module.exports = {\n${entries.join('\n')}\n};\n`, resolveDir: ROOT, sourcefile: 'tsplay-engine.cjs', loader: 'js' },
    outfile: join(tmp, BUNDLE),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: UNBUNDLED,
    // lib/ is ESM: in one CommonJS file import.meta.url names that file (what lib/ uses it for:
    // resolving packages, which resolve the same from there)
    define: { 'import.meta.url': '__tsplay_bundle_url' },
    // written as the function Node would wrap a CommonJS module in (codecache.js calls it): V8
    // then compiles the file's text as it is, not a second 1 MB copy with the wrapper added
    banner: { js: `${WRAPPER_START}var __tsplay_bundle_url = require("node:url").pathToFileURL(__filename).href;` },
    footer: { js: WRAPPER_END },
    // smaller source to read and keep in memory; names stay (stack traces, constructor.name)
    minify: true,
    keepNames: true,
    logLevel: 'silent',
    plugins: [nativeAddons],
  });
  makeCache(join(tmp, BUNDLE));
  // user code imports the public entries as ES modules: thin files re-exporting the bundle's
  const exported = await exportNames(esbuild);
  for (const e of PUBLIC) {
    const names = exported.get(e) ?? [];
    const read = `globalThis[Symbol.for(${JSON.stringify(LIB_KEY.description)})](${JSON.stringify(e)})`;
    const lines = [`const m = ${read};`, ...names.map((n) => (n === 'default' ? 'export default m.default;' : `export const ${n} = m.${n};`))];
    writeFileSync(join(tmp, e.replace(/\.ts$/, '.js')), `${lines.join('\n')}\n`);
  }
  writeFileSync(join(tmp, 'lib-root'), LIB);
  // esbuild and writeFileSync used the umask's modes; the cache is private (privatedir.js)
  tighten(tmp);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run built it first
  }
  prune(dir);
}

/**
 * What each public entry exports (esbuild's metafile of an ES module build that is not written).
 * @param {typeof import('esbuild').build} esbuild
 * @returns {Promise<Map<string, string[]>>}
 */
async function exportNames(esbuild) {
  const r = await esbuild({ entryPoints: PUBLIC.map((e) => join(LIB, e)), bundle: true, format: 'esm', platform: 'node', packages: 'external', write: false, metafile: true, outdir: '/', absWorkingDir: ROOT, logLevel: 'silent' });
  return new Map(Object.values(r.metafile.outputs).flatMap((o) => (o.entryPoint ? [[relative(LIB, resolve(ROOT, o.entryPoint)), o.exports]] : [])));
}

/**
 * Runs the engine bundle in `dir` and installs its lookup (the facades read it).
 * @param {string} dir
 * @returns {(entry: string) => Record<string, unknown>}
 */
export function loadEngine(dir) {
  const table = /** @type {Record<string, () => Record<string, unknown>>} */ (runCached(join(dir, BUNDLE)));
  /** @param {string} entry */
  const lookup = (entry) => {
    const get = table[entry];
    if (!get) throw new Error(`tsplay: the engine bundle lacks ${entry}; delete ${dir} so the next run rebuilds it`);
    return get();
  };
  Object.assign(globalThis, { [LIB_KEY]: lookup });
  return lookup;
}

/** Native addons (ssh2's crypto, cpu-features) stay files: required by absolute path. @type {import('esbuild').Plugin} */
const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => ({ path: resolve(args.resolveDir, args.path), external: true }));
  },
};

/** Old engines go once they are an hour old (a run that started from one may still import its facades or user bundles). @param {string} keep */
function prune(keep) {
  const hourAgo = Date.now() - 3600_000;
  for (const name of readdirSync(CACHE)) {
    const p = join(CACHE, name);
    if (p === keep || !name.startsWith('engine-')) continue;
    try {
      if (statSync(p).mtimeMs < hourAgo) rmSync(p, { recursive: true, force: true });
    } catch {
      /* raced with another prune */
    }
  }
}

/**
 * The engine's directory, built if needed; undefined when it cannot be built here (a read-only
 * install, or lib/ mid-edit with a syntax error), in which case the caller runs lib/ through tsx.
 * @returns {Promise<string | undefined>}
 */
export async function engineDir() {
  if (process.env.TSPLAY_NO_BUNDLE) return undefined;
  try {
    ensurePrivateDir(CACHE);
  } catch (e) {
    // a cache that cannot be made (a read-only install) is silently done without, as before;
    // one that exists but is not safe to use is worth a line
    if (e instanceof RefusedDir) process.stderr.write(`tsplay: not using the cache: ${e.message}\n`);
    return undefined;
  }
  try {
    const dir = join(CACHE, `engine-${engineKey()}`);
    try {
      statSync(join(dir, 'lib-root'));
      return dir;
    } catch {
      await build(dir);
      statSync(join(dir, 'lib-root'));
      return dir;
    }
  } catch {
    return undefined;
  }
}
