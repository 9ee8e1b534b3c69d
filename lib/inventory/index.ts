// Public API of the inventory: loading (INI, YAML/JSON, typed TS, directories, host lists, with
// group_vars/ and host_vars/), Ansible's membership and variable-merge rules, host patterns, and
// the `tsplay inventory` output. Behaviour follows Ansible 2.14; differences are noted where made.
export type { Vars, InvHost, InvGroup, Inventory } from './model.js';
export { InventoryError, PatternError } from './errors.js';
export { loadInventory } from './load.js';
export { hostVars, hostVarLayers, type HostVarLayers } from './merge.js';
export { groupHosts, groupsOf, groupsMap } from './query.js';
export { defineInventory, type TsInventorySpec, type TsGroupSpec } from './ts.js';
export { selectHosts, selectHostsDetailed, applyLimit, isImplicitLocalhost, splitHostPattern, type SelectOptions, type Selection } from './patterns.js';
export { inventoryList, inventoryGraph } from './output.js';
