import { command, defineRole, fail, roleVars, systemd, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { etcdDefaults, etcdVars } from '../etcd/index.js';

// kubespray's remove-node/remove-etcd-node (FACTS §3.6, seed 000's manual procedure): on the first
// etcd member, find the member whose first peer URL is this host's and `etcdctl member remove` it
// by its hex ID. IDs are 64-bit; `'%x' | format(ID)` keeps them exact. A reachable member's etcd is
// stopped first: a member removed while running exits, and its unit's Restart=always starts it again
// as a removed member every 10 s until reset stops it. The others are still a majority (n-1 of n).

export const removeEtcdNodeVars = roleVars({
  ...etcdVars.shape,
  etcd_deployment_type: v.enum('host', 'docker', 'kubeadm'),
  kube_cert_dir: v.string(),
  /** where etcdctl on the first member reaches the cluster (kubespray: https://127.0.0.1:2379) */
  etcd_remove_endpoint: v.string(),
  etcd_remove_tls_flags: v.string(),
});
export type RemoveEtcdNodeVars = Infer<typeof removeEtcdNodeVars>;

const FIRST = "{{ groups['etcd'] | first }}";
const ETCDCTL = '{{ etcdctl_bin }} {{ etcd_remove_tls_flags }} --endpoints={{ etcd_remove_endpoint }}';

export default defineRole({
  name: 'remove-etcd-node',
  vars: removeEtcdNodeVars,
  defaults: {
    ...etcdDefaults,
    etcd_deployment_type: 'host',
    kube_cert_dir: '/etc/kubernetes/ssl',
    etcd_remove_endpoint:
      "{{ etcd_scheme }}://{{ hostvars[groups['etcd'][0]]['ip'] | default(hostvars[groups['etcd'][0]]['ansible_host']) }}:{{ etcd_client_port }}",
    etcd_remove_tls_flags:
      "{% if etcd_deployment_type == 'kubeadm' %}--cacert={{ kube_cert_dir }}/etcd/ca.crt --cert={{ kube_cert_dir }}/etcd/server.crt --key={{ kube_cert_dir }}/etcd/server.key" +
      "{% elif etcd_tls %}--cacert={{ etcd_cert_dir }}/ca.pem --cert={{ etcd_cert_dir }}/admin-{{ groups['etcd'] | first }}.pem --key={{ etcd_cert_dir }}/admin-{{ groups['etcd'] | first }}-key.pem{% endif %}",
  },
  tasks: (t) => {
    t.task('the first etcd member cannot remove itself', fail({
      msg: "{{ inventory_hostname }} is the first host of [etcd], which runs the removal of the others. To remove it, put another member first in [etcd], run cluster.ts (or upgrade-cluster.ts) so every host uses the new order, then run remove-node.ts -e node={{ inventory_hostname }} again.",
    }), { when: "inventory_hostname == groups['etcd'] | first" });
    t.task('stop etcd on the member to remove', systemd({ name: 'etcd', state: 'stopped' }), {
      when: "etcd_deployment_type == 'host' and (reset_nodes | default(true) | bool)",
    });
    t.task('lookup members infos', command(`${ETCDCTL} member list -w json`), {
      delegateTo: FIRST,
      register: 'etcd_members',
      changedWhen: false,
      checkMode: false,
    });
    t.task('remove member from cluster', command(`${ETCDCTL} member remove {{ '%x' | format(member.ID) }}`), {
      delegateTo: FIRST,
      // (a loop is worked out before `when`: the role skipped on a host outside [etcd] has no list)
      loop: "{{ (etcd_members.stdout | from_json).members if etcd_members.stdout is defined else [] }}",
      loopControl: { loopVar: 'member', label: "{{ member.name | default('') }} {{ member.peerURLs | default([]) | join(',') }}" },
      when: "(member.peerURLs | default([]) | first | default('')) == etcd_peer_url",
      register: 'etcd_removal_output',
      changedWhen: (r) => /Removed member/.test(String(r.stdout)),
      // etcd refuses a reconfiguration until every member has been connected for a few seconds
      retries: (h) => h.vars.etcd_retries,
      delay: 3,
      until: (r) => r.rc === 0 || /member not found/.test(String(r.stderr)),
      failedWhen: (r) => r.rc !== 0 && !/member not found/.test(String(r.stderr)),
    });
  },
});
