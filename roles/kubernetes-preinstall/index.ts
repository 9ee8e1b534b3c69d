import { assert, blockinfile, command, copy, defineRole, fail, file, modprobe, shell, swapoff, sysctl, type TaskBuilder } from '../../lib/index.js';
import { portCheckScript } from './ports.js';
import { preinstallDefaults, preinstallVars, type PreinstallVars } from './vars.js';

export { preinstallVars, type PreinstallVars } from './vars.js';

// kubespray's node preparation (roles/kubernetes/preinstall, the kernel parts of
// roles/kubernetes/node and the hostname of roles/bootstrap_os; seed 003; FACTS.md §5), run on
// every host of the cluster before the container runtime and kubeadm: checks first (unique
// hostnames, free ports, swap that would come back), then swap off now and in /etc/fstab,
// br_netfilter and overlay loaded and persisted, the sysctls in kubespray's file, the hostname
// and /etc/hosts. Every task reads before it writes, so a second run changes nothing.

export default defineRole({
  name: 'kubernetes-preinstall',
  vars: preinstallVars,
  defaults: preinstallDefaults,
  tasks: (t) => {
    checks(t);
    t.block('swap off', (b) => swapTasks(b), { when: 'kubelet_fail_swap_on' });
    modules(t);
    sysctls(t);
    names(t);
  },
});

function checks(t: TaskBuilder<PreinstallVars>): void {
  t.task(
    'hostnames are unique across the play',
    assert({
      that: "ansible_play_hosts_all | map('lower') | unique | list | length == ansible_play_hosts_all | length",
      fail_msg: 'two hosts of the play would get the same hostname (names compare case-insensitively): {{ ansible_play_hosts_all | join(", ") }}; give each host its own inventory name',
    }),
    { runOnce: true, when: 'override_system_hostname' },
  );
  // an fstab line is a swap entry when its type (third field) is swap: what `swapon -a` turns on
  t.task('swap entries of /etc/fstab', shell("[ -e /etc/fstab ] || exit 0; awk '$1 !~ /^#/ && $3 == \"swap\"' /etc/fstab"), {
    register: 'preinstall_fstab_swap',
    changedWhen: false,
    checkMode: false,
    when: ['kubelet_fail_swap_on', 'not kube_preinstall_swap_persist'],
  });
  t.task(
    'no swap entry left in /etc/fstab to turn swap on again at boot',
    fail({
      msg: "{{ inventory_hostname }}: /etc/fstab has swap entries ({{ preinstall_fstab_swap.stdout_lines | join('; ') }}) and kube_preinstall_swap_persist is false, so swap comes back at the next boot and the kubelet refuses to start (failSwapOn). Comment them out in /etc/fstab on {{ inventory_hostname }}, or set kube_preinstall_swap_persist: true",
    }),
    { when: ['kubelet_fail_swap_on', 'not kube_preinstall_swap_persist', "preinstall_fstab_swap.stdout | trim != ''"] },
  );
  const ports = t.task('listeners on the ports Kubernetes needs', shell((h) => portCheckScript(h, String(h.vars.kube_config_dir))), {
    register: 'preinstall_ports',
    changedWhen: false,
    checkMode: false,
  });
  t.task(
    'required ports are free',
    fail({
      msg: "{% for l in preinstall_ports.stdout_lines %}{% set f = l.split('|') %}{{ inventory_hostname }}: port {{ f[0] }} ({{ f[1] }}) is in use by {{ f[3] }} listening on {{ f[2] }}; stop it or move {{ f[1] }} to another port/address.{% if not loop.last %} {% endif %}{% endfor %}",
    }),
    { when: (h) => h.result(ports).stdout.trim() !== '' },
  );
}

function swapTasks(t: TaskBuilder<PreinstallVars>): void {
  // seed 003: `swapoff -a` and the swap lines of /etc/fstab commented out (kubespray removes them)
  t.task('swap off now and in /etc/fstab', swapoff((h) => ({ persist: Boolean(h.vars.kube_preinstall_swap_persist) })));
}

function modules(t: TaskBuilder<PreinstallVars>): void {
  t.task('modules-load.d and modprobe.d', file({ path: '{{ item }}', state: 'directory', mode: '0755' }), { loop: ['/etc/modules-load.d', '/etc/modprobe.d'] });
  t.task('br_netfilter loaded', modprobe({ name: 'br_netfilter', state: 'present' }));
  t.task('br_netfilter at boot', copy({ dest: '/etc/modules-load.d/kubespray-br_netfilter.conf', content: 'br_netfilter', mode: '0644' }));
  // containerd's snapshotter (kubespray's containerd unit runs `modprobe overlay` before it starts)
  t.task('overlay loaded and at boot', modprobe({ name: 'overlay', state: 'present', persistent: 'present' }));
}

