// What recover-etcd does, worked out from what every member reported (probe.ts) before anything is
// touched: restore from one member's live db (no quorum), replace the members named in
// broken_etcd (quorum kept), or refuse. Pure, so every branch is unit-tested without a lab.

/** One member as its own probe saw it. */
export interface MemberProbe {
  host: string;
  /** ETCD_NAME (kubespray's etcd_member_name) */
  name: string;
  peerUrl: string;
  clientUrl: string;
  /** member/snap/db: its size in bytes and mtime (epoch seconds), or null when there is none */
  db: { size: number; mtime: number } | null;
  /** `etcdctl endpoint health` on its own client URL passed (it serves linearizable reads: there is a leader) */
  healthy: boolean;
}

export interface PlanInput {
  /** the [etcd] members this run reached, in inventory order */
  members: MemberProbe[];
  /** [etcd] hosts not reached (unreachable, or outside --limit): down, and left out */
  missing?: string[];
  /** hosts of kubespray's broken_etcd group */
  broken: string[];
  /** the member whose data is restored (etcd_recover_member) */
  source: string;
  /** restore even though the cluster has quorum (etcd_recover_force) */
  force: boolean;
  /** etcd_snapshot: restore this saved snapshot instead of the source's live db */
  snapshot?: string;
}

export interface RecoverPlan {
  mode: 'restore' | 'replace' | 'refuse';
  /** restore: the member restored as a one-member cluster */
  source?: string;
  /** members added back, one at a time, in this order */
  add: string[];
  /** client URLs of the members that form the cluster while the others are added */
  endpoints: string[];
  /** what will happen (or why nothing will), for the run's output and --check */
  summary: string;
  /** set when the run must stop before touching anything: what is wrong and what to do */
  error?: string;
}

