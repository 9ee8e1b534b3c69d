import { apt, command, defineRole, dpkg_selections, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { clusterDefaults, clusterShape } from '../kubespray-defaults/index.js';
import { kubeAptRepoDefaults, kubeAptRepoShape, kubeAptRepoTasks, NEW_APT_REPO } from './repo.js';

// kubeadm, kubelet and kubectl at kube_version from the Kubernetes apt repository, held so an
// unattended upgrade never moves them (the install guides' way; kubespray downloads the binaries
// instead, see README "Where tsplay differs"). Package versions follow the repositories' naming:
// `1.16.3-00` in the old apt.kubernetes.io, `1.34.3-1.1` in pkgs.k8s.io (one repository per minor).

const PKGS = ['kubeadm', 'kubelet', 'kubectl'];

export const kubePackagesVars = roleVars({
  kube_version: clusterShape.kube_version,
  ...kubeAptRepoShape,
  kube_version_plain: clusterShape.kube_version_plain,
  /** the Debian revision after the upstream version: 00 (apt.kubernetes.io) or 1.1 (pkgs.k8s.io) */
  kube_package_revision: v.string(),
  kube_package_version: v.string(),
});
export type KubePackagesVars = Infer<typeof kubePackagesVars>;

export default defineRole({
  name: 'kube-packages',
  vars: kubePackagesVars,
  defaults: {
    kube_version: clusterDefaults.kube_version,
    ...kubeAptRepoDefaults,
    kube_version_plain: clusterDefaults.kube_version_plain,
    kube_package_revision: `{{ '1.1' if ${NEW_APT_REPO} else '00' }}`,
    kube_package_version: '{{ kube_version_plain }}-{{ kube_package_revision }}',
  },
  tasks: (t) => {
    kubeAptRepoTasks(t, { refresh: false });
    // the installed versions first: a rerun on installed hosts then needs no apt-get update
    t.task('installed versions', command("dpkg-query -W -f='${Package}=${Version}\\n' " + PKGS.join(' ')), {
      register: 'kube_pkgs_installed', changedWhen: false, failedWhen: false, checkMode: false,
    });
    t.task('kubeadm, kubelet and kubectl at kube_version', apt({
      name: PKGS.map((p) => `${p}={{ kube_package_version }}`),
      state: 'present',
      update_cache: true,
      allow_change_held_packages: true,
    }), { when: `(kube_pkgs_installed.stdout_lines | sort) != ([${PKGS.map((p) => `'${p}=' ~ kube_package_version`).join(', ')}] | sort)`, register: 'kube_pkgs' });
    // --check on a fresh host: nothing installed to hold yet (the install above says it would)
    for (const p of PKGS) t.task(`hold ${p}`, dpkg_selections({ name: p, selection: 'hold' }), { when: 'not (ansible_check_mode and (kube_pkgs.changed | default(false)))' });
  },
});
