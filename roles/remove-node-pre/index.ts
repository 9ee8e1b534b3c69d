import { command, defineRole, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// kubespray's remove_node/pre_remove (FACTS §3.6): list the nodes, drain this one with kubespray's
// command and defaults (retried; a failed drain stops the removal unless allow_ungraceful_removal),
// then wait until no VolumeAttachment names it. Every kubectl call runs on the first control-plane
// host with its admin kubeconfig.

export const removeNodePreVars = roleVars({
  allow_ungraceful_removal: v.boolean(),
  drain_grace_period: v.integer(),
  drain_timeout: v.string({ pattern: '^\\d+s$' }),
  drain_retries: v.integer(),
  drain_retry_delay_seconds: v.integer(),
  kube_override_hostname: v.string(),
  kube_packages_bin_dir: v.string(),
  kube_config_dir: v.string(),
  /** kubespray's `{{ kubectl }}` */
  kubectl: v.string(),
});
export type RemoveNodePreVars = Infer<typeof removeNodePreVars>;

export const FIRST_CONTROL_PLANE = "{{ groups['kube_control_plane'] | first }}";
const HAS_CONTROL_PLANE = "groups['kube_control_plane'] | default([]) | length > 0";

export default defineRole({
  name: 'remove-node-pre',
  vars: removeNodePreVars,
  defaults: {
    allow_ungraceful_removal: false,
    drain_grace_period: 300,
    drain_timeout: '360s',
    drain_retries: 3,
    drain_retry_delay_seconds: 10,
    kube_override_hostname: '{{ inventory_hostname }}',
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    kubectl: '{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf',
  },
  tasks: (t) => {
    t.task('list nodes', command("{{ kubectl }} get nodes -o go-template='{% raw %}{{ range .items }}{{ .metadata.name }}{{ \"\\n\" }}{{ end }}{% endraw %}'"), {
      register: 'nodes',
      when: HAS_CONTROL_PLANE,
      delegateTo: FIRST_CONTROL_PLANE,
      changedWhen: false,
      checkMode: false,
      runOnce: true,
    });
    const isNode = `${HAS_CONTROL_PLANE} and kube_override_hostname in (nodes.stdout_lines | default([]))`;
    t.task('drain node except daemonsets resource',
      command('{{ kubectl }} drain --force --ignore-daemonsets --grace-period {{ drain_grace_period }} --timeout {{ drain_timeout }} --delete-emptydir-data {{ kube_override_hostname }}'),
      {
        async: (h) => Number(h.vars.drain_timeout.replace(/s$/, '')) + 120,
        poll: 15,
        when: isNode,
        register: 'result',
        failedWhen: 'result.rc != 0 and not allow_ungraceful_removal',
        delegateTo: FIRST_CONTROL_PLANE,
        until: 'result.rc == 0 or allow_ungraceful_removal',
        retries: (h) => h.vars.drain_retries,
        delay: (h) => h.vars.drain_retry_delay_seconds,
      });
    t.task('wait until volumes are detached from the node',
      command("{{ kubectl }} get volumeattachments -o go-template='{% raw %}{{ range .items }}{{ .spec.nodeName }}{{ \"\\n\" }}{{ end }}{% endraw %}'"),
      {
        register: 'nodes_with_volumes',
        delegateTo: FIRST_CONTROL_PLANE,
        changedWhen: false,
        checkMode: false,
        until: 'not (kube_override_hostname in nodes_with_volumes.stdout_lines)',
        retries: 3,
        delay: (h) => h.vars.drain_grace_period,
        when: `${isNode} and not allow_ungraceful_removal`,
      });
  },
});