const kib = (n: number): string => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${Math.max(1, Math.round(n / 1024))} KiB`);
const when = (t: number): string => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

export function planRecovery(p: PlanInput): RecoverPlan {
  const healthy = p.members.filter((m) => m.healthy);
  const missing = p.missing ?? [];
  const total = p.members.length + missing.length;
  const quorum = healthy.length > Math.floor(total / 2);
  const state =
    `${healthy.length} of ${total} members healthy${healthy.length ? ` (${healthy.map((m) => `${m.name} on ${m.host}`).join(', ')})` : ''}` +
    (missing.length ? `, ${missing.join(', ')} not reached (left out: add ${missing.length > 1 ? 'them' : 'it'} back later with broken_etcd)` : '');
  if (!p.members.length) return { mode: 'refuse', add: [], endpoints: [], summary: `etcd: ${state}`, error: `no etcd member was reached (${missing.join(', ')}): nothing to recover from` };
  const stop = (error: string): RecoverPlan => ({ mode: 'refuse', add: [], endpoints: [], summary: `etcd: ${state}; nothing changed`, error });
  const unknown = p.broken.filter((b) => !p.members.some((m) => m.host === b) && !missing.includes(b));
  if (unknown.length) return stop(`broken_etcd names ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not in the etcd group; list only etcd members there`);

  if (quorum && !p.force) {
    const broken = p.members.filter((m) => p.broken.includes(m.host));
    if (!broken.length) {
      return stop(
        `etcd still has quorum: ${state}. recover-etcd restores only a cluster that lost quorum, and changed nothing. ` +
          `To replace broken members of a cluster that kept quorum, put them in the broken_etcd group; ` +
          `to restore from one member anyway (every other member is wiped and added again), pass -e etcd_recover_force=true.`,
      );
    }
    // a member in broken_etcd that is healthy again (a rerun after the replacement) is left alone
    const fine = broken.filter((m) => m.healthy);
    if (fine.length === broken.length) {
      return stop(`etcd: ${state}. The members in broken_etcd (${fine.map((m) => m.host).join(', ')}) are healthy members of the cluster: nothing to replace, nothing changed. Take them out of broken_etcd`);
    }
    const left = p.members.filter((m) => !p.broken.includes(m.host));
    if (!left.every((m) => m.healthy)) {
      const down = left.filter((m) => !m.healthy).map((m) => m.host);
      return stop(`etcd: ${state}; ${down.join(', ')} ${down.length > 1 ? 'are' : 'is'} unhealthy but not in broken_etcd. Add ${down.length > 1 ? 'them' : 'it'} to broken_etcd too, or bring ${down.length > 1 ? 'them' : 'it'} back first`);
    }
    const sick = broken.filter((m) => !m.healthy);
    return {
      mode: 'replace',
      add: sick.map((m) => m.host),
      endpoints: left.map((m) => m.clientUrl),
      summary: `etcd: ${state}; quorum kept. Replace ${sick.map((m) => `${m.name} on ${m.host}`).join(', ')} one at a time: member remove, data dir moved aside, member add, start, wait healthy`,
    };
  }

  const src = p.members.find((m) => m.host === p.source);
  if (!src) return stop(`etcd_recover_member is ${p.source}, which is not in the etcd group (${p.members.map((m) => m.host).join(', ')})`);
  if (p.broken.includes(src.host)) return stop(`etcd_recover_member ${src.host} is in broken_etcd: restore from a member that is not broken (-e etcd_recover_member=HOST)`);
  if (!p.snapshot && !src.db) {
    const withDb = p.members.filter((m) => m.db).sort((a, b) => b.db!.mtime - a.db!.mtime);
    const others = withDb.length
      ? `Members that have one, newest first: ${withDb.map((m) => `${m.host} (${m.name}, db ${kib(m.db!.size)}, written ${when(m.db!.mtime)})`).join(', ')}. ` +
        `Pick the one that was last a working member, usually the newest: -e etcd_recover_member=${withDb[0].host}`
      : 'No member has one: restore a saved snapshot with -e etcd_snapshot=/path/to/snapshot.db';
    return stop(`${src.host} (${src.name}), the member to restore from, has no etcd data (member/snap/db). ${others}`);
  }
  const rest = p.members.filter((m) => m !== src);
  const from = p.snapshot ? `the snapshot ${p.snapshot}` : `the live db of ${src.name} on ${src.host} (${kib(src.db!.size)}, written ${when(src.db!.mtime)})`;
  return {
    mode: 'restore',
    source: src.host,
    add: rest.map((m) => m.host),
    endpoints: [src.clientUrl],
    summary:
      `etcd: ${state}; ${quorum ? 'quorum kept, restoring anyway (etcd_recover_force)' : 'quorum lost'}. ` +
      `Stop etcd on every member; restore ${from} as a one-member cluster ${src.name}=${src.peerUrl} (old data dir kept aside); start it; ` +
      `then add ${rest.map((m) => `${m.name} on ${m.host}`).join(', then ') || 'no other member'} one at a time (data dir moved aside, member add, start, wait healthy)`,
  };
}

/** `etcdctl member list` (plain): id, status, name, peer URLs, client URLs[, is learner] per line. */
export interface ListedMember { id: string; started: boolean; name: string; peerUrls: string[] }

export function parseMemberList(stdout: string): ListedMember[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [id, status, name, peers] = l.split(', ');
      return { id, started: status === 'started', name: name ?? '', peerUrls: (peers ?? '').split(',').filter(Boolean) };
    });
}

/**
 * ETCD_INITIAL_CLUSTER for a member joining the listed cluster: every member's name=peer URL, the
 * joining one (unstarted members have no name yet) under its own name.
 */
export function initialCluster(list: ListedMember[], self: { name: string; peerUrl: string }): string {
  return list
    .flatMap((m) => m.peerUrls.map((u) => `${m.peerUrls.includes(self.peerUrl) ? self.name : m.name}=${u}`))
    .join(',');
}
