// The kube-apiserver double as a program (main(argv, version)): real flags, refusals, serving until
// SIGTERM; and what an old release (1.16) serves differently (policy/v1beta1, certificates v1beta1).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, type KubeObject } from '../../../lib/lab/kube/common/client.js';
import { main } from '../../../lib/lab/kube/apiserver/main.js';
import { labSubnet } from '../../helpers/lab.js';
import { registerNode, useKube, type KubeFixture } from '../../helpers/kube.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../lib/lab/kube/apiserver/main.ts');

async function captureStderr(fn: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  const orig = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await fn(), stderr };
  } finally {
    process.stderr.write = orig;
  }
}

function flagsFor(fx: KubeFixture, ip: string): string[] {
  const pki = path.join(fx.dir, 'pki');
  return [
    `--advertise-address=${ip}`,
    `--bind-address=${ip}`,
    '--secure-port=6443',
    '--authorization-mode=Node,RBAC',
    `--client-ca-file=${pki}/ca.crt`,
    '--enable-bootstrap-token-auth=true',
    `--etcd-cafile=${pki}/etcd-ca.crt`,
    `--etcd-certfile=${pki}/apiserver-etcd-client.crt`,
    `--etcd-keyfile=${pki}/apiserver-etcd-client.key`,
    `--etcd-servers=${fx.etcdEndpoints.join(',')}`,
    `--tls-cert-file=${pki}/apiserver.crt`,
    `--tls-private-key-file=${pki}/apiserver.key`,
  ];
}

