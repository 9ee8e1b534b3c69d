import { add_host, type PlaySpec } from '../lib/index.js';

// kubespray's legacy group names and the current ones they became (kubespray 2.16+). Roles read
// only the current names; an inventory may use either spelling, or both.
export const LEGACY_GROUPS: Readonly<Record<string, string>> = {
  'kube-master': 'kube_control_plane',
  'kube-node': 'kube_node',
  'k8s-cluster': 'k8s_cluster',
  'calico-rr': 'calico_rr',
  'no-floating': 'no_floating',
};

/**
 * The first play of every playbook: hosts of a legacy group join the current group. add_host runs
 * once for the play and loops over the whole legacy group, so hosts outside `--limit` are mapped
 * too (group_by, which kubespray uses, would only map the limited hosts and leave
 * `groups['kube_control_plane']` short on a partial run).
 */
export const boilerplate: PlaySpec = {
  name: 'kubespray group names',
  hosts: 'all',
  gatherFacts: false,
  tasks: (t) => {
    for (const [legacy, current] of Object.entries(LEGACY_GROUPS)) {
      t.task(`${legacy} hosts join ${current}`, add_host({ name: '{{ item }}', groups: current }), {
        loop: `{{ groups['${legacy}'] | default([]) }}`,
        changedWhen: false,
      });
    }
  },
};
