import { apt, command, defineRole, file, shell, stat, systemd } from '../../lib/index.js';
import { resetVars } from './vars.js';

export { resetVars, type ResetVars } from './vars.js';

// kubespray's reset role (FACTS §3.7): stop the services, take their units away, clear containers,
// mounts, iptables and IPVS, and delete what the install wrote (Kubernetes, etcd, CNI, the load
// balancer's config, binaries and packages), so that cluster.ts can install the host again.
// Every step tolerates what is already gone: a second reset changes nothing.
// Unlike kubespray, `kubeadm reset -f` runs first when kubeadm is there (it removes a stacked etcd
// member and cleans what kubeadm wrote, as kubeadm's own docs say to do before reusing a host).

const FILES = [
  '{{ kube_config_dir }}',
  '/var/lib/kubelet',
  '{{ containerd_storage_dir }}',
  "{{ ansible_env.HOME | default('/root') }}/.kube",
  "{{ ansible_env.HOME | default('/root') }}/.helm",
  "{{ ansible_env.HOME | default('/root') }}/.config/helm",
  "{{ ansible_env.HOME | default('/root') }}/.cache/helm",
  "{{ ansible_env.HOME | default('/root') }}/.local/share/helm",
  '{{ etcd_data_dir }}',
  '{{ etcd_events_data_dir }}',
  '{{ etcd_config_dir }}',
  '/var/log/calico',
  '/var/log/containers',
  '/etc/cni',
  '/etc/nerdctl',
  '{{ nginx_config_dir }}',
  '{{ haproxy_config_dir }}',
  '/etc/systemd/resolved.conf.d/kubespray.conf',
  '/etc/etcd.env',
  '/etc/calico',
  '/etc/NetworkManager/conf.d/calico.conf',
  '/etc/NetworkManager/conf.d/k8s.conf',
  '/opt/cni',
  '/run/kubernetes',
  '/usr/local/share/ca-certificates/etcd-ca.crt',
  '/usr/local/share/ca-certificates/kube-ca.crt',
  '/etc/ssl/certs/etcd-ca.pem',
  '/etc/ssl/certs/kube-ca.pem',
  '/var/log/pods/',
  '{{ bin_dir }}/kubelet',
  '{{ bin_dir }}/etcd-scripts',
  '{{ bin_dir }}/etcd',
  '{{ bin_dir }}/etcd-events',
  '{{ bin_dir }}/etcdctl',
  '{{ bin_dir }}/etcdctl.sh',
  '{{ bin_dir }}/kubernetes-scripts',
  '{{ bin_dir }}/kubectl',
  '{{ bin_dir }}/kubeadm',
  '{{ bin_dir }}/helm',
  '{{ bin_dir }}/calicoctl',
  '{{ bin_dir }}/calicoctl.sh',
  '{{ bin_dir }}/crictl',
  '{{ bin_dir }}/nerdctl',
  '{{ bin_dir }}/k8s-certs-renew.sh',
  '/var/lib/cni',
  '/var/lib/calico',
  '/run/calico',
  '/etc/bash_completion.d/kubectl.sh',
  '/etc/bash_completion.d/crictl',
  '/etc/modules-load.d/kube_proxy-ipvs.conf',
  '/etc/modules-load.d/kubespray-br_netfilter.conf',
  '/usr/libexec/kubernetes',
  '{{ sysctl_file_path }}',
  '/etc/crictl.yaml',
];

