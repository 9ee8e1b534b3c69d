// tsplay lab: real test hosts on one machine, without Docker or VMs (DESIGN.md §5).
//
// Each host is a PID 1 (tini running sshd) in its own PID, mount and UTS namespaces, with an
// overlay root (lower `/`, its own upper dir), its own hostname, sshd host keys and loopback
// address. Root only; addresses only in 127.0.0.0/8; no network namespace.
//
// State dir: `.tsplay/lab/<inventory name>` beside the inventory by default (inventory/lab/lab.ini ->
// inventory/lab/.tsplay/lab/lab/), holding state.json, the client key pair id_ed25519(.pub),
// known_hosts, ssh_config and hosts/<name>/{upper,work,merged,boot.sh,boot.log}. Each host's
// /etc/hosts lists every lab host by name. Labs that are up are listed in /run/tsplay/labs.
//
// How runs find the lab's key and known_hosts: inventory/lab/lab.ini sets them in [all:vars] relative
// to `{{ inventory_dir }}`, so `tsplay run -i inventory/lab/lab.ini` and `ansible-playbook -i
// inventory/lab/lab.ini` both work from any directory, and so does a renamed copy. Callers holding a LabState (tests, a CLI run from another
// directory, a custom --state-dir) merge labConnectionVars(state) into the lab hosts' vars
// instead; those are absolute paths.
export { LabError } from './errors.js';
export { labUp, type LabOptions } from './up.js';
export { labDown, mountsUnder, type LabDownOptions } from './down.js';
export { labStatus, type LabHostStatus } from './status.js';
export { labHostsFromInventory, labConnectionVars, wantsKubeRepo, KUBE_GROUPS, type LabInventory } from './inventory.js';
export { defaultStateDir, readState, type LabState, type LabHostState } from './state.js';
export type { LabHostSpec } from './host.js';
export type { LabUser } from './users.js';
export { labExec, labSshArgs } from './ssh.js';
