// The one nunjucks environment tsplay renders with: Jinja-compatible parsing, autoescape off,
// Ansible's block trimming (trim_blocks on, lstrip_blocks off), strict undefined handling
// (compile.ts) and Ansible's filters and tests. Compiled templates are cached.

import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { TemplateError } from './errors.js';
import { STRICT, SHARED_NAME, installStrictCompiler, asTemplateError, displayPath } from './compile.js';
import { Helpers, VARS_KEY, NATIVE_KEY, NAME_KEY } from './runtime.js';
import { FILTERS } from './filters/index.js';
import { TESTS } from './tests.js';
import { GLOBALS, setLookupRenderer } from './globals.js';
import { patchParser } from './parse.js';
import { collectionOnly, withQualifiedNames } from './qualified.js';
import { IP_TESTS } from './filters/iptests.js';
import type { Vars } from './types.js';

interface Loaded { src: string; path: string; noCache: boolean }
type Tmpl = nunjucks.Template;

/**
 * Source as Jinja would see it: keep_trailing_newline=False drops one trailing newline, and
 * trim_blocks also eats the newline after a comment (nunjucks does not; moving that newline
 * inside the comment does the same and keeps line numbers right).
 */
export function jinjaSource(src: string): string {
  let s = src;
  if (s.endsWith('\r\n')) s = s.slice(0, -2);
  else if (s.endsWith('\n') || s.endsWith('\r')) s = s.slice(0, -1);
  return s.includes('{#') ? s.replace(/(\{#[\s\S]*?)(-?)#\}(\r?\n)/g, '$1$3$2#}') : s;
}

function trailingNewlines(s: string): number {
  const m = /(?:\r\n|\n|\r)*$/.exec(s);
  return m ? (m[0].match(/\r\n|\n|\r/g) ?? []).length : 0;
}

/** Ansible then pads the result back to the template's own count of trailing newlines. */
export function restoreTrailingNewlines(src: string, out: string): string {
  return padNewlines(trailingNewlines(src), out);
}

function padNewlines(want: number, out: string): string {
  const have = trailingNewlines(out);
  return want > have ? out + '\n'.repeat(want - have) : out;
}

/** Resolves include/import names against the including template's directory. */
class FileLoader {
  cache: Record<string, unknown> = {};
  readonly async = false;
  readonly stamps = new Map<string, string>();
  /** trailing newlines of each loaded file, so a render needs not read it again */
  readonly trailing = new Map<string, number>();

  isRelative(name: string): boolean { return !path.isAbsolute(name); }
  resolve(from: string, to: string): string { return path.resolve(path.dirname(from), to); }

  getSource(name: string): Loaded | null {
    const abs = path.resolve(name);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
      this.stamps.set(abs, stamp(abs));
      this.trailing.set(abs, trailingNewlines(text));
    } catch {
      return null;
    }
    return { src: jinjaSource(text), path: abs, noCache: false };
  }

  /** Forget compiled templates whose file changed since it was loaded. */
  dropStale(): void {
    for (const [p, s] of this.stamps) {
      if (stamp(p) !== s) {
        delete this.cache[p];
        this.stamps.delete(p);
        this.trailing.delete(p);
      }
    }
  }
}

function stamp(p: string): string {
  try {
    const st = fs.statSync(p);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'missing';
  }
}

let envSingleton: { env: nunjucks.Environment; loader: FileLoader; helpers: Helpers } | undefined;

function getEnv() {
  if (envSingleton) return envSingleton;
  patchParser(); // before installJinjaCompat, which wraps the parser's aggregate parsing
  nunjucks.installJinjaCompat(); // slices (x[1:]) and True/False/None; lookups are ours (runtime.ts)
  installStrictCompiler();
  const loader = new FileLoader();
  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, {
    autoescape: false,
    trimBlocks: true,
    lstripBlocks: false,
  });
  const opts = (env as unknown as { opts: Record<string, unknown> }).opts;
  opts.throwOnUndefined = STRICT;
  opts.dev = true; // keeps our error objects intact instead of re-wrapping them
  const helpers = new Helpers(withQualifiedNames(FILTERS, 'filter'), { ...withQualifiedNames(TESTS, 'test'), ...collectionOnly('ansible.utils', IP_TESTS) }, GLOBALS);
  (env as unknown as { tsplay: Helpers }).tsplay = helpers;
  envSingleton = { env, loader, helpers };
  setLookupRenderer((file, vars) => renderTemplateFile(file, vars));
  return envSingleton;
}

const stringCache = new Map<string, Tmpl>();
const STRING_CACHE_MAX = 5000;

/** How many strings have been compiled so far (tests check what the segment shortcut shares). */
export function compiledStringCount(): number {
  return stringCache.size + exprCache.size;
}

/** A bounded memo: once `STRING_CACHE_MAX` entries are held, the oldest goes. */
function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  if (cache.size >= STRING_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  const v = make();
  cache.set(key, v);
  return v;
}

function stringTemplate(src: string, name: string): Tmpl {
  return remember(stringCache, `${name}\u0000${src}`, () => new nunjucks.Template(src, getEnv().env, name));
}

// A template that is one {{ expression }} is compiled once for all the strings and tasks that
// use it, whatever their names (`copy 1 arg dest`, `copy 2 arg dest`, ...): names only label
// errors, as nothing in an expression resolves a file against them. The compiled code reads the
// name from the render's context, and each use gets a view of the template under its own name
// (what errors outside the helpers are given), so errors still name their string.
const exprCache = new Map<string, Tmpl | null>();

function exprTemplate(src: string, name: string): Tmpl {
  const compiled = remember(exprCache, src, () => {
    const t = new nunjucks.Template(src, getEnv().env, SHARED_NAME) as Tmpl & { compile(): void };
    try {
      t.compile();
    } catch {
      return null;
    }
    return t;
  });
  // a syntax error is compiled again under the string's own name, which its message then gives
  if (!compiled) return stringTemplate(src, name);
  const view = Object.create(compiled) as Tmpl & { path: string };
  view.path = name;
  return view;
}

/** Renders a one-expression template through exprTemplate, giving it the string's name. */
function runExpr(src: string, vars: Vars, name: string, host: string | undefined, native?: (v: unknown) => string): string {
  return run(exprTemplate(src, name), vars, name, host, native, displayPath(name));
}

/** `sharedName`: the name a shared expression template (exprTemplate) reads from the context. */
function run(t: Tmpl, vars: Vars, name: string, host: string | undefined, native?: (v: unknown) => string, sharedName?: string): string {
  const ctx: Record<string, unknown> = { [VARS_KEY]: vars };
  if (native) ctx[NATIVE_KEY] = native;
  if (sharedName !== undefined) ctx[NAME_KEY] = sharedName;
  try {
    return t.render(ctx);
  } catch (e) {
    const err = e instanceof TemplateError ? e : asTemplateError(e, name);
    throw err.withHost(host);
  }
}

/** Renders template text; `name` says where it came from in errors. */
export function renderText(src: string, vars: Vars, name: string, host?: string): string {
  const jsrc = jinjaSource(src);
  const out = renderBySegments(jsrc, vars, name, host) ?? run(stringTemplate(jsrc, name), vars, name, host);
  return restoreTrailingNewlines(src, out);
}

// One line of text with a few {{ expressions }} and nothing else (no blocks, comments or
// whitespace control), the common case for task arguments such as paths: each expression is
// compiled on its own, at its own column so errors read as before, and the text around it is
// copied. Strings that differ only in their text ("file1.txt", "file2.txt") then share compiled
// expressions: compiling is what costs (~0.3 ms per template), not rendering.
const STRING_LITERAL = String.raw`'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"`;
const SEGMENT = new RegExp(String.raw`\{\{(?![-+])((?:[^'"{}]|${STRING_LITERAL})*?)(?<![-+])\}\}`, 'g');
const JINJA_MARKS = /\{[{%#]|[}%#]\}/;
const MAX_SEGMENTS = 4;

/** A string's text pieces and expressions, each expression as the template that renders it. */
interface Segment {
  text: string;
  /** the expression at its column: spaces, then {{ expr }} */
  template: string;
  col: number;
}

/** Per source string, as the same string is rendered for every host: its pieces, or null. */
const segmentCache = new Map<string, { parts: Segment[]; tail: string } | null>();

function segmentsOf(src: string): { parts: Segment[]; tail: string } | null {
  if (src.includes('\n') || src.includes('\r')) return null;
  // all of it is checked before anything renders, so a string that does not qualify fails (or
  // renders) exactly as a whole template would
  const parts: Segment[] = [];
  let last = 0;
  SEGMENT.lastIndex = 0;
  for (let m = SEGMENT.exec(src); m; m = SEGMENT.exec(src)) {
    const text = src.slice(last, m.index);
    if (JINJA_MARKS.test(text) || parts.length === MAX_SEGMENTS) return null;
    parts.push({ text, template: `${' '.repeat(m.index)}{{${m[1]!}}}`, col: m.index });
    last = m.index + m[0].length;
  }
  const tail = src.slice(last);
  if (!parts.length || JINJA_MARKS.test(tail)) return null;
  return { parts, tail };
}

function renderBySegments(src: string, vars: Vars, name: string, host: string | undefined): string | undefined {
  const split = remember(segmentCache, src, () => segmentsOf(src));
  if (!split) return undefined;
  let out = '';
  for (const p of split.parts) out += p.text + runExpr(p.template, vars, name, host).slice(p.col);
  return out + split.tail;
}

/** Evaluates one expression to its native value. */
export function evalNative(expr: string, vars: Vars, name: string, host?: string): unknown {
  let value: unknown;
  runExpr(`{{ ${NATIVE_KEY}((${expr}\n)) }}`, vars, name, host, (v) => { value = v; return ''; });
  return value;
}

/**
 * evalNative, also saying whether the value is the text a string-type filter returned last
 * (`{{ d | to_json }}`), which Ansible keeps as text rather than reading it back as a literal.
 */
export function evalNativeText(expr: string, vars: Vars, name: string, host?: string): { value: unknown; filterText: boolean } {
  const { helpers } = getEnv();
  const saved = helpers.stringFilterOut;
  helpers.stringFilterOut = undefined;
  try {
    const value = evalNative(expr, vars, name, host);
    return { value, filterText: typeof value === 'string' && value === helpers.stringFilterOut };
  } finally {
    helpers.stringFilterOut = saved;
  }
}

export function renderTemplateFile(file: string, vars: Vars, host?: string): string {
  const { env, loader } = getEnv();
  const abs = path.resolve(file);
  loader.dropStale();
  // a file already loaded and unchanged is not read again (one render per host)
  let newlines = loader.trailing.get(abs);
  if (newlines === undefined) {
    try {
      newlines = trailingNewlines(fs.readFileSync(abs, 'utf8'));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new TemplateError(code === 'ENOENT' ? 'template file not found' : `cannot read template: ${(e as Error).message}`, displayPath(abs), undefined, host);
    }
  }
  let t: Tmpl;
  try {
    t = env.getTemplate(abs) as Tmpl;
  } catch (e) {
    throw (e instanceof TemplateError ? e : asTemplateError(e, abs)).withHost(host);
  }
  return padNewlines(newlines, run(t, vars, abs, host));
}

/**
 * The syntax tree tsplay's own parser gives `src` (its Jinja extensions included), for static
 * checks (`tsplay check`); throws nunjucks' error (with its line and column) on bad syntax.
 */
export function parseTemplate(src: string): unknown {
  const { env } = getEnv();
  const opts = (env as unknown as { opts: Record<string, unknown> }).opts;
  return (nunjucks as unknown as { parser: { parse(src: string, ext: unknown[], opts: unknown): unknown } }).parser.parse(jinjaSource(src), [], opts);
}

/** Filter and test names templates may use (short and fully qualified). */
export function helperNames(): { filters: Set<string>; tests: Set<string> } {
  const h = getEnv().helpers as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
  return { filters: new Set(Object.keys(h.filters)), tests: new Set(Object.keys(h.tests)) };
}
