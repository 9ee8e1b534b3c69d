import { expect } from 'chai';
import { initialCluster, parseMemberList, planRecovery, type MemberProbe, type PlanInput } from '../../roles/recover-etcd/plan.js';

// recover-etcd's decision, made before anything is touched: restore (no quorum), replace the
// members in broken_etcd (quorum kept), or refuse with what to do.
const member = (i: number, over: Partial<MemberProbe> = {}): MemberProbe => ({
  host: `k1-master0${i}`,
  name: `etcd${i}`,
  peerUrl: `https://10.0.0.${i}:2380`,
  clientUrl: `https://10.0.0.${i}:2379`,
  db: { size: 4 * 1048576, mtime: 1_800_000_000 + i },
  healthy: true,
  ...over,
});
const input = (members: MemberProbe[], over: Partial<PlanInput> = {}): PlanInput => ({ members, broken: [], source: 'k1-master01', force: false, ...over });

describe('recover-etcd plan', () => {
  it('refuses a cluster that has quorum, saying how to replace members or force', () => {
    const p = planRecovery(input([member(1), member(2), member(3, { healthy: false })]));
    expect(p.mode).to.equal('refuse');
    expect(p.error).to.include('etcd still has quorum: 2 of 3 members healthy (etcd1 on k1-master01, etcd2 on k1-master02)');
    expect(p.error).to.include('broken_etcd').and.include('-e etcd_recover_force=true');
  });

  it('restores from the chosen member when quorum is lost, then adds the others in order', () => {
    const p = planRecovery(input([member(1), member(2, { healthy: false }), member(3, { healthy: false })]));
    expect(p).to.include({ mode: 'restore', source: 'k1-master01' });
    expect(p.add).to.deep.equal(['k1-master02', 'k1-master03']);
    expect(p.endpoints).to.deep.equal(['https://10.0.0.1:2379']);
    expect(p.summary).to.include('quorum lost').and.include('the live db of etcd1 on k1-master01 (4.0 MiB').and.include('then add etcd2 on k1-master02, then etcd3 on k1-master03');
  });

  it('names the members with data, newest first, when the chosen one has none', () => {
    const p = planRecovery(input([member(1, { db: null, healthy: false }), member(2, { healthy: false, db: { size: 2048, mtime: 1_800_000_100 } }), member(3, { healthy: false })]));
    expect(p.mode).to.equal('refuse');
    expect(p.error).to.include('k1-master01 (etcd1), the member to restore from, has no etcd data');
    expect(p.error).to.match(/k1-master02 \(etcd2, db 2 KiB, written .*\), k1-master03/);
    expect(p.error).to.include('-e etcd_recover_member=k1-master02');
  });

  it('points to etcd_snapshot when no member has data, and restores a snapshot without any', () => {
    const none = [1, 2, 3].map((i) => member(i, { db: null, healthy: false }));
    expect(planRecovery(input(none)).error).to.include('-e etcd_snapshot=');
    const p = planRecovery(input(none, { snapshot: '/backups/s.db' }));
    expect(p).to.include({ mode: 'restore', source: 'k1-master01' });
    expect(p.summary).to.include('the snapshot /backups/s.db');
  });

  it('replaces the broken_etcd members of a cluster that kept quorum', () => {
    const p = planRecovery(input([member(1), member(2), member(3, { healthy: false })], { broken: ['k1-master03'] }));
    expect(p).to.include({ mode: 'replace' });
    expect(p.add).to.deep.equal(['k1-master03']);
    expect(p.endpoints).to.deep.equal(['https://10.0.0.1:2379', 'https://10.0.0.2:2379']);
    // rerun once it is back: healthy members in broken_etcd are not replaced again
    const again = planRecovery(input([member(1), member(2), member(3)], { broken: ['k1-master03'] }));
    expect(again.mode).to.equal('refuse');
    expect(again.error).to.include('The members in broken_etcd (k1-master03) are healthy members of the cluster: nothing to replace');
  });

  it('refuses unknown broken_etcd hosts, a broken source, or unhealthy members left out of broken_etcd', () => {
    expect(planRecovery(input([member(1), member(2)], { broken: ['k9'] })).error).to.include('broken_etcd names k9, which is not in the etcd group');
    const lost = [member(1, { healthy: false }), member(2, { healthy: false }), member(3, { healthy: false })];
    expect(planRecovery(input(lost, { broken: ['k1-master01'] })).error).to.include('etcd_recover_member k1-master01 is in broken_etcd');
    expect(planRecovery(input(lost, { source: 'k1-master09' })).error).to.include('etcd_recover_member is k1-master09, which is not in the etcd group');
    const five = [1, 2, 3, 4, 5].map((i) => member(i, { healthy: i < 4 }));
    expect(planRecovery(input(five, { broken: ['k1-master04'] })).error).to.include('k1-master05 is unhealthy but not in broken_etcd');
  });

  it('leaves out members it could not reach (a dead server), counting them as down', () => {
    const p = planRecovery(input([member(1, { healthy: false }), member(2, { healthy: false })], { missing: ['k1-master03'] }));
    expect(p).to.include({ mode: 'restore', source: 'k1-master01' });
    expect(p.add).to.deep.equal(['k1-master02']);
    expect(p.summary).to.include('0 of 3 members healthy, k1-master03 not reached (left out: add it back later with broken_etcd)');
    // two of three reached and healthy: quorum, even with the third unreachable
    expect(planRecovery(input([member(1), member(2)], { missing: ['k1-master03'] })).error).to.include('etcd still has quorum: 2 of 3 members healthy');
    expect(planRecovery(input([], { missing: ['k1-master01'] })).error).to.include('no etcd member was reached (k1-master01)');
  });

  it('restores anyway when forced', () => {
    const p = planRecovery(input([member(1), member(2), member(3)], { force: true }));
    expect(p).to.include({ mode: 'restore', source: 'k1-master01' });
    expect(p.summary).to.include('restoring anyway');
  });

  it('reads member list and builds ETCD_INITIAL_CLUSTER with the joining member named', () => {
    const list = parseMemberList(
      '8e9e05c52164694d, started, etcd1, https://10.0.0.1:2380, https://10.0.0.1:2379, false\n' +
        'a1b2c3d4e5f60718, unstarted, , https://10.0.0.2:2380, , false\n',
    );
    expect(list).to.deep.equal([
      { id: '8e9e05c52164694d', started: true, name: 'etcd1', peerUrls: ['https://10.0.0.1:2380'] },
      { id: 'a1b2c3d4e5f60718', started: false, name: '', peerUrls: ['https://10.0.0.2:2380'] },
    ]);
    expect(initialCluster(list, { name: 'etcd2', peerUrl: 'https://10.0.0.2:2380' })).to.equal('etcd1=https://10.0.0.1:2380,etcd2=https://10.0.0.2:2380');
  });
});
