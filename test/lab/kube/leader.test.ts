// Leader election of the control-plane doubles over a real etcd and the apiserver double: two
// kube-controller-managers (child processes, as the kubelet runs them) elect exactly one leader
// on the Lease kube-system/kube-controller-manager; killing the leader's process hands the lease
// to the other within leaseDuration + retryPeriod; a leader that cannot renew (etcd stopped)
// logs `leaderelection lost` and exits 1 within the renew deadline.
import { expect } from 'chai';
import https from 'node:https';
import os from 'node:os';
import { useKube } from '../../helpers/kube.js';
import { labSubnet } from '../../helpers/lab.js';
import { spawnDouble, until, type Proc } from './ctl-helpers.js';

function healthz(host: string, port: number): Promise<{ code: number; body: string; cn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host, port, path: '/healthz', rejectUnauthorized: false }, (res) => {
      let body = '';
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, cn: String(cert.subject?.CN ?? '') }));
    });
    req.on('error', reject);
  });
}

describe('leader election of the control-plane doubles (real etcd, apiserver double)', function () {
  this.timeout(120000);
  const subnet = labSubnet(85);
  const kube = useKube({ subnet });
  const procs: Proc[] = [];
  const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager';
  const timing = ['--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s'];
  let kubeconfig = '';

  before(async () => {
    kubeconfig = await kube().userKubeconfig('system:kube-controller-manager', []);
  });
  after(async () => {
    for (const x of procs) if (x.p.exitCode === null) x.p.kill('SIGKILL');
    await Promise.all(procs.map((x) => x.exited));
  });

  it('two controller-managers: one acquires the lease, the other waits; killing the leader hands it over within lease + retry', async () => {
    const start = (ip: string): Proc => {
      const x = spawnDouble('controller-manager', '1.35.2', [`--kubeconfig=${kubeconfig}`, `--bind-address=${ip}`, '--leader-elect=true', ...timing, '--controllers=*,bootstrapsigner,tokencleaner']);
      procs.push(x);
      return x;
    };
    const a = start(`${subnet}.20`);
    const b = start(`${subnet}.21`);
    const acquired = (x: Proc): boolean => x.log().includes('successfully acquired lease kube-system/kube-controller-manager');
    const first = await until('a leader', 30000, () => (acquired(a) ? a : acquired(b) ? b : undefined));
    const other = first === a ? b : a;
    // the other keeps trying and does not get it while the leader renews
    await new Promise((r) => setTimeout(r, 5000));
    expect(acquired(other), other.log()).to.equal(false);
    expect(other.log()).to.include('attempting to acquire leader lease kube-system/kube-controller-manager...');
    const lease = await kube().client.get<{ metadata: { name?: string }; spec: { holderIdentity: string; leaseDurationSeconds: number; leaseTransitions: number; renewTime: string } }>(LEASE);
    expect(lease.spec.holderIdentity).to.match(new RegExp(`^${os.hostname().replace(/[.]/g, '\\.')}_[0-9a-f-]{36}$`));
    expect(lease.spec.leaseDurationSeconds).to.equal(4);
    expect(Date.now() - Date.parse(lease.spec.renewTime), `${JSON.stringify(lease)}\n${first.log()}\n---\n${other.log()}`).to.be.below(3000);
    // both serve /healthz on the secure port with a self-signed certificate
    for (const ip of [`${subnet}.20`, `${subnet}.21`]) {
      const h = await healthz(ip, 10257);
      expect(h).to.include({ code: 200, body: 'ok' });
      expect(h.cn).to.match(/^localhost@\d+$/);
    }
    const killedAt = Date.now();
    first.p.kill('SIGKILL');
    await until('the other to take over', 15000, () => acquired(other));
    const took = Date.now() - killedAt;
    // lease 4 s + retry 1 s with client-go's jitter (up to 2.2 × retry), plus start-up slack
    expect(took).to.be.below(4000 + 2200 + 1500);
    const after = await kube().client.get<{ metadata: { name?: string }; spec: { holderIdentity: string; leaseTransitions: number } }>(LEASE);
    expect(after.spec.holderIdentity).to.not.equal(lease.spec.holderIdentity);
    expect(after.spec.leaseTransitions).to.equal(lease.spec.leaseTransitions + 1);
  });

  it('a leader that cannot renew (etcd stopped) logs `leaderelection lost` and exits 1 within the renew deadline', async () => {
    const leader = procs.find((x) => x.p.exitCode === null && x.p.signalCode === null)!;
    expect(leader.log()).to.include('successfully acquired lease');
    const stoppedAt = Date.now();
    await kube().stopEtcd(0);
    try {
      const code = await Promise.race([leader.exited, new Promise<number>((r) => setTimeout(() => r(-99), 20000))]);
      expect(code, leader.log()).to.equal(1);
      expect(Date.now() - stoppedAt).to.be.below(3000 + 1000 + 4000);
      expect(leader.log()).to.match(/failed to renew lease kube-system\/kube-controller-manager: timed out waiting for the condition/);
      expect(leader.log()).to.match(/^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.]+:\d+\] leaderelection lost$/m);
    } finally {
      await kube().startEtcd(0);
    }
  });
});
