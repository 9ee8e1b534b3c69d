import { isDeepStrictEqual } from 'node:util';
import type { DynamicInventory } from '../modules/types.js';
import { groupsMap } from '../inventory/index.js';
import { addChild, addGroup, addHost, ancestors, reconcile } from '../inventory/model.js';
import type { RunContext } from './context.js';
import { HostState } from './state.js';
import { forgetHostConstants } from './vars.js';

// group_by and add_host change the run's inventory as Ansible's do (InventoryManager's
// add_dynamic_group / add_dynamic_host): later plays' patterns and every host's `groups` see the
// change; the play in progress keeps its hosts.

export function dynamicInventory(run: RunContext, source: string): DynamicInventory {
  const inv = run.inv;
  /** groups and group vars changed: `groups` (one shared object) and cached host vars follow */
  const refresh = (hosts: Iterable<string>) => {
    reconcile(inv);
    const fresh = groupsMap(inv);
    for (const k of Object.keys(run.groups)) if (!(k in fresh)) delete run.groups[k];
    Object.assign(run.groups, fresh);
    // group_names changes for the host itself; every host's `groups` is the shared object
    for (const h of hosts) forgetHostConstants(run, h);
  };
  const ensureGroup = (name: string): boolean => {
    if (inv.groups.has(name)) return false;
    addGroup(inv, name);
    return true;
  };
  return {
    group(host, group, parents) {
      let changed = ensureGroup(group);
      for (const p of parents) {
        changed = ensureGroup(p) || changed;
        // a parent that is already below the group would make a loop: Ansible refuses it too
        if (p !== group && !ancestors(inv, p).has(group) && !inv.groups.get(p)!.children.includes(group)) {
          addChild(inv, p, group);
          changed = true;
        }
      }
      if (!inv.groups.get(group)!.hosts.includes(host)) {
        addHost(inv, host, source, group);
        changed = true;
      }
      if (changed) refresh([host]);
      return changed;
    },
    host(name, groups, vars) {
      let changed = false;
      if (!inv.hosts.has(name)) {
        addHost(inv, name, source);
        run.states.set(name, new HostState(name));
        changed = true;
      }
      const h = inv.hosts.get(name)!;
      const merged = { ...h.vars, ...vars };
      if (!isDeepStrictEqual(merged, h.vars)) {
        h.vars = merged;
        changed = true;
      }
      for (const g of groups) {
        changed = ensureGroup(g) || changed;
        if (!inv.groups.get(g)!.hosts.includes(name)) {
          addHost(inv, name, source, g);
          changed = true;
        }
      }
      if (changed) refresh([name]);
      return changed;
    },
  };
}
