import { expect } from 'chai';
import path from 'node:path';
import { parseJsonExact } from '../../lib/template/pyint.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, FIXTURES, tsplay, writeLabInventory } from './helpers.js';

// A real three-member etcd (Debian's etcd in lab hosts): a tsplay play removes a member whose ID
// is beyond 2^53 by `'%x' | format(id)` of `member list -w json`, and exactly that member goes.
// This file uses labSubnet(58).
const SUBNET = labSubnet(58);
const HOSTS = clusterHosts(SUBNET, 3, 0);

interface Member { ID: bigint | number; name: string }

describe('e2e: etcd member remove by a 64-bit ID', function () {
  this.timeout(180_000);
  const lab = useLab('e2e-etcd-rm', HOSTS);

  it('removes exactly the member named by its hex ID', async () => {
    const inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'));
    const play = path.join(FIXTURES, 'etcd-member-remove.ts');
    // form the cluster first (no remove_member: the removal play's tasks are skipped)
    const form = await tsplay(['run', play, '-i', inv, '--json']);
    expect(form.code, describeRun(form)).to.equal(0);
    const list = async (): Promise<Member[]> => {
      const r = await labSsh(lab(), 'k1-master01', `etcdctl --endpoints=http://${SUBNET}.1:2379 member list -w json`);
      expect(r.rc, r.stderr).to.equal(0);
      return (parseJsonExact(r.stdout) as { members: Member[] }).members;
    };
    const before = await list();
    expect(before.map((m) => m.name).sort()).to.deep.equal(['etcd1', 'etcd2', 'etcd3']);
    // IDs are random uint64s, almost surely beyond 2^53 (odds of not: 2^-11 per member)
    const victim = before.find((m) => m.name !== 'etcd1' && typeof m.ID === 'bigint');
    expect(victim, `no member other than etcd1 has an ID beyond 2^53: ${before.map((m) => `${m.name}=${m.ID}`).join(', ')}; run again`).to.not.equal(undefined);

    const run = await tsplay(['run', play, '-i', inv, '--json', '-e', `remove_member=${victim!.name}`]);
    expect(run.code, describeRun(run)).to.equal(0);
    const after = await list();
    expect(after.map((m) => m.name).sort()).to.deep.equal(before.filter((m) => m !== victim).map((m) => m.name).sort());
    expect(after.map((m) => String(m.ID)).sort()).to.deep.equal(before.filter((m) => m !== victim).map((m) => String(m.ID)).sort());
  });
});
