// The Kubernetes apt repository of kube_version's minor, shared by kube-packages (install) and the
// upgrade roles. pkgs.k8s.io has one repository per minor (https://pkgs.k8s.io/core:/stable:/v1.35/deb/):
// a host whose source names v1.34 cannot install 1.35.2-1.1, so an upgrade writes the target
// minor's source (and key) before it installs, and refreshes apt's lists when the source changed.
// kube_apt_repo_manage false (the lab: its one repository has every version, written by `lab up`)
// leaves the host's source alone.
import { apt, copy, file, get_url, v, type TaskBuilder } from '../../lib/index.js';

/** Whether the per-minor pkgs.k8s.io repository serves a version (1.24 on) rather than apt.kubernetes.io. */
export const NEW_APT_REPO = "kube_version_plain is version('1.24.0', '>=')";

export const kubeAptRepoShape = {
  /** `1.35.2`: kube_version without a leading v */
  kube_version_plain: v.string(),
  /** false: the hosts already have the repository configured (e.g. the lab's, written by `lab up`) */
  kube_apt_repo_manage: v.boolean(),
  /** where the per-minor repositories are: `<base>/v1.35/deb/` (a mirror of pkgs.k8s.io's layout can stand in) */
  kube_apt_repo_base: v.string(),
  /** the minor's repository (pkgs.k8s.io), or the legacy one for versions before 1.24 */
  kube_apt_repo_url: v.string(),
  /** the line of /etc/apt/sources.list.d/kubernetes.list */
  kube_apt_repo: v.string(),
  kube_apt_key_url: v.string(),
  kube_apt_keyring: v.string(),
};

export const kubeAptRepoDefaults = {
  kube_version_plain: "{{ kube_version | regex_replace('^v', '') }}",
  kube_apt_repo_manage: true,
  kube_apt_repo_base: 'https://pkgs.k8s.io/core:/stable:',
  kube_apt_repo_url: `{{ (kube_apt_repo_base ~ '/v' ~ (kube_version_plain.split('.')[:2] | join('.')) ~ '/deb/') if ${NEW_APT_REPO} else 'https://apt.kubernetes.io/' }}`,
  kube_apt_repo: `deb [signed-by={{ kube_apt_keyring }}] {{ kube_apt_repo_url }} {{ '/' if ${NEW_APT_REPO} else 'kubernetes-xenial main' }}`,
  kube_apt_key_url: `{{ (kube_apt_repo_url ~ 'Release.key') if ${NEW_APT_REPO} else 'https://packages.cloud.google.com/apt/doc/apt-key.gpg' }}`,
  kube_apt_keyring: `/etc/apt/keyrings/kubernetes-apt-keyring.{{ 'asc' if ${NEW_APT_REPO} else 'gpg' }}`,
};

/**
 * The repository tasks (when kube_apt_repo_manage): keyrings dir, key, source (registered as
 * kube_apt_source). With `refresh`, apt's lists are updated when the source changed, for roles
 * whose installs do not update the cache themselves (the upgrade's). `version` (a template giving
 * `1.34.3`) writes another minor's source than kube_version's (a rollback to the previous kubelet),
 * `when` adds a condition, `name` names the block.
 */
export function kubeAptRepoTasks<V>(t: TaskBuilder<V>, o: { refresh: boolean; version?: string; when?: string; name?: string }): void {
  t.block(o.name ?? 'the Kubernetes apt repository', (b) => {
    b.task('keyrings dir', file({ path: '/etc/apt/keyrings', state: 'directory', mode: '0755' }));
    // asked for again each run (If-Modified-Since): a minor whose key differs replaces it
    b.task('repository key', get_url({ url: '{{ kube_apt_key_url }}', dest: '{{ kube_apt_keyring }}', mode: '0644' }));
    b.task('repository source', copy({ content: '{{ kube_apt_repo }}\n', dest: '/etc/apt/sources.list.d/kubernetes.list', mode: '0644' }), { register: 'kube_apt_source' });
    if (o.refresh) b.task('apt lists of the new repository', apt({ update_cache: true }), { when: 'kube_apt_source is changed' });
  }, {
    when: o.when ? `kube_apt_repo_manage and (${o.when})` : 'kube_apt_repo_manage',
    ...(o.version ? { vars: { kube_version_plain: o.version } } : {}),
  });
}
