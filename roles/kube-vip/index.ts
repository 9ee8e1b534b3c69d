import { assert, defineRole, file, set_fact, stat, template } from '../../lib/index.js';
import { kubeVipVars } from './vars.js';

export { kubeVipVars, type KubeVipVars } from './vars.js';

// kube-vip as kubespray installs it (roles/kubernetes/node/tasks/loadbalancer/kube-vip.yml): a
// static pod on every control-plane host holding kube_vip_address (ARP or BGP). The first control
// plane mounts super-admin.conf while kubeadm has not run yet or that file exists (kubeadm 1.29+:
// admin.conf only works once the RBAC it needs exists), the others admin.conf. There is no
// checker for a kube-vip config: the manifest is rendered, not validated.

export default defineRole({
  name: 'kube-vip',
  vars: kubeVipVars,
  defaults: {
    kube_vip_enabled: false,
    kube_vip_controlplane_enabled: false,
    kube_vip_arp_enabled: false,
    kube_vip_cidr: 32,
    kube_vip_dns_mode: 'first',
    kube_vip_ddns_enabled: false,
    kube_vip_cp_detect: false,
    kube_vip_services_enabled: false,
    kube_vip_enableServicesElection: false,
    kube_vip_leader_election_enabled: '{{ kube_vip_arp_enabled }}',
    kube_vip_leasename: 'plndr-cp-lock',
    kube_vip_svc_leasename: 'plndr-svcs-lock',
    kube_vip_leaseduration: 5,
    kube_vip_renewdeadline: 3,
    kube_vip_retryperiod: 1,
    kube_vip_enable_node_labeling: false,
    kube_vip_bgp_enabled: false,
    kube_vip_local_as: 65000,
    kube_vip_bgp_peeras: 65000,
    kube_vip_lb_enable: false,
    kube_vip_lb_fwdmethod: 'local',
    kube_vip_metrics_enabled: false,
    kube_vip_metrics_port: 2112,
    kube_vip_version: '1.0.3',
    kube_vip_image_repo: "ghcr.io/kube-vip/kube-vip{{ '-iptables' if kube_vip_lb_fwdmethod == 'masquerade' else '' }}",
    kube_vip_image_tag: 'v{{ kube_vip_version }}',
    kube_apiserver_port: 6443,
    kube_config_dir: '/etc/kubernetes',
    kube_manifest_dir: '{{ kube_config_dir }}/manifests',
    k8s_image_pull_policy: 'IfNotPresent',
    kube_proxy_mode: 'ipvs',
    kube_proxy_strict_arp: false,
  },
  tasks: (t) => {
    t.block(
      'kube-vip',
      (b) => {
        b.task(
          'kube-vip settings are complete',
          assert({
            that: ['kube_vip_address is defined', "not (kube_vip_arp_enabled and kube_proxy_mode == 'ipvs' and not kube_proxy_strict_arp)"],
            fail_msg:
              "kube-vip needs kube_vip_address (the VIP), and with kube_vip_arp_enabled and kube_proxy_mode ipvs also kube_proxy_strict_arp: true (kube-vip's ARP docs)",
            quiet: true,
          }),
        );
        b.task('super-admin.conf exists', stat({ path: '{{ kube_config_dir }}/super-admin.conf', get_checksum: false }), { register: 'kube_vip_super_admin' });
        b.task('kubeadm has run', stat({ path: '/var/lib/kubelet/config.yaml', get_checksum: false }), { register: 'kube_vip_kubeadm_ran' });
        b.task(
          'kubeconfig kube-vip uses',
          set_fact({
            kube_vip_admin_conf:
              "{{ 'super-admin.conf' if inventory_hostname == groups['kube_control_plane'][0] and ((kube_vip_super_admin.stat.exists and kube_vip_super_admin.stat.isreg) or not kube_vip_kubeadm_ran.stat.exists) else 'admin.conf' }}",
          }),
        );
        b.task('static pod manifests dir', file({ path: '{{ kube_manifest_dir }}', state: 'directory', mode: '0755' }));
        b.task('kube-vip static pod', template({ src: 'kube-vip.yml.njk', dest: '{{ kube_manifest_dir }}/kube-vip.yml', mode: '0640' }));
      },
      { when: ['kube_vip_enabled', "inventory_hostname in (groups['kube_control_plane'] | default([]))"] },
    );
  },
});