export default defineRole({
  name: 'reset',
  vars: resetVars,
  defaults: {
    flush_iptables: true,
    reset_restart_network: true,
    cri_stop_containers_grace_period: 0,
    ipv4_stack: true,
    ipv6_stack: false,
    kube_proxy_mode: 'ipvs',
    enable_nodelocaldns: true,
    container_manager: 'containerd',
    bin_dir: '/usr/local/bin',
    containerd_bin_dir: '/usr/local/bin',
    containerd_storage_dir: '/var/lib/containerd',
    kube_config_dir: '/etc/kubernetes',
    etcd_data_dir: '/var/lib/etcd',
    etcd_events_data_dir: '/var/lib/etcd-events',
    etcd_config_dir: '/etc/ssl/etcd',
    nginx_config_dir: '/etc/nginx',
    haproxy_config_dir: '/etc/haproxy',
    sysctl_file_path: '/etc/sysctl.d/99-sysctl.conf',
    kube_packages: ['kubeadm', 'kubelet', 'kubectl'],
  },
  tasks: (t) => {
    const kubeadm = t.task('kubeadm present', shell('command -v kubeadm || true'), { changedWhen: false, checkMode: false });
    t.task('kubeadm reset', command('kubeadm reset -f'), {
      when: (h) => h.result(kubeadm).stdout.trim() !== '',
      // a host whose API or etcd is gone is still wiped by the tasks below
      failedWhen: false,
    });
    t.task('stop services', systemd({ name: '{{ item }}', state: 'stopped', enabled: false }), {
      loop: ['kubelet.service', 'cri-dockerd.service', 'cri-dockerd.socket'],
      failedWhen: false,
    });
    const removed = t.task('remove services', file({ path: '/etc/systemd/system/{{ item }}', state: 'absent' }), {
      loop: ['kubelet.service', 'kubelet.service.d', 'cri-dockerd.service', 'cri-dockerd.socket', 'calico-node.service', 'containerd.service.d/http-proxy.conf', 'crio.service.d/http-proxy.conf', 'k8s-certs-renew.service', 'k8s-certs-renew.timer'],
    });
    t.task('systemctl daemon-reload', systemd({ daemon_reload: true }), { when: (h) => h.result(removed).results.some((r) => r.changed) });

    const crictl = t.task('crictl present', stat({ path: '{{ bin_dir }}/crictl' }));
    t.task('stop and remove all cri containers and pods', shell(
      '{{ bin_dir }}/crictl ps -q | xargs -r {{ bin_dir }}/crictl -t 60s stop -t {{ cri_stop_containers_grace_period }}; {{ bin_dir }}/crictl rm -a -f; ' +
        '{{ bin_dir }}/crictl pods -q | xargs -r {{ bin_dir }}/crictl -t 60s stopp; {{ bin_dir }}/crictl rmp -a -f',
    ), {
      when: (h) => h.result(crictl).stat.exists === true && ['crio', 'containerd'].includes(h.vars.container_manager),
      ignoreErrors: true,
    });
    t.task('stop containerd and etcd services', systemd({ name: '{{ item }}', state: 'stopped', enabled: false }), {
      loop: ['containerd.service', 'etcd.service', 'etcd-events.service'],
      failedWhen: false,
    });
    const removed2 = t.task('remove containerd and etcd services', file({ path: '/etc/systemd/system/{{ item }}', state: 'absent' }), {
      loop: ['containerd.service', 'etcd.service', 'etcd-events.service'],
    });
    t.task('systemctl daemon-reload again', systemd({ daemon_reload: true }), { when: (h) => h.result(removed2).results.some((r) => r.changed) });

    t.task('mounted kubelet dirs', shell("mount | grep /var/lib/kubelet/ | awk '{print $3}' | tac"), { register: 'reset_mounted_dirs', changedWhen: false, failedWhen: false, checkMode: false });
    // (a loop is worked out before `when`: on a skipped role there is no list)
    t.task('unmount kubelet dirs', command('umount -f {{ item }}'), { loop: '{{ reset_mounted_dirs.stdout_lines | default([]) }}', retries: 4, delay: 5, until: (r) => r.rc === 0 });

    t.task('iptables: policies ACCEPT, tables flushed, user chains deleted', shell(
      'for c in INPUT FORWARD OUTPUT; do iptables -P $c ACCEPT; done; for t in filter nat mangle raw; do iptables -t $t -F; done; iptables -X',
    ), { when: 'flush_iptables and ipv4_stack' });
    t.task('ip6tables: policies ACCEPT, tables flushed, user chains deleted', shell(
      'for c in INPUT FORWARD OUTPUT; do ip6tables -P $c ACCEPT; done; for t in filter nat mangle raw; do ip6tables -t $t -F; done; ip6tables -X',
    ), { when: 'flush_iptables and ipv6_stack' });
    // only when there is a table to clear (kubespray's `ipvsadm -C` reports a change on every run)
    t.task('clear the IPVS virtual server table', shell('command -v ipvsadm >/dev/null || exit 0; if [ -n "$(ipvsadm -Sn)" ]; then ipvsadm -C && echo cleared; fi'), {
      when: "kube_proxy_mode == 'ipvs' and 'k8s_cluster' in group_names",
      changedWhen: (r) => /cleared/.test(String(r.stdout)),
      ignoreErrors: true,
    });
    const ipvs0 = t.task('kube-ipvs0 present', stat({ path: '/sys/class/net/kube-ipvs0' }));
    t.task('remove kube-ipvs0', command('ip link del kube-ipvs0'), { when: (h) => h.vars.kube_proxy_mode === 'ipvs' && h.result(ipvs0).stat.exists === true });
    const nld = t.task('nodelocaldns present', stat({ path: '/sys/class/net/nodelocaldns' }));
    t.task('remove nodelocaldns', command('ip link del nodelocaldns'), { when: (h) => h.vars.enable_nodelocaldns && h.result(nld).stat.exists === true });

    t.task('kube packages no longer held', command('apt-mark unhold {{ item }}'), {
      loop: '{{ kube_packages }}',
      changedWhen: (r) => /Canceled hold/.test(String(r.stdout)),
      failedWhen: false,
    });
    t.task('remove the kube packages', apt({ name: '{{ kube_packages }}', state: 'absent', purge: true }));
    t.task('delete files and directories', file({ path: '{{ item }}', state: 'absent' }), { loop: FILES, ignoreErrors: true });
    t.task('remove containerd binary files', file({ path: '{{ containerd_bin_dir }}/{{ item }}', state: 'absent' }), {
      loop: ['containerd', 'containerd-shim', 'containerd-shim-runc-v1', 'containerd-shim-runc-v2', 'containerd-stress', 'crictl', 'critest', 'ctd-decoder', 'ctr', 'runc'],
      when: "container_manager == 'containerd'",
      ignoreErrors: true,
    });
    t.task('restart the active network services', shell(
      'for s in NetworkManager systemd-networkd networking network; do if systemctl is-active -q "$s" 2>/dev/null; then systemctl restart "$s" && echo "restarted $s"; fi; done',
    ), { when: 'reset_restart_network', changedWhen: (r) => /restarted/.test(String(r.stdout)) });
  },
});
