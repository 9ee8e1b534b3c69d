// Typed TypeScript inventories: a module whose default export is `defineInventory({...})`.
// Read with the same rules as a YAML inventory (ranges, host:port, children, ancestry checks).
import { atLine, invError } from './errors.js';
import { checkHostEntry } from './hostentry.js';
import { addChild, addGroup, addHost, setGroupVar, type Inventory, type Vars } from './model.js';

/** One group. Host names may use ranges (`k1-node[01:05]`) and ports (`k1-lb:2222`). */
export interface TsGroupSpec<V extends object = Vars> {
  /** member hosts: a list of names, or names mapped to their host vars */
  hosts?: readonly string[] | Readonly<Record<string, Partial<V> | null>>;
  /** group vars (lowest inventory precedence after 'all'; deeper groups win) */
  vars?: Partial<V>;
  /** child groups: names of groups defined in `groups`, or nested group specs */
  children?: readonly string[] | Readonly<Record<string, TsGroupSpec<V> | null>>;
  /** ansible_group_priority: among groups of equal depth, the higher priority wins */
  priority?: number;
}

/** A whole inventory. */
export interface TsInventorySpec<V extends object = Vars> {
  /** vars of the 'all' group */
  vars?: Partial<V>;
  /** groups by name, read in the order written */
  groups?: Readonly<Record<string, TsGroupSpec<V> | null>>;
  /** host vars by host name; a host listed only here lands in 'ungrouped' */
  hosts?: Readonly<Record<string, Partial<V> | null>>;
}

/**
 * Declare a typed inventory. Put it in a .ts file and pass that file with `-i`.
 *
 * @example
 * ```ts
 * // inventory/lab.ts
 * import { defineInventory } from '../lib/inventory/index.js';
 *
 * interface LabVars { ansible_host: string; ansible_port: number; etcd_member_name: string; drain_timeout: string }
 *
 * export default defineInventory<LabVars>({
 *   vars: { drain_timeout: '360s' },
 *   groups: {
 *     'kube-master': { hosts: { 'k1-master01': { ansible_host: '127.0.10.1' }, 'k1-master02': { ansible_host: '127.0.10.2' } } },
 *     'kube-node': { hosts: ['k1-node[01:05]'], vars: { drain_timeout: '120s' } },
 *     etcd: { hosts: ['k1-master01', 'k1-master02'] },
 *     'k8s-cluster': { children: ['kube-master', 'kube-node'] },
 *   },
 *   hosts: { 'k1-node01': { ansible_host: '127.0.10.11' } },
 * });
 * ```
 */
export function defineInventory<V extends object = Vars>(spec: TsInventorySpec<V>): TsInventorySpec<V> {
  return spec;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadTsSpec(inv: Inventory, file: string, spec: unknown): void {
  const fail = (what: string, text: string | undefined, fix: string): never => {
    throw invError({ file }, what, text, fix);
  };
  const guard = <T>(fn: () => T, text: string): T => atLine({ file }, text, fn);
  if (!isRecord(spec)) return fail('the default export is not an inventory', undefined, 'export default defineInventory({ groups: {...} })');
  for (const k of Object.keys(spec)) {
    if (!['vars', 'groups', 'hosts'].includes(k)) fail(`unexpected key '${k}' in the inventory`, k, 'use "vars", "groups" and "hosts"');
  }
  const setVars = (target: Vars, vars: unknown, owner: string): void => {
    if (vars === undefined || vars === null) return;
    if (!isRecord(vars)) fail(`vars of '${owner}' must be an object`, owner, 'write vars: { name: value }');
    Object.assign(target, vars);
  };
  const allGroup = addGroup(inv, 'all');
  if (isRecord(spec.vars)) for (const [k, v] of Object.entries(spec.vars)) guard(() => setGroupVar(allGroup, k, v), k);
  else setVars({}, spec.vars, 'all');

  if (spec.groups !== undefined && !isRecord(spec.groups)) fail('"groups" must be an object of group specs', undefined, 'write groups: { name: { hosts: [...] } }');
  const topGroups: Record<string, unknown> = isRecord(spec.groups) ? spec.groups : {};
  // declare every named group first so `children: ['name']` may refer to groups written later
  for (const name of Object.keys(topGroups)) guard(() => addGroup(inv, name), name);

  const group = (name: string, g: unknown): void => {
    guard(() => addGroup(inv, name), name);
    if (g === null || g === undefined) return;
    if (!isRecord(g)) return fail(`group '${name}' must be an object`, name, 'give it hosts, vars and/or children');
    for (const k of Object.keys(g)) {
      if (!['hosts', 'vars', 'children', 'priority'].includes(k)) fail(`unexpected key '${k}' in group '${name}'`, k, 'use hosts, vars, children and priority');
    }
    const rec = inv.groups.get(name) as ReturnType<typeof addGroup>;
    if (g.priority !== undefined) guard(() => setGroupVar(rec, 'ansible_group_priority', g.priority), name);
    if (g.vars !== undefined && g.vars !== null) { // an empty `vars:` is no vars, as in YAML
      if (!isRecord(g.vars)) fail(`vars of group '${name}' must be an object`, name, 'write vars: { name: value }');
      for (const [k, v] of Object.entries(g.vars as Record<string, unknown>)) guard(() => setGroupVar(rec, k, v), k);
    }
    const hosts = g.hosts;
    const hostEntries: Array<[string, unknown]> = Array.isArray(hosts) ? hosts.map((h) => [h, null]) : isRecord(hosts) ? Object.entries(hosts) : [];
    if (hosts !== undefined && !Array.isArray(hosts) && !isRecord(hosts)) fail(`hosts of group '${name}' must be a list or an object`, name, "write hosts: ['k1-node01'] or hosts: { 'k1-node01': { ... } }");
    for (const [entry, vars] of hostEntries) {
      if (typeof entry !== 'string') fail(`host names in group '${name}' must be strings`, String(entry), 'quote the name');
      const parsed = guard(() => checkHostEntry(entry), entry);
      for (const h of parsed.hosts) {
        const host = guard(() => addHost(inv, h, file, name, parsed.port), entry);
        setVars(host.vars, vars, h);
      }
    }
    const children = g.children;
    if (Array.isArray(children)) {
      for (const c of children) {
        if (typeof c !== 'string' || !inv.groups.has(c)) {
          fail(`group '${name}' names undefined child group '${String(c)}'`, String(c), `define '${String(c)}' in "groups" or fix the name`);
        }
        guard(() => addChild(inv, name, c as string), c as string);
      }
    } else if (isRecord(children)) {
      for (const [c, cg] of Object.entries(children)) {
        group(c, cg);
        guard(() => addChild(inv, name, c), c);
      }
    } else if (children !== undefined) {
      fail(`children of group '${name}' must be a list or an object`, name, "write children: ['other-group']");
    }
  };
  for (const [name, g] of Object.entries(topGroups)) group(name, g);

  if (spec.hosts !== undefined) {
    if (!isRecord(spec.hosts)) fail('"hosts" must be an object of host vars', undefined, "write hosts: { 'k1-node01': { ansible_host: '127.0.10.11' } }");
    for (const [entry, vars] of Object.entries(spec.hosts as Record<string, unknown>)) {
      const parsed = guard(() => checkHostEntry(entry), entry);
      for (const h of parsed.hosts) {
        const host = guard(() => addHost(inv, h, file, undefined, parsed.port), entry);
        setVars(host.vars, vars, h);
      }
    }
  }
}
