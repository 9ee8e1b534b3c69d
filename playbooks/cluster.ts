import { playbook } from '../lib/index.js';
import etcd from '../roles/etcd/index.js';
import kubeadm from '../roles/kubeadm/index.js';

// The cluster flow as far as it exists: etcd on [etcd], then kubeadm's config on the masters.
export default playbook('cluster', [
  { name: 'etcd cluster', hosts: 'etcd', roles: [etcd] },
  { name: 'control plane config', hosts: 'kube-master', roles: [kubeadm] },
]);
