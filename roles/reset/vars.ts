import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// The reset role's variables: kubespray's names and defaults (roles/reset/defaults, kubespray_defaults).
export const resetVars = roleVars({
  /** policies ACCEPT, flush filter/nat/mangle/raw, delete user chains */
  flush_iptables: v.boolean(),
  /** restart the host's active network service at the end (NetworkManager, systemd-networkd, ...) */
  reset_restart_network: v.boolean(),
  /** crictl stop -t */
  cri_stop_containers_grace_period: v.integer(),
  ipv4_stack: v.boolean(),
  ipv6_stack: v.boolean(),
  kube_proxy_mode: v.enum('ipvs', 'iptables', 'nftables'),
  enable_nodelocaldns: v.boolean(),
  container_manager: v.enum('containerd', 'crio', 'docker'),
  bin_dir: v.string(),
  containerd_bin_dir: v.string(),
  containerd_storage_dir: v.string(),
  kube_config_dir: v.string(),
  etcd_data_dir: v.string(),
  etcd_events_data_dir: v.string(),
  etcd_config_dir: v.string(),
  nginx_config_dir: v.string(),
  haproxy_config_dir: v.string(),
  sysctl_file_path: v.string(),
  /** tsplay installs kubeadm, kubelet and kubectl as held apt packages: reset purges them (kubespray deletes its binaries) */
  kube_packages: v.array(v.string()),
});
export type ResetVars = Infer<typeof resetVars>;
