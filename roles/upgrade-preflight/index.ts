import { command, defineRole, fail, roleVars, v, type HostView, type TaskRef } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { kube_version_guard } from './guard.js';
import { kube_pdb_check } from './pdb-check.js';
import { controller_terminal } from './terminal.js';
import { workerBatches } from './batches.js';

// tsplay's checks before an upgrade touches anything (issue 13, not in kubespray): the version path
// guard and the PodDisruptionBudget pre-check. Both read the cluster through kubectl on the first
// control plane (as kubespray's kubectl tasks are delegated), once for the run, and read nothing
// from other hosts' facts: a --limit run needs no facts cache (kubespray #5147).
export const upgradePreflightVars = roleVars({
  /** the target, `1.17.7` or `v1.17.7` (kubespray HEAD drops the v, older releases kept it) */
  kube_version: v.string({ pattern: '^v?\\d+\\.\\d+\\.\\d+$' }),
  /** the Debian package version of kube_version (as upgrade-kubelet's), for the plan */
  kube_package_version: v.string(),
  kube_packages_bin_dir: v.string(),
  kube_config_dir: v.string(),
  /** `fail`: stop before any cordon when a PDB would block a drain; `warn`: print and go on; `off` */
  upgrade_pdb_precheck: v.enum('fail', 'warn', 'off'),
  drain_pod_selector: v.string(),
  /** minors a kubelet may lag the API server; 0 = the skew policy's (2 before 1.25, 3 since) */
  upgrade_max_kubelet_skew: v.integer(),
  /** the API servers' secure port, for the guard's health probe of each control-plane node */
  kube_apiserver_port: v.integer(),
  /** pre-upgrade's and post-upgrade's prompts: they need a terminal to be answered on */
  upgrade_node_confirm: v.boolean(),
  upgrade_node_post_upgrade_confirm: v.boolean(),
  /** pre-upgrade's: no drain, no PodDisruptionBudget to look at */
  drain_nodes: v.boolean(),
  /** pre-upgrade's: a PDB that refuses evictions only delays the drain, the fallback deletes its pods */
  drain_fallback_enabled: v.boolean(),
});
export type UpgradePreflightVars = Infer<typeof upgradePreflightVars>;

const kubectl = (h: HostView<UpgradePreflightVars>): string => `${h.vars.kube_packages_bin_dir}/kubectl --kubeconfig ${h.vars.kube_config_dir}/admin.conf`;
/** kubespray's node name: kube_override_hostname, or the inventory name */
export const nodeName = (h: { hostvars(n: string): Record<string, unknown> }, host: string): string => {
  const o = h.hostvars(host)['kube_override_hostname'];
  return typeof o === 'string' && o ? o : host;
};
const playHosts = (h: HostView<UpgradePreflightVars>): string[] => (h.allVars['ansible_play_hosts_all'] as string[] | undefined) ?? [];

/** the run's hosts whose SSH answer was `unreachable` (the task ignores it so that this can name them all) */
function unreachable<T>(h: HostView<UpgradePreflightVars>, reach: TaskRef<T>): string[] {
  return playHosts(h).filter((n) => (h.result(reach, n) as { unreachable?: boolean } | undefined)?.unreachable === true);
}

export default defineRole({
  name: 'upgrade-preflight',
  vars: upgradePreflightVars,
  defaults: {
    kube_package_version: "{{ kube_version | regex_replace('^v', '') }}-{{ '1.1' if (kube_version | regex_replace('^v', '')) is version('1.24.0', '>=') else '00' }}",
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    upgrade_pdb_precheck: 'fail',
    drain_pod_selector: '',
    upgrade_max_kubelet_skew: 0,
    kube_apiserver_port: 6443,
    upgrade_node_confirm: false,
    upgrade_node_post_upgrade_confirm: false,
    drain_nodes: true,
    drain_fallback_enabled: false,
  },
  tasks: (t) => {
    // a host that does not answer over SSH would stop the run halfway (a master after the first was
    // upgraded, a worker after others were drained): every host of the run is asked first, and one
    // that is down stops the run here, named, before anything is changed
    const reach = t.task('host answers over SSH', command('true'), { changedWhen: false, checkMode: false, ignoreUnreachable: true });
    t.task(
      'stop when a host of the run is unreachable',
      fail((h) => ({
        msg:
          `upgrade preflight: nothing was changed. Unreachable over SSH: ${unreachable(h, reach).join(', ')}. ` +
          'Bring these hosts back (sshd, network) and run again, or leave them out with --limit (a control-plane host left out keeps its version; the version path guard tells whether the rest may go on without it).',
      })),
      { runOnce: true, when: (h) => unreachable(h, reach).length > 0 },
    );
    t.task(
      'a terminal to confirm each node on',
      controller_terminal((h) => ({
        wanted_by: [
          ...(h.vars.upgrade_node_confirm ? ['upgrade_node_confirm'] : []),
          ...(h.vars.upgrade_node_post_upgrade_confirm ? ['upgrade_node_post_upgrade_confirm'] : []),
        ],
      })),
      // --check changes nothing and asks nothing: no answer needed
      { runOnce: true, when: '(upgrade_node_confirm or upgrade_node_post_upgrade_confirm) and not ansible_check_mode', checkMode: false },
    );
    t.task(
      'version path guard',
      kube_version_guard((h) => ({
        kubectl: kubectl(h),
        kube_version: h.vars.kube_version,
        nodes_in_run: playHosts(h).filter((n) => (h.groups['k8s_cluster'] ?? []).includes(n)).map((n) => nodeName(h, n)),
        control_plane: (h.groups['kube_control_plane'] ?? []).map((n) => nodeName(h, n)),
        ...(h.vars.upgrade_max_kubelet_skew > 0 ? { max_kubelet_skew: h.vars.upgrade_max_kubelet_skew } : {}),
        worker_batches: workerBatches(h, playHosts(h)).map((b) => b.map((n) => nodeName(h, n))),
        package_version: h.vars.kube_package_version,
        apiserver_port: h.vars.kube_apiserver_port,
      })),
      { runOnce: true, delegateTo: "{{ groups['kube_control_plane'][0] }}", register: 'upgrade_version_guard' },
    );
    t.task(
      'PodDisruptionBudget pre-check',
      kube_pdb_check((h) => ({
        kubectl: kubectl(h),
        kube_version: h.vars.kube_version,
        nodes_in_run: playHosts(h).filter((n) => (h.groups['k8s_cluster'] ?? []).includes(n)).map((n) => nodeName(h, n)),
        mode: h.vars.drain_nodes ? h.vars.upgrade_pdb_precheck : 'off',
        pod_selector: h.vars.drain_pod_selector,
        fallback: h.vars.drain_fallback_enabled,
      })),
      { runOnce: true, delegateTo: "{{ groups['kube_control_plane'][0] }}", register: 'upgrade_pdb_check' },
    );
  },
});
