// A host's inventory variables, merged in Ansible's default VARIABLE_PRECEDENCE order:
// the 'all' group's inventory vars < other groups' inventory vars (by depth, priority, name)
// < group_vars/all < group_vars/<group> (same order, source by source) < the host's inventory
// vars < host_vars/<host>. Merging is shallow (hash_behaviour=replace): a later dict replaces.
import { InventoryError } from './errors.js';
import { allGroupsOfHost, type InvHost, type Inventory, type Vars } from './model.js';
import { LOCALHOST } from './patterns.js';
import { sortGroups } from './query.js';

export interface HostVarLayers {
  /** inventory-file group vars: 'all' first, then the host's groups by depth, priority, name */
  inventoryGroup: Vars;
  /** group_vars/all beside each source */
  groupVarsAll: Vars;
  /** group_vars/<group> for the host's other groups */
  groupVars: Vars;
  /** vars written on the host in the inventory (incl. ansible_port from host:port) */
  inventoryHost: Vars;
  /** host_vars/<host> beside each source */
  hostVarsDir: Vars;
}

function hostOf(inv: Inventory, host: string): InvHost {
  const h = inv.hosts.get(host);
  if (!h && LOCALHOST.includes(host)) {
    // Ansible's implicit localhost: in no group but still gets the 'all' vars, connects locally.
    // (Ansible also sets ansible_python_interpreter to its own Python; tsplay has none to offer.)
    return { name: host, vars: { ansible_connection: 'local' }, fileVars: {}, groups: [], source: 'implicit localhost', fileVarsBySource: [] };
  }
  if (!h) throw new InventoryError(`host '${host}' is not in the inventory; check the name (\`tsplay inventory --list\` shows every host)`);
  return h;
}

export function hostVarLayers(inv: Inventory, host: string): HostVarLayers {
  const h = hostOf(inv, host);
  const all = inv.groups.get('all');
  const groups = sortGroups(inv, [...allGroupsOfHost(inv, host)].filter((g) => g !== 'all'));
  const hostVarsDir: Vars = {};
  for (const v of h.fileVarsBySource) Object.assign(hostVarsDir, v);
  const inventoryGroup: Vars = { ...(all?.vars ?? {}) };
  for (const g of groups) Object.assign(inventoryGroup, g.vars);
  const groupVarsAll: Vars = { ...(all?.fileVars ?? {}) };
  const groupVars: Vars = {};
  const nSources = Math.max(0, ...groups.map((g) => g.fileVarsBySource.length));
  for (let i = 0; i < nSources; i++) for (const g of groups) Object.assign(groupVars, g.fileVarsBySource[i] ?? {});
  return { inventoryGroup, groupVarsAll, groupVars, inventoryHost: { ...h.vars }, hostVarsDir };
}

/** The merged inventory vars of a host: what `ansible-inventory --host` prints. */
export function hostVars(inv: Inventory, host: string): Vars {
  const l = hostVarLayers(inv, host);
  return { ...l.inventoryGroup, ...l.groupVarsAll, ...l.groupVars, ...l.inventoryHost, ...l.hostVarsDir };
}
