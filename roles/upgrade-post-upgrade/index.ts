import { command, defineRole, pause, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// kubespray's upgrade/post-upgrade (FACTS §1.6): confirm or pause, then uncordon the node the
// pre-upgrade cordoned (needs_cordoning, set on this host in this play: never lost to a facts
// cache, kubespray #13030).
export const postUpgradeVars = roleVars({
  kube_packages_bin_dir: v.string(),
  kube_config_dir: v.string(),
  upgrade_node_post_upgrade_confirm: v.boolean(),
  upgrade_node_post_upgrade_pause_seconds: v.integer(),
});
export type PostUpgradeVars = Infer<typeof postUpgradeVars>;

export default defineRole({
  name: 'upgrade-post-upgrade',
  vars: postUpgradeVars,
  defaults: {
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    upgrade_node_post_upgrade_confirm: false,
    upgrade_node_post_upgrade_pause_seconds: 0,
  },
  tasks: (t) => {
    t.task('confirm node uncordon', pause({ prompt: 'Ready to uncordon node {{ kube_override_hostname | default(inventory_hostname) }}? (Press Enter to continue or Ctrl+C for other options)' }), {
      when: 'upgrade_node_post_upgrade_confirm and needs_cordoning | default(false)',
    });
    t.task('wait before uncordoning the node', pause((h) => ({ seconds: h.vars.upgrade_node_post_upgrade_pause_seconds })), {
      when: 'not upgrade_node_post_upgrade_confirm and upgrade_node_post_upgrade_pause_seconds != 0 and needs_cordoning | default(false)',
    });
    t.task('uncordon node', command('{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf uncordon {{ kube_override_hostname | default(inventory_hostname) }}'), {
      delegateTo: "{{ groups['kube_control_plane'][0] }}",
      when: 'needs_cordoning | default(false)',
    });
  },
});
