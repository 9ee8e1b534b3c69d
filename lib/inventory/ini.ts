// Ansible 2.14's INI inventory format (plugins/inventory/ini.py), line for line in behaviour:
// sections [g], [g:children], [g:vars]; hosts before any section are 'ungrouped'; a group named
// in :children or :vars may be declared later in the same file. Every `key=value` value (host
// line or :vars line) goes through Python's literal_eval (pyliteral.ts); the difference is that
// host lines are first split shell-style, which removes one level of quotes, while a :vars line
// keeps everything after the first '=' (stripped) — so `x="1"` is the number 1 on a host line
// and the string "1" in a :vars section.
import { atLine, invError } from './errors.js';
import { addChild, addGroup, addHost, setGroupVar, type Inventory } from './model.js';
import { pyLiteral } from './pyliteral.js';
import { checkHostEntry, checkVar } from './hostentry.js';
import { shlexSplit } from '../util/shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  /** parents that listed this group in :children, with the line of each mention */
  parents: Array<{ name: string; line: number }>;
}

export function parseIni(inv: Inventory, file: string, text: string): void {
  const lines = text.split(/\r\n|\r|\n/);
  // Ansible reads an empty file as an inventory of no hosts, and then warns that the host list
  // is empty; the file is named here so a wrong -i path is found at once
  if (lines.every((l) => !l.trim() || /^[#;]/.test(l.trim()))) inv.warnings.push(`${file}: the INI inventory holds no hosts or groups (an empty file?)`);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  let lineno = 0;
  const where = (): { file: string; line: number } => ({ file, line: lineno });
  const guard = <T>(fn: () => T, raw: string): T => atLine(where(), raw, fn);

  const addPendingChildren = (name: string): void => {
    const p = pending.get(name) as Pending;
    for (const parent of p.parents) {
      lineno = parent.line;
      guard(() => addChild(inv, parent.name, name), name);
      const pp = pending.get(parent.name);
      if (pp && pp.state === 'children') addPendingChildren(parent.name);
    }
    pending.delete(name);
  };

  for (const rawLine of lines) {
    lineno++;
    const line = rawLine.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;

    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      state = m[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) {
        throw invError(where(), `section [${m[1]}:${m[2]}] has unknown type '${m[2]}'`, line,
          `use [${m[1]}] for hosts, [${m[1]}:children] for child groups or [${m[1]}:vars] for variables`);
      }
      if (!inv.groups.has(group)) {
        // [g] or [g:children] declares a group; [g:vars] needs a declaration somewhere in this file
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineno, state: 'vars', parents: [] });
        guard(() => addGroup(inv, group), line);
      }
      const p = pending.get(group);
      if (p && state !== 'vars') {
        const here = lineno;
        if (p.state === 'children') addPendingChildren(group);
        else pending.delete(group);
        lineno = here;
      }
      continue;
    }
    if (line.startsWith('[') && !line.includes(']') && /^\[[^\s:]+(?::\w*)?\s*(?:#.*)?$/.test(line)) {
      // otherwise it would be read as a host whose range is not closed
      const name = line.slice(1).replace(/\s*#.*$/, '');
      throw invError(where(), "section header is missing its closing ']'", line, `write [${name}]`);
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw invError(where(), 'invalid section header', line,
        'write [group], [group:children] or [group:vars] with no spaces or other characters inside the brackets');
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line, { comments: true });
      } catch (e) {
        throw invError(where(), `cannot split host line: ${(e as Error).message}`, line, 'close the quote or remove the trailing backslash');
      }
      if (tokens.length === 0) continue; // only a comment after all
      const entry = guard(() => checkHostEntry(tokens[0]), tokens[0]);
      const vars: Array<[string, unknown]> = [];
      for (const t of tokens.slice(1)) {
        const eq = t.indexOf('=');
        if (eq < 0) {
          throw invError(where(), `expected key=value host variable after the host name, got '${t}'`, line,
            t.startsWith(';') ? "comments after a host start with '#' (';' only works at the start of a line)" : `write ${t}=VALUE, or start a comment with '#'`);
        }
        const kv: [string, unknown] = [t.slice(0, eq), pyLiteral(t.slice(eq + 1))];
        guard(() => checkVar(kv[0], kv[1]), t);
        vars.push(kv);
      }
      for (const h of entry.hosts) {
        const host = guard(() => addHost(inv, h, `${file}:${lineno}`, group, entry.port), line);
        for (const [k, v] of vars) host.vars[k] = v;
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        throw invError(where(), `expected key=value in [${group}:vars]`, line, `write ${line.split(/\s/)[0]}=VALUE`);
      }
      const key = line.slice(0, eq).trim();
      const value = pyLiteral(line.slice(eq + 1).trim());
      guard(() => checkVar(key, value), line);
      guard(() => setGroupVar(inv.groups.get(group) as ReturnType<typeof addGroup>, key, value), line);
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) {
        throw invError(where(), `expected a group name in [${group}:children]`, line, 'list one group name per line (no spaces, no ":" or "]")');
      }
      const child = gm[1];
      if (!inv.groups.has(child)) {
        const p = pending.get(child);
        if (!p) pending.set(child, { line: lineno, state: 'children', parents: [{ name: group, line: lineno }] });
        else p.parents.push({ name: group, line: lineno });
      } else {
        guard(() => addChild(inv, group, child), line);
      }
    }
  }

  // anything still pending names a group this file never declares; report the first, like Ansible
  for (const [name, p] of pending) {
    lineno = p.line;
    if (p.state === 'vars') {
      throw invError(where(), `[${name}:vars] is for group '${name}', which is never declared`, `[${name}:vars]`,
        `declare it with a [${name}] or [${name}:children] section, or fix the name`);
    }
    const first = p.parents[0];
    throw invError({ file, line: first.line }, `[${first.name}:children] names undefined group '${name}'`, name,
      `define it with a [${name}] section or fix the name`);
  }
}
