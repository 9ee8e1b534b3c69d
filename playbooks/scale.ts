import { playbook } from '../lib/index.js';
import etcd from '../roles/etcd/index.js';
import { boilerplate } from './boilerplate.js';

// kubespray's scale.yml: bring hosts newly placed in the inventory into the running cluster
// without disturbing the others. etcd: a host new in [etcd] is added with `etcdctl member add` and
// ETCD_INITIAL_CLUSTER_STATE=existing, one at a time, the running members not restarted (the etcd
// role, roles/etcd/member.ts); its certificates come from the first etcd host, the others' stay.
// New workers and control-plane hosts join with playbooks/cluster.ts, which skips every host where
// kubeadm already ran (scale.ts does not run those plays yet).
export default playbook('scale', [
  boilerplate,
  { name: 'etcd: new members join the running cluster', hosts: 'etcd:kube_control_plane', roles: [etcd] },
]);
