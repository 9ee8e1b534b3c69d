import { defineRole, systemd, type Defaults } from '../../lib/index.js';
import { etcdCertTasks } from './certs.js';
import { etcdMemberTasks } from './member.js';
import { etcdVars, type EtcdVars } from './vars.js';

export { etcdVars, type EtcdVars } from './vars.js';

// etcd as kubespray runs it: /etc/etcd.env rendered from the [etcd] group (seed 004), a systemd
// unit, members started together, restarts one host at a time so the cluster keeps quorum. With
// etcd_tls (the default) it first makes and distributes the PKI (certs.ts). The play runs on the
// etcd members and the control plane (which needs the node- certificates); only members run etcd.
// A host newly in [etcd] joins the running cluster one at a time (member.ts, seed 004), the
// members already there keep running.

/** the role's defaults, also the defaults of roles that act on etcd members (remove-etcd-node) */
export const etcdDefaults: Defaults<EtcdVars> = {
    etcd_data_dir: '/var/lib/etcd',
    etcd_address: '{{ ip | default(ansible_host) }}',
    etcd_client_port: 2379,
    etcd_peer_port: 2380,
    // etcdN, N = position of the host in [etcd], as kubespray names members
    etcd_member_name: (h) => `etcd${(h.groups.etcd ?? []).indexOf(h.name) + 1}`,
    etcd_tls: true,
    etcd_cert_dir: '/etc/ssl/etcd/ssl',
    etcd_metrics: 'basic',
    etcd_listen_loopback: true,
    etcd_election_timeout: 5000,
    etcd_heartbeat_interval: 250,
    etcd_initial_cluster_token: 'k8s_etcd',
    etcd_initial_cluster_state: 'new',
    etcd_compaction_retention: '8',
    etcd_snapshot_count: 10000,
    etcd_peer_client_auth: true,
    etcd_bin: '/usr/local/bin/etcd',
    etcdctl_bin: '/usr/local/bin/etcdctl',
    etcd_scheme: "{{ 'https' if etcd_tls else 'http' }}",
    etcd_client_url: '{{ etcd_scheme }}://{{ etcd_address }}:{{ etcd_client_port }}',
    etcd_peer_url: '{{ etcd_scheme }}://{{ etcd_address }}:{{ etcd_peer_port }}',
    etcd_access_addresses:
      "{% for m in groups['etcd'] %}{{ etcd_scheme }}://{{ hostvars[m]['ip'] | default(hostvars[m]['ansible_host']) }}:{{ etcd_client_port }}{% if not loop.last %},{% endif %}{% endfor %}",
    etcd_peer_addresses:
      "{% for m in groups['etcd'] %}etcd{{ loop.index }}={{ etcd_scheme }}://{{ hostvars[m]['ip'] | default(hostvars[m]['ansible_host']) }}:{{ etcd_peer_port }}{% if not loop.last %},{% endif %}{% endfor %}",
    etcdctl_tls_flags:
      '{% if etcd_tls %}--cacert={{ etcd_cert_dir }}/ca.pem --cert={{ etcd_cert_dir }}/admin-{{ inventory_hostname }}.pem --key={{ etcd_cert_dir }}/admin-{{ inventory_hostname }}-key.pem{% endif %}',
    etcd_config_dir: '/etc/ssl/etcd',
    etcd_script_dir: '/usr/local/bin/etcd-scripts',
    etcd_cert_alt_names: [
      "etcd.kube-system.svc.{{ dns_domain | default('cluster.local') }}",
      'etcd.kube-system.svc',
      'etcd.kube-system',
      'etcd',
    ],
    etcd_cert_alt_ips: [],
    certificates_key_size: 2048,
    certificates_duration: 36500,
    etcd_cert_renew_days: 30,
    force_etcd_cert_refresh: false,
    // the current group name: playbooks/boilerplate.ts maps the legacy kube-master onto it
    etcd_cert_node_hosts: "{{ groups['kube_control_plane'] | default([]) }}",
    etcd_cert_files:
      "{{ (['ca.pem', 'ca-key.pem', 'member-' ~ inventory_hostname ~ '.pem', 'member-' ~ inventory_hostname ~ '-key.pem', 'admin-' ~ inventory_hostname ~ '.pem', 'admin-' ~ inventory_hostname ~ '-key.pem'] if inventory_hostname in groups['etcd'] else ['ca.pem']) + (['node-' ~ inventory_hostname ~ '.pem', 'node-' ~ inventory_hostname ~ '-key.pem'] if inventory_hostname in etcd_cert_node_hosts else []) }}",
  etcd_retries: 4,
};

export default defineRole({
  name: 'etcd',
  vars: etcdVars,
  defaults: etcdDefaults,
  handlers: {
    'restart etcd': {
      call: systemd({ name: 'etcd', state: 'restarted', daemon_reload: true }),
      // one member at a time: the other two keep quorum; a member this run just started already
      // runs the new config, so it is not restarted again
      opts: { throttle: 1, when: 'not (etcd_start.changed | default(false))' },
    },
  },
  tasks: (t) => {
    t.block('etcd PKI', (b) => etcdCertTasks(b), { when: 'etcd_tls' });
    t.block('etcd member', (b) => etcdMemberTasks(b), { when: "inventory_hostname in groups['etcd']" });
  },
});
