import { expect } from 'chai';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { registerNode, startKube, type KubeFixture } from '../helpers/kube.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, FIXTURES, hostResults, REPO, recap, tsplay, writeLabInventory } from './helpers.js';

// Seed 004's etcd recovery on a real three-member etcd over TLS (Debian's etcd in lab hosts, the
// kubespray PKI from roles/etcd): keys written, two members stopped with their data wrecked, writes
// fail; playbooks/recover-etcd.ts restores the surviving member as a one-member cluster and adds
// the other two back; every key is there on every member, and the Kubernetes objects that the
// kube-apiserver double stored there (under /registry) are served again. A healthy cluster is
// refused untouched.
// This file uses labSubnet(165).
const RECOVER = path.join(REPO, 'playbooks/recover-etcd.ts');
const SUBNET = labSubnet(165);
const HOSTS = clusterHosts(SUBNET, 3, 0);
const MASTERS = HOSTS.map((h) => h.name);
const SSL = '/etc/ssl/etcd/ssl';
const KEYS = 25;

describe('e2e: recover-etcd.ts (3 → 1 → 3)', function () {
  this.timeout(300_000);
  const lab = useLab('e2e-recover-etcd', HOSTS);
  let inv: string;
  const ctl = (h: string, endpoints: string, args: string): Promise<{ rc: number; stdout: string; stderr: string }> =>
    labSsh(lab(), h, `etcdctl --cacert=${SSL}/ca.pem --cert=${SSL}/admin-${h}.pem --key=${SSL}/admin-${h}-key.pem --endpoints=${endpoints} ${args}`);
  const url = (i: number): string => `https://${HOSTS[i].address}:2379`;
  const all = HOSTS.map((_, i) => url(i)).join(',');
  /** a view of each host that a refused run must leave as it was */
  const snapshot = async (): Promise<string[]> =>
    Promise.all(MASTERS.map(async (h) => (await labSsh(lab(), h, 'systemctl is-active etcd; ls -d /var/lib/etcd* /var/backups/etcd-recover-* 2>&1; sha256sum /etc/etcd.env')).stdout));

  /** the kube-apiserver double (in this process, on SUBNET.10) over the lab's etcd, with k1-master01's node- certificate as kubespray gives it */
  const kube = async (): Promise<KubeFixture> => {
    const dir = lab().stateDir;
    for (const f of ['ca.pem', 'node-k1-master01.pem', 'node-k1-master01-key.pem']) await writeFile(path.join(dir, f), (await labSsh(lab(), 'k1-master01', `cat ${SSL}/${f}`)).stdout, { mode: 0o600 });
    return startKube({ subnet: SUBNET, etcd: { endpoints: HOSTS.map((_, i) => url(i)), caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'node-k1-master01.pem'), keyFile: path.join(dir, 'node-k1-master01-key.pem') } });
  };
  const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.25}]}\n';

  before(async function () {
    this.timeout(180_000);
    inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'), { etcdTls: true });
    const form = await tsplay(['run', path.join(FIXTURES, 'etcd-members.ts'), '-i', inv, '--json']);
    expect(form.code, describeRun(form)).to.equal(0);
    const put = await labSsh(lab(), 'k1-master01', `for i in $(seq 1 ${KEYS}); do etcdctl --cacert=${SSL}/ca.pem --cert=${SSL}/admin-k1-master01.pem --key=${SSL}/admin-k1-master01-key.pem --endpoints=${url(0)} put /tsplay/key$i value$i >/dev/null || exit 1; done`);
    expect(put.rc, put.stderr).to.equal(0);
    // Kubernetes objects in the same etcd
    const fx = await kube();
    try {
      for (const n of MASTERS) await registerNode(fx, n);
      const apply = await fx.kubectl(['apply', '-f', '-'], { input: DEPLOY });
      expect(apply.code, apply.stderr).to.equal(0);
    } finally {
      await fx.stop();
    }
  });

  it('refuses a healthy cluster and changes nothing', async () => {
    const before = await snapshot();
    const ids = (await ctl('k1-master01', url(0), 'member list')).stdout;
    const run = await tsplay(['run', RECOVER, '-i', inv, '--json']);
    expect(run.code, describeRun(run)).to.not.equal(0);
    expect(run.stdout).to.include('etcd still has quorum: 3 of 3 members healthy').and.include('broken_etcd');
    for (const h of MASTERS) expect(recap(run)[h], h).to.include({ changed: 0 });
    expect(await snapshot()).to.deep.equal(before);
    expect((await ctl('k1-master01', url(0), 'member list')).stdout).to.equal(ids);
  });

  it('brings two wrecked members back from the survivor, with every key', async () => {
    // etcd1 and etcd2 die and lose their data; etcd3 keeps running, without quorum
    for (const h of ['k1-master01', 'k1-master02']) {
      const wreck = await labSsh(lab(), h, 'systemctl stop etcd && rm -rf /var/lib/etcd/member && mkdir -p /var/lib/etcd/member/snap && echo garbage > /var/lib/etcd/member/wal');
      expect(wreck.rc, wreck.stderr).to.equal(0);
    }
    const stuck = await ctl('k1-master03', url(2), '--command-timeout=3s put /tsplay/after-failure x');
    expect(stuck.rc, 'a write without quorum fails').to.not.equal(0);

    // the default member to restore from (etcd[0]) has no data: the run stops and names the one that has
    const noData = await tsplay(['run', RECOVER, '-i', inv, '--json']);
    expect(noData.code, describeRun(noData)).to.not.equal(0);
    expect(noData.stdout).to.include('k1-master01 (etcd1), the member to restore from, has no etcd data').and.include('-e etcd_recover_member=k1-master03');
    for (const h of MASTERS) expect(recap(noData)[h], h).to.include({ changed: 0 });
    const untouched = await snapshot();
    expect(untouched[2]).to.match(/^active\n/).and.match(/^\/var\/lib\/etcd$/m);

    // --check prints the plan and touches nothing
    const pick = ['-e', 'etcd_recover_member=k1-master03'];
    const dry = await tsplay(['run', RECOVER, '-i', inv, '--json', '--check', ...pick]);
    expect(dry.code, describeRun(dry)).to.equal(0);
    expect(dry.stdout).to.include('quorum lost').and.include('the live db of etcd3 on k1-master03').and.include('then add etcd1 on k1-master01, then etcd2 on k1-master02');
    expect(await snapshot()).to.deep.equal(untouched);

    const run = await tsplay(['run', RECOVER, '-i', inv, '--json', ...pick]);
    expect(run.code, describeRun(run)).to.equal(0);
    // 3 → 1 → 3: the restored member was healthy alone before the first member add
    const order = run.events.filter((e) => e.type === 'host_result' && e.status !== 'skipped').map((e) => e.type === 'host_result' ? `${e.task}@${e.host}` : '');
    const alone = order.indexOf('the restored member is healthy@k1-master03');
    const adds = ['k1-master01', 'k1-master02'].map((h) => order.indexOf(`member add@${h}`));
    expect(alone).to.be.above(-1);
    expect(adds[0], order.join('\n')).to.be.above(alone);
    expect(adds[1]).to.be.above(order.indexOf('the cluster is healthy with this member@k1-master01'));
    expect(hostResults(run, 'restore it as a one-member cluster into a fresh data dir').filter((r) => r.status !== 'skipped').map((r) => r.host)).to.deep.equal(['k1-master03']);

    const members = await ctl('k1-master02', url(1), 'member list');
    expect(members.rc, members.stderr).to.equal(0);
    expect(members.stdout.trim().split('\n').map((l) => l.split(', ').slice(1, 4))).to.have.deep.members(
      HOSTS.map((h, i) => ['started', `etcd${i + 1}`, `https://${h.address}:2380`]),
    );
    const health = await ctl('k1-master01', all, 'endpoint health');
    expect(health.rc, health.stdout + health.stderr).to.equal(0);
    // every key, read from each member's own copy (serializable reads are served locally)
    for (const [i, h] of MASTERS.entries()) {
      const keys = await ctl(h, url(i), '--consistency=s get --prefix /tsplay/ --keys-only');
      expect(keys.stdout.split('\n').filter(Boolean), h).to.have.members(Array.from({ length: KEYS }, (_, k) => `/tsplay/key${k + 1}`));
      expect((await ctl(h, url(i), `--consistency=s get --print-value-only /tsplay/key${KEYS}`)).stdout, h).to.equal(`value${KEYS}\n`);
      // the old data dir kept aside, the env file ready for a restart
      const kept = await labSsh(lab(), h, 'ls -d /var/lib/etcd.broken-* | wc -l; grep -E "^ETCD_INITIAL_CLUSTER(_STATE)?=" /etc/etcd.env');
      expect(kept.stdout, h).to.equal(`1\nETCD_INITIAL_CLUSTER_STATE=existing\nETCD_INITIAL_CLUSTER=${HOSTS.map((x, j) => `etcd${j + 1}=https://${x.address}:2380`).join(',')}\n`);
    }
    expect((await labSsh(lab(), 'k1-master03', 'cat /var/backups/etcd-recover-*/current.db | wc -c')).stdout.trim()).to.not.equal('0');
    const write = await ctl('k1-master02', url(1), '--command-timeout=5s put /tsplay/after-recovery ok');
    expect(write.rc, write.stderr).to.equal(0);

    // the API serves the objects stored before the failure
    const fx = await kube();
    try {
      const nodes = await fx.kubectl(['get', 'nodes', '-o', 'name']);
      expect(nodes.stdout.split('\n').filter(Boolean), nodes.stderr).to.have.members(MASTERS.map((n) => `node/${n}`));
      const dep = await fx.kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']);
      expect(dep.stdout, dep.stderr).to.equal('2 nginx:1.25');
    } finally {
      await fx.stop();
    }

    // a restart of every member keeps the cluster (etcd.env is right for an existing data dir)
    for (const h of MASTERS) expect((await labSsh(lab(), h, 'systemctl restart etcd')).rc, h).to.equal(0);
    const again = await ctl('k1-master03', all, 'endpoint health');
    expect(again.rc, again.stdout + again.stderr).to.equal(0);

    // and a rerun on the recovered cluster refuses, changing nothing
    const before = await snapshot();
    const rerun = await tsplay(['run', RECOVER, '-i', inv, '--json', ...pick]);
    expect(rerun.code, describeRun(rerun)).to.not.equal(0);
    expect(rerun.stdout).to.include('etcd still has quorum: 3 of 3 members healthy');
    for (const h of MASTERS) expect(recap(rerun)[h], h).to.include({ changed: 0 });
    expect(await snapshot()).to.deep.equal(before);
  });

  it('replaces a member named in broken_etcd while the others keep quorum', async () => {
    const wreck = await labSsh(lab(), 'k1-master02', 'systemctl stop etcd && rm -rf /var/lib/etcd/member');
    expect(wreck.rc, wreck.stderr).to.equal(0);
    const ids = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await ctl('k1-master01', url(0), 'member list')).stdout.trim().split('\n').map((l) => l.split(', ')).map((r) => [r[2], r[0]]));
    const before = await ids();
    const inv2 = path.join(lab().stateDir, 'broken.ini');
    await writeFile(inv2, `${await readFile(inv, 'utf8')}\n[broken_etcd]\nk1-master02\n`);
    const run = await tsplay(['run', RECOVER, '-i', inv2, '--json']);
    expect(run.code, describeRun(run)).to.equal(0);
    expect(run.stdout).to.include('quorum kept. Replace etcd2 on k1-master02');
    // the other members keep their data dirs: only k1-master02's moved aside in this run
    expect(hostResults(run, 'data dir aside (kept)').filter((r) => r.status !== 'skipped').map((r) => r.host)).to.deep.equal(['k1-master02']);
    const after = await ids();
    expect(Object.keys(after).sort()).to.deep.equal(['etcd1', 'etcd2', 'etcd3']);
    expect(after['etcd1']).to.equal(before['etcd1']);
    expect(after['etcd3']).to.equal(before['etcd3']);
    expect(after['etcd2'], 'etcd2 joined again as a new member').to.not.equal(before['etcd2']);
    const keys = await ctl('k1-master02', url(1), '--consistency=s get --prefix /tsplay/key --keys-only');
    expect(keys.stdout.split('\n').filter(Boolean)).to.have.lengthOf(KEYS);
    const health = await ctl('k1-master03', all, 'endpoint health');
    expect(health.rc, health.stdout + health.stderr).to.equal(0);
    // the same run again, k1-master02 still in broken_etcd: it is healthy now and left alone
    const rerun = await tsplay(['run', RECOVER, '-i', inv2, '--json']);
    expect(rerun.code, describeRun(rerun)).to.not.equal(0);
    expect(rerun.stdout).to.include('nothing to replace');
    for (const h of MASTERS) expect(recap(rerun)[h], h).to.include({ changed: 0 });
    expect(await ids()).to.deep.equal(after);
  });
});
