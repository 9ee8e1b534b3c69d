// lookup() / query() / q(): Ansible's lookup plugins that kubespray's templates and vars use,
// run on the controller as in Ansible: vars, env, file, template, pipe, first_found, items,
// list (also as ansible.builtin.X). lookup() joins string results with ',' (one non-string
// result alone, several as a list); query()/q() and wantlist=True always give the list.
// errors='ignore'|'warn' turn a failing lookup into None (or [] for a list).
//
// Relative files are searched as Ansible's path_dwim_relative_stack does: in the role
// (role_path/<files|templates>/x, role_path/x), then the playbook dir (playbook_dir/...), then
// the working directory.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { TemplateError, TemplateFault } from './errors.js';
import { isDict, pyStr, truthy, typeName } from './pyvalues.js';
import { splitKw, type Kw } from './filters/types.js';
import { ansibleEvalConcat } from './pyliteral.js';
import { templateFileVars, overlayVars } from './template-vars.js';
import type { Vars } from './types.js';

/** What a lookup runs with: the render's variables and a way to render a template file. */
export interface LookupContext {
  vars: Vars;
  renderFile(file: string, vars: Vars): string;
}

type Plugin = (terms: unknown[], kw: Kw, ctx: LookupContext) => unknown[];

/** A lookup that failed on purpose (Ansible's AnsibleLookupError/AnsibleError): honours errors=. */
class LookupFailure extends Error {}

function searchDirs(vars: Vars): string[] {
  const dirs: string[] = [];
  for (const key of ['role_path', 'playbook_dir']) {
    const v = safeGet(vars, key);
    if (typeof v === 'string' && v) dirs.push(v);
  }
  dirs.push(process.cwd());
  return dirs;
}

function safeGet(vars: Vars, key: string): unknown {
  try {
    return key in vars ? vars[key] : undefined;
  } catch {
    return undefined;
  }
}