describe('kube-apiserver double: the program and old releases', function () {
  this.timeout(60000);
  const kube = useKube({ subnet: labSubnet(74), version: '1.16.3' });

  it('refuses unknown flags and flags its release no longer has, as the real binary', async function () {
    const a = await captureStderr(() => main(['--etcd-servers=https://x:2379', '--bogus=1'], '1.16.3'));
    expect(a).to.deep.equal({ code: 1, stderr: 'Error: unknown flag: --bogus\n' });
    const lone = await captureStderr(() => main(['--bogus', '--secure-port=6443'], '1.16.3'));
    expect(lone).to.deep.equal({ code: 1, stderr: 'Error: unknown flag: --bogus\n' });
    const b = await captureStderr(() => main(['--insecure-port=0'], '1.34.3'));
    expect(b).to.deep.equal({ code: 1, stderr: 'Error: unknown flag: --insecure-port\n' });
    const c = await captureStderr(() => main(['--insecure-port=0', '--secure-port=6443'], '1.16.3'));
    expect(c.code).to.equal(1);
    expect(c.stderr).to.include('--etcd-servers must be specified');
  });

  it('runs as a program until SIGTERM; a taken port makes it exit 1 with the bind error', async function () {
    const fx = kube();
    const ip = `${labSubnet(74)}.20`;
    const run = (argv: string[]): { done: Promise<{ code: number | null; stderr: string }>; kill: () => void } => {
      const p = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1), '1.16.3')).then((c) => process.exit(c))`, '--', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      return { done: new Promise((r) => p.on('close', (code) => r({ code, stderr }))), kill: () => void (p.exitCode === null && p.pid && process.kill(p.pid, 'SIGTERM')) };
    };
    // the fixture's certificate names 127.x.74.10 only: talk to the second server without hostname checks
    const srv = run(flagsFor(fx, ip));
    const client = new KubeClient({ ...fx.client.creds, server: `https://${ip}:6443`, insecureSkipTlsVerify: true });
    try {
      let version = '';
      for (let i = 0; i < 40 && !version; i++) {
        version = await client.request<{ gitVersion: string }>('GET', '/version').then((v) => v.gitVersion, () => '');
        if (!version) await new Promise((r) => setTimeout(r, 250));
      }
      expect(version).to.equal('v1.16.3');
      // both servers share the etcd: an object written through one is read through the other
      await fx.client.create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'shared' } });
      expect((await client.get('/api/v1/namespaces/default/configmaps/shared')).metadata.name).to.equal('shared');
    } finally {
      client.close();
      srv.kill();
    }
    const end = await srv.done;
    expect(end.code, end.stderr).to.equal(0);
    expect(end.stderr).to.include(`Serving securely on ${ip}:6443`);
    const taken = run(flagsFor(fx, `${labSubnet(74)}.10`));
    const t = await taken.done;
    expect(t.code).to.equal(1);
    expect(t.stderr).to.include(`failed to listen on ${labSubnet(74)}.10:6443: listen tcp ${labSubnet(74)}.10:6443: bind: address already in use`);
  });

  it('exits 255 when etcd stays unreachable for 30 s (the fatal post-start hook), as the real server', async function () {
    this.timeout(60000);
    const fx = kube();
    const ip = `${labSubnet(74)}.21`;
    const argv = flagsFor(fx, ip).map((a) => (a.startsWith('--etcd-servers=') ? `--etcd-servers=https://${labSubnet(74)}.99:2379` : a));
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1), '1.16.3')).then((c) => process.exit(c))`, '--', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => p.on('close', (c) => r(c)));
    expect(code, stderr).to.equal(255);
    expect(stderr).to.match(/\nF\d{4} [\d:.]+ +\d+ hooks\.go:203\] PostStartHook "rbac\/bootstrap-roles" failed: unable to initialize roles: timed out waiting for the condition\n/);
  });

  it('1.16 serves policy/v1beta1 (PDBs, Eviction) and certificates.k8s.io/v1beta1 only', async function () {
    const fx = kube();
    const groups = await fx.client.request<{ groups: { name: string; preferredVersion: { version: string }; versions: { version: string }[] }[] }>('GET', '/apis');
    const g = (n: string): string[] => groups.groups.find((x) => x.name === n)!.versions.map((v) => v.version);
    expect(g('policy')).to.deep.equal(['v1beta1']);
    expect(g('certificates.k8s.io')).to.deep.equal(['v1beta1']);
    const v1 = await fx.client.request<{ resources: { name: string; version?: string }[] }>('GET', '/api/v1');
    expect(v1.resources.find((r) => r.name === 'pods/eviction')?.version).to.equal('v1beta1');
    expect((await fx.client.raw('GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets')).code).to.equal(404);

    await registerNode(fx, 'old', { version: 'v1.16.3' });
    const t = await fx.kubectl(['get', 'nodes', 'old']);
    expect(t.stdout.split('\n')[1]).to.match(/^old\s+Ready\s+<none>\s+\d+s\s+v1\.16\.3$/);
    // TaintNodesByCondition's admission taint arrived in 1.17
    const n = await fx.client.get<KubeObject & { spec: { taints?: unknown[] } }>('/api/v1/nodes/old');
    expect(n.spec.taints ?? []).to.deep.equal([]);
    await fx.client.create('/api/v1/namespaces/default/pods', { metadata: { name: 'p', labels: { app: 'p' } }, spec: { nodeName: 'old', containers: [{ name: 'c', image: 'x:1' }] } });
    await fx.client.patch('/api/v1/namespaces/default/pods/p/status', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, 'strategic');
    const pdb = await fx.kubectl(['apply', '-f', '-'], { input: 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  namespace: default\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: p\n' });
    expect(pdb.stdout.trim(), pdb.stderr).to.equal('poddisruptionbudget.policy/p created');
    await fx.client.patch('/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets/p/status', { status: { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } }, 'merge');
    const d = await fx.kubectl(['drain', 'old', '--force', '--timeout=6s']);
    expect(d.code).to.equal(1);
    expect(d.stderr).to.include(`error when evicting pods/"p" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    const pdbs = await fx.kubectl(['get', 'pdb']);
    expect(pdbs.stdout.split('\n')[0]).to.match(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
    expect(pdbs.stdout.split('\n')[1]).to.match(/^p\s+1\s+N\/A\s+0\s+\d+s$/);
  });
});
