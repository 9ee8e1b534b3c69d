import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { clusterDefaults, clusterShape } from '../kubespray-defaults/index.js';

// kubespray's names and defaults (roles/kubespray_defaults, roles/kubernetes/preinstall,
// roles/kubernetes/node, roles/bootstrap_os, roles/kubernetes/control-plane). tsplay-only:
// kube_preinstall_swap_persist, kube_preinstall_port_check_host_addresses.
export const preinstallVars = roleVars({
  /** kubespray: swap is turned off (now and in /etc/fstab) only when the kubelet would refuse it */
  kubelet_fail_swap_on: v.boolean(),
  /** tsplay: comment out /etc/fstab's swap entries (false: leave fstab alone; the role then fails early if it has any) */
  kube_preinstall_swap_persist: v.boolean(),
  /**
   * tsplay: when not empty, this host's own addresses: only listeners on these and on wildcard
   * addresses hold a port it needs; listeners on any other address belong to other hosts sharing
   * the network namespace (the lab: `['{{ ip }}']`, which also leaves out other labs on the machine)
   */
  kube_preinstall_port_check_host_addresses: v.array(v.string()),
  sysctl_file_path: v.string({ pattern: '^/' }),
  sysctl_ignore_unknown_keys: v.boolean(),
  ipv4_stack: v.boolean(),
  ipv6_stack: v.boolean(),
  kubelet_protect_kernel_defaults: v.boolean(),
  additional_sysctl: v.array(v.object({ name: v.string(), value: v.oneOf(v.string(), v.integer()) })),
  kube_apiserver_node_port_range: v.string({ pattern: '^\\d+-\\d+$' }),
  kube_apiserver_node_port_range_sysctl: v.boolean(),
  override_system_hostname: v.boolean(),
  populate_inventory_to_hosts_file: v.boolean(),
  dns_domain: v.string(),
  kube_config_dir: v.string(),
  /** kubespray's: which release's kubeadm preflight the port check mirrors */
  kube_version: clusterShape.kube_version,
  kube_apiserver_port: v.integer(),
  kube_apiserver_bind_address: v.string(),
  kube_controller_manager_bind_address: v.string(),
  kube_scheduler_bind_address: v.string(),
  kubelet_bind_address: v.string(),
  etcd_address: v.string(),
  etcd_client_port: v.integer(),
  etcd_peer_port: v.integer(),
});
export type PreinstallVars = Infer<typeof preinstallVars>;

export const preinstallDefaults = {
  kubelet_fail_swap_on: true,
  kube_preinstall_swap_persist: true,
  kube_preinstall_port_check_host_addresses: [],
  sysctl_file_path: '/etc/sysctl.d/99-sysctl.conf',
  sysctl_ignore_unknown_keys: false,
  ipv4_stack: true,
  ipv6_stack: false,
  kubelet_protect_kernel_defaults: true,
  additional_sysctl: [],
  kube_apiserver_node_port_range: '30000-32767',
  kube_apiserver_node_port_range_sysctl: true,
  override_system_hostname: true,
  populate_inventory_to_hosts_file: true,
  dns_domain: 'cluster.local',
  kube_config_dir: '/etc/kubernetes',
  kube_version: clusterDefaults.kube_version,
  kube_apiserver_port: 6443,
  kube_apiserver_bind_address: '::',
  kube_controller_manager_bind_address: '::',
  kube_scheduler_bind_address: '::',
  kubelet_bind_address: "{{ ip | default('::') }}",
  etcd_address: '{{ ip | default(ansible_host) }}',
  etcd_client_port: 2379,
  etcd_peer_port: 2380,
} satisfies Partial<Record<keyof PreinstallVars, unknown>>;
