import { command, defineRole, fail, pause, roleVars, set_fact, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { kube_drain } from './drain.js';

// kubespray's upgrade/pre-upgrade (FACTS §1.4, §1.5): confirm or pause, Ready and schedulable
// checks, cordon, drain with kubespray's command line, retries and fallback; a failed drain
// uncordons the node and fails the host. Two things kubespray does not do: a node already at the
// target (kubelet at kube_version, and on a control plane the API server manifest too) is neither
// cordoned nor drained, so a rerun changes nothing; and the drain prints its progress.
// Every kubectl call runs on the first control plane (delegated, as kubespray's).
export const preUpgradeVars = roleVars({
  kube_version: v.string({ pattern: '^v?\\d+\\.\\d+\\.\\d+$' }),
  kube_packages_bin_dir: v.string(),
  kube_config_dir: v.string(),
  kube_manifest_dir: v.string(),
  drain_nodes: v.boolean(),
  drain_grace_period: v.integer(),
  drain_timeout: v.string(),
  drain_pod_selector: v.string(),
  drain_retries: v.integer(),
  drain_retry_delay_seconds: v.integer(),
  drain_fallback_enabled: v.boolean(),
  drain_fallback_grace_period: v.integer(),
  drain_fallback_timeout: v.string(),
  drain_fallback_retries: v.integer(),
  drain_fallback_retry_delay_seconds: v.integer(),
  /** seconds between drain progress lines (tsplay); 0 = none */
  drain_progress_interval: v.integer(),
  upgrade_node_always_cordon: v.boolean(),
  upgrade_node_uncordon_after_drain_failure: v.boolean(),
  upgrade_node_fail_if_drain_fails: v.boolean(),
  upgrade_node_confirm: v.boolean(),
  upgrade_node_pause_seconds: v.integer(),
});
export type PreUpgradeVars = Infer<typeof preUpgradeVars>;

const KUBECTL = '{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf';
const NODE = '{{ kube_override_hostname | default(inventory_hostname) }}';
const FIRST_CP = "{{ groups['kube_control_plane'][0] }}";

export default defineRole({
  name: 'upgrade-pre-upgrade',
  vars: preUpgradeVars,
  defaults: {
    kube_packages_bin_dir: '/usr/bin',
    kube_config_dir: '/etc/kubernetes',
    kube_manifest_dir: '/etc/kubernetes/manifests',
    drain_nodes: true,
    drain_grace_period: 300,
    drain_timeout: '360s',
    drain_pod_selector: '',
    drain_retries: 3,
    drain_retry_delay_seconds: 10,
    drain_fallback_enabled: false,
    drain_fallback_grace_period: 300,
    drain_fallback_timeout: '360s',
    drain_fallback_retries: 0,
    drain_fallback_retry_delay_seconds: 10,
    drain_progress_interval: 15,
    upgrade_node_always_cordon: false,
    upgrade_node_uncordon_after_drain_failure: true,
    upgrade_node_fail_if_drain_fails: true,
    upgrade_node_confirm: false,
    upgrade_node_pause_seconds: 0,
  },
  tasks: (t) => {
    // where this node stands: read from the API and this host, never from other hosts' facts
    const kubelet = t.task('kubelet version of the node', command(`${KUBECTL} get node ${NODE} -o jsonpath={.status.nodeInfo.kubeletVersion}`), {
      delegateTo: FIRST_CP, changedWhen: false, failedWhen: false, checkMode: false,
    });
    const manifest = t.task('API server manifest image', command("grep -h -m1 'image:' {{ kube_manifest_dir }}/kube-apiserver.yaml"), {
      when: "inventory_hostname in groups['kube_control_plane']", changedWhen: false, failedWhen: false, checkMode: false,
    });
    t.task('is the node already at the target', set_fact((h) => {
      const k = h.result(kubelet);
      const m = h.result(manifest);
      const bare = h.vars.kube_version.replace(/^v/, '');
      const kubeletAt = k.rc === 0 && k.stdout.trim() === `v${bare}`;
      const cpAt = m.skipped ? true : m.rc === 0 && m.stdout.trim().endsWith(`:v${bare}`);
      return { upgrade_node_at_target: kubeletAt && cpAt };
    }));

    t.block('prepare the node', (b) => {
      // kubespray's prompt, answered as its docs say ("resume when manually approved by typing yes"):
      // anything else stops the run before this node is cordoned. Without a terminal the preflight
      // has refused already (upgrade_node_confirm needs someone to answer). --check asks nothing.
      b.task('confirm node upgrade', pause({ prompt: `Ready to cordon and upgrade node ${NODE}? Type yes to continue (anything else stops the run here)` }), {
        when: 'upgrade_node_confirm and not ansible_check_mode', register: 'upgrade_node_confirmation',
      });
      b.task('stop unless the node upgrade was confirmed', fail({
        msg: `Upgrade of node ${NODE} not confirmed (answer '{{ upgrade_node_confirmation.user_input | default('') }}', not 'yes'): ` +
          'the run stops here; this node was not cordoned, drained or upgraded. Run again to upgrade it (with --limit to go on from this node).',
      }), { when: "upgrade_node_confirm and not ansible_check_mode and (upgrade_node_confirmation.user_input | default('') | trim | lower) != 'yes'" });
      // kubespray pauses before the cordon (not between drain and upgrade)
      b.task('wait before upgrading the node', pause((h) => ({ seconds: h.vars.upgrade_node_pause_seconds })), { when: 'not upgrade_node_confirm and upgrade_node_pause_seconds != 0' });
      const ready = b.task('see if node is in ready state', command(`${KUBECTL} get node ${NODE} -o jsonpath='{ range .status.conditions[?(@.type == "Ready")].status }{ @ }{ end }'`), {
        delegateTo: FIRST_CP, changedWhen: false, failedWhen: false, checkMode: false,
      });
      const sched = b.task('see if node is schedulable', command(`${KUBECTL} get node ${NODE} -o jsonpath='{ .spec.unschedulable }'`), {
        delegateTo: FIRST_CP, changedWhen: false, failedWhen: false, checkMode: false,
      });
      b.task('set if node needs cordoning', set_fact((h) => ({
        needs_cordoning: (h.result(ready).stdout.trim() === 'True' && h.result(sched).stdout.trim() === '') || h.vars.upgrade_node_always_cordon,
      })));
      b.block('cordon and drain', (c) => {
        c.task('cordon node', command(`${KUBECTL} cordon ${NODE}`), { delegateTo: FIRST_CP, changedWhen: true });
        c.task('drain node', kube_drain((h) => ({
          kubectl: `${h.vars.kube_packages_bin_dir}/kubectl --kubeconfig ${h.vars.kube_config_dir}/admin.conf`,
          node: String(h.allVars['kube_override_hostname'] ?? h.name),
          grace_period: h.vars.drain_grace_period,
          timeout: h.vars.drain_timeout,
          pod_selector: h.vars.drain_pod_selector,
          progress_interval: h.vars.drain_progress_interval,
        })), {
          when: 'drain_nodes', delegateTo: FIRST_CP, register: 'result',
          retries: '{{ drain_retries }}', delay: '{{ drain_retry_delay_seconds }}', until: 'result.rc == 0',
          // kubespray: failed_when 'rc != 0 and not drain_fallback_enabled', so with the fallback on
          // the block goes on to it (PR #8094). Same flow here, but the failed drain shows as
          // "ignored" rather than ok: someone watching should see that the evictions gave up.
          failedWhen: 'result.rc != 0',
          ignoreErrors: (h) => h.vars.drain_fallback_enabled,
        });
        c.task('drain node - fallback with disabled eviction', kube_drain((h) => ({
          kubectl: `${h.vars.kube_packages_bin_dir}/kubectl --kubeconfig ${h.vars.kube_config_dir}/admin.conf`,
          node: String(h.allVars['kube_override_hostname'] ?? h.name),
          grace_period: h.vars.drain_fallback_grace_period,
          timeout: h.vars.drain_fallback_timeout,
          pod_selector: h.vars.drain_pod_selector,
          disable_eviction: true,
          progress_interval: h.vars.drain_progress_interval,
        })), {
          when: 'drain_nodes and drain_fallback_enabled and result.rc != 0', delegateTo: FIRST_CP, register: 'drain_fallback_result',
          retries: '{{ drain_fallback_retries }}', delay: '{{ drain_fallback_retry_delay_seconds }}', until: 'drain_fallback_result.rc == 0',
          changedWhen: 'drain_fallback_result.rc == 0',
        });
      }, {
        when: 'needs_cordoning | default(false)',
        rescue: (r) => {
          r.task('set node back to schedulable', command(`${KUBECTL} uncordon ${NODE}`), { delegateTo: FIRST_CP, when: 'upgrade_node_uncordon_after_drain_failure' });
          r.task('fail after rescue', fail({
            msg: `Failed to drain node ${NODE}` +
              // kubectl drain has --disable-eviction from 1.18 on: an older client refuses the fallback's flag
              "{{ (': the fallback drain needs kubectl 1.18 or later for --disable-eviction (' ~ kube_packages_bin_dir ~ '/kubectl on ' ~ groups['kube_control_plane'][0] ~ ' is older); " +
              "make room for the evictions (the PodDisruptionBudget) or run with drain_fallback_enabled=false and a longer drain_timeout') if (drain_fallback_result.stderr | default('')) is search('unknown flag: --disable-eviction') else '' }}",
          }), { when: 'upgrade_node_fail_if_drain_fails' });
        },
      });
    }, { when: 'not (upgrade_node_at_target | default(false))' });
  },
});