function sysctls(t: TaskBuilder<PreinstallVars>): void {
  const set = (name: string, value: string) =>
    sysctl((h) => ({ name, value, state: 'present', reload: true, sysctl_file: String(h.vars.sysctl_file_path), ignoreerrors: Boolean(h.vars.sysctl_ignore_unknown_keys) }));
  t.task('sysctl.d', file({ path: "{{ sysctl_file_path | dirname }}", state: 'directory', mode: '0755' }));
  t.task('old kubespray sysctl files gone', file({ path: '/etc/sysctl.d/{{ item }}', state: 'absent' }), { loop: ['ipv4-ip_forward.conf', 'bridge-nf-call.conf'] });
  t.task('ip forwarding', set('net.ipv4.ip_forward', '1'), { when: 'ipv4_stack' });
  t.task('ipv6 forwarding', set('net.ipv6.conf.all.forwarding', '1'), { when: 'ipv6_stack' });
  t.task('kubelet expected kernel parameters', sysctl({ name: '{{ item.name }}', value: '{{ item.value }}', reload: true, sysctl_file: '{{ sysctl_file_path }}' }), {
    loop: [
      { name: 'kernel.keys.root_maxbytes', value: 25000000 },
      { name: 'kernel.keys.root_maxkeys', value: 1000000 },
      { name: 'kernel.panic', value: 10 },
      { name: 'kernel.panic_on_oops', value: 1 },
      { name: 'vm.overcommit_memory', value: 1 },
      { name: 'vm.panic_on_oom', value: 0 },
    ],
    when: 'kubelet_protect_kernel_defaults',
  });
  t.task('fs.inotify.max_user_instances', command('sysctl -n fs.inotify.max_user_instances'), { register: 'preinstall_inotify', changedWhen: false, checkMode: false });
  t.task('fs.inotify.max_user_instances at least 8192', set('fs.inotify.max_user_instances', '8192'), { when: 'preinstall_inotify.stdout | int < 8192' });
  t.task('additional sysctls', sysctl({ name: '{{ item.name }}', value: '{{ item.value }}', reload: true, sysctl_file: '{{ sysctl_file_path }}' }), { loop: '{{ additional_sysctl }}' });
  t.task('bridge-nf-call-iptables present', command('sysctl net.bridge.bridge-nf-call-iptables'), { register: 'preinstall_brnf', changedWhen: false, failedWhen: false, checkMode: false });
  // in --check br_netfilter is not loaded yet: the keys are unknown, and planned all the same
  const brnf = sysctl((h) => ({ name: String(h.allVars.item), value: '1', reload: true, sysctl_file: String(h.vars.sysctl_file_path), ignoreerrors: Boolean(h.vars.sysctl_ignore_unknown_keys) || h.allVars.ansible_check_mode === true }));
  t.task('bridge-nf-call tables', brnf, {
    loop: ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-arptables', 'net.bridge.bridge-nf-call-ip6tables'],
    when: 'preinstall_brnf.rc == 0 or ansible_check_mode',
  });
  t.task('NodePort range reserved', set('net.ipv4.ip_local_reserved_ports', '{{ kube_apiserver_node_port_range }}'), { when: 'kube_apiserver_node_port_range_sysctl' });
}

function names(t: TaskBuilder<PreinstallVars>): void {
  t.task('current hostname', command('hostname'), { register: 'preinstall_hostname', changedWhen: false, checkMode: false, when: 'override_system_hostname' });
  t.task('/etc/hostname', copy({ dest: '/etc/hostname', content: '{{ inventory_hostname }}\n', mode: '0644' }), { when: 'override_system_hostname' });
  t.task('hostname', command('hostname {{ inventory_hostname }}'), { when: ['override_system_hostname', 'preinstall_hostname.stdout != inventory_hostname'] });
  t.task(
    'inventory hosts in /etc/hosts',
    blockinfile({
      path: '/etc/hosts',
      marker: '# Ansible inventory hosts {mark}',
      block:
        "{% for h in ((groups['k8s_cluster'] | default([])) + (groups['etcd'] | default([])) + (groups['calico_rr'] | default([]))) | unique %}{{ hostvars[h]['access_ip'] | default(hostvars[h]['ip']) | default(hostvars[h]['ansible_host']) }} {{ h }}.{{ dns_domain }} {{ h }}\n{% endfor %}",
    }),
    { when: 'populate_inventory_to_hosts_file' },
  );
}
