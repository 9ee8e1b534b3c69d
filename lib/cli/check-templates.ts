import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Node, Playbook, PlaySpec, RoleInstance, Vars } from '../dsl/types.js';
import { collectNodes } from '../dsl/builder.js';
import { allNodes } from '../executor/play.js';
import { roleChain } from '../executor/vars.js';
import { helperNames, parseTemplate } from '../template/env.js';
import { didYouMean } from '../util/suggest.js';

// `tsplay check`'s static look at templates (issue 14): every template file of the playbook's
// roles and every Jinja string of their defaults, role vars and tasks is parsed with tsplay's own
// parser, and each variable, filter and test it uses must exist: declared by the role (or a role
// it depends on), set by the play (vars, register, set_fact, loop vars), known to the inventory
// when one is given, or a built-in. A name guarded by `| default(...)` or `is defined` anywhere in
// the same text is not required. Ansible has nothing like it: it finds these on a host, mid-run.

export interface TemplateProblem {
  /** file:line:col */
  at: string;
  message: string;
}

/** Names every template may use without declaring them. */
const BUILTINS = new Set([
  'inventory_hostname', 'inventory_hostname_short', 'inventory_dir', 'inventory_file', 'groups', 'group_names', 'hostvars',
  'playbook_dir', 'role_name', 'role_path', 'play_hosts', 'omit', 'item', 'loop', 'environment',
  'ansible_managed', 'template_host', 'template_path', 'template_fullpath', 'template_run_date', 'template_uid',
  'template_destpath', 'template_mtime', 'true', 'false', 'none', 'True', 'False', 'None',
  'range', 'dict', 'namespace', 'lookup', 'query', 'q', 'lipsum', 'cycler', 'joiner', 'caller', 'varargs', 'kwargs',
]);
/** facts, connection and play magic vars all start so */
const BUILTIN_PREFIXES = ['ansible_', 'template_'];

interface AstNode {
  typename: string;
  lineno: number;
  colno: number;
  [k: string]: unknown;
}

const isNode = (v: unknown): v is AstNode => v !== null && typeof v === 'object' && typeof (v as AstNode).typename === 'string';

/** Every Jinja text with where it lives: template files and strings of roles and plays. */
interface Text {
  src: string;
  /** file:line:col of a position inside src (line/col 0-based in src) */
  at: (line: number, col: number) => string;
  known: Set<string>;
  what: string;
}

function fileText(file: string, known: Set<string>): Text {
  const rel = relative(process.cwd(), file);
  return { src: readFileSync(file, 'utf8'), at: (l, c) => `${rel}:${l + 1}:${c + 1}`, known, what: `template ${rel}` };
}

function stringText(src: string, where: string, known: Set<string>, what: string): Text {
  // a string in TypeScript: its own line and column do not map to the .ts file; name the task
  return { src, at: (l, c) => (l === 0 ? `${where} (column ${c + 1} of the string)` : `${where} (line ${l + 1} of the string)`), known, what };
}

const hasJinja = (s: string): boolean => s.includes('{{') || s.includes('{%');

