import { command, copy, debug, defineRole, fail, file, lineinfile, set_fact, shell, systemd, type HostView, type TaskBuilder } from '../../lib/index.js';
import etcd from '../etcd/index.js';
import { initialCluster, parseMemberList, type ListedMember, planRecovery, type MemberProbe, type RecoverPlan } from './plan.js';
import { recoverEtcdVars, type RecoverEtcdVars } from './vars.js';

export { recoverEtcdVars, type RecoverEtcdVars } from './vars.js';

// Seed 004's etcd recovery (3 → 1 → 3) as kubespray's recover_control_plane/etcd would do it, with
// the safety kubespray lacks: every member is probed and the plan (plan.ts) made before anything is
// touched; a cluster that kept quorum is refused unless broken_etcd names the members to replace;
// old data dirs are moved aside, never deleted. Runs on every [etcd] host.

const ENV = '/etc/etcd.env';
const PLAN = 'etcd_recover_plan';
/** membership changes and health checks run on the member the cluster is rebuilt around, with its admin certificate */
const OPS = `{{ ${PLAN}.ops }}`;
const OPS_TLS =
  `{% if etcd_tls %}--cacert={{ etcd_cert_dir }}/ca.pem --cert={{ etcd_cert_dir }}/admin-{{ ${PLAN}.ops }}.pem --key={{ etcd_cert_dir }}/admin-{{ ${PLAN}.ops }}-key.pem{% endif %}`;
const OPS_CTL = `{{ etcdctl_bin }} ${OPS_TLS} --endpoints={{ ${PLAN}.endpoints | join(',') }}`;
const ASIDE = '{{ etcd_data_dir }}.broken-{{ etcd_recover_stamp }}';
const WAIT = { retries: '{{ etcd_retries * 5 }}', delay: 2 } as const;

export default defineRole({
  name: 'recover-etcd',
  vars: recoverEtcdVars,
  defaults: {
    ...etcd.spec.defaults,
    etcd_recover_member: (h) => (h.groups.etcd ?? []).find((m) => !(h.groups.broken_etcd ?? []).includes(m)) ?? '',
    etcd_recover_force: false,
    etcd_backup_prefix: '/var/backups',
    etcd_retries: 4,
  },
  tasks: (t) => {
    probeAndPlan(t);
    // --check stops at the plan; members the probe could not reach are left out
    const live = 'not ansible_check_mode and etcd_recover_probe.reachable';
    t.block('restore one member from its own data', (b) => restoreTasks(b), { when: `${PLAN}.mode == 'restore' and ${live}` });
    t.block('add the other members back, one at a time', (b) => addMemberTasks(b), { when: `inventory_hostname in ${PLAN}.add and ${live}`, serial: 1 });
    t.block('every member knows the whole cluster', (b) => finalTasks(b), { when: `${PLAN}.mode != 'refuse' and ${live}` });
  },
});

type Probed = MemberProbe & { env: boolean; reachable: boolean };

/** What each member is and has, then the same plan on every host (from all the probes). */
function probeAndPlan(t: TaskBuilder<RecoverEtcdVars>): void {
  const probe = t.task('probe this etcd member', shell(
    'db={{ etcd_data_dir }}/member/snap/db; ' +
      'if [ -f "$db" ]; then echo "db $(stat -c \'%s %Y\' "$db")"; else echo "db none"; fi; ' +
      `if [ -f ${ENV} ]; then echo "env yes"; else echo "env no"; fi; ` +
      'if {{ etcdctl_bin }} {{ etcdctl_tls_flags }} --endpoints={{ etcd_client_url }} --dial-timeout=2s --command-timeout=5s endpoint health >/dev/null 2>&1; ' +
      'then echo "health ok"; else echo "health down"; fi',
  ), {
    changedWhen: false,
    checkMode: false,
    // a dead server is what seed 004 recovers from: it is left out, not a reason to stop
    ignoreUnreachable: true,
  });
  t.task('what this member reported', set_fact((h) => {
    const r = h.result(probe);
    const unreachable = (r as { unreachable?: boolean }).unreachable === true;
    const out = unreachable ? '' : String(r.stdout);
    const db = /^db (\d+) (\d+)$/m.exec(out);
    const me: Probed = {
      host: h.name,
      name: h.vars.etcd_member_name,
      peerUrl: h.vars.etcd_peer_url,
      clientUrl: h.vars.etcd_client_url,
      db: db ? { size: Number(db[1]), mtime: Number(db[2]) } : null,
      healthy: /^health ok$/m.test(out),
      env: /^env yes$/m.test(out),
      reachable: !unreachable,
    };
    // one name per run for the data dirs moved aside and the backup of the db
    return { etcd_recover_probe: me, etcd_recover_stamp: new Date().toISOString().replace(/[-:]|\.\d+/g, '') };
  }, ['etcd_recover_probe', 'etcd_recover_stamp']));
  t.task('plan the recovery', set_fact((h) => {
    // members outside --limit have no probe, unreachable ones an empty one: both are left out
    const probed = (h.groups.etcd ?? []).map((m) => h.hostvars(m).etcd_recover_probe as Probed | undefined);
    const members = probed.filter((m): m is Probed => m !== undefined && m.reachable);
    const missing = (h.groups.etcd ?? []).filter((m) => !members.some((x) => x.host === m));
    const plan: RecoverPlan & { ops?: string } = planRecovery({
      members,
      missing,
      broken: [...(h.groups.broken_etcd ?? [])],
      source: h.vars.etcd_recover_member,
      force: h.vars.etcd_recover_force,
      snapshot: h.vars.etcd_snapshot,
    });
    const noEnv = members.filter((m) => !m.env).map((m) => m.host);
    if (plan.mode !== 'refuse' && noEnv.length) {
      plan.error = `${noEnv.join(', ')} ${noEnv.length > 1 ? 'have' : 'has'} no ${ENV}: recover-etcd rebuilds members that playbooks/cluster.ts made; run its etcd play on ${noEnv.length > 1 ? 'them' : 'it'} first (with etcd stopped there)`;
      plan.mode = 'refuse';
    }
    // the member that runs membership changes: the restored one, or the first healthy one
    plan.ops = plan.source ?? members.find((m) => m.healthy && !(h.groups.broken_etcd ?? []).includes(m.host))?.host ?? '';
    return { [PLAN]: plan };
  }, [PLAN]));
  t.task('the plan', debug({ msg: `{{ ${PLAN}.summary }}` }), { runOnce: true });
  // the plan is the same on every member: say it once; the play's anyErrorsFatal stops them all
  t.task('stop: nothing was changed', fail({ msg: `{{ ${PLAN}.error }}` }), { when: `${PLAN}.error is defined`, runOnce: true });
}

