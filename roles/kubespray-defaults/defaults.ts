import type { Defaults } from '../../lib/index.js';
import type { KubesprayVars } from './vars.js';

// kubespray's defaults for the shared variables (roles/kubespray_defaults/defaults/main/*.yml,
// roles/network_plugin/calico/defaults; FACTS §2.1, §4). Jinja strings are rendered on the host
// when read, as Ansible's defaults are.

type D = Defaults<KubesprayVars>;

// the first control-plane host's address, whichever group spelling the inventory used
const FIRST_CP = "groups['kube_control_plane'][0]";
const CP_ADDR = `hostvars[${FIRST_CP}]['access_ip'] | default(hostvars[${FIRST_CP}]['ip']) | default(hostvars[${FIRST_CP}]['ansible_host'])`;

export const clusterDefaults = {
  kube_version: '1.36.4',
  kube_version_plain: "{{ kube_version | regex_replace('^v', '') }}",
  kube_config_dir: '/etc/kubernetes',
  kube_cert_dir: '{{ kube_config_dir }}/ssl',
  kube_manifest_dir: '{{ kube_config_dir }}/manifests',
  bin_dir: '/usr/local/bin',
  kube_packages_bin_dir: '/usr/bin',
  kubectl: '{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf',
  cluster_name: 'cluster.local',
  dns_domain: '{{ cluster_name }}',
  kube_service_addresses: '10.233.0.0/18',
  kube_pods_subnet: '10.233.64.0/18',
  kube_apiserver_ip: "{{ kube_service_addresses | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | ansible.utils.ipaddr('address') }}",
  kube_network_node_prefix: 24,
  kube_proxy_mode: 'ipvs',
  kube_network_plugin: 'calico',
  container_manager: 'containerd',
  cri_socket: 'unix:///var/run/containerd/containerd.sock',
  kubelet_cgroup_driver: 'systemd',
  etcd_deployment_type: 'host',
  // ip from the inventory, else the default route's address (facts)
  main_ip: '{{ ip if ip is defined else ansible_default_ipv4.address }}',
  main_access_ip: '{{ access_ip | default(main_ip) }}',
  kube_apiserver_address: '{{ main_ip }}',
  kube_apiserver_port: 6443,
  kube_apiserver_bind_address: '::',
  // tsplay: where a control-plane host's own clients (its kubelet, admin.conf) reach its apiserver;
  // kubespray's rule: the bind address, '::' meaning 127.0.0.1
  kube_apiserver_local_address: "{{ '127.0.0.1' if kube_apiserver_bind_address == '::' else kube_apiserver_bind_address }}",
  kube_controller_manager_bind_address: '::',
  kube_scheduler_bind_address: '::',
  kubelet_bind_address: "{{ main_ip | default('0.0.0.0') }}",
  kubelet_healthz_bind_address: '127.0.0.1',
  first_kube_control_plane: `{{ ${FIRST_CP} }}`,
  loadbalancer_apiserver_localhost: '{{ loadbalancer_apiserver is not defined }}',
  loadbalancer_apiserver_type: 'nginx',
  loadbalancer_apiserver_port: 6443,
  loadbalancer_apiserver_healthcheck_port: 8081,
  // kubespray: 'localhost' with the local load balancer, else the external one's address; with
  // neither (loadbalancer_apiserver_localhost: false and no loadbalancer_apiserver), the first
  // control-plane host's address, where kubespray would fail on an undefined value
  apiserver_loadbalancer_domain_name:
    `{{ loadbalancer_apiserver.address if loadbalancer_apiserver is defined else ('localhost' if loadbalancer_apiserver_localhost else ${CP_ADDR}) }}`,
  kube_apiserver_global_endpoint:
    `{{ (apiserver_loadbalancer_domain_name ~ ':' ~ (loadbalancer_apiserver.port | default(kube_apiserver_port))) if loadbalancer_apiserver is defined else ((${CP_ADDR}) ~ ':' ~ kube_apiserver_port) }}`,
  // FACTS §4: an external LB; on a node with the local LB, localhost; on a control-plane host
  // its own API (kube_apiserver_local_address); else the first control plane
  kube_apiserver_endpoint:
    "{% if loadbalancer_apiserver is defined %}https://{{ apiserver_loadbalancer_domain_name }}:{{ loadbalancer_apiserver.port | default(kube_apiserver_port) }}" +
    "{% elif inventory_hostname in groups['kube_control_plane'] %}https://{{ kube_apiserver_local_address | ansible.utils.ipwrap }}:{{ kube_apiserver_port }}" +
    '{% elif loadbalancer_apiserver_localhost %}https://localhost:{{ loadbalancer_apiserver_port }}' +
    `{% else %}https://{{ ${CP_ADDR} }}:{{ kube_apiserver_port }}{% endif %}`,
  supplementary_addresses_in_ssl_keys: [],
  kubeconfig_localhost: false,
  kubectl_localhost: false,
  artifacts_dir: '{{ inventory_dir }}/artifacts',
} satisfies D;

export const calicoDefaults = {
  calico_ipip_mode: "{{ ipip_mode | default('Never') }}",
  // kubespray today encapsulates with VXLAN unless IPIP is on; an inventory that still says
  // ipip_mode (seed 004, kubespray 2.12: plain BGP routing when Never) keeps no encapsulation
  calico_vxlan_mode: "{{ 'Never' if (ipip_mode is defined or calico_ipip_mode != 'Never') else 'Always' }}",
  nat_outgoing: true,
  peer_with_router: false,
  peer_with_calico_rr: false,
  global_as_num: '64512',
  peers: [],
  calico_ip_auto_method: 'first-found',
  calico_pool_blocksize: 26,
  calico_mtu: 1480,
  calico_cni_name: 'k8s-pod-network',
  calico_version: 'v3.30.3',
  calico_image_repo: 'quay.io/calico',
} satisfies D;

export const addonDefaults = {
  enable_nodelocaldns: true,
  populate_inventory_to_hosts_file: true,
  override_system_hostname: true,
  helm_enabled: false,
  dashboard_enabled: false,
  local_volume_provisioner_enabled: false,
  metrics_server_enabled: false,
  kubeadm_enabled: true,
  rbd_provisioner_enabled: false,
  docker_insecure_registries: [],
} satisfies D;

export const kubesprayDefaults = { ...clusterDefaults, ...calicoDefaults, ...addonDefaults } satisfies D;
