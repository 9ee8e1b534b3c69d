// The public API: everything a playbook, a role or an inventory file imports.
export { playbook } from './dsl/playbook.js';
export { defineRole } from './dsl/role.js';
export { TaskBuilder } from './dsl/builder.js';
export { roleVars, v } from './vars/schema.js';
export type { Infer, VarSchema } from './vars/schema.js';
export type {
  Condition,
  Defaults,
  Environment,
  FromVars,
  HandlerSpec,
  HostOrder,
  HostView,
  PlayOption,
  PlaySpec,
  PlayView,
  Playbook,
  ResultCondition,
  RoleEntry,
  RoleInstance,
  RoleRef,
  RoleSpec,
  Serial,
  SerialSize,
  TaskOptions,
  TaskOutcome,
  TaskRef,
  Vars,
} from './dsl/types.js';
export { defineModule, ModuleFailure } from './modules/types.js';
export type { DynamicInventory, ModuleCall, ModuleContext, ModuleDef, ModuleResult, FileDiff } from './modules/types.js';
export { defineInventory } from './inventory/index.js';
// How a play's serial cuts its hosts into batches, for roles that print a plan of the batches to come.
export { cutBatches } from './executor/batches.js';

export { command } from './modules/command.js';
export { shell } from './modules/shell.js';
export { file } from './modules/file.js';
export { copy } from './modules/copy.js';
export { template } from './modules/template.js';
export { lineinfile } from './modules/lineinfile.js';
export { blockinfile } from './modules/blockinfile.js';
export { replace } from './modules/replace.js';
export { stat } from './modules/stat.js';
export { find } from './modules/find.js';
export { unarchive } from './modules/unarchive.js';
export { fetch } from './modules/fetch.js';
export { slurp } from './modules/slurp.js';
export { x509_certificate_info } from './modules/x509_certificate_info.js';
export { sysctl } from './modules/sysctl.js';
export { modprobe } from './modules/modprobe.js';
export { swapoff } from './modules/swapoff.js';
export { apt } from './modules/apt.js';
export { dpkg_selections } from './modules/dpkg_selections.js';
export { apt_repository } from './modules/apt_repository.js';
export { deb822_repository } from './modules/deb822_repository.js';
export { user } from './modules/user.js';
export { group } from './modules/group.js';
export { systemd } from './modules/systemd.js';
export { wait_for } from './modules/wait_for.js';
export { uri } from './modules/uri.js';
export { get_url } from './modules/get_url.js';
export { wait_for_connection } from './modules/wait_for_connection.js';
export { reboot } from './modules/reboot.js';
export { async_status } from './modules/async_status.js';
export { kube } from './modules/kube.js';
export { assert } from './modules/assert.js';
export { fail } from './modules/fail.js';
export { debug } from './modules/debug.js';
export { set_fact } from './modules/set_fact.js';
export { setup } from './modules/setup.js';
export { service_facts } from './modules/service_facts.js';
export { pause } from './modules/pause.js';
export { group_by } from './modules/group_by.js';
export { add_host } from './modules/add_host.js';
