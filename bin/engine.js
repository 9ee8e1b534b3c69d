// @ts-check
// The prebuilt engine: lib/ bundled once by esbuild into node_modules/.cache/tsplay/engine-KEY, so
// a run loads plain JS instead of transforming ~160 TypeScript files through tsx's loader on every
// start (0.7 s → 0.2 s, BENCHMARKS.md). KEY is derived from the size and mtime of every file under
// lib/, so an edited engine is rebuilt on the next run and never served stale.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIB = join(ROOT, 'lib');
/** Inside the package's node_modules so the bundle resolves the same dependencies as lib/ does. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'tsplay');
/** Bump when the build options below change. */
const FORMAT = '1';
/** What user code may import from the engine: the public API (and the role-testing helper). */
export const PUBLIC = ['index.ts', 'testing.ts'];
const ENTRIES = [...PUBLIC, 'cli/main.ts'];

/** @returns {string} */
function engineKey() {
  const h = createHash('sha1').update(FORMAT);
  const files = /** @type {string[]} */ (readdirSync(LIB, { recursive: true, encoding: 'utf8' }));
  for (const f of files.sort()) {
    if (!f.endsWith('.ts')) continue;
    const st = statSync(join(LIB, f));
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  h.update(readFileSync(join(ROOT, 'package.json')));
  return h.digest('hex').slice(0, 16);
}

/** @param {string} dir */
async function build(dir) {
  const { build: esbuild } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}`;
  await esbuild({
    entryPoints: ENTRIES.map((e) => join(LIB, e)),
    outdir: tmp,
    outbase: LIB,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'silent',
  });
  writeFileSync(join(tmp, 'lib-root'), LIB);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run built it first
  }
  prune(dir);
}

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
