import { assert, defineRole } from '../../lib/index.js';
import { kubesprayDefaults } from './defaults.js';
import { kubesprayVars } from './vars.js';

export { addonDefaults, calicoDefaults, clusterDefaults, kubesprayDefaults } from './defaults.js';
export { addonShape, calicoShape, clusterShape, kubesprayShape, kubesprayVars, type KubesprayVars } from './vars.js';

// kubespray's kubespray_defaults (+ validate_inventory): every shared variable with its schema and
// default, checked once at the start of each play, before anything changes on a host. Roles share
// the variables by spreading vars.ts's shapes and defaults.ts's values into their own declarations.

export default defineRole({
  name: 'kubespray-defaults',
  vars: kubesprayVars,
  defaults: kubesprayDefaults,
  tasks: (t) => {
    t.task('the inventory has a control plane', assert({
      that: ["groups['kube_control_plane'] | default([]) | length > 0"],
      fail_msg: 'no host in kube_control_plane (or kube-master): put the control-plane hosts in that group of the inventory',
    }), { runOnce: true });
    t.task('etcd runs on an odd number of hosts', assert({
      that: ["etcd_deployment_type != 'host' or (groups['etcd'] | default([]) | length) is odd"],
      fail_msg: "etcd_deployment_type is host but the inventory's [etcd] group has {{ groups['etcd'] | default([]) | length }} hosts: etcd needs an odd number of members (1, 3, 5) to keep quorum",
    }), { runOnce: true });
    t.task('kubeadm installs the cluster', assert({
      that: ['kubeadm_enabled'],
      fail_msg: 'kubeadm_enabled is false: kubespray before 2.9 could install without kubeadm; tsplay always installs with kubeadm. Remove kubeadm_enabled from the inventory or extra-vars, or set it to true',
    }), { runOnce: true });
  },
});