/** Strings inside a value (module args, defaults), with the key path that holds them. */
function strings(v: unknown, path = ''): [string, string][] {
  if (typeof v === 'string') return hasJinja(v) ? [[path, v]] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v as Vars).flatMap(([k, x]) => strings(x, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Options whose strings are bare Jinja expressions (`when`, `changedWhen`...), not templates. */
const EXPRESSION_OPTIONS = new Set(['when', 'changedWhen', 'failedWhen', 'until']);

function declared(role: RoleInstance): string[] {
  return roleChain(role).flatMap((r) => Object.keys((r.spec.vars.json as { properties?: Record<string, unknown> }).properties ?? {}));
}

/** Names a play's tasks make for later ones: registers, set_fact keys, loop vars. */
function madeNames(nodes: Node[], into: Set<string>): void {
  for (const n of allNodes(nodes)) {
    const o = n.opts as { register?: string; loopControl?: { loopVar?: string; indexVar?: string } };
    if (o.register) into.add(o.register);
    if (o.loopControl?.loopVar) into.add(o.loopControl.loopVar);
    if (o.loopControl?.indexVar) into.add(o.loopControl.indexVar);
    if (n.kind === 'task' && ['set_fact', 'group_by', 'add_host'].includes(n.call.module.name)) {
      const args = n.call.args;
      if (args && typeof args === 'object') for (const k of Object.keys(args as Vars)) into.add(k);
      // a set_fact function's names, as its call lists them
      for (const k of (n.call as { makes?: readonly string[] }).makes ?? []) into.add(k);
    }
  }
}

function textsOfNodes(nodes: Node[], known: Set<string>, out: Text[], isExpr: (k: string) => boolean): void {
  for (const n of allNodes(nodes)) {
    const where = n.kind === 'task' || n.kind === 'block' ? (n.source ?? n.name) : n.name;
    const label = `${n.kind} '${n.name}'`;
    if (n.kind === 'task') {
      for (const [k, s] of strings(n.call.args)) out.push(stringText(s, where, known, k ? `${label} argument ${k}` : `${label} argument`));
    }
    for (const [k, v] of Object.entries(n.opts as Vars)) {
      if (typeof v === 'function') continue;
      const list = Array.isArray(v) ? v : [v];
      for (const x of list) {
        if (typeof x !== 'string') continue;
        if (isExpr(k)) out.push(stringText(`{{ ${x} }}`, where, known, `${label} option ${k}`));
        else if (hasJinja(x)) out.push(stringText(x, where, known, `${label} option ${k}`));
      }
      if (k === 'vars' && v && typeof v === 'object') for (const [vk, s] of strings(v)) out.push(stringText(s, where, known, `${label} var ${vk}`));
    }
  }
}

/** Every Jinja text of the playbook's roles and plays, with the names known where it is used. */
export function collectTexts(pb: Playbook, inventoryNames: Iterable<string>): Text[] {
  const out: Text[] = [];
  const seenFiles = new Set<string>();
  for (const play of pb.plays as PlaySpec[]) {
    const common = new Set<string>([...inventoryNames, ...Object.keys(play.vars ?? {})]);
    const playNodes = [...collectNodes(play.preTasks), ...collectNodes(play.tasks), ...collectNodes(play.postTasks)];
    const entries = (play.roles ?? []).map((r) => ('role' in r && (r as { role?: unknown }).role ? (r as { role: RoleInstance; vars?: Vars }) : { role: r as RoleInstance, vars: undefined }));
    const roleNodes = entries.flatMap((e) => roleChain(e.role).map((r) => ({ role: r, nodes: collectNodes(r.spec.tasks, r), vars: e.vars })));
    // what any task of the play registers or sets is known to all of its texts (order is not checked)
    madeNames(playNodes, common);
    for (const rn of roleNodes) madeNames(rn.nodes, common);
    for (const e of entries) for (const k of Object.keys(e.vars ?? {})) common.add(k);
    textsOfNodes(playNodes, common, out, (k) => EXPRESSION_OPTIONS.has(k));
    for (const { role, nodes } of roleNodes) {
      const known = new Set([...common, ...declared(role)]);
      textsOfNodes(nodes, known, out, (k) => EXPRESSION_OPTIONS.has(k));
      const where = role.definedAt ?? role.dir;
      for (const [k, s] of [...strings(role.spec.defaults ?? {}), ...strings(role.spec.roleVars ?? {})]) {
        out.push(stringText(s, where, known, `role ${role.name} variable ${k}`));
      }
      const tdir = join(role.dir, 'templates');
      for (const f of listFiles(tdir)) {
        if (seenFiles.has(f)) continue;
        seenFiles.add(f);
        out.push(fileText(f, known));
      }
    }
  }
  return out;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** Names the text guards (`x | default(...)`, `x is defined`): not required to exist. */
function guarded(root: AstNode): Set<string> {
  const out = new Set<string>();
  const baseName = (n: unknown): string | undefined => {
    if (!isNode(n)) return undefined;
    if (n.typename === 'Symbol') return String(n.value);
    if (n.typename === 'LookupVal') return baseName(n.target);
    if (n.typename === 'Group') return baseName((n.children as unknown[])[0]);
    return undefined;
  };
  const isDefault = (n: unknown): n is AstNode =>
    isNode(n) && n.typename === 'Filter' && isNode(n.name) && ['default', 'd', 'ansible.builtin.default'].includes(String(n.name.value));
  const unGroup = (n: unknown): unknown => (isNode(n) && n.typename === 'Group' && (n.children as unknown[]).length === 1 ? unGroup((n.children as unknown[])[0]) : n);
  visit(root, (n) => {
    if (isDefault(n)) {
      const target = unGroup((n.args as AstNode & { children: unknown[] }).children[0]);
      const b = baseName(target);
      if (b) out.add(b);
      // `a | default(b) | default(c)`: b may be undefined too (the renderer passes it on)
      if (isDefault(target)) {
        const inner = baseName((target.args as AstNode & { children: unknown[] }).children[1]);
        if (inner) out.add(inner);
      }
    }
    if (n.typename === 'Is') {
      const test = isNode(n.right) ? (n.right.typename === 'FunCall' ? (n.right.name as AstNode).value : n.right.value) : undefined;
      if (test === 'defined' || test === 'undefined' || test === 'none') {
        const b = baseName(n.left);
        if (b) out.add(b);
      }
    }
  });
  return out;
}

function visit(n: unknown, fn: (n: AstNode) => void): void {
  if (Array.isArray(n)) return n.forEach((x) => visit(x, fn));
  if (!isNode(n)) return;
  fn(n);
  for (const [k, v] of Object.entries(n)) if (k !== 'parent' && v && typeof v === 'object') visit(v, fn);
}

/** Problems in one text: syntax, unknown filters and tests, unknown variables. */
export function checkText(t: Text, helpers = helperNames()): TemplateProblem[] {
  let root: AstNode;
  try {
    root = parseTemplate(t.src) as AstNode;
  } catch (e) {
    const m = /\[Line (\d+), Column (\d+)\]\s*([\s\S]*)$/.exec(String((e as Error).message));
    const msg = (m ? m[3] : String((e as Error).message)).replace(/^\s*Error:\s*/, '').trim();
    return [{ at: m ? t.at(Number(m[1]) - 1, Number(m[2]) - 1) : t.at(0, 0), message: `${t.what}: syntax error: ${msg}` }];
  }
  const problems: TemplateProblem[] = [];
  const safe = guarded(root);
  const local = new Set<string>();
  // names a template binds itself: {% set %}, {% for %}, macros and their arguments, imports
  visit(root, (n) => {
    const bind = (x: unknown): void => visit(x, (s) => void (s.typename === 'Symbol' && local.add(String(s.value))));
    if (n.typename === 'Set') bind(n.targets);
    if (n.typename === 'For' || n.typename === 'AsyncEach' || n.typename === 'AsyncAll') bind(n.name);
    if (n.typename === 'Macro' || n.typename === 'Caller') {
      bind(n.name);
      bind(n.args);
    }
    if (n.typename === 'Import') bind(n.target);
    if (n.typename === 'FromImport') bind(n.names);
  });
  const report = (n: AstNode, message: string): void => void problems.push({ at: t.at(n.lineno, n.colno), message: `${t.what}: ${message}` });
  const walk = (n: unknown, inLookupKey = false): void => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x));
    if (!isNode(n)) return;
    switch (n.typename) {
      case 'Symbol': {
        const name = String(n.value);
        if (inLookupKey || local.has(name) || safe.has(name) || t.known.has(name) || BUILTINS.has(name) || BUILTIN_PREFIXES.some((p) => name.startsWith(p))) return;
        report(n, `undefined variable '${name}': declare it in the role's vars, set it in the play or inventory, or guard it with | default(...)${didYouMean(name, [...t.known])}`);
        return;
      }
      case 'LookupVal':
        walk(n.target);
        // `a.b`: b is a key, not a variable; `a[b]`: b is an expression
        if (isNode(n.val) && n.val.typename !== 'Literal') walk(n.val);
        return;
      case 'Filter': {
        const name = String((n.name as AstNode).value);
        if (!helpers.filters.has(name)) report(n, `no filter named '${name}'${didYouMean(name, helpers.filters)}`);
        walk(n.args);
        return;
      }
      case 'Is': {
        walk(n.left);
        const r = n.right as AstNode | undefined;
        const name = r ? String(r.typename === 'FunCall' ? (r.name as AstNode).value : r.value) : '';
        if (r && !helpers.tests.has(name)) report(r, `no test named '${name}'${didYouMean(name, helpers.tests)}`);
        if (r?.typename === 'FunCall') walk(r.args);
        return;
      }
      case 'FunCall':
        walk(n.name);
        walk(n.args);
        return;
      case 'KeywordArgs':
        for (const c of (n.children as AstNode[]) ?? []) walk(c.value);
        return;
      case 'Pair':
        walk(n.key);
        walk(n.value);
        return;
      default:
        for (const [k, v] of Object.entries(n)) if (k !== 'parent' && v && typeof v === 'object') walk(v);
    }
  };
  walk(root);
  return problems;
}
