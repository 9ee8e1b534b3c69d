// Bridges between an inventory and the lab: which hosts to start, and the connection vars that
// make tsplay (and ansible-playbook) log in with the lab key and check the lab's host keys.
import { LabError } from './errors.js';
import type { LabHostSpec } from './host.js';
import type { LabState } from './state.js';
import { isLoopbackV4, loopbackError } from './validate.js';

export interface LabInventory {
  hosts: Map<string, { name: string; vars: Record<string, unknown> }>;
  groups?: Map<string, { vars: Record<string, unknown>; fileVars?: Record<string, unknown> }>;
}

/** Group names of kubespray inventories, old and current spellings. */
export const KUBE_GROUPS = ['k8s_cluster', 'k8s-cluster', 'kube_control_plane', 'kube-master', 'kube_node', 'kube-node'];

/**
 * Whether `lab up` provides the Kubernetes package repository (issue 11): `lab_kube_repo` in the
 * inventory's all vars decides (true/false); without it, an inventory with a kubespray group does.
 */
export function wantsKubeRepo(inv: LabInventory): boolean {
  const all = inv.groups?.get('all');
  const v = all?.vars.lab_kube_repo ?? all?.fileVars?.lab_kube_repo;
  if (v !== undefined) {
    if (v === true || v === false) return v;
    const t = String(v).toLowerCase();
    if (['true', 'yes', '1'].includes(t)) return true;
    if (['false', 'no', '0'].includes(t)) return false;
    throw new LabError(`lab_kube_repo must be true or false, not ${JSON.stringify(v)}`);
  }
  return KUBE_GROUPS.some((g) => inv.groups?.has(g));
}

/**
 * Lab host specs from an inventory's `ansible_host`/`ansible_port` (the `ansible_ssh_*` spellings
 * too). `names` limits the result to those hosts (e.g. a resolved pattern), in inventory order.
 * Any address outside 127.0.0.0/8 is refused: the lab never binds or connects elsewhere.
 */
export function labHostsFromInventory(inv: LabInventory, names?: Iterable<string>): LabHostSpec[] {
  const wanted = names ? new Set(names) : undefined;
  if (wanted) for (const n of wanted) if (!inv.hosts.has(n)) throw new LabError(`${n}: no such host in the inventory`);
  const specs: LabHostSpec[] = [];
  for (const h of inv.hosts.values()) {
    if (wanted && !wanted.has(h.name)) continue;
    const rawHost = h.vars.ansible_host ?? h.vars.ansible_ssh_host;
    const address = rawHost === undefined ? h.name : String(rawHost);
    if (!isLoopbackV4(address)) {
      if (rawHost === undefined)
        throw new LabError(`${h.name}: no ansible_host; a lab host needs ansible_host=127.x.y.z`);
      throw loopbackError(h.name, 'ansible_host', address);
    }
    const rawPort = h.vars.ansible_port ?? h.vars.ansible_ssh_port;
    let port: number | undefined;
    if (rawPort !== undefined) {
      port = Number(rawPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new LabError(`${h.name}: ansible_port ${String(rawPort)} is not a TCP port (1-65535)`);
    }
    specs.push(port === undefined ? { name: h.name, address } : { name: h.name, address, port });
  }
  return specs;
}

/**
 * Connection vars for every lab host of `state` (the same for all of them): the lab's private
 * key, and its known_hosts with strict checking, carried in `ansible_ssh_common_args` (read by
 * tsplay's SSH connection and by ansible-playbook alike). Absolute paths.
 */
export function labConnectionVars(state: LabState, knownHosts = state.knownHosts): Record<string, unknown> {
  return {
    ansible_ssh_private_key_file: state.keyFile,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
  };
}
