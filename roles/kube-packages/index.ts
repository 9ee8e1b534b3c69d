import { apt, command, copy, defineRole, dpkg_selections, file, get_url, roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { clusterDefaults, clusterShape } from '../kubespray-defaults/index.js';

// kubeadm, kubelet and kubectl at kube_version from the Kubernetes apt repository, held so an
// unattended upgrade never moves them (the install guides' way; kubespray downloads the binaries
// instead, see README "Where tsplay differs"). Package versions follow the repositories' naming:
// `1.16.3-00` in the old apt.kubernetes.io, `1.34.3-1.1` in pkgs.k8s.io (one repository per minor).

const PKGS = ['kubeadm', 'kubelet', 'kubectl'];

export const kubePackagesVars = roleVars({
  kube_version: clusterShape.kube_version,
  kube_version_plain: clusterShape.kube_version_plain,
  /** false: the hosts already have the repository configured (e.g. the lab's, written by `lab up`) */
  kube_apt_repo_manage: v.boolean(),
  /** the minor's repository (pkgs.k8s.io), or the legacy one for versions before 1.24 */
  kube_apt_repo_url: v.string(),
  /** the line of /etc/apt/sources.list.d/kubernetes.list */
  kube_apt_repo: v.string(),
  kube_apt_key_url: v.string(),
  kube_apt_keyring: v.string(),
  /** the Debian revision after the upstream version: 00 (apt.kubernetes.io) or 1.1 (pkgs.k8s.io) */
  kube_package_revision: v.string(),
  kube_package_version: v.string(),
});
export type KubePackagesVars = Infer<typeof kubePackagesVars>;

const NEW_REPO = "kube_version_plain is version('1.24.0', '>=')";

export default defineRole({
  name: 'kube-packages',
  vars: kubePackagesVars,
  defaults: {
    kube_version: clusterDefaults.kube_version,
    kube_version_plain: clusterDefaults.kube_version_plain,
    kube_apt_repo_manage: true,
    kube_apt_repo_url: `{{ ('https://pkgs.k8s.io/core:/stable:/v' ~ (kube_version_plain.split('.')[:2] | join('.')) ~ '/deb/') if ${NEW_REPO} else 'https://apt.kubernetes.io/' }}`,
    kube_apt_repo: `deb [signed-by={{ kube_apt_keyring }}] {{ kube_apt_repo_url }} {{ '/' if ${NEW_REPO} else 'kubernetes-xenial main' }}`,
    kube_apt_key_url: `{{ (kube_apt_repo_url ~ 'Release.key') if ${NEW_REPO} else 'https://packages.cloud.google.com/apt/doc/apt-key.gpg' }}`,
    kube_apt_keyring: `/etc/apt/keyrings/kubernetes-apt-keyring.{{ 'asc' if ${NEW_REPO} else 'gpg' }}`,
    kube_package_revision: `{{ '1.1' if ${NEW_REPO} else '00' }}`,
    kube_package_version: '{{ kube_version_plain }}-{{ kube_package_revision }}',
  },
  tasks: (t) => {
    t.block('the Kubernetes apt repository', (b) => {
      b.task('keyrings dir', file({ path: '/etc/apt/keyrings', state: 'directory', mode: '0755' }));
      b.task('repository key', get_url({ url: '{{ kube_apt_key_url }}', dest: '{{ kube_apt_keyring }}', mode: '0644' }));
      b.task('repository source', copy({ content: '{{ kube_apt_repo }}\n', dest: '/etc/apt/sources.list.d/kubernetes.list', mode: '0644' }), { register: 'kube_apt_source' });
    }, { when: 'kube_apt_repo_manage' });
    // the installed versions first: a rerun on installed hosts then needs no apt-get update
    t.task('installed versions', command("dpkg-query -W -f='${Package}=${Version}\\n' " + PKGS.join(' ')), {
      register: 'kube_pkgs_installed', changedWhen: false, failedWhen: false, checkMode: false,
    });
    t.task('kubeadm, kubelet and kubectl at kube_version', apt({
      name: PKGS.map((p) => `${p}={{ kube_package_version }}`),
      state: 'present',
      update_cache: true,
      allow_change_held_packages: true,
    }), {
      when: `(kube_pkgs_installed.stdout_lines | sort) != ([${PKGS.map((p) => `'${p}=' ~ kube_package_version`).join(', ')}] | sort)`,
      register: 'kube_pkgs_apt',
      // under --check apt-get update does not run, so on a fresh host the repository's packages
      // are not known yet: the install is what the run would do, not a failure
      failedWhen: "kube_pkgs_apt.failed | default(false) and not (ansible_check_mode and (kube_pkgs_apt.msg | default('')) is search('^No package matching'))",
      changedWhen: "kube_pkgs_apt.changed | default(false) or (ansible_check_mode and (kube_pkgs_apt.msg | default('')) is search('^No package matching'))",
    });
    // under --check a package the run would install is not there to hold yet
    for (const p of PKGS) t.task(`hold ${p}`, dpkg_selections({ name: p, selection: 'hold' }), { when: 'not (ansible_check_mode and (kube_pkgs_apt.changed | default(false)))' });
  },
});
