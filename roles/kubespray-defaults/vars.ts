import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// kubespray's shared variables (roles/kubespray_defaults; FACTS §1–4), declared once and shared:
// every role of the install spreads the pieces it reads into its own roleVars
// (`roleVars({ ...clusterShape, ...mine })`) and their defaults into its defaults
// (`{ ...clusterDefaults, ...mine }`, defaults.ts). So each role validates the shared values it
// reads with the same schema, a role can be run on its own, and a kubespray extra-vars file works
// as is: a wrong value of any declared variable is refused naming it.

const lb = v.object({ address: v.string(), port: v.optional(v.integer()) });

/** The cluster: version, paths, API endpoint and load balancer, topology (FACTS §2.1, §4). */
export const clusterShape = {
  /** `1.34.3` (kubespray ≥ 2.2x) or `v1.15.6` (older inventories, seed 004): both accepted */
  kube_version: v.string({ pattern: '^v?\\d+\\.\\d+\\.\\d+$' }),
  /** kube_version without a leading v */
  kube_version_plain: v.string(),
  kube_config_dir: v.string(),
  kube_cert_dir: v.string(),
  kube_manifest_dir: v.string(),
  /** kubespray's download dir for binaries; the Debian packages tsplay installs put them in /usr/bin */
  bin_dir: v.string(),
  /** where kubeadm, kubelet and kubectl are (the packages': /usr/bin) */
  kube_packages_bin_dir: v.string(),
  /** kubespray's `{{ kubectl }}`: kubectl with the admin kubeconfig, on control-plane hosts */
  kubectl: v.string(),
  cluster_name: v.string(),
  dns_domain: v.string(),
  kube_service_addresses: v.string(),
  kube_pods_subnet: v.string(),
  /** the first address of the service network (kubernetes.default) */
  kube_apiserver_ip: v.string(),
  kube_network_node_prefix: v.integer(),
  kube_proxy_mode: v.enum('ipvs', 'iptables', 'nftables'),
  kube_network_plugin: v.enum('calico', 'cni', 'none'),
  container_manager: v.enum('containerd'),
  cri_socket: v.string(),
  /** kubelet and container runtime must agree (seed 003) */
  kubelet_cgroup_driver: v.enum('systemd', 'cgroupfs'),
  etcd_deployment_type: v.enum('host', 'kubeadm'),
  // addresses
  main_ip: v.string(),
  main_access_ip: v.string(),
  kube_apiserver_address: v.string(),
  kube_apiserver_port: v.integer(),
  kube_apiserver_bind_address: v.string(),
  /** tsplay: the address a control-plane host's kubelet and admin.conf use for its own apiserver (kubespray: the bind address, '::' → 127.0.0.1) */
  kube_apiserver_local_address: v.string(),
  kube_controller_manager_bind_address: v.string(),
  kube_scheduler_bind_address: v.string(),
  kubelet_bind_address: v.string(),
  kubelet_healthz_bind_address: v.string(),
  first_kube_control_plane: v.string(),
  // the API load balancer (FACTS §4)
  loadbalancer_apiserver: v.optional(lb),
  loadbalancer_apiserver_localhost: v.boolean(),
  loadbalancer_apiserver_type: v.enum('nginx', 'haproxy'),
  loadbalancer_apiserver_port: v.integer(),
  loadbalancer_apiserver_healthcheck_port: v.integer(),
  apiserver_loadbalancer_domain_name: v.string(),
  /** host:port kubeadm's controlPlaneEndpoint and joining nodes use */
  kube_apiserver_global_endpoint: v.string(),
  /** the API URL this host's kubelet uses */
  kube_apiserver_endpoint: v.string(),
  supplementary_addresses_in_ssl_keys: v.array(v.string()),
  // kubeconfig on the controller (seed 004)
  kubeconfig_localhost: v.boolean(),
  kubectl_localhost: v.boolean(),
  artifacts_dir: v.string(),
};

/** calico, with the names seed 004 uses (kubespray 2.12's) and today's (roles/network_plugin/calico). */
export const calicoShape = {
  /** seed 004's (kubespray ≤ 2.12) name of calico_ipip_mode */
  ipip_mode: v.optional(v.enum('Always', 'CrossSubnet', 'Never')),
  calico_ipip_mode: v.enum('Always', 'CrossSubnet', 'Never'),
  calico_vxlan_mode: v.enum('Always', 'CrossSubnet', 'Never'),
  nat_outgoing: v.boolean(),
  peer_with_router: v.boolean(),
  peer_with_calico_rr: v.boolean(),
  global_as_num: v.oneOf(v.string({ pattern: '^\\d+$' }), v.integer()),
  /** BGP peers of this host (peer_with_router) */
  peers: v.array(v.object({ router_id: v.string(), as: v.oneOf(v.string({ pattern: '^\\d+$' }), v.integer()), scope: v.optional(v.enum('global', 'node')) })),
  /** calico-node's IP_AUTODETECTION_METHOD: first-found, can-reach=DEST, interface=REGEX, ... */
  calico_ip_auto_method: v.string({ pattern: '^(first-found|kubernetes-internal-ip|(can-reach|interface|skip-interface|cidr)=.+)$' }),
  calico_pool_blocksize: v.integer(),
  calico_mtu: v.integer(),
  calico_cni_name: v.string(),
  calico_version: v.string(),
  calico_image_repo: v.string(),
};

/**
 * Seed 004's other extra-vars: kubespray add-ons and host settings tsplay does not implement yet
 * (or that have no effect on these roles), declared so their values are checked and a kubespray
 * extra-vars file that sets them runs as is. What each does in tsplay is in the README.
 */
export const addonShape = {
  enable_nodelocaldns: v.boolean(),
  populate_inventory_to_hosts_file: v.boolean(),
  override_system_hostname: v.boolean(),
  helm_enabled: v.boolean(),
  dashboard_enabled: v.boolean(),
  local_volume_provisioner_enabled: v.boolean(),
  metrics_server_enabled: v.boolean(),
  /** kubespray < 2.9 could install without kubeadm; tsplay always uses kubeadm (false is refused) */
  kubeadm_enabled: v.boolean(),
  rbd_provisioner_enabled: v.boolean(),
  rbd_provisioner_monitors: v.optional(v.string()),
  rbd_provisioner_pool: v.optional(v.string()),
  rbd_provisioner_secret: v.optional(v.string()),
  rbd_provisioner_user_secret: v.optional(v.string()),
  /** registries containerd reaches over plain http / without verifying TLS (seed 004: tacorepo:5000) */
  docker_insecure_registries: v.array(v.string()),
};

export const kubesprayShape = { ...clusterShape, ...calicoShape, ...addonShape };
export const kubesprayVars = roleVars(kubesprayShape);
export type KubesprayVars = Infer<typeof kubesprayVars>;