/** Seed 004 steps 1–3 on the chosen member: copy the live db, restore it as a one-member cluster, start. */
function restoreTasks(t: TaskBuilder<RecoverEtcdVars>): void {
  const source = `inventory_hostname == ${PLAN}.source`;
  const backup = '{{ etcd_backup_prefix }}/etcd-recover-{{ etcd_recover_stamp }}';
  // every member stops first: a member left running would keep electing with the old membership
  t.task('stop etcd on every member', systemd({ name: 'etcd', state: 'stopped' }));
  t.task('backup dir for the copied db', file({ path: backup, state: 'directory', mode: '0700' }), { when: source });
  t.task('copy the live db (member/snap/db)', command(`cp -p {{ etcd_data_dir }}/member/snap/db ${backup}/current.db`), { when: `${source} and etcd_snapshot is not defined` });
  t.task('copy the snapshot to restore', copy({ src: '{{ etcd_snapshot }}', dest: `${backup}/current.db`, mode: '0600' }), { when: `${source} and etcd_snapshot is defined` });
  // a copied live db carries no snapshot hash: --skip-hash-check (seed 004); a saved snapshot does
  t.task('restore it as a one-member cluster into a fresh data dir', command(
    `{{ etcdctl_bin }} snapshot restore ${backup}/current.db {{ '' if etcd_snapshot is defined else '--skip-hash-check' }} ` +
      '--name={{ etcd_member_name }} --initial-cluster={{ etcd_member_name }}={{ etcd_peer_url }} ' +
      '--initial-cluster-token={{ etcd_initial_cluster_token }} --initial-advertise-peer-urls={{ etcd_peer_url }} ' +
      '--data-dir={{ etcd_data_dir }}.restore-{{ etcd_recover_stamp }}',
  ), { when: source, environment: { ETCDCTL_API: '3' } });
  t.task('old data dir aside, the restored one in its place', shell(
    `set -e; if [ -e {{ etcd_data_dir }} ]; then mv {{ etcd_data_dir }} ${ASIDE}; fi; mv {{ etcd_data_dir }}.restore-{{ etcd_recover_stamp }} {{ etcd_data_dir }}; chmod 0700 {{ etcd_data_dir }}; echo "old data kept in ${ASIDE}"`,
  ), { when: source });
  setInitialCluster(t, '{{ etcd_member_name }}={{ etcd_peer_url }}', 'new', source);
  t.task('start the restored member', systemd({ name: 'etcd', state: 'started', enabled: true }), { when: source });
  t.task('the restored member is healthy', command(`{{ etcdctl_bin }} ${OPS_TLS} --endpoints={{ etcd_client_url }} endpoint health`), {
    when: source,
    changedWhen: false,
    ...WAIT,
    until: (r) => r.rc === 0,
  });
}

