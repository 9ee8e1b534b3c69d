import { command, debug, file, shell, systemd, template, wait_for, type TaskBuilder } from '../../lib/index.js';
import type { EtcdVars } from './vars.js';

// The tasks of an etcd member (FACTS §3.4). A fresh [etcd] forms a new cluster, all members
// started together. A host newly in [etcd] while the cluster is healthy joins it, one host at a
// time (kubespray's join_etcd_member, seed 004): `etcdctl member add`, then etcd.env with
// ETCD_INITIAL_CLUSTER = the members already started + itself and ETCD_INITIAL_CLUSTER_STATE
// existing, then etcd started. The members already running are not restarted for it: their
// etcd.env gains the new member in ETCD_INITIAL_CLUSTER, which etcd reads only when it first
// makes its data dir, so only a change to a setting etcd reads at every start restarts a member.

const ETCDCTL = '{{ etcdctl_bin }} {{ etcdctl_tls_flags }} --endpoints={{ etcd_access_addresses }}';
/** /etc/etcd.env without the settings etcd reads only when it makes its data dir (ETCD_INITIAL_CLUSTER, _STATE, _TOKEN) */
const RUNTIME_ENV = "grep -v '^ETCD_INITIAL_CLUSTER' /etc/etcd.env 2>/dev/null | sha256sum";

export function etcdMemberTasks(t: TaskBuilder<EtcdVars>): void {
  t.task('etcd data dir', file({ path: '{{ etcd_data_dir }}', state: 'directory', mode: '0700' }));
  // one round trip: is the cluster healthy (every member it lists answers), is this host a member
  t.task('etcd cluster health and membership', shell(
    `if ${ETCDCTL} endpoint --cluster health >/dev/null 2>&1; then echo healthy; else echo unhealthy; fi; ` +
      `if ${ETCDCTL} member list 2>/dev/null | grep -q -w -F -- '{{ etcd_peer_url }}'; then echo member; else echo not-member; fi`,
  ), { register: 'etcd_cluster_probe', changedWhen: false, checkMode: false });
  const joining = "'healthy' in etcd_cluster_probe.stdout_lines and 'not-member' in etcd_cluster_probe.stdout_lines";
  t.task('a new member would join the running cluster', debug({ msg: '{{ etcd_member_name }} ({{ etcd_peer_url }}) would be added with etcdctl member add' }), {
    when: `${joining} and ansible_check_mode`,
  });
  t.block('join the running etcd cluster', (b) => {
    b.task('etcdctl member add', command(`${ETCDCTL} member add {{ etcd_member_name }} --peer-urls={{ etcd_peer_url }}`), {
      register: 'etcd_member_add',
      retries: (h) => h.vars.etcd_retries,
      delay: 3,
      until: (r) => r.rc === 0 || /Peer URLs already exists/.test(String(r.stderr)),
      failedWhen: (r) => r.rc !== 0 && !/Peer URLs already exists/.test(String(r.stderr)),
    });
    // ETCD_INITIAL_CLUSTER for a joining member: the members already started (an unstarted member
    // has no name yet) and itself, as `member add` prints it
    b.task('ETCD_INITIAL_CLUSTER of the joining member', shell(
      `${ETCDCTL} member list | awk -F', ' -v me='{{ etcd_member_name }}' -v url='{{ etcd_peer_url }}' ` +
        `'$3 != "" && $4 != url { printf "%s%s=%s", sep, $3, $4; sep = "," } END { printf "%s%s=%s\\n", sep, me, url }'`,
    ), { register: 'etcd_join_cluster', changedWhen: false });
    b.task('render /etc/etcd.env to join', template({ src: 'etcd.env.njk', dest: '/etc/etcd.env', mode: '0640' }), {
      vars: { etcd_peer_addresses: '{{ etcd_join_cluster.stdout }}', etcd_initial_cluster_state: 'existing' },
    });
    b.task('etcd systemd unit', template({ src: 'etcd.service.njk', dest: '/etc/systemd/system/etcd.service', mode: '0644' }));
    b.task('start the new member', systemd({ name: 'etcd', state: 'started', enabled: true, daemon_reload: true }));
    b.task('the new member has started', command(`${ETCDCTL} member list`), {
      register: 'etcd_joined',
      changedWhen: false,
      retries: 20,
      delay: 3,
      until: "etcd_joined.stdout_lines | select('search', ', started, ' ~ etcd_member_name ~ ', ' ~ etcd_peer_url ~ ',') | list | length == 1",
    });
  }, { serial: 1, when: `${joining} and not ansible_check_mode` });

  t.task('etcd settings read at every start, before', shell(RUNTIME_ENV), { register: 'etcd_env_before', changedWhen: false, checkMode: false });
  t.task('render /etc/etcd.env', template({ src: 'etcd.env.njk', dest: '/etc/etcd.env', mode: '0640' }), { register: 'etcd_env' });
  t.task('etcd settings read at every start, after', shell(RUNTIME_ENV), {
    register: 'etcd_env_after',
    when: 'etcd_env.changed and not ansible_check_mode',
    changedWhen: 'etcd_env_after.stdout != etcd_env_before.stdout',
    notify: 'restart etcd',
  });
  t.task('etcd systemd unit', template({ src: 'etcd.service.njk', dest: '/etc/systemd/system/etcd.service', mode: '0644' }), {
    notify: 'restart etcd',
  });
  t.task('start and enable etcd', systemd({ name: 'etcd', state: 'started', enabled: true, daemon_reload: true }), { register: 'etcd_start' });
  // under --check a member that would be started is not running: nothing to wait for or ask
  const running = 'not (ansible_check_mode and etcd_start.changed)';
  t.task('wait for the client port', wait_for((h) => ({ host: String(h.vars.etcd_address), port: Number(h.vars.etcd_client_port), timeout: 60 })), { when: running });
  t.flushHandlers();
  t.task('cluster is healthy', command(`${ETCDCTL} endpoint health`), {
    changedWhen: false,
    checkMode: false,
    when: running,
    retries: 10,
    delay: 2,
    until: (r) => r.rc === 0,
  });
}