/** The first existing file for `rel` under the search dirs, or undefined. */
export function findInSearchPath(vars: Vars, subdir: 'files' | 'templates', rel: string): string | undefined {
  if (path.isAbsolute(rel)) return fs.existsSync(rel) ? rel : undefined;
  for (const dir of searchDirs(vars)) {
    const candidates = rel.split('/')[0] === subdir ? [path.join(dir, rel)] : [path.join(dir, subdir, rel), path.join(dir, rel)];
    for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return undefined;
}

function textTerm(t: unknown, lookup: string): string {
  if (typeof t !== 'string') throw new LookupFailure(`the ${lookup} lookup takes strings, got ${typeName(t)}`);
  return t;
}

function readText(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** first_found: files and paths may be lists or strings split on ',;' (paths also on ':'). */
function splitOn(v: unknown, seps: RegExp): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.flatMap((x) => pyStr(x).split(seps)).map((s) => s.trim()).filter((s) => s !== '');
}

function firstFoundSearch(terms: unknown[], kw: Kw): { files: string[]; skip: boolean } {
  let total: string[] = [];
  let skip = truthy(kw.skip ?? false);
  for (const term of terms) {
    let opts: Kw;
    if (isDict(term)) opts = term;
    else if (typeof term === 'string') opts = kw;
    else if (Array.isArray(term)) {
      const inner = firstFoundSearch(term, kw);
      total.push(...inner.files);
      skip = inner.skip;
      continue;
    } else throw new LookupFailure(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeName(term)} for ${pyStr(term)}`);
    const files = splitOn(opts.files, /[,;]/);
    const paths = splitOn(opts.paths, /[,:;]/);
    skip = truthy(opts.skip ?? false);
    if (paths.length) for (const p of paths) for (const f of files) total.push(path.join(p, f));
    else if (files.length) total = files;
    else total.push(pyStr(term));
  }
  return { files: total, skip };
}

const PLUGINS: Record<string, Plugin> = {
  vars: (terms, kw, { vars }) => terms.map((t) => {
    if (typeof t !== 'string') throw new LookupFailure(`Invalid setting identifier, "${pyStr(t)}" is not a string, its a ${typeName(t)}`);
    let v = safeGet(vars, t);
    if (v === undefined) {
      const hv = safeGet(vars, 'hostvars') as Vars | undefined;
      const me = safeGet(vars, 'inventory_hostname');
      const mine = hv && typeof me === 'string' ? (hv[me] as Vars | undefined) : undefined;
      v = mine ? safeGet(mine, t) : undefined;
    }
    if (v === undefined) {
      if (kw.default !== undefined && kw.default !== null) return kw.default;
      throw new TemplateFault(`No variable found with this name: ${t}`);
    }
    return v;
  }),
  env: (terms, kw) => terms.map((t) => {
    const name = textTerm(t, 'env').split(/\s+/).filter(Boolean)[0] ?? '';
    const v = process.env[name];
    return v !== undefined ? v : kw.default !== undefined ? kw.default : '';
  }),
  file: (terms, kw, { vars }) => terms.map((t) => {
    const rel = textTerm(t, 'file');
    const file = findInSearchPath(vars, 'files', rel);
    if (!file) throw new LookupFailure(`could not locate file in lookup: ${rel}`);
    let text = readText(file);
    if (truthy(kw.lstrip ?? false)) text = text.trimStart();
    if (truthy(kw.rstrip ?? true)) text = text.trimEnd();
    return text;
  }),
  template: (terms, kw, ctx) => terms.map((t) => {
    const rel = textTerm(t, 'template');
    const file = findInSearchPath(ctx.vars, 'templates', rel);
    if (!file) throw new LookupFailure(`the template file ${rel} could not be found for the lookup`);
    const extra = isDict(kw.template_vars) ? kw.template_vars : {};
    const out = ctx.renderFile(file, overlayVars(ctx.vars, { ...templateFileVars(rel, file), ...extra }));
    return truthy(kw.convert_data ?? true) ? ansibleEvalConcat(out) : out;
  }),
  pipe: (terms, _kw, { vars }) => terms.map((t) => {
    const cmd = pyStr(t);
    const dir = safeGet(vars, 'playbook_dir');
    const r = spawnSync('/bin/sh', ['-c', cmd], { cwd: typeof dir === 'string' && dir ? dir : process.cwd(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new LookupFailure(`lookup_plugin.pipe(${cmd}) could not run: ${r.error.message}`);
    if (r.status !== 0) throw new LookupFailure(`lookup_plugin.pipe(${cmd}) returned ${r.status ?? `signal ${r.signal}`}`);
    return r.stdout.trimEnd();
  }),
  first_found: (terms, kw, { vars }) => {
    const { files, skip } = firstFoundSearch(terms, kw);
    for (const f of files) {
      const found = findInSearchPath(vars, 'files', f);
      if (found) return [found];
    }
    if (skip) return [];
    throw new LookupFailure('No file was found when using first_found.');
  },
  items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])),
  list: (terms) => terms,
};
for (const name of Object.keys(PLUGINS)) PLUGINS[`ansible.builtin.${name}`] = PLUGINS[name]!;

/** Ansible's Templar._lookup: run the plugin, then shape its list as lookup() or query() does. */
export function runLookup(ctx: LookupContext, raw: unknown[], alwaysList: boolean): unknown {
  const [args, kwIn] = splitKw(raw);
  const [name, ...terms] = args;
  if (typeof name !== 'string') throw new TemplateFault(`lookup needs a plugin name first, got ${typeName(name)}`);
  const plugin = Object.prototype.hasOwnProperty.call(PLUGINS, name) ? PLUGINS[name] : undefined;
  if (!plugin) throw new TemplateFault(`lookup plugin (${name}) not found; tsplay has ${Object.keys(PLUGINS).filter((n) => !n.includes('.')).join(', ')}`);
  const kw: Kw = { ...kwIn };
  const wantlist = alwaysList || truthy(kw.wantlist ?? false);
  const errors = String(kw.errors ?? 'strict');
  delete kw.wantlist;
  delete kw.errors;
  delete kw.allow_unsafe;
  if (!['strict', 'warn', 'ignore'].includes(errors)) throw new TemplateFault(`errors= must be strict, warn or ignore, got '${errors}'`);
  let ran: unknown[];
  try {
    ran = plugin(terms, kw, ctx);
  } catch (e) {
    if (e instanceof TemplateError) throw e; // an error inside a looked-up template: its own place
    // an undefined variable is never ignored (Ansible re-raises those whatever errors= says)
    if (errors === 'strict' || (e instanceof TemplateFault && /^No variable found/.test(e.message))) {
      throw e instanceof TemplateFault ? new TemplateFault(`lookup('${name}'): ${e.message}`) : new TemplateFault(`lookup('${name}'): ${(e as Error).message}`);
    }
    if (errors === 'warn') process.emitWarning(`Lookup failed but the error is being ignored: ${(e as Error).message}`, { code: 'TSPLAY_LOOKUP' });
    return wantlist ? [] : null;
  }
  if (!ran.length || wantlist) return ran;
  if (ran.every((x) => typeof x === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}