/** Seed 004 step 4, for one member at a time: fresh data dir, member add, env with the growing list, start. */
function addMemberTasks(t: TaskBuilder<RecoverEtcdVars>): void {
  t.task('stop etcd', systemd({ name: 'etcd', state: 'stopped' }));
  t.task('data dir aside (kept)', shell(`if [ -e {{ etcd_data_dir }} ]; then mv {{ etcd_data_dir }} ${ASIDE} && echo "old data kept in ${ASIDE}"; fi`), {
    changedWhen: (r) => String(r.stdout).includes('kept'),
  });
  const before = t.task('members now', command(`${OPS_CTL} member list`), { delegateTo: OPS, changedWhen: false, ...WAIT, until: (r) => r.rc === 0 });
  // a member with this peer URL is a stale entry for this host (replaced, or an earlier run cut short)
  t.task('stale entry for this member', set_fact((h) => ({
    etcd_recover_stale_id: parseMemberList(String(h.result(before).stdout)).find((m) => m.peerUrls.includes(h.vars.etcd_peer_url))?.id ?? '',
  }), ['etcd_recover_stale_id']));
  t.task('remove the stale entry for this member', command(`${OPS_CTL} member remove {{ etcd_recover_stale_id }}`), {
    delegateTo: OPS,
    when: "etcd_recover_stale_id != ''",
    ...WAIT,
    until: (r) => r.rc === 0,
  });
  t.task('member add', command(`${OPS_CTL} member add {{ etcd_member_name }} --peer-urls={{ etcd_peer_url }}`), {
    delegateTo: OPS,
    // etcd refuses a reconfiguration until the members have been connected for a few seconds
    ...WAIT,
    until: (r) => r.rc === 0,
  });
  const after = t.task('members with this one added', command(`${OPS_CTL} member list`), { delegateTo: OPS, changedWhen: false, ...WAIT, until: (r) => r.rc === 0 });
  t.task('the growing member list', set_fact((h) => ({
    etcd_recover_cluster: initialCluster(parseMemberList(String(h.result(after).stdout)), { name: h.vars.etcd_member_name, peerUrl: h.vars.etcd_peer_url }),
  }), ['etcd_recover_cluster']));
  setInitialCluster(t, '{{ etcd_recover_cluster }}', 'existing');
  t.task('start etcd', systemd({ name: 'etcd', state: 'started', enabled: true }));
  t.task('the cluster is healthy with this member', command(`{{ etcdctl_bin }} ${OPS_TLS} --endpoints={{ (${PLAN}.endpoints + [etcd_client_url]) | join(',') }} endpoint health`), {
    delegateTo: OPS,
    changedWhen: false,
    ...WAIT,
    until: (r) => r.rc === 0,
  });
}

/** Every member's etcd.env lists the whole cluster, state existing: a later restart or rerun of cluster.ts is safe. */
function finalTasks(t: TaskBuilder<RecoverEtcdVars>): void {
  const list = t.task('members', command(`${OPS_CTL} member list`), { delegateTo: OPS, changedWhen: false, ...WAIT, until: (r) => r.rc === 0 });
  t.task('all members started', fail((h) => ({
    msg: `after the recovery etcd lists ${parseMemberList(String(h.result(list).stdout)).map((m) => `${m.name || '(unnamed)'} ${m.started ? 'started' : 'unstarted'}`).join(', ')}; expected ${reached(h)} started members`,
  })), {
    when: (h) => {
      const ms = parseMemberList(String(h.result(list).stdout));
      return ms.length !== reached(h) || !ms.every((m) => m.started);
    },
  });
  t.task('the whole member list', set_fact((h) => ({
    etcd_recover_cluster: inInventoryOrder(h, parseMemberList(String(h.result(list).stdout))).flatMap((m) => m.peerUrls.map((u) => `${m.name}=${u}`)).join(','),
  }), ['etcd_recover_cluster']));
  setInitialCluster(t, '{{ etcd_recover_cluster }}', 'existing');
}

/** how many members this run reached (the others were left out of the plan) */
function reached(h: HostView<RecoverEtcdVars>): number {
  return (h.groups.etcd ?? []).filter((m) => (h.hostvars(m).etcd_recover_probe as Probed | undefined)?.reachable).length;
}

/** members in [etcd] order (as roles/etcd writes ETCD_INITIAL_CLUSTER), not etcd's order by ID */
function inInventoryOrder(h: HostView<RecoverEtcdVars>, members: ListedMember[]): ListedMember[] {
  const urls = (h.groups.etcd ?? []).map((m) => (h.hostvars(m).etcd_recover_probe as Probed | undefined)?.peerUrl ?? '');
  const rank = (m: ListedMember): number => {
    const i = urls.findIndex((u) => m.peerUrls.includes(u));
    return i < 0 ? urls.length : i;
  };
  return [...members].sort((a, b) => rank(a) - rank(b));
}

/** ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_STATE in /etc/etcd.env, the rest as roles/etcd wrote it. */
function setInitialCluster(t: TaskBuilder<RecoverEtcdVars>, cluster: string, state: 'new' | 'existing', when?: string): void {
  const opts = when === undefined ? {} : { when };
  t.task(`ETCD_INITIAL_CLUSTER in ${ENV}`, lineinfile({ path: ENV, regexp: '^ETCD_INITIAL_CLUSTER=', line: `ETCD_INITIAL_CLUSTER=${cluster}` }), opts);
  t.task(`ETCD_INITIAL_CLUSTER_STATE=${state} in ${ENV}`, lineinfile({ path: ENV, regexp: '^ETCD_INITIAL_CLUSTER_STATE=', line: `ETCD_INITIAL_CLUSTER_STATE=${state}` }), opts);
}
