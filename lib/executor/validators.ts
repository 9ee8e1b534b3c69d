// Compiled argument and role-variable validators, kept across runs. ajv compiles a schema by
// generating JavaScript (~5 ms each, ~40 ms for the first of a process): the same code, saved
// once as a file named by the schema's hash, loads in well under a millisecond on later runs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import AjvModule, { type Options, type ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { privateCacheDir } from '../util/cachedir.js';

const OPTIONS: Options = { allErrors: true, coerceTypes: true, useDefaults: true, strict: false, code: { source: true } };
const Ajv = AjvModule.default ?? AjvModule;
const standaloneCode = standaloneModule.default ?? standaloneModule;
/** generated code requires ajv's small runtime helpers (ajv/dist/runtime/*) */
const requireRuntime = createRequire(import.meta.url);

let ajv: InstanceType<typeof Ajv> | undefined;
let dir: string | undefined | null;
let salt: string | undefined;
const memo = new WeakMap<object, ValidateFunction>();

/** The directory for saved validators; null when it cannot be created (a read-only install). */
function validatorDir(): string | null {
  if (dir !== undefined) return dir;
  try {
    // saved validators are code this process runs: only from a cache that is ours alone
    dir = privateCacheDir('validators');
  } catch {
    dir = null;
  }
  return dir;
}

/** What the generated code depends on besides the schema: ajv's version and our options. */
function keySalt(): string {
  if (salt === undefined) {
    let version = 'unknown';
    try {
      version = (JSON.parse(readFileSync(requireRuntime.resolve('ajv/package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* then every run compiles afresh under 'unknown' (harmless) */
    }
    salt = `${version}\0${JSON.stringify(OPTIONS)}\0`;
  }
  return salt;
}

function load(file: string): ValidateFunction | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const mod = { exports: {} as { default?: unknown } };
  try {
    new Function('require', 'module', 'exports', code)(requireRuntime, mod, mod.exports);
  } catch {
    return undefined; // a damaged file (a full disk, say): compile afresh and write it again
  }
  return typeof mod.exports.default === 'function' ? (mod.exports.default as ValidateFunction) : undefined;
}

/** Where the validator for this schema is saved; null without a cache directory. */
export function validatorFile(schema: object): string | null {
  const d = validatorDir();
  return d && join(d, `${createHash('sha1').update(keySalt()).update(JSON.stringify(schema)).digest('hex')}.cjs`);
}

/** The validator for a JSON schema, from this run's memo, the saved file, or ajv. */
export function validatorFor(schema: object): ValidateFunction {
  const known = memo.get(schema);
  if (known) return known;
  const file = validatorFile(schema);
  let fn = file ? load(file) : undefined;
  if (!fn) {
    ajv ??= new Ajv(OPTIONS);
    fn = ajv.compile(schema);
    if (file) {
      try {
        writeFileAtomic(file, standaloneCode(ajv, fn));
      } catch {
        /* a cache that cannot be written only costs the next run a compile */
      }
    }
  }
  memo.set(schema, fn);
  return fn;
}
