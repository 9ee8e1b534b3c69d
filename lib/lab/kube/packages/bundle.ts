import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type { Message, Plugin } from 'esbuild';
import { writeFileAtomic } from '../../../util/atomic.js';
import { cacheDir as tsplayCacheDir } from '../../../util/cachedir.js';
import { dynamicImport } from '../../../util/dynimport.js';

// One file per double: lab hosts see no node_modules (the lab hides the checkout), so each program
// `lib/lab/kube/<prog>/main.ts` is bundled by esbuild with everything it imports into a single ESM
// file that `/usr/bin/node` runs. The bundle is cached on the machine and rebuilt only when one of
// the files it was made from changed (content hash, so a merge or checkout that rewrites a file
// with the same text keeps the cache).

/** The programs that have an entry `lib/lab/kube/<prog>/main.ts`. */
export const KUBE_PROGRAMS = ['kubeadm', 'kubelet', 'apiserver', 'controller-manager', 'scheduler'] as const;
export type KubeProgram = (typeof KUBE_PROGRAMS)[number];

/**
 * The environment variable the launcher (`/usr/bin/<prog>` from the package, or the kubelet
 * double for an "image") sets to the version without the leading v (`1.16.3`). The bundle's entry
 * reads it and removes it from its environment before main runs, so children never inherit it.
 */
export const VERSION_ENV = 'TSPLAY_KUBE_VERSION';

/** Machine cache of the Kubernetes lab (bundles, .debs, the apt repository); TSPLAY_KUBE_CACHE overrides. */
export function kubeCacheDir(): string {
  return process.env.TSPLAY_KUBE_CACHE || '/var/cache/tsplay/kube';
}

/**
 * The checkout's lib/lab/kube. Not from import.meta.url: under the prebuilt engine (bin/tsplay.js)
 * that is the engine bundle's; the engine's cache dir is <root>/node_modules/.cache/tsplay either way.
 */
export function kubeSourcesDir(): string {
  return join(repoRoot(), 'lib', 'lab', 'kube');
}

function repoRoot(): string {
  return resolve(tsplayCacheDir(), '..', '..', '..');
}

interface Manifest {
  /** the bundle made from these inputs */
  out: string;
  /** repo-relative path → sha256 of its content */
  inputs: Record<string, string>;
}

const pending = new Map<string, Promise<string>>();

/**
 * Path of the cached single-file ESM bundle of `lib/lab/kube/<prog>/main.ts` (node20), whose entry
 * calls `main(process.argv.slice(2), version)` with the version from TSPLAY_KUBE_VERSION and exits
 * with main's code. Run it as `TSPLAY_KUBE_VERSION=1.16.3 node <bundle> args...`.
 */
export function bundleProgram(prog: KubeProgram, cacheDir = kubeCacheDir()): Promise<string> {
  return bundleEntry(prog, join(kubeSourcesDir(), prog), cacheDir);
}

