// Regression: the controller-manager double started with kubeadm 1.16.3's static pod flags and the
// default leader election timings (lease 15 s, renew deadline 10 s, retry 2 s) keeps its lease while
// its controllers work (CSRs to sign, nodes, node Leases), instead of exiting with
// `leaderelection lost` 12-40 s after acquiring it. (This did not reproduce the lab's failure on the
// controller; test/lab/kube/leader-renew.test.ts pins the mechanism.)
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useKube } from '../../helpers/kube.js';
import { labSubnet } from '../../helpers/lab.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('controller-manager double at 1.16.3 with the default leader election timings', function () {
  this.timeout(150000);
  const subnet = labSubnet(111);
  const kube = useKube({ subnet, version: '1.16.3' });
  let proc: ChildProcess | undefined;
  let out = '';
  let exited: Promise<number> | undefined;
  let procB: ChildProcess | undefined;
  let dir = '';

  after(async () => {
    if (procB && procB.exitCode === null && procB.signalCode === null) {
      const done = new Promise((r) => procB!.once('exit', r));
      procB.kill('SIGKILL');
      await done;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await exited;
    }
  });

  it('keeps the lease for 45 s while it signs CSRs, with a second candidate waiting (no `leaderelection lost`)', async () => {
    const conf = await kube().userKubeconfig('system:kube-controller-manager', []);
    // the flags of kubeadm 1.16.3's manifest (lib/lab/kube/kubeadm/manifests.ts), no leader election timings
    const args = [
      `--authentication-kubeconfig=${conf}`, `--authorization-kubeconfig=${conf}`, `--bind-address=${subnet}.20`, `--address=${subnet}.20`,
      `--client-ca-file=${kube().caCert}`, `--cluster-signing-cert-file=${kube().caCert}`, `--cluster-signing-key-file=${kube().caKey}`,
      '--controllers=*,bootstrapsigner,tokencleaner', `--kubeconfig=${conf}`, '--leader-elect=true', `--root-ca-file=${kube().caCert}`,
      '--use-service-account-credentials=true', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16', '--node-cidr-mask-size=24',
    ];
    const entry = path.join(ROOT, 'lib/lab/kube/controller-manager/main.ts');
    const code = `const m = await import(${JSON.stringify(entry)}); process.exit(await m.main(${JSON.stringify(args)}, "1.16.3"));`;
    proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    exited = new Promise<number>((r) => proc!.on('exit', (c, sig) => r(c ?? (sig ? 128 : -1))));
    const t0 = Date.now();
    while (!out.includes('successfully acquired lease kube-system/kube-controller-manager')) {
      if (Date.now() - t0 > 30000 || proc.exitCode !== null) throw new Error(`no leader:\n${out}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // a second candidate, as on a second control-plane node: it must keep waiting
    let outB = '';
    {
      const argsB = args.map((a) => a.replace(`${subnet}.20`, `${subnet}.21`));
      const codeB = `const m = await import(${JSON.stringify(entry)}); process.exit(await m.main(${JSON.stringify(argsB)}, "1.16.3"));`;
      const pb = (procB = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', codeB], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
      pb.stderr!.on('data', (c: Buffer) => (outB += c.toString()));
    }
    // work for it every 3 s: a kubelet client CSR (approved as `kubectl certificate approve` does, then signed), a Node, its Lease
    dir = await mkdtemp(path.join(os.tmpdir(), 'kcm-le-'));
    const admin = kube().client;
    let n = 0;
    const end = Date.now() + 45000;
    while (Date.now() < end && proc.exitCode === null) {
      const name = `node-${n++}`;
      await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.csr`), '-subj', `/O=system:nodes/CN=system:node:${name}`]);
      const req = await readFile(path.join(dir, `${name}.csr`));
      await admin.create('/apis/certificates.k8s.io/v1beta1/certificatesigningrequests', {
        apiVersion: 'certificates.k8s.io/v1beta1', kind: 'CertificateSigningRequest', metadata: { name: `csr-${name}` },
        spec: { request: req.toString('base64'), usages: ['digital signature', 'key encipherment', 'client auth'] },
      });
      // approved as `kubectl certificate approve` does; the controller-manager signs it
      const csr = await admin.get(`/apis/certificates.k8s.io/v1beta1/certificatesigningrequests/csr-${name}`);
      await admin.update(`/apis/certificates.k8s.io/v1beta1/certificatesigningrequests/csr-${name}/approval`, { ...csr, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'approved' }] } });
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await admin.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} }).catch(() => undefined);
      await admin.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: now.replace('Z', '.000000Z') } }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 3000));
    }
    expect(outB, outB).to.include('attempting to acquire leader lease kube-system/kube-controller-manager...');
    expect(outB, outB).to.not.include('successfully acquired lease');
    expect(out, out).to.not.include('leaderelection lost');
    expect(proc.exitCode, out).to.equal(null);
    const signed = (await admin.list<{ metadata: { name?: string }; status?: { certificate?: string } }>('/apis/certificates.k8s.io/v1beta1/certificatesigningrequests')).items.filter((c) => c.status?.certificate);
    expect(signed.length, out).to.be.greaterThan(0);
  });
});
