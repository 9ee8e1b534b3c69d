// The host and group model, and the rules Ansible's InventoryData applies while sources are read:
// 'all' and 'ungrouped' always exist, a group may not be its own ancestor, hosts keep the port of
// their first definition, and reconcile() hangs parentless groups under 'all' and puts hosts that
// have no group into 'ungrouped'.

import { LineProblem } from './errors.js';
import { hostNameProblem, HOST_NAME_FIX } from './hostname.js';

export type Vars = Record<string, unknown>;

export interface InvHost {
  name: string;
  /** inline inventory vars, merged if defined twice */
  vars: Vars;
  /** host_vars/ */
  fileVars: Vars;
  /** direct groups, order of appearance */
  groups: string[];
  port?: number;
  /** file:line of first definition */
  source: string;
  /** host_vars/ of each inventory source directory, in source order (what fileVars merges) */
  fileVarsBySource: Vars[];
}

export interface InvGroup {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Vars;
  /** group_vars/ */
  fileVars: Vars;
  /** ansible_group_priority (default 1); not kept in vars, like Ansible */
  priority: number;
  /** longest path from 'all' (all = 0) */
  depth: number;
  /** group_vars/ of each inventory source directory, in source order (what fileVars merges) */
  fileVarsBySource: Vars[];
}

export interface Inventory {
  /** insertion = inventory order */
  hosts: Map<string, InvHost>;
  /** always has all, ungrouped */
  groups: Map<string, InvGroup>;
  sources: string[];
  /** what Ansible would warn about while reading (duplicate YAML keys, an empty source), with file:line */
  warnings: string[];
}

export function emptyInventory(sources: string[] = []): Inventory {
  const inv: Inventory = { hosts: new Map(), groups: new Map(), sources, warnings: [] };
  addGroup(inv, 'all');
  addGroup(inv, 'ungrouped');
  addChild(inv, 'all', 'ungrouped');
  return inv;
}

export function addGroup(inv: Inventory, name: string): InvGroup {
  let g = inv.groups.get(name);
  if (!g) {
    if (!name) throw new LineProblem('empty group name', 'give the group a name');
    g = { name, hosts: [], children: [], parents: [], vars: {}, fileVars: {}, priority: 1, depth: 0, fileVarsBySource: [] };
    inv.groups.set(name, g);
  }
  return g;
}

/** Add a host (and optionally put it in a group). The port only counts on first definition. */
export function addHost(inv: Inventory, name: string, source: string, group?: string, port?: number): InvHost {
  let h = inv.hosts.get(name);
  if (!h) {
    const problem = hostNameProblem(name);
    if (problem) throw new LineProblem(`host name '${name}' ${problem}`, HOST_NAME_FIX);
    h = { name, vars: {}, fileVars: {}, groups: [], source, fileVarsBySource: [] };
    if (port) {
      h.port = port;
      h.vars.ansible_port = port;
    }
    inv.hosts.set(name, h);
  }
  if (group) {
    const g = inv.groups.get(group);
    if (!g) throw new LineProblem(`group '${group}' does not exist`, 'declare the group first');
    if (!g.hosts.includes(name)) {
      g.hosts.push(name);
      h.groups.push(group);
    }
  }
  return h;
}

export function ancestors(inv: Inventory, group: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(inv.groups.get(group)?.parents ?? [])];
  while (todo.length) {
    const g = todo.shift() as string;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(inv.groups.get(g)?.parents ?? []));
  }
  return seen;
}

/** Make `child` a child group of `parent`; refuses loops like Group.add_child_group. */
export function addChild(inv: Inventory, parent: string, child: string): void {
  const p = inv.groups.get(parent);
  const c = inv.groups.get(child);
  if (!p || !c) throw new LineProblem(`group '${p ? child : parent}' does not exist`, 'declare the group first');
  if (parent === child) {
    throw new LineProblem(`group '${child}' cannot be a child of itself`, `remove '${child}' from [${parent}:children]`);
  }
  if (p.children.includes(child)) return;
  if (ancestors(inv, parent).has(child)) {
    throw new LineProblem(`adding group '${child}' as child of '${parent}' creates a loop: '${child}' is already an ancestor of '${parent}'`,
      `remove '${child}' from the children of '${parent}' or break the loop elsewhere`);
  }
  p.children.push(child);
  if (!c.parents.includes(parent)) c.parents.push(parent);
}

/** Group.set_variable: ansible_group_priority sets the priority instead of a variable. */
export function setGroupVar(g: InvGroup, key: string, value: unknown): void {
  if (key === 'ansible_group_priority') {
    const n = typeof value === 'number' ? Math.trunc(value) : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n)) {
      throw new LineProblem(`ansible_group_priority of group '${g.name}' must be an integer, got '${String(value)}'`, 'set it to a whole number such as 10');
    }
    g.priority = n;
    return;
  }
  g.vars[key] = value;
}

/** The rules applied once every source is read (InventoryData.reconcile_inventory). */
export function reconcile(inv: Inventory): void {
  for (const g of inv.groups.values()) {
    if (g.name !== 'all' && g.parents.length === 0) addChild(inv, 'all', g.name);
  }
  const ungrouped = inv.groups.get('ungrouped') as InvGroup;
  for (const h of inv.hosts.values()) {
    const mine = allGroupsOfHost(inv, h.name);
    if (mine.has('ungrouped')) {
      if ([...mine].some((g) => g !== 'all' && g !== 'ungrouped')) {
        ungrouped.hosts = ungrouped.hosts.filter((n) => n !== h.name);
        h.groups = h.groups.filter((n) => n !== 'ungrouped');
      }
    } else if (mine.size === 0 || (mine.size === 1 && mine.has('all'))) {
      addHost(inv, h.name, h.source, 'ungrouped');
    }
  }
  computeDepths(inv);
}

/** Direct groups of a host plus all their ancestors. */
export function allGroupsOfHost(inv: Inventory, host: string): Set<string> {
  const out = new Set<string>();
  for (const g of inv.hosts.get(host)?.groups ?? []) {
    out.add(g);
    for (const a of ancestors(inv, g)) out.add(a);
  }
  return out;
}

function computeDepths(inv: Inventory): void {
  // longest path from 'all', which is what Ansible's incremental depth updates converge to
  const memo = new Map<string, number>();
  const depth = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const g = inv.groups.get(name) as InvGroup;
    const d = g.parents.length ? Math.max(...g.parents.map((p) => depth(p) + 1)) : 0;
    memo.set(name, d);
    return d;
  };
  for (const g of inv.groups.values()) g.depth = depth(g.name);
}