/** bundleProgram for any folder holding a `main.ts` of that shape (tests use a fixture). */
export function bundleEntry(prog: string, programDir: string, cacheDir = kubeCacheDir()): Promise<string> {
  const key = `${cacheDir}\0${prog}`;
  let p = pending.get(key);
  if (!p) {
    p = build(prog, programDir, cacheDir).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function build(prog: string, programDir: string, cacheDir: string): Promise<string> {
  if (!/^[a-z][a-z0-9-]*$/.test(prog)) throw new Error(`not a program name: '${prog}'`);
  const entryFile = join(programDir, 'main.ts');
  if (!existsSync(entryFile)) throw new Error(`no Kubernetes double '${prog}': ${relative(process.cwd(), entryFile)} does not exist`);
  const dir = join(cacheDir, 'bundles');
  mkdirSync(dir, { recursive: true });
  // one manifest per checkout: worktrees sharing the machine cache must not replace each other's
  const checkout = createHash('sha256').update(repoRoot()).digest('hex').slice(0, 8);
  const manifestFile = join(dir, `${prog}.${checkout}.inputs.json`);
  const cached = readManifest(manifestFile);
  if (cached && existsSync(cached.out) && inputsUnchanged(cached.inputs)) return cached.out;

  const esbuild = await dynamicImport<typeof import('esbuild')>('esbuild');
  const extraInputs: string[] = [];
  let result;
  try {
    result = await esbuild.build({
      stdin: { contents: entrySource(prog), resolveDir: programDir, sourcefile: `${prog}-entry.ts`, loader: 'ts' },
      absWorkingDir: repoRoot(),
      write: false,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: join(dir, `${prog}.mjs`),
      metafile: true,
      logLevel: 'silent',
      // CommonJS dependencies call require() for Node's modules and name __dirname; an ESM bundle
      // has none of them of its own
      banner: {
        js: [
          "import { createRequire as __tsplayCreateRequire } from 'node:module';",
          "import { fileURLToPath as __tsplayFileURLToPath } from 'node:url';",
          "import { dirname as __tsplayDirname } from 'node:path';",
          'const require = __tsplayCreateRequire(import.meta.url);',
          'const __filename = __tsplayFileURLToPath(import.meta.url);',
          'const __dirname = __tsplayDirname(__filename);',
        ].join(' '),
      },
      plugins: [etcd3ProtoInline(extraInputs)],
    });
  } catch (e) {
    throw new Error(`cannot bundle the ${prog} double:\n${buildErrorText(e)}`);
  }
  const inputs: Record<string, string> = {};
  for (const file of Object.keys(result.metafile.inputs).sort()) {
    // the entry is text made here (entrySource, hashed into the key below), not a file
    if (file.startsWith('<stdin>') || file.endsWith(`${prog}-entry.ts`)) continue;
    inputs[file] = hashFile(resolve(repoRoot(), file));
  }
  for (const file of extraInputs) inputs[relative(repoRoot(), file)] = hashFile(file);
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  if (!code) throw new Error(`esbuild produced no bundle for ${prog}`);
  const key = createHash('sha256').update(entrySource(prog)).update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
  const out = join(dir, `${prog}-${key}.mjs`);
  writeFileAtomic(out, code.contents, 0o644);
  writeFileAtomic(manifestFile, JSON.stringify({ out, inputs } satisfies Manifest, null, 1), 0o644);
  // the superseded bundle is of no further use (each source change would otherwise leave one)
  if (cached && cached.out !== out && dirname(cached.out) === dir) rmSync(cached.out, { force: true });
  return out;
}

/**
 * etcd3 reads its .proto files from its package directory when it is imported; a bundle has no
 * package directory, so the protos are parsed here at build time (protobufjs, as proto-loader does)
 * and handed to proto-loader's fromJSON instead. The proto files become inputs of the bundle.
 */
function etcd3ProtoInline(extraInputs: string[]): Plugin {
  return {
    name: 'etcd3-proto-inline',
    setup(b) {
      b.onLoad({ filter: /[\\/]etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const call = /\(0, proto_loader_1\.loadSync\)\(`\$\{__dirname\}\/\.\.\/proto\/rpc\.proto`,/;
        if (!call.test(text)) throw new Error(`${args.path}: etcd3 no longer loads proto/rpc.proto as this bundler expects`);
        const protoFile = resolve(dirname(args.path), '..', 'proto', 'rpc.proto');
        const req = createRequire(createRequire(args.path).resolve('@grpc/proto-loader'));
        const protobuf = req('protobufjs') as { Root: new () => { loadSync(f: string, o: object): { toJSON(): object } } };
        const json = JSON.stringify(new protobuf.Root().loadSync(protoFile, { keepCase: true }).toJSON());
        const protoDir = dirname(protoFile);
        extraInputs.push(...readdirSync(protoDir).filter((f) => f.endsWith('.proto')).map((f) => join(protoDir, f)));
        return { contents: text.replace(call, `(0, proto_loader_1.fromJSON)(${json},`), loader: 'js' };
      });
    },
  };
}

/** The entry esbuild bundles: reads the version, runs main, exits with its code. */
function entrySource(prog: string): string {
  return `import { main } from './main.js';
const version = process.env.${VERSION_ENV};
delete process.env.${VERSION_ENV};
if (!version) {
  process.stderr.write('${prog}: ${VERSION_ENV} is not set (run it through its launcher, /usr/bin/${prog})\\n');
  process.exit(2);
}
main(process.argv.slice(2), version).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write('${prog}: ' + (e instanceof Error ? e.message : String(e)) + '\\n');
    process.exit(1);
  },
);
`;
}

function readManifest(file: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    return typeof m.out === 'string' && m.inputs && typeof m.inputs === 'object' ? (m as Manifest) : null;
  } catch {
    return null;
  }
}

function inputsUnchanged(inputs: Record<string, string>): boolean {
  for (const [file, hash] of Object.entries(inputs)) {
    let now: string;
    try {
      now = hashFile(resolve(repoRoot(), file));
    } catch {
      return false;
    }
    if (now !== hash) return false;
  }
  return true;
}

function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function buildErrorText(e: unknown): string {
  const errors = (e as { errors?: Message[] }).errors;
  if (!errors?.length) return e instanceof Error ? e.message : String(e);
  return errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''}${m.text}`).join('\n');
}
