import { playbook } from '../lib/index.js';
import etcd from '../roles/etcd/index.js';
import kubeadm from '../roles/kubeadm/index.js';
import { boilerplate } from './boilerplate.js';

// kubespray's scale.yml: bring hosts newly placed in the inventory into the running cluster
// without disturbing the others. etcd: a host new in [etcd] is added with `etcdctl member add` and
// ETCD_INITIAL_CLUSTER_STATE=existing, one at a time, the running members not restarted (the etcd
// role, roles/etcd/member.ts); its certificates come from the first etcd host, the others' stay.
export default playbook('scale', [
  boilerplate,
  { name: 'etcd: new members join the running cluster', hosts: 'etcd:kube_control_plane', roles: [etcd] },
  { name: 'control plane config', hosts: 'kube_control_plane', roles: [kubeadm] },
]);
