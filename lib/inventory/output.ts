// What `tsplay inventory --list` and `--graph` print, shaped like ansible-inventory's output.
import { InventoryError } from './errors.js';
import { hostVars } from './merge.js';
import type { Inventory, Vars } from './model.js';
import { groupHosts } from './query.js';
import { pyStr } from './pyrepr.js';

// variables ansible-inventory never shows (magic and run-time ones)
const INTERNAL_VARS = new Set(['ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version',
  'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'omit', 'playbook_dir']);

function shown(vars: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL_VARS.has(k)) out[k] = v;
  return out;
}

/** Objects with keys in sorted order, recursively (Python's json.dumps(sort_keys=True)). */
function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeysDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Shaped like `ansible-inventory --list`; JSON.stringify(x, null, 4) prints it like Ansible. */
export function inventoryList(inv: Inventory): object {
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    const entry: { hosts?: string[]; children?: string[] } = {};
    results[name] = entry;
    if (name !== 'all') entry.hosts = [...g.hosts];
    entry.children = [];
    for (const c of g.children) {
      entry.children.push(c);
      if (!seen.has(c)) {
        format(c);
        seen.add(c);
      }
    }
    if (!entry.hosts?.length) delete entry.hosts;
    if (!entry.children.length) delete entry.children;
    if (!Object.keys(entry).length) delete results[name];
  };
  format('all');
  const hostvars: Record<string, Vars> = {};
  for (const h of groupHosts(inv, 'all')) {
    const v = shown(hostVars(inv, h));
    if (Object.keys(v).length) hostvars[h] = v;
  }
  results._meta = { hostvars };
  return sortKeysDeep(results) as object;
}

function graphName(name: string, depth: number): string {
  return depth ? '  |'.repeat(depth) + '--' + name : name;
}

function showVars(vars: Vars, depth: number): string[] {
  return Object.keys(vars).sort().map((k) => graphName(`{${k} = ${pyStr(vars[k])}}`, depth));
}

function groupVarsShown(inv: Inventory, name: string): Vars {
  const g = inv.groups.get(name);
  if (!g) return {};
  const v: Vars = { ...g.vars, ...g.fileVars };
  if (g.priority !== 1) v.ansible_group_priority = g.priority;
  return shown(v);
}

/** Like `ansible-inventory --graph [group] [--vars]`. */
export function inventoryGraph(inv: Inventory, group = 'all', withVars = false): string {
  if (!inv.groups.has(group)) {
    throw new InventoryError(`'${group}' is not a group of this inventory; --graph takes a group name (try 'all')`);
  }
  const lines: string[] = [];
  const walk = (name: string, depth: number): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    lines.push(graphName(`@${name}:`, depth));
    for (const c of g.children) walk(c, depth + 1);
    if (name !== 'all') {
      for (const h of g.hosts) {
        lines.push(graphName(h, depth + 1));
        if (withVars) lines.push(...showVars(shown(hostVars(inv, h)), depth + 2));
      }
    }
    if (withVars) lines.push(...showVars(groupVarsShown(inv, name), depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}
