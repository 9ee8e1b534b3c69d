import { command, defineRole, file, roleVars, systemd, template, v, wait_for } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// etcd as kubespray runs it: /etc/etcd.env rendered from the [etcd] group (seed 004), a systemd
// unit, members started together, restarts one host at a time so the cluster keeps quorum.
export const etcdVars = roleVars({
  etcd_data_dir: v.string(),
  etcd_address: v.string(),
  etcd_client_port: v.integer(),
  etcd_peer_port: v.integer(),
  etcd_member_name: v.string(),
  /** https with the kubespray cert layout, or http (the lab, on loopback only) */
  etcd_tls: v.boolean(),
  etcd_cert_dir: v.string(),
  etcd_metrics: v.enum('basic', 'extensive'),
  /** also listen on 127.0.0.1 (kubespray does; lab hosts share one loopback, so they do not) */
  etcd_listen_loopback: v.boolean(),
  etcd_election_timeout: v.integer(),
  etcd_heartbeat_interval: v.integer(),
  etcd_initial_cluster_token: v.string(),
  /** `new` when forming a cluster; `existing` when adding a member to a running one (seed 004) */
  etcd_initial_cluster_state: v.enum('new', 'existing'),
  etcd_compaction_retention: v.string(),
  etcd_snapshot_count: v.integer(),
  etcd_peer_client_auth: v.boolean(),
  etcd_bin: v.string(),
  etcdctl_bin: v.string(),
  // derived, as kubespray names them; override only to point elsewhere
  etcd_scheme: v.enum('http', 'https'),
  etcd_client_url: v.string(),
  etcd_peer_url: v.string(),
  /** every member's client URL, in [etcd] order */
  etcd_access_addresses: v.string(),
  /** ETCD_INITIAL_CLUSTER: etcdN=peer URL for every member, in [etcd] order */
  etcd_peer_addresses: v.string(),
  etcdctl_tls_flags: v.string(),
});
export type EtcdVars = Infer<typeof etcdVars>;

export default defineRole({
  name: 'etcd',
  vars: etcdVars,
  defaults: {
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
  },
  handlers: {
    'restart etcd': {
      call: systemd({ name: 'etcd', state: 'restarted', daemon_reload: true }),
      // one member at a time: the other two keep quorum; a member this run just started already
      // runs the new config, so it is not restarted again
      opts: { throttle: 1, when: 'not (etcd_start.changed | default(false))' },
    },
  },
  tasks: (t) => {
    t.task('etcd data dir', file({ path: '{{ etcd_data_dir }}', state: 'directory', mode: '0700' }));
    t.task('render /etc/etcd.env', template({ src: 'etcd.env.njk', dest: '/etc/etcd.env', mode: '0640' }), { notify: 'restart etcd' });
    t.task('etcd systemd unit', template({ src: 'etcd.service.njk', dest: '/etc/systemd/system/etcd.service', mode: '0644' }), {
      notify: 'restart etcd',
    });
    t.task('start and enable etcd', systemd({ name: 'etcd', state: 'started', enabled: true, daemon_reload: true }), { register: 'etcd_start' });
    t.task('wait for the client port', wait_for((h) => ({ host: String(h.vars.etcd_address), port: Number(h.vars.etcd_client_port), timeout: 60 })));
    t.flushHandlers();
    t.task('cluster is healthy', command('{{ etcdctl_bin }} {{ etcdctl_tls_flags }} --endpoints={{ etcd_access_addresses }} endpoint health'), {
      changedWhen: false,
      checkMode: false,
      retries: 10,
      delay: 2,
      until: (r) => r.rc === 0,
    });
  },
});
