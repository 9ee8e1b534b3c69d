import { defineRole, file, roleVars, template, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// kubeadm's config for an HA control plane behind a load balancer with external etcd (seeds 000,
// 001, 003): InitConfiguration, ClusterConfiguration and a KubeletConfiguration with the systemd
// cgroup driver.
export const kubeadmVars = roleVars({
  kube_version: v.string({ pattern: '^v\\d+\\.\\d+\\.\\d+$' }),
  kube_config_dir: v.string(),
  kubeadm_config_api_version: v.string(),
  cluster_name: v.string(),
  kube_apiserver_ip: v.string(),
  kube_apiserver_port: v.integer(),
  loadbalancer_apiserver: v.object({ address: v.string(), port: v.integer() }),
  apiserver_loadbalancer_domain_name: v.string(),
  kube_service_addresses: v.string(),
  kube_pods_subnet: v.string(),
  dns_domain: v.string(),
  etcd_cert_dir: v.string(),
  etcd_client_port: v.integer(),
  supplementary_addresses_in_ssl_keys: v.array(v.string()),
  kubelet_cgroup_driver: v.enum('systemd', 'cgroupfs'),
  cri_socket: v.string(),
  kube_proxy_mode: v.enum('ipvs', 'iptables'),
});
export type KubeadmVars = Infer<typeof kubeadmVars>;

export default defineRole({
  name: 'kubeadm',
  vars: kubeadmVars,
  defaults: {
    kube_config_dir: '/etc/kubernetes',
    kubeadm_config_api_version: 'v1beta3',
    cluster_name: 'cluster.local',
    kube_apiserver_ip: '{{ ip | default(ansible_host) }}',
    kube_apiserver_port: 6443,
    apiserver_loadbalancer_domain_name: 'lb-apiserver.kubernetes.local',
    kube_service_addresses: '10.233.0.0/18',
    kube_pods_subnet: '10.233.64.0/18',
    dns_domain: 'cluster.local',
    etcd_cert_dir: '/etc/ssl/etcd/ssl',
    etcd_client_port: 2379,
    supplementary_addresses_in_ssl_keys: [],
    // seed 003: kubelet and the container runtime must agree on systemd as cgroup driver
    kubelet_cgroup_driver: 'systemd',
    cri_socket: 'unix:///run/containerd/containerd.sock',
    kube_proxy_mode: 'ipvs',
  },
  tasks: (t) => {
    t.task('kubernetes config dir', file({ path: '{{ kube_config_dir }}', state: 'directory', mode: '0755' }));
    t.task('render kubeadm-config.yaml', template({ src: 'kubeadm-config.yaml.njk', dest: '{{ kube_config_dir }}/kubeadm-config.yaml', mode: '0640' }));
  },
});
