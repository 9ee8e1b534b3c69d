// The controller-manager double at an old release (1.16.3, seed 004's path) against an apiserver
// double of the same release: it speaks policy/v1beta1 for PodDisruptionBudgets (no conditions,
// as then) and certificates.k8s.io/v1beta1 for CSRs (no signerName: the legacy signer), and
// serves the insecure 10252 port kubeadm's manifests of that time still had.
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Csr, Pod, PodDisruptionBudget } from '../../../lib/lab/kube/controller-manager/types.js';
import { useKube } from '../../helpers/kube.js';
import { labSubnet } from '../../helpers/lab.js';
import { ROOT, until } from './ctl-helpers.js';

const run = promisify(execFile);

describe('controller-manager double at 1.16.3 (policy/v1beta1, certificates v1beta1, insecure port)', function () {
  this.timeout(120000);
  const subnet = labSubnet(88);
  const kube = useKube({ subnet, version: '1.16.3' });
  let proc: ChildProcess | undefined;
  let out = '';

  before(async function () {
    this.timeout(60000);
    const conf = await kube().userKubeconfig('system:kube-controller-manager', []);
    const args = [
      `--kubeconfig=${conf}`, `--authentication-kubeconfig=${conf}`, `--authorization-kubeconfig=${conf}`, `--bind-address=${subnet}.20`, `--address=${subnet}.20`, '--port=10252',
      `--cluster-signing-cert-file=${kube().caCert}`, `--cluster-signing-key-file=${kube().caKey}`, '--controllers=*,bootstrapsigner,tokencleaner',
      '--leader-elect=true', '--use-service-account-credentials=true', '--experimental-cluster-signing-duration=8760h', '--pod-eviction-timeout=5m0s',
    ];
    const entry = path.join(ROOT, 'lib/lab/kube/controller-manager/main.ts');
    const code = `const m = await import(${JSON.stringify(entry)}); process.exit(await m.main(${JSON.stringify(args)}, "1.16.3"));`;
    proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    await until('leader', 30000, async () => (out.includes('successfully acquired lease kube-system/kube-controller-manager') ? true : undefined), () => out);
  });
  after(async () => {
    if (proc && proc.exitCode === null) {
      const done = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    }
  });

  it('serves /healthz on the insecure port 10252 over plain HTTP', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`http://${subnet}.20:10252/healthz`, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${b}`));
      }).on('error', reject);
    });
    expect(body).to.equal('200 ok');
  });

  it('fills a policy/v1beta1 PodDisruptionBudget (minAvailable) without conditions; kubectl get pdb shows it', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: solo, namespace: default, labels: {app: solo}}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: solo-pdb, namespace: default}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: solo}}
`;
    const r = await kube().kubectl(['apply', '-f', '-'], { input: manifest });
    expect(r.code, r.stderr).to.equal(0);
    // the pod is Running and Ready as its kubelet would report it
    const pod = await kube().client.get<Pod>('/api/v1/namespaces/default/pods/solo');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await kube().client.update('/api/v1/namespaces/default/pods/solo/status', { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } });
    const st = await until('pdb status', 20000, async () => {
      const p = await kube().client.get<PodDisruptionBudget>('/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets/solo-pdb');
      return p.status?.currentHealthy === 1 ? p.status : undefined;
    }, () => out);
    expect(st).to.deep.include({ expectedPods: 1, desiredHealthy: 1, currentHealthy: 1, disruptionsAllowed: 0 });
    expect(st.conditions).to.equal(undefined);
    const g = await kube().kubectl(['get', 'pdb', 'solo-pdb']);
    expect(g.stdout).to.match(/\nsolo-pdb\s+1\s+N\/A\s+0\s+\S+\n/);
  });

  it('signs a certificates.k8s.io/v1beta1 CSR (legacy signer) once approved', async () => {
    const dir = kube().dir;
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'old.key'], { cwd: dir });
    await run('openssl', ['req', '-new', '-key', 'old.key', '-out', 'old.csr', '-subj', '/O=system:nodes/CN=system:node:old'], { cwd: dir });
    await kube().client.create('/apis/certificates.k8s.io/v1beta1/certificatesigningrequests', {
      apiVersion: 'certificates.k8s.io/v1beta1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'old-csr' },
      spec: { request: (await readFile(path.join(dir, 'old.csr'))).toString('base64'), usages: ['digital signature', 'key encipherment', 'client auth'] },
    });
    const a = await kube().kubectl(['certificate', 'approve', 'old-csr']);
    expect(a.code, a.stderr).to.equal(0);
    const csr = await until('signed', 20000, async () => {
      const c = await kube().client.get<Csr>('/apis/certificates.k8s.io/v1beta1/certificatesigningrequests/old-csr');
      return c.status?.certificate ? c : undefined;
    }, () => out);
    await writeFile(path.join(dir, 'old.crt'), Buffer.from(csr.status!.certificate!, 'base64'));
    expect((await run('openssl', ['verify', '-CAfile', kube().caCert, 'old.crt'], { cwd: dir })).stdout.trim()).to.equal('old.crt: OK');
    const end = (await run('openssl', ['x509', '-in', 'old.crt', '-noout', '-enddate'], { cwd: dir })).stdout;
    // --experimental-cluster-signing-duration=8760h: one year
    expect(Date.parse(end.replace('notAfter=', '').trim()) - Date.now()).to.be.within(364 * 86400000, 366 * 86400000);
  });
});
