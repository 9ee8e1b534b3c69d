import { apt, command, defineRole, dpkg_selections, replace, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { kubeAptRepoDefaults, kubeAptRepoShape, kubeAptRepoTasks } from '../kube-packages/repo.js';

// The control-plane half of kubespray's kubernetes/control-plane with upgrade_cluster_setup
// (FACTS §2.4): kubeadm pinned and held at kube_version, the config's kubernetesVersion set to it,
// then `kubeadm upgrade apply` on the first control plane and `kubeadm upgrade node` on the others,
// with kubespray's flags for the config API of that release (flags up to 1.30, UpgradeConfiguration
// in the config file from 1.31). Skipped where the node is already at the target.
export const controlPlaneUpgradeVars = roleVars({
  kube_version: v.string({ pattern: '^v?\\d+\\.\\d+\\.\\d+$' }),
  /** the Debian package version of kube_version: `1.17.7-00` (apt.kubernetes.io) or `1.31.2-1.1` (pkgs.k8s.io) */
  kube_package_version: v.string(),
  kube_packages_bin_dir: v.string(),
  ...kubeAptRepoShape,
  kube_config_dir: v.string(),
  etcd_deployment_type: v.enum('host', 'docker', 'kubeadm'),
  kubeadm_upgrade_auto_cert_renewal: v.boolean(),
});
export type ControlPlaneUpgradeVars = Infer<typeof controlPlaneUpgradeVars>;

const BARE = "{{ kube_version | regex_replace('^v', '') }}";
const CONFIG = '--config={{ kube_config_dir }}/kubeadm-config.yaml';
const V1BETA4 = `(${BARE.slice(3, -3)}) is version('1.31.0', '>=')`;
const AT_LEAST = (v: string): string => `(${BARE.slice(3, -3)}) is version('${v}', '>=')`;
/**
 * The kubeadm.k8s.io versions older than the one kube_version's kubeadm writes (from v1beta1 on), as an alternation:
 * 1.15-1.21 write v1beta2, 1.22-1.30 v1beta3 (FACTS §2.5). The move stops at v1beta3: v1beta4
 * (1.31) changed extraArgs from a map to a list, which a rename cannot do, and 1.31+ still read v1beta3.
 */
const OLDER_API = `v1({% if ${AT_LEAST('1.22.0')} %}beta1|beta2{% elif ${AT_LEAST('1.15.0')} %}beta1{% else %}(?!){% endif %})`;
const TARGET_API = `kubeadm.k8s.io/{{ 'v1beta3' if ${AT_LEAST('1.22.0')} else ('v1beta2' if ${AT_LEAST('1.15.0')} else 'v1beta1') }}`;

export default defineRole({
  name: 'upgrade-control-plane',
  vars: controlPlaneUpgradeVars,
  defaults: {
    kube_package_version: `${BARE}-{{ '1.1' if (kube_version | regex_replace('^v', '')) is version('1.24.0', '>=') else '00' }}`,
    ...kubeAptRepoDefaults,
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    etcd_deployment_type: 'host',
    kubeadm_upgrade_auto_cert_renewal: true,
  },
  tasks: (t) => {
    // pkgs.k8s.io has one repository per minor: the target's, before its packages (kube-packages/repo.ts)
    kubeAptRepoTasks(t, { refresh: true });
    t.task('kubeadm at kube_version', apt({ name: 'kubeadm={{ kube_package_version }}', allow_change_held_packages: true }));
    t.task('hold kubeadm', dpkg_selections({ name: 'kubeadm', selection: 'hold' }));
    // kubespray renders kubeadm-config.yaml again with the apiVersion of the target's kubeadm
    // (kubeadm-config.*.yaml.j2 per release); tsplay moves the apiVersion lines of the file in place:
    // v1beta1 → v1beta2 → v1beta3 only rename the group version for the fields kubespray renders
    t.task(
      'kubeadm config apiVersion for kube_version',
      replace({ path: '{{ kube_config_dir }}/kubeadm-config.yaml', regexp: `^apiVersion: kubeadm\\.k8s\\.io/${OLDER_API}$`, replace: `apiVersion: ${TARGET_API}` }),
    );
    t.task('kubeadm config at kube_version', replace({ path: '{{ kube_config_dir }}/kubeadm-config.yaml', regexp: '^kubernetesVersion: .*$', replace: `kubernetesVersion: v${BARE}` }));
    t.task(
      'kubeadm upgrade apply (first control plane)',
      command(
        `timeout -k 600s 600s {{ kube_packages_bin_dir }}/kubeadm upgrade apply -y v${BARE} ` +
          `{% if ${V1BETA4} %}${CONFIG}{% else %}--certificate-renewal={{ kubeadm_upgrade_auto_cert_renewal | lower }} ${CONFIG} --ignore-preflight-errors=all --allow-experimental-upgrades --etcd-upgrade={{ (etcd_deployment_type == 'kubeadm') | lower }} --force{% endif %}`,
      ),
      {
        when: "not (upgrade_node_at_target | default(false)) and inventory_hostname == groups['kube_control_plane'][0]",
        register: 'kubeadm_upgrade',
        failedWhen: "kubeadm_upgrade.rc != 0 and 'field is immutable' not in kubeadm_upgrade.stderr",
      },
    );
    t.task(
      'kubeadm upgrade node (other control planes)',
      command(
        `timeout -k 600s 600s {{ kube_packages_bin_dir }}/kubeadm upgrade node ` +
          `{% if ${V1BETA4} %}${CONFIG}{% else %}--certificate-renewal={{ kubeadm_upgrade_auto_cert_renewal | lower }} --ignore-preflight-errors=all --etcd-upgrade={{ (etcd_deployment_type == 'kubeadm') | lower }}{% endif %}`,
      ),
      {
        when: "not (upgrade_node_at_target | default(false)) and inventory_hostname != groups['kube_control_plane'][0]",
        register: 'kubeadm_upgrade_node',
        failedWhen: "kubeadm_upgrade_node.rc != 0 and 'field is immutable' not in kubeadm_upgrade_node.stderr",
      },
    );
  },
});
