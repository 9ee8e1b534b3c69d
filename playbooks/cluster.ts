import { playbook } from '../lib/index.js';
import etcd from '../roles/etcd/index.js';
import kubeadm from '../roles/kubeadm/index.js';

// The cluster flow as far as it exists: etcd on [etcd] (and its PKI, whose node certificates the
// control plane needs), then kubeadm's config on the masters.
export default playbook('cluster', [
  { name: 'etcd cluster', hosts: 'etcd:kube-master:kube_control_plane', roles: [etcd] },
  { name: 'control plane config', hosts: 'kube-master', roles: [kubeadm] },
]);
