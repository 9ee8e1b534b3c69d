import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, REPO, recap, tsplay, writeLabInventory } from './helpers.js';

// playbooks/cluster.ts on three lab masters: the etcd role forms a real three-member etcd 3.4
// cluster (Debian's etcd, plain http on each host's own loopback address, started by the
// daemonless systemctl inside the hosts), and a second run changes nothing.
const CLUSTER = path.join(REPO, 'playbooks/cluster.ts');
const SUBNET = labSubnet(44);
const HOSTS = clusterHosts(SUBNET, 3, 0);
const MASTERS = HOSTS.map((h) => h.name);

describe('e2e: etcd cluster from playbooks/cluster.ts', function () {
  this.timeout(120000);
  const lab = useLab('e2e-etcd', HOSTS);
  let inv: string;
  before(async () => {
    inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'), {
      // the control-plane play renders kubeadm's config; its load balancer is a lab address
      extra: `[k8s-cluster:vars]\nkube_version=v1.15.6\nloadbalancer_apiserver={'address': '${SUBNET}.1', 'port': 6443}\n`,
    });
  });

  it('forms a healthy three-member cluster; a second run changes nothing', async () => {
    const first = await tsplay(['run', CLUSTER, '-i', inv, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    for (const h of MASTERS) expect(recap(first)[h], h).to.include({ failed: 0, unreachable: 0 }).and.have.property('changed').above(0);

    const endpoints = HOSTS.map((h) => `http://${h.address}:2379`).join(',');
    const members = await labSsh(lab(), 'k1-master02', `etcdctl --endpoints=http://${SUBNET}.2:2379 member list`);
    expect(members.rc, members.stderr).to.equal(0);
    const rows = members.stdout.trim().split('\n').map((l) => l.split(', '));
    expect(rows.map((r) => [r[1], r[2], r[3]])).to.have.deep.members(
      HOSTS.map((h, i) => ['started', `etcd${i + 1}`, `http://${h.address}:2380`]),
    );
    const health = await labSsh(lab(), 'k1-master03', `etcdctl --endpoints=${endpoints} endpoint health`);
    expect(health.rc, health.stdout + health.stderr).to.equal(0);
    expect((health.stdout + health.stderr).match(/is healthy/g)).to.have.lengthOf(3);

    // each member runs on its own host, as the service the role installed
    for (const [i, h] of HOSTS.entries()) {
      const env = await labSsh(lab(), h.name, 'grep -E "^ETCD_(NAME|LISTEN_CLIENT_URLS)=" /etc/etcd.env; systemctl is-active etcd');
      expect(env.stdout, h.name).to.equal(`ETCD_LISTEN_CLIENT_URLS=http://${h.address}:2379\nETCD_NAME=etcd${i + 1}\nactive\n`);
    }
    // a value written through one member is read back through another
    await labSsh(lab(), 'k1-master01', `etcdctl --endpoints=http://${SUBNET}.1:2379 put /tsplay/e2e ok`);
    expect((await labSsh(lab(), 'k1-master03', `etcdctl --endpoints=http://${SUBNET}.3:2379 get --print-value-only /tsplay/e2e`)).stdout).to.equal('ok\n');

    const second = await tsplay(['run', CLUSTER, '-i', inv, '--json']);
    expect(second.code, describeRun(second)).to.equal(0);
    for (const h of MASTERS) expect(recap(second)[h], h).to.include({ changed: 0, failed: 0 });
  });
});
