import { command, defineRole, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { FIRST_CONTROL_PLANE } from '../remove-node-pre/index.js';

// kubespray's remove-node/post-remove: `kubectl delete node` on the first control-plane host, for
// a host the API listed as a node (remove-node-pre registered the list), retried because the API
// can blink when a control-plane node goes.

export const removeNodePostVars = roleVars({
  delete_node_retries: v.integer(),
  delete_node_delay_seconds: v.integer(),
  kube_override_hostname: v.string(),
  kube_packages_bin_dir: v.string(),
  kube_config_dir: v.string(),
  kubectl: v.string(),
});
export type RemoveNodePostVars = Infer<typeof removeNodePostVars>;

export default defineRole({
  name: 'remove-node-post',
  vars: removeNodePostVars,
  defaults: {
    delete_node_retries: 10,
    delete_node_delay_seconds: 3,
    kube_override_hostname: '{{ inventory_hostname }}',
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    kubectl: '{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf',
  },
  tasks: (t) => {
    t.task('delete node', command('{{ kubectl }} delete node {{ kube_override_hostname }}'), {
      delegateTo: FIRST_CONTROL_PLANE,
      when: "groups['kube_control_plane'] | default([]) | length > 0 and 'k8s_cluster' in group_names and kube_override_hostname in (nodes.stdout_lines | default([]))",
      retries: (h) => h.vars.delete_node_retries,
      delay: (h) => h.vars.delete_node_delay_seconds,
      register: 'result',
      until: 'result is not failed',
    });
  },
});
