import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, REPO, recap, tsplay, writeLabInventory } from './helpers.js';

// cluster.ts's etcd play (test/fixtures/e2e/etcd-cluster.ts) on three lab masters: the etcd role makes the etcd PKI with openssl on the
// first member, copies it to the others, and forms a real three-member etcd 3.4 cluster over TLS
// (Debian's etcd on each host's own loopback address, started by the daemonless systemctl inside
// the hosts); a second run changes nothing and makes no certificate again.
const CLUSTER = path.join(REPO, 'test/fixtures/e2e/etcd-cluster.ts');
const SUBNET = labSubnet(44);
const HOSTS = clusterHosts(SUBNET, 3, 0);
const MASTERS = HOSTS.map((h) => h.name);
const SSL = '/etc/ssl/etcd/ssl';

describe('e2e: etcd cluster from cluster.ts\'s etcd play', function () {
  this.timeout(120000);
  const lab = useLab('e2e-etcd', HOSTS);
  let inv: string;
  before(async () => {
    inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'), {
      etcdTls: true,
      // the control-plane play renders kubeadm's config; its load balancer is a lab address
      extra: `[k8s-cluster:vars]\nkube_version=v1.15.6\nloadbalancer_apiserver={'address': '${SUBNET}.1', 'port': 6443}\n`,
    });
  });

  it('forms a healthy three-member cluster; a second run changes nothing', async () => {
    // --check on fresh hosts says what it would do and touches nothing
    const dry = await tsplay(['run', CLUSTER, '-i', inv, '--check', '--json']);
    expect(dry.code, describeRun(dry)).to.equal(0);
    expect(recap(dry)['k1-master01'], describeRun(dry)).to.have.property('changed').above(3);
    const made = dry.events.find((e) => e.type === 'host_result' && e.task.startsWith('make the etcd certificates'));
    expect(made && made.type === 'host_result' && String(made.result?.stdout)).to.include('would generate ca').and.include('would generate member-k1-master03');
    for (const h of MASTERS) {
      const untouched = await labSsh(lab(), h, 'ls /etc/ssl/etcd /etc/etcd.env /etc/systemd/system/etcd.service 2>&1; systemctl is-active etcd');
      expect(untouched.stdout, h).to.equal(
        'ls: cannot access \'/etc/ssl/etcd\': No such file or directory\nls: cannot access \'/etc/etcd.env\': No such file or directory\n' +
          "ls: cannot access '/etc/systemd/system/etcd.service': No such file or directory\ninactive\n",
      );
    }
    const first = await tsplay(['run', CLUSTER, '-i', inv, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    for (const h of MASTERS) expect(recap(first)[h], `${h}: ${describeRun(first)}`).to.include({ failed: 0, unreachable: 0 }).and.have.property("changed").above(0);

    const endpoints = HOSTS.map((h) => `https://${h.address}:2379`).join(',');
    const tls = (h: string): string => `--cacert=${SSL}/ca.pem --cert=${SSL}/admin-${h}.pem --key=${SSL}/admin-${h}-key.pem`;
    const members = await labSsh(lab(), 'k1-master02', `etcdctl ${tls('k1-master02')} --endpoints=https://${SUBNET}.2:2379 member list`);
    expect(members.rc, members.stderr).to.equal(0);
    const rows = members.stdout.trim().split('\n').map((l) => l.split(', '));
    expect(rows.map((r) => [r[1], r[2], r[3]])).to.have.deep.members(
      HOSTS.map((h, i) => ['started', `etcd${i + 1}`, `https://${h.address}:2380`]),
    );
    const health = await labSsh(lab(), 'k1-master03', `etcdctl ${tls('k1-master03')} --endpoints=${endpoints} endpoint health`);
    expect(health.rc, health.stdout + health.stderr).to.equal(0);
    expect((health.stdout + health.stderr).match(/is healthy/g)).to.have.lengthOf(3);

    // each member runs on its own host, as the service the role installed
    for (const [i, h] of HOSTS.entries()) {
      const env = await labSsh(lab(), h.name, 'grep -E "^ETCD_(NAME|LISTEN_CLIENT_URLS)=" /etc/etcd.env; systemctl is-active etcd');
      expect(env.stdout, h.name).to.equal(`ETCD_LISTEN_CLIENT_URLS=https://${h.address}:2379\nETCD_NAME=etcd${i + 1}\nactive\n`);
    }
    // a value written through one member is read back through another
    await labSsh(lab(), 'k1-master01', `etcdctl ${tls('k1-master01')} --endpoints=https://${SUBNET}.1:2379 put /tsplay/e2e ok`);
    expect((await labSsh(lab(), 'k1-master03', `etcdctl ${tls('k1-master03')} --endpoints=https://${SUBNET}.3:2379 get --print-value-only /tsplay/e2e`)).stdout).to.equal('ok\n');
    // plain http is refused: client certificates are required
    expect((await labSsh(lab(), 'k1-master01', `etcdctl --endpoints=http://${SUBNET}.1:2379 --dial-timeout=2s get /tsplay/e2e`)).rc).to.not.equal(0);
    expect((await labSsh(lab(), 'k1-master01', `etcdctl --cacert=${SSL}/ca.pem --endpoints=https://${SUBNET}.1:2379 --dial-timeout=2s get /tsplay/e2e`)).rc).to.not.equal(0);

    // the PKI: every certificate signed by the CA made on the first member, with the SANs of
    // FACTS §3.2 (localhost, every member's name and address, etcd.kube-system..., 127.0.0.1, ::1)
    const certs = await labSsh(lab(), 'k1-master01', `cd ${SSL} && ls && openssl verify -CAfile ca.pem $(ls *.pem | grep -v -e -key.pem -e ^ca) && openssl x509 -in member-k1-master02.pem -noout -subject -ext subjectAltName,extendedKeyUsage`);
    expect(certs.rc, certs.stderr).to.equal(0);
    for (const h of MASTERS) for (const kind of ['member', 'admin', 'node']) expect(certs.stdout).to.include(`${kind}-${h}.pem: OK`);
    expect(certs.stdout).to.match(/subject=CN\s?=\s?etcd-member-k1-master02/);
    expect(certs.stdout).to.include('DNS:localhost, DNS:k1-master01, DNS:k1-master02, DNS:k1-master03, DNS:etcd.kube-system.svc.cluster.local');
    for (const h of HOSTS) expect(certs.stdout).to.include(`IP Address:${h.address}`);
    expect(certs.stdout).to.include('TLS Web Client Authentication, TLS Web Server Authentication');
    // the others got their own certificates (and the CA), copied from the first member, private
    const second02 = await labSsh(lab(), 'k1-master02', `cd ${SSL} && ls | sort | tr '\\n' ' ' && stat -c '%a' . ca-key.pem member-k1-master02-key.pem && cmp ca.pem /dev/stdin`, {
      input: (await labSsh(lab(), 'k1-master01', `cat ${SSL}/ca.pem`)).stdout,
    });
    expect(second02.rc, second02.stderr).to.equal(0);
    expect(second02.stdout).to.equal('admin-k1-master02-key.pem admin-k1-master02.pem ca-key.pem ca.pem member-k1-master02-key.pem member-k1-master02.pem node-k1-master02-key.pem node-k1-master02.pem 700\n640\n640\n');
    const before = (await labSsh(lab(), 'k1-master01', `sha256sum ${SSL}/*.pem`)).stdout;

    const second = await tsplay(['run', CLUSTER, '-i', inv, '--json']);
    expect(second.code, describeRun(second)).to.equal(0);
    for (const h of MASTERS) expect(recap(second)[h], h).to.include({ changed: 0, failed: 0 });
    expect((await labSsh(lab(), 'k1-master01', `sha256sum ${SSL}/*.pem`)).stdout, 'no certificate made again').to.equal(before);

    // a new SAN (an added name) makes the member certificates again, signed by the same CA
    const third = await tsplay(['run', CLUSTER, '-i', inv, '--json', '-e', '{"etcd_cert_alt_names": ["etcd.example"]}']);
    expect(third.code, describeRun(third)).to.equal(0);
    const sans = await labSsh(lab(), 'k1-master02', `openssl x509 -in ${SSL}/member-k1-master02.pem -noout -ext subjectAltName && openssl verify -CAfile ${SSL}/ca.pem ${SSL}/member-k1-master02.pem`);
    expect(sans.stdout).to.include('DNS:etcd.example').and.include(': OK');
    expect((await labSsh(lab(), 'k1-master01', `sha256sum ${SSL}/ca.pem`)).stdout).to.equal(before.split('\n').find((l) => l.endsWith('/ca.pem')) + '\n');
  });
});
