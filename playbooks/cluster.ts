import { playbook } from '../lib/index.js';
import containerEngine from '../roles/container-engine/index.js';
import etcd from '../roles/etcd/index.js';
import externalLoadbalancer from '../roles/external-loadbalancer/index.js';
import kubeVip from '../roles/kube-vip/index.js';
import kubePackages from '../roles/kube-packages/index.js';
import controlPlane from '../roles/kubernetes-control-plane/index.js';
import kubeadmJoin from '../roles/kubernetes-kubeadm/index.js';
import kubernetesNode from '../roles/kubernetes-node/index.js';
import nodeLoadbalancer from '../roles/kubernetes-node-loadbalancer/index.js';
import kubesprayDefaults from '../roles/kubespray-defaults/index.js';
import networkPlugin from '../roles/network-plugin/index.js';
import preinstall from '../roles/kubernetes-preinstall/index.js';
import { boilerplate } from './boilerplate.js';

// kubespray's cluster.yml (HEAD's plays, in its order), with kubeadm, kubelet and kubectl from the
// Kubernetes apt repository: prepare every host (swap, kernel modules and sysctls, free ports,
// container runtime, packages), etcd on [etcd]
// (external etcd, kubespray's default; none with etcd_deployment_type: kubeadm, where kubeadm runs
// it stacked on the control plane), the external API load balancer when tsplay is asked to build
// it (loadbalancer_apiserver_haproxy / loadbalancer_apiserver_keepalived: haproxy and keepalived
// on the control-plane hosts, up before `kubeadm init`, whose controlPlaneEndpoint is
// loadbalancer_apiserver; kubespray expects it to exist already), the localhost API load balancer
// on the hosts that are not control planes (kubespray's roles/kubernetes/node, with
// loadbalancer_apiserver_localhost, by default on unless loadbalancer_apiserver is defined: an
// nginx or haproxy static pod in front of every control plane's apiserver, which the kubelet
// starts once the host has joined) or kube-vip on the control-plane hosts (kube_vip_enabled, the
// same tasks of roles/kubernetes/node) and the kubelet's per-host settings, the control plane (first
// host init, the others join one at a time, kubeconfigs), the workers join, then the network.
// Every play starts with kubespray-defaults: the shared variables are checked before anything
// changes, and any_errors_fatal stops the whole run at the first failure, as kubespray's plays do.

const fatal = { anyErrorsFatal: '{{ any_errors_fatal | default(true) }}' } as const;

export default playbook('cluster', [
  boilerplate,
  { name: 'prepare the hosts', hosts: 'k8s_cluster:etcd', gatherFacts: false, ...fatal, roles: [kubesprayDefaults, preinstall, containerEngine, kubePackages] },
  {
    name: 'etcd',
    hosts: 'etcd:kube_control_plane',
    gatherFacts: false,
    ...fatal,
    roles: [kubesprayDefaults, { role: etcd, when: "etcd_deployment_type | default('host') == 'host'" }],
  },
  // opt-in (both switches off by default): the role does nothing otherwise. Facts: keepalived's
  // interface defaults to the default route's (ansible_default_ipv4.interface)
  { name: 'external API load balancer', hosts: 'kube_control_plane', ...fatal, roles: [kubesprayDefaults, externalLoadbalancer] },
  { name: 'kubelet', hosts: 'k8s_cluster', gatherFacts: false, ...fatal, roles: [kubesprayDefaults, kubeVip, nodeLoadbalancer, kubernetesNode] },
  { name: 'control plane', hosts: 'kube_control_plane', gatherFacts: false, ...fatal, roles: [kubesprayDefaults, controlPlane] },
  { name: 'workers join', hosts: 'k8s_cluster', gatherFacts: false, ...fatal, roles: [kubesprayDefaults, kubeadmJoin, networkPlugin] },
]);
