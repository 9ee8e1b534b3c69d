import { apt, command, defineRole, dpkg_selections, fail, roleVars, systemd, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { kubeAptRepoDefaults, kubeAptRepoShape, kubeAptRepoTasks } from '../kube-packages/repo.js';
import { kubeletFlagsForTarget, restoreKubeletFlags, saveKubeletFlags } from './flags.js';

// The kubelet of a node at kube_version (kubespray's kubernetes/node on upgrade, FACTS §1.7, with
// the packages the install guides use): kubelet and kubectl pinned and held, the kubelet restarted,
// then the node must report Ready at the new version within kubelet_upgrade_ready_timeout. If it
// does not (seed 004: a kubelet 1.17.7 that will not start with the old options), tsplay puts the
// previous kubelet package back, restarts it, waits for Ready at the old version, uncordons the
// node and fails the host saying so (kubelet_upgrade_rollback, on by default).
export const kubeletUpgradeVars = roleVars({
  kube_version: v.string({ pattern: '^v?\\d+\\.\\d+\\.\\d+$' }),
  kube_package_version: v.string(),
  kube_packages_bin_dir: v.string(),
  ...kubeAptRepoShape,
  kube_config_dir: v.string(),
  /** seconds the upgraded kubelet has to report its node Ready at kube_version */
  kubelet_upgrade_ready_timeout: v.integer(),
  /** put the previous kubelet back when the upgraded one does not come up Ready */
  kubelet_upgrade_rollback: v.boolean(),
});
export type KubeletUpgradeVars = Infer<typeof kubeletUpgradeVars>;

const BARE = "{{ kube_version | regex_replace('^v', '') }}";
const KUBECTL = '{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf';
const NODE = '{{ kube_override_hostname | default(inventory_hostname) }}';
const FIRST_CP = "{{ groups['kube_control_plane'][0] }}";
/** `v1.17.7 True`: the node's kubelet version and Ready status on one line */
const NODE_STATE = `${KUBECTL} get node ${NODE} -o jsonpath='{.status.nodeInfo.kubeletVersion} {range .status.conditions[?(@.type=="Ready")]}{.status}{end}'`;

export default defineRole({
  name: 'upgrade-kubelet',
  vars: kubeletUpgradeVars,
  defaults: {
    kube_package_version: `${BARE}-{{ '1.1' if (kube_version | regex_replace('^v', '')) is version('1.24.0', '>=') else '00' }}`,
    ...kubeAptRepoDefaults,
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    kubelet_upgrade_ready_timeout: 120,
    kubelet_upgrade_rollback: true,
  },
  tasks: (t) => {
    // pkgs.k8s.io has one repository per minor: the target's, before its packages (kube-packages/repo.ts)
    kubeAptRepoTasks(t, { refresh: true });
    t.task('installed kubelet package', command("dpkg-query -W -f=${Version} kubelet"), {
      register: 'kubelet_previous_package', changedWhen: false, failedWhen: false, checkMode: false,
    });
    saveKubeletFlags(t);
    t.block('kubelet at kube_version', (b) => {
      b.task('kubelet and kubectl at kube_version', apt({ name: ['kubelet={{ kube_package_version }}', 'kubectl={{ kube_package_version }}'], allow_change_held_packages: true }), {
        register: 'kubelet_package',
      });
      b.task('hold kubelet and kubectl', dpkg_selections({ name: '{{ item }}', selection: 'hold' }), { loop: ['kubelet', 'kubectl'] });
      // workers carry kubeadm too (kubespray copies it to every node); the control plane play did theirs
      b.task('kubeadm at kube_version', apt({ name: 'kubeadm={{ kube_package_version }}', allow_change_held_packages: true }), {
        when: "inventory_hostname not in groups['kube_control_plane']",
      });
      b.task('hold kubeadm', dpkg_selections({ name: 'kubeadm', selection: 'hold' }), { when: "inventory_hostname not in groups['kube_control_plane']" });
      kubeletFlagsForTarget(b);
      b.task('restart kubelet', systemd({ name: 'kubelet', state: 'restarted', daemon_reload: true }), { when: 'not (upgrade_node_at_target | default(false))' });
      // (in --check the restart did not happen: nothing to wait for)
      b.task('node Ready at kube_version', command(NODE_STATE), {
        when: 'not (upgrade_node_at_target | default(false)) and not ansible_check_mode', delegateTo: FIRST_CP, register: 'kubelet_node_state', changedWhen: false,
        until: "kubelet_node_state.stdout == 'v' ~ (kube_version | regex_replace('^v', '')) ~ ' True'",
        retries: '{{ (kubelet_upgrade_ready_timeout / 5) | round(0, "ceil") | int }}', delay: 5,
        failedWhen: "kubelet_node_state.stdout != 'v' ~ (kube_version | regex_replace('^v', '')) ~ ' True'",
      });
    }, {
      rescue: (r) => {
        const prev = "{{ kubelet_previous_package.stdout }}";
        const prevV = "v{{ kubelet_previous_package.stdout | regex_replace('-.*$', '') }}";
        const can = 'not ansible_check_mode and kubelet_upgrade_rollback and kubelet_previous_package.rc == 0 and kubelet_previous_package.stdout != kube_package_version';
        // pkgs.k8s.io: the previous kubelet is in the previous minor's repository
        kubeAptRepoTasks(r, { refresh: true, name: 'roll back: the previous version\'s apt repository', when: can, version: "{{ kubelet_previous_package.stdout | regex_replace('-.*$', '') }}" });
        r.task('roll back: previous kubelet package', apt({ name: `kubelet=${prev}`, allow_change_held_packages: true }), { when: can });
        r.task('roll back: hold kubelet', dpkg_selections({ name: 'kubelet', selection: 'hold' }), { when: can });
        restoreKubeletFlags(r, can);
        r.task('roll back: restart kubelet', systemd({ name: 'kubelet', state: 'restarted', daemon_reload: true }), { when: can });
        r.task('roll back: node Ready at the previous version', command(NODE_STATE), {
          when: can, delegateTo: FIRST_CP, register: 'kubelet_rollback_state', changedWhen: false,
          until: "kubelet_rollback_state.stdout == 'v' ~ (kubelet_previous_package.stdout | regex_replace('-.*$', '')) ~ ' True'",
          retries: '{{ (kubelet_upgrade_ready_timeout / 5) | round(0, "ceil") | int }}', delay: 5,
          failedWhen: "kubelet_rollback_state.stdout != 'v' ~ (kubelet_previous_package.stdout | regex_replace('-.*$', '')) ~ ' True'",
        });
        r.task('roll back: uncordon node', command(`${KUBECTL} uncordon ${NODE}`), { when: `${can} and needs_cordoning | default(false)`, delegateTo: FIRST_CP });
        r.task('kubelet upgrade failed, rolled back', fail({
          msg: `kubelet {{ kube_package_version }} did not bring node ${NODE} Ready at v${BARE} within {{ kubelet_upgrade_ready_timeout }}s ` +
            `(last state: '{{ kubelet_node_state.stdout | default('') }}'). Rolled back to kubelet ${prev}: the node is Ready at ${prevV} ` +
            `{{ 'and uncordoned' if needs_cordoning | default(false) else '(it was not cordoned by this run)' }}. ` +
            `Look at why the new kubelet stopped: journalctl -u kubelet (in the lab /var/log/journal/kubelet.service.log) and its flags in ` +
            `/var/lib/kubelet/kubeadm-flags.env, /etc/default/kubelet and /var/lib/kubelet/config.yaml; fix them, then run again with --limit ${NODE}.`,
        }), { when: can });
        r.task('kubelet upgrade failed', fail({
          msg: `kubelet {{ kube_package_version }} did not bring node ${NODE} Ready at v${BARE} within {{ kubelet_upgrade_ready_timeout }}s ` +
            `(last state: '{{ kubelet_node_state.stdout | default('') }}'); no rollback (kubelet_upgrade_rollback is off, or no earlier package was recorded): ` +
            `the node is left as it is{{ ' and cordoned' if needs_cordoning | default(false) else '' }}. Look at journalctl -u kubelet.`,
        }), { when: `not (${can})` });
      },
    });
  },
});
