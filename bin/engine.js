// @ts-check
// The prebuilt engine: lib/ bundled once by esbuild into node_modules/.cache/tsplay/engine-KEY, so
// a run loads plain JS instead of transforming ~160 TypeScript files through tsx's loader on every
// start (0.7 s → 0.2 s, BENCHMARKS.md). KEY is derived from the size and mtime of every file under
// lib/, so an edited engine is rebuilt on the next run and never served stale.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEPS_FILE, DEPS_KEY } from './deps.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIB = join(ROOT, 'lib');
/** Inside the package's node_modules so the bundle resolves the same dependencies as lib/ does. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'tsplay');
/** Bump when the build options below change. */
const FORMAT = '3';
/** What user code may import from the engine: the public API (and the role-testing helper). */
export const PUBLIC = ['index.ts', 'testing.ts'];
const ENTRIES = [...PUBLIC, 'cli/main.ts'];
/** Packages left to Node's loader: big tools that only the commands needing them load. */
const UNBUNDLED = new Set(['typescript', 'esbuild', 'tsx']);

/** @returns {string} */
function engineKey() {
  // the bundles name absolute paths (lib-root, native addons): a moved checkout builds afresh
  const h = createHash('sha1').update(FORMAT).update(ROOT);
  for (const f of tsFiles(LIB).sort()) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
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
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** @param {string} dir */
async function build(dir) {
  const { build: esbuild } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}`;
  /** @type {Set<string>} */
  const deps = new Set();
  await esbuild({
    entryPoints: ENTRIES.map((e) => join(LIB, e)),
    outdir: tmp,
    outbase: LIB,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'silent',
    plugins: [fromDepsBundle(deps)],
  });
  await esbuild({
    // one lazy getter per module the engine imports; esbuild initialises a module on first require
    stdin: {
      contents: `module.exports = {\n${[...deps].sort().map((d) => `  ${JSON.stringify(d)}: () => require(${JSON.stringify(d)}),`).join('\n')}\n};\n`,
      resolveDir: ROOT,
      sourcefile: 'tsplay-deps.cjs',
      loader: 'js',
    },
    outfile: join(tmp, DEPS_FILE),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [nativeAddons],
    minifyWhitespace: true,
    minifySyntax: true,
  });
  writeFileSync(join(tmp, 'lib-root'), LIB);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run built it first
  }
  prune(dir);
}

/**
 * The engine's imports of npm packages (but UNBUNDLED) become reads from the dependency bundle
 * (bin/deps.js), as CommonJS modules: esbuild then turns named imports into property reads, as
 * Node does for a CommonJS package. Collects the specifiers the bundle must serve.
 * @param {Set<string>} deps
 * @returns {import('esbuild').Plugin}
 */
function fromDepsBundle(deps) {
  return {
    name: 'tsplay-deps',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const pkg = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        if (isBuiltin(args.path) || UNBUNDLED.has(pkg)) return { path: args.path, external: true };
        deps.add(args.path);
        return { path: args.path, namespace: 'tsplay-dep' };
      });
      b.onLoad({ filter: /.*/, namespace: 'tsplay-dep' }, (args) => ({
        contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(DEPS_KEY.description)})](${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/** Native addons (ssh2's crypto, cpu-features) stay files: required by absolute path. @type {import('esbuild').Plugin} */
const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => ({ path: resolve(args.resolveDir, args.path), external: true }));
  },
};

/** Old engines go once they are an hour old (a run that started from one may still load chunks). @param {string} keep */
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
    const dir = join(CACHE, `engine-${engineKey()}`);
    try {
      statSync(join(dir, 'lib-root'));
      return dir;
    } catch {
      mkdirSync(CACHE, { recursive: true });
      await build(dir);
      statSync(join(dir, 'lib-root'));
      return dir;
    }
  } catch {
    return undefined;
  }
}
