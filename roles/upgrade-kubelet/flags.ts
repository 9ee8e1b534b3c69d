// /etc/default/kubelet across an upgrade. kubernetes-node writes `--container-runtime=remote
// --container-runtime-endpoint=...` for a kubelet before 1.24 (dockershim's era); 1.24's kubelet
// only speaks CRI and 1.27's refuses the flag, so an upgrade to 1.24 or later takes it out
// (kubespray's upgrade re-renders kubelet.env). The file is edited, not rendered again: the
// upgrade gathers no facts, and the host's other flags stay as they are. The rollback puts back
// the file as it was before, for the previous kubelet.
import { copy, replace, slurp, type TaskBuilder } from '../../lib/index.js';

const FILE = '/etc/default/kubelet';

/** Before the upgrade: the file as it is (registered as kubelet_env_before). */
export function saveKubeletFlags<V>(t: TaskBuilder<V>): void {
  t.task('kubelet flags before the upgrade', slurp({ src: FILE }), { register: 'kubelet_env_before', failedWhen: false, checkMode: false });
}

/** For kube_version (kube_version_plain): no --container-runtime from 1.24 on. */
export function kubeletFlagsForTarget<V>(t: TaskBuilder<V>): void {
  t.task('kubelet flags for kube_version', replace({ path: FILE, regexp: ' --container-runtime=remote --container-runtime-endpoint=\\S+', replace: '' }), {
    when: "kube_version_plain is version('1.24.0', '>=') and kubelet_env_before.content is defined",
  });
}

/** The rollback's: the file as it was before the upgrade. */
export function restoreKubeletFlags<V>(t: TaskBuilder<V>, when: string): void {
  t.task('roll back: previous kubelet flags', copy({ content: '{{ kubelet_env_before.content | b64decode }}', dest: FILE, mode: '0644' }), {
    when: `(${when}) and kubelet_env_before.content is defined`,
  });
}
