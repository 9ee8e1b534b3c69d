import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Message, Plugin } from 'esbuild';
import { ensurePrivateDir } from '../../bin/privatedir.js';
import { writeFileAtomic } from './atomic.js';
import { dynamicImport } from './dynimport.js';
import { bundledEngine, type BundledEngine } from './engine.js';

// Loading the user's TypeScript (playbooks, roles, TS inventories). Under tsx it is a plain
// import. Under the prebuilt engine it is bundled by esbuild with every import of lib/ pointed at
// that engine, so user code and the CLI share one instance of each engine module; the bundle is
// cached next to the engine and reused while none of its source files changed.

export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  const abs = resolve(file);
  const engine = bundledEngine();
  if (!engine) return dynamicImport(pathToFileURL(abs).href);
  const out = await bundle(abs, engine);
  // stack traces (and the DSL's callerLocation, which names roles' dirs and tasks' lines) then
  // point at the user's .ts files rather than the bundle
  process.setSourceMapsEnabled(true);
  return dynamicImport(pathToFileURL(out).href);
}

type Inputs = [path: string, size: number, mtimeMs: number][];

/** Whether every source file a bundle was made from is as it was then (false if unknown). */
function unchanged(inputsFile: string): boolean {
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as Inputs;
    return inputs.every(([p, size, mtime]) => {
      const st = statSync(p);
      return st.size === size && st.mtimeMs === mtime;
    });
  } catch {
    return false;
  }
}

async function bundle(abs: string, engine: BundledEngine): Promise<string> {
  const key = createHash('sha1').update(abs).digest('hex').slice(0, 12);
  const out = join(engine.dir, 'user', `${basename(abs, extname(abs))}-${key}.mjs`);
  const inputsFile = `${out}.inputs.json`;
  if (existsSync(out) && unchanged(inputsFile)) return out;

  const esbuild = await dynamicImport<typeof import('esbuild')>('esbuild');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [abs],
      outfile: out,
      write: false,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [onEngine(engine)],
    });
  } catch (e) {
    throw new Error(buildErrorText(e));
  }
  const inputs: Inputs = Object.keys(result.metafile.inputs).map((p) => {
    const full = resolve(p);
    const st = statSync(full);
    return [full, st.size, st.mtimeMs];
  });
  // user code may hold secrets: the bundle is as private as the cache (0700 dir, 0600 files)
  ensurePrivateDir(dirname(out));
  // a concurrent run never imports half a bundle
  writeFileAtomic(out, result.outputFiles[0].contents);
  writeFileAtomic(inputsFile, JSON.stringify(inputs));
  return out;
}

function onEngine(engine: BundledEngine): Plugin {
  return {
    name: 'tsplay-engine',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || (args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
        if (r.errors.length) return { errors: r.errors };
        const inLib = relative(engine.lib, r.path);
        if (!inLib.startsWith('..')) {
          if (!engine.public.includes(inLib)) {
            return { errors: [{ text: `imports the engine's internal module lib/${inLib.replace(/\.ts$/, '.js')}; import from lib/index.js, tsplay's public API` }] };
          }
          return { path: join(engine.dir, inLib.replace(/\.ts$/, '.js')), external: true };
        }
        // dependencies load from where they are installed, as they would without bundling
        if (r.path.includes('/node_modules/')) return { path: r.path, external: true };
        return { path: r.path };
      });
      // import.meta in a bundle would describe the bundle; user code means its own file
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const ext = extname(args.path).replace(/^\.[cm]/, '.').slice(1) as 'ts' | 'tsx' | 'js' | 'jsx';
        if (!text.includes('import.meta')) return { contents: text, loader: ext };
        const meta: Record<string, string> = { url: pathToFileURL(args.path).href, dirname: dirname(args.path), filename: args.path };
        return { contents: text.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, k: string) => JSON.stringify(meta[k])), loader: ext };
      });
    },
  };
}

/** esbuild's failure as `file:line:col: text` lines, the way tsc and editors print them. */
function buildErrorText(e: unknown): string {
  const errors = (e as { errors?: Message[] }).errors;
  if (!errors?.length) return e instanceof Error ? e.message : String(e);
  return errors
    .map((m) => {
      const at = m.location ? `${relative(process.cwd(), m.location.file) || m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
      return `${at}${m.text}`;
    })
    .join('\n');
}
