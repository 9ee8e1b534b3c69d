import { command, defineRole, fail, pause, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// kubespray's upgrade/post-upgrade (FACTS §1.6): confirm (typed yes) or pause, then uncordon the node the
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
    // kubespray asks (or pauses) on every node of the play; tsplay only on a node this run upgraded
    // (one already at the target went through nothing to look at), and not under --check (nothing
    // to confirm: the plan changes nothing). "yes" uncordons; anything else
    // stops the run with the node left cordoned for a look (the preflight refused already when
    // there is no terminal to answer on).
    const UPGRADED = 'not (upgrade_node_at_target | default(false))';
    t.task('confirm node uncordon', pause({ prompt: 'Ready to uncordon node {{ kube_override_hostname | default(inventory_hostname) }}? Type yes to continue (anything else stops the run, the node stays cordoned)' }), {
      when: `upgrade_node_post_upgrade_confirm and ${UPGRADED} and not ansible_check_mode`, register: 'upgrade_node_post_upgrade_confirmation',
    });
    t.task('stop unless the uncordon was confirmed', fail({
      msg: "Uncordon of node {{ kube_override_hostname | default(inventory_hostname) }} not confirmed (answer '{{ upgrade_node_post_upgrade_confirmation.user_input | default('') }}', not 'yes'): " +
        "the node is upgraded and {{ 'left cordoned' if needs_cordoning | default(false) else 'was not cordoned by this run' }}; the run stops here. " +
        'When it is fine: kubectl uncordon {{ kube_override_hostname | default(inventory_hostname) }}, then run again for the remaining nodes.',
    }), { when: `upgrade_node_post_upgrade_confirm and ${UPGRADED} and not ansible_check_mode and (upgrade_node_post_upgrade_confirmation.user_input | default('') | trim | lower) != 'yes'` });
    t.task('wait before uncordoning the node', pause((h) => ({ seconds: h.vars.upgrade_node_post_upgrade_pause_seconds })), {
      when: `not upgrade_node_post_upgrade_confirm and upgrade_node_post_upgrade_pause_seconds != 0 and ${UPGRADED}`,
    });
    t.task('uncordon node', command('{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf uncordon {{ kube_override_hostname | default(inventory_hostname) }}'), {
      delegateTo: "{{ groups['kube_control_plane'][0] }}",
      when: 'needs_cordoning | default(false)',
    });
  },
});
