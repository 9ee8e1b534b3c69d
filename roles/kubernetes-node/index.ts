import { assert, command, copy, defineRole, roleVars, systemd, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { clusterDefaults, clusterShape } from '../kubespray-defaults/index.js';

// The kubelet's per-host settings (kubespray's kubernetes/node role, for the packaged kubelet):
// the addresses it listens on and reports, in /etc/default/kubelet, which the kubeadm drop-in of
// the kubelet package reads (KUBELET_EXTRA_ARGS); the cluster-wide KubeletConfiguration cannot
// carry per-host addresses. And the check seed 003 is about: the container runtime's cgroup driver
// must be the kubelet's, or the kubelet refuses to start after kubeadm has begun.

/**
 * Before 1.24 the kubelet talks to dockershim unless told otherwise: with containerd it needs
 * `--container-runtime=remote` and the CRI socket (kubespray's kubelet.env did the same until
 * dockershim was removed; 1.24+ kubelets only speak CRI, and 1.27 removed the flag).
 */
const REMOTE_RUNTIME =
  "(' --container-runtime=remote --container-runtime-endpoint=' ~ cri_socket) if kube_version_plain is version('1.24.0', '<') else ''";

export const kubernetesNodeVars = roleVars({
  main_ip: clusterShape.main_ip,
  kubelet_bind_address: clusterShape.kubelet_bind_address,
  kubelet_healthz_bind_address: clusterShape.kubelet_healthz_bind_address,
  kubelet_cgroup_driver: clusterShape.kubelet_cgroup_driver,
  kube_config_dir: clusterShape.kube_config_dir,
  containerd_cfg_dir: v.string(),
  kube_version: clusterShape.kube_version,
  kube_version_plain: clusterShape.kube_version_plain,
  cri_socket: clusterShape.cri_socket,
  /** more kubelet flags, appended to KUBELET_EXTRA_ARGS */
  kubelet_custom_flags: v.array(v.string()),
});
export type KubernetesNodeVars = Infer<typeof kubernetesNodeVars>;

export default defineRole({
  name: 'kubernetes-node',
  vars: kubernetesNodeVars,
  defaults: {
    main_ip: clusterDefaults.main_ip,
    kubelet_bind_address: clusterDefaults.kubelet_bind_address,
    kubelet_healthz_bind_address: clusterDefaults.kubelet_healthz_bind_address,
    kubelet_cgroup_driver: clusterDefaults.kubelet_cgroup_driver,
    kube_config_dir: clusterDefaults.kube_config_dir,
    containerd_cfg_dir: '/etc/containerd',
    kube_version: clusterDefaults.kube_version,
    kube_version_plain: clusterDefaults.kube_version_plain,
    cri_socket: clusterDefaults.cri_socket,
    kubelet_custom_flags: [],
  },
  handlers: {
    // a kubelet that has joined picks its new flags up; before kubeadm ran it is not started
    'restart kubelet': { call: systemd({ name: 'kubelet', state: 'restarted', daemon_reload: true }), opts: { when: 'kubelet_joined.rc == 0' } },
  },
  tasks: (t) => {
    t.task('containerd cgroup driver', command("sed -n 's/^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*\\(true\\|false\\)[[:space:]]*$/\\1/p' {{ containerd_cfg_dir }}/config.toml"), {
      register: 'containerd_systemd_cgroup', changedWhen: false, failedWhen: false, checkMode: false,
    });
    t.task('kubelet and containerd use the same cgroup driver', assert({
      that: ["(containerd_systemd_cgroup.stdout | trim == 'true') == (kubelet_cgroup_driver == 'systemd')"],
      fail_msg: "{{ inventory_hostname }}: {{ containerd_cfg_dir }}/config.toml has SystemdCgroup = {{ containerd_systemd_cgroup.stdout | trim or '(not set: cgroupfs)' }} but kubelet_cgroup_driver is {{ kubelet_cgroup_driver }}: the kubelet would refuse to start (kubelet cgroup driver differs from containerd's). Set containerd_use_systemd_cgroup: {{ 'true' if kubelet_cgroup_driver == 'systemd' else 'false' }} (role container-engine) or kubelet_cgroup_driver to match, and run again",
    }), { when: 'not ansible_check_mode or containerd_systemd_cgroup.rc == 0' });
    t.task('kubelet joined', command('test -f {{ kube_config_dir }}/kubelet.conf'), { register: 'kubelet_joined', changedWhen: false, failedWhen: false, checkMode: false });
    t.task('kubelet addresses', copy({
      dest: '/etc/default/kubelet',
      mode: '0644',
      content: "KUBELET_EXTRA_ARGS=--node-ip={{ main_ip }} --address={{ kubelet_bind_address }} --healthz-bind-address={{ kubelet_healthz_bind_address }}" +
        `{{ ${REMOTE_RUNTIME} }}{% for f in kubelet_custom_flags %} {{ f }}{% endfor %}\n`,
    }), { notify: 'restart kubelet' });
  },
});
