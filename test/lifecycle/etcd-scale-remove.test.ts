import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { describeRun, recap, REPO, tsplay } from '../e2e/helpers.js';
import { etcdProcess, tsplayAnswering, writeEtcdInventory } from './helpers.js';

// The real etcd (Debian's, TLS, inside lab hosts): cluster.ts forms three members; scale.ts adds a
// host newly in [etcd] with `etcdctl member add` + ETCD_INITIAL_CLUSTER_STATE=existing while the
// three keep running (same pid and start time) and keep their certificates; remove-node.ts asks
// for confirmation ("no" touches nothing), refuses the first member, then removes the new one by
// its peer URL and resets its host. This file uses labSubnet(150).
const NET = labSubnet(150);
const HOSTS = [1, 2, 3].map((i) => ({ name: `k1-master0${i}`, address: `${NET}.${i}` })).concat([{ name: 'k1-etcd04', address: `${NET}.4` }]);
const OLD = ['k1-master01', 'k1-master02', 'k1-master03'];
const SSL = '/etc/ssl/etcd/ssl';
const tls = (h: string): string => `--cacert=${SSL}/ca.pem --cert=${SSL}/admin-${h}.pem --key=${SSL}/admin-${h}-key.pem --endpoints=https://${NET}.1:2379`;

describe('lifecycle: etcd member added by scale.ts and removed by remove-node.ts (real etcd)', function () {
  this.timeout(600_000);
  const lab = useLab('life-etcd', HOSTS);
  let three: string;
  let four: string;
  const members = async (): Promise<string[][]> => {
    const r = await labSsh(lab(), 'k1-master01', `etcdctl ${tls('k1-master01')} member list`);
    expect(r.rc, r.stderr).to.equal(0);
    return r.stdout.trim().split('\n').map((l) => l.split(', ').slice(1, 4));
  };
  const healthy = async (): Promise<number> => {
    const r = await labSsh(lab(), 'k1-master02', `etcdctl ${tls('k1-master02')} endpoint --cluster health 2>&1`);
    expect(r.rc, r.stdout).to.equal(0);
    return (r.stdout.match(/is healthy/g) ?? []).length;
  };
  const processes = async (): Promise<string[]> => Promise.all(OLD.map((h) => etcdProcess(lab(), h)));
  const certs = async (): Promise<string> => (await labSsh(lab(), 'k1-master02', `cd ${SSL} && sha256sum *.pem`)).stdout;

  before(async () => {
    three = await writeEtcdInventory(lab(), path.join(lab().stateDir, 'three.ini'), OLD);
    four = await writeEtcdInventory(lab(), path.join(lab().stateDir, 'four.ini'), [...OLD, 'k1-etcd04']);
    const form = await tsplay(['run', path.join(REPO, 'test/fixtures/e2e/etcd-members.ts'), '-i', three, '--json']);
    expect(form.code, describeRun(form)).to.equal(0);
    expect(await healthy()).to.equal(3);
  });

  it('scale.ts adds the new member; the running members are not restarted and keep their certificates', async () => {
    const before = await processes();
    expect(before.every((p) => /^\d+ \d+$/.test(p)), before.join('; ')).to.equal(true);
    const certsBefore = await certs();

    const run = await tsplay(['run', path.join(REPO, 'playbooks/scale.ts'), '-i', four, '--json']);
    expect(run.code, describeRun(run)).to.equal(0);
    const joined = run.events.filter((e) => e.type === 'host_result' && e.task === 'etcdctl member add' && e.status !== 'skipped');
    expect(joined.map((e) => e.type === 'host_result' && e.host)).to.deep.equal(['k1-etcd04']);

    expect(await members()).to.have.deep.members(HOSTS.map((h, i) => ['started', `etcd${i + 1}`, `https://${h.address}:2380`]));
    expect(await healthy()).to.equal(4);
    expect(await processes(), 'etcd of the running members restarted').to.deep.equal(before);
    // the first etcd host made only the new member's certificates
    expect(await certs()).to.equal(certsBefore);
    const made = run.events.find((e) => e.type === 'host_result' && e.task.startsWith('make the etcd certificates'));
    expect(made && made.type === 'host_result' && String(made.result?.stdout).trim().split('\n').sort()).to.deep.equal(['generated admin-k1-etcd04', 'generated member-k1-etcd04']);
    // every member's etcd.env lists the four members
    for (const h of HOSTS) {
      const env = await labSsh(lab(), h.name, 'grep ^ETCD_INITIAL_CLUSTER= /etc/etcd.env');
      expect(env.stdout.trim(), h.name).to.equal(`ETCD_INITIAL_CLUSTER=${HOSTS.map((x, i) => `etcd${i + 1}=https://${x.address}:2380`).join(',')}`);
    }

    // a second run changes nothing
    const again = await tsplay(['run', path.join(REPO, 'playbooks/scale.ts'), '-i', four, '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
    expect(await processes()).to.deep.equal(before);
  });

  it('remove-node.ts: "no" at the prompt touches nothing; the first etcd member is refused with what to do', async () => {
    const no = await tsplayAnswering(['run', path.join(REPO, 'playbooks/remove-node.ts'), '-i', four, '-e', 'node=k1-etcd04'], "Type 'yes' to delete nodes", 'no');
    expect(no.code, describeRun(no)).to.equal(2);
    expect(no.stdout).to.include('Delete nodes confirmation failed');
    expect(await members()).to.have.lengthOf(4);

    const first = await tsplay(['run', path.join(REPO, 'playbooks/remove-node.ts'), '-i', four, '-e', 'node=k1-master01', '-e', 'skip_confirmation=true']);
    expect(first.code, describeRun(first)).to.equal(2);
    expect(first.stdout).to.include('k1-master01 is the first host of [etcd]: remove-node cannot remove it. Put another member first in [etcd]');
    expect(await members()).to.have.lengthOf(4);
    expect(await healthy()).to.equal(4);
  });

  it('remove-node.ts removes the member by its peer URL and resets its host; the others keep running', async () => {
    const before = await processes();
    const run = await tsplayAnswering(['run', path.join(REPO, 'playbooks/remove-node.ts'), '-i', four, '-e', 'node=k1-etcd04'], "Type 'yes' to delete nodes", 'yes');
    expect(run.code, describeRun(run)).to.equal(0);
    expect(await members()).to.have.deep.members(HOSTS.slice(0, 3).map((h, i) => ['started', `etcd${i + 1}`, `https://${h.address}:2380`]));
    expect(await healthy()).to.equal(3);
    expect(await processes()).to.deep.equal(before);
    const gone = await labSsh(lab(), 'k1-etcd04', 'pidof etcd || echo no etcd; ls -d /var/lib/etcd /etc/ssl/etcd /etc/etcd.env /etc/systemd/system/etcd.service 2>&1 | sort');
    expect(gone.stdout).to.equal(
      'no etcd\n' +
        ["ls: cannot access '/etc/etcd.env': No such file or directory", "ls: cannot access '/etc/ssl/etcd': No such file or directory",
          "ls: cannot access '/etc/systemd/system/etcd.service': No such file or directory", "ls: cannot access '/var/lib/etcd': No such file or directory"].join('\n') + '\n',
    );
  });
});
