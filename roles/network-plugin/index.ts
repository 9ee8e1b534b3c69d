import { defineRole, file, kube, roleVars, template } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { calicoDefaults, calicoShape, clusterDefaults, clusterShape } from '../kubespray-defaults/index.js';

// kubespray's network_plugin role for calico with seed 004's settings. Two halves:
// - on every node, the CNI configuration /etc/cni/net.d/10-calico.conflist, rendered host-side as
//   kubespray ≤ 2.12 did (today calico-node's install-cni container writes it; no container runs
//   in the lab, and a node is Ready only once a CNI config exists: seed 003);
// - on the first control-plane host, calico's manifests (its ConfigMap, calico-node DaemonSet with
//   the pool's IPIP/VXLAN/NAT, AS number and IP autodetection, calico-kube-controllers, their
//   service accounts and RBAC) applied with the `kube` module; the node's BGP peers and the global
//   AS (seed 004) are rendered to calico-bgp.yml, as calico's own resources.

export const networkPluginVars = roleVars({ ...clusterShape, ...calicoShape });
export type NetworkPluginVars = Infer<typeof networkPluginVars>;

export default defineRole({
  name: 'network-plugin',
  vars: networkPluginVars,
  defaults: { ...clusterDefaults, ...calicoDefaults },
  tasks: (t) => {
    t.block('calico', (b) => {
      b.task('CNI config dir', file({ path: '/etc/cni/net.d', state: 'directory', mode: '0755' }));
      b.task('calico CNI config', template({ src: 'cni-calico.conflist.njk', dest: '/etc/cni/net.d/10-calico.conflist', mode: '0644' }));
      b.task('calico BGP settings of this node', template({ src: 'calico-bgp.yml.njk', dest: '{{ kube_config_dir }}/calico-bgp.yml', mode: '0644' }), {
        when: "inventory_hostname in groups['kube_control_plane'] or inventory_hostname in groups['kube_node']",
      });
      b.block('calico manifests', (m) => {
        m.task('calico manifests', template({ src: 'calico.yml.njk', dest: '{{ kube_config_dir }}/calico.yml', mode: '0644' }));
        m.task('apply calico manifests', kube({
          kubectl: '{{ kube_packages_bin_dir }}/kubectl',
          kubeconfig: '{{ kube_config_dir }}/admin.conf',
          filename: '{{ kube_config_dir }}/calico.yml',
          state: 'latest',
        }), { when: 'not ansible_check_mode' });
      }, { when: 'inventory_hostname == first_kube_control_plane' });
    }, { when: "kube_network_plugin == 'calico'" });
  },
});
