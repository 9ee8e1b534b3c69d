// The kube-scheduler double as a program (its own node process, as the kubelet double runs it):
// refusals with the real messages and exit codes (unknown flags per release, no kubeconfig, a
// KubeSchedulerConfiguration version the release does not read, a port already taken), --version,
// and /healthz served on the secure port (self-signed) and, on old releases, the insecure one.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labSubnet } from '../../helpers/lab.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Running {
  kill(): void;
  log(): string;
  exited: Promise<number>;
}

function startScheduler(version: string, args: string[]): Running {
  const entry = path.join(ROOT, 'lib/lab/kube/scheduler/main.ts');
  const code = `const m = await import(${JSON.stringify(entry)}); process.exit(await m.main(${JSON.stringify(args)}, ${JSON.stringify(version)}));`;
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number>((r) => p.on('exit', (c, sig) => r(c ?? (sig ? 128 : -1))));
  return { kill: () => p.kill('SIGTERM'), log: () => out, exited };
}

async function runScheduler(version: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = startScheduler(version, args);
  const code = await Promise.race([r.exited, new Promise<number>((res) => setTimeout(() => (r.kill(), res(-99)), 20000))]);
  return { code, out: r.log() };
}

function get(url: string): Promise<{ code: number; body: string; cn?: string }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https') ? https : http;
    const req = mod.get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      const sock = res.socket as import('node:tls').TLSSocket;
      const cn = typeof sock.getPeerCertificate === 'function' ? String(sock.getPeerCertificate().subject?.CN ?? '') : undefined;
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, cn }));
    });
    req.on('error', reject);
  });
}

async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('kube-scheduler double as a program', function () {
  this.timeout(60000);
  const subnet = labSubnet(87);
  let dir = '';
  let kubeconfig = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kube-sched-test-'));
    kubeconfig = path.join(dir, 'scheduler.conf');
    // an API nobody answers: serving and flags do not need one
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: k, cluster: {server: "https://${subnet}.1:6443", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: "abc"}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an unknown flag, and a flag its release removed, as cobra does (exit 1)', async () => {
    const a = await runScheduler('1.16.3', ['--kubeconfig', kubeconfig, '--no-such-thing=1']);
    expect(a).to.deep.equal({ code: 1, out: 'Error: unknown flag: --no-such-thing\n' });
    const b = await runScheduler('1.35.2', [`--kubeconfig=${kubeconfig}`, '--address=127.0.0.1']);
    expect(b).to.deep.equal({ code: 1, out: 'Error: unknown flag: --address\n' });
  });

  it('--version prints the release; no kubeconfig fails like the real one outside a cluster', async () => {
    expect(await runScheduler('1.16.3', ['--version'])).to.deep.equal({ code: 0, out: 'Kubernetes v1.16.3\n' });
    const r = await runScheduler('1.35.2', ['--secure-port=0']);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/^E\d{4} [\d:.]+ +\d+ run\.go:74\] "command failed" err="unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"$/m);
  });

  it('reads --config: a KubeSchedulerConfiguration version the release does not know is refused with the scheme message', async () => {
    const cfg = path.join(dir, 'kubescheduler-config.yaml');
    await writeFile(cfg, `apiVersion: kubescheduler.config.k8s.io/v1beta1\nkind: KubeSchedulerConfiguration\nclientConnection: {kubeconfig: ${kubeconfig}}\n`);
    const r = await runScheduler('1.35.2', [`--config=${cfg}`]);
    expect(r).to.deep.equal({ code: 1, out: 'Error: no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io/v1beta1" in scheme "k8s.io/kubernetes/pkg/scheduler/apis/config/scheme/scheme.go:30"\n' });
    await writeFile(cfg, `apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nclientConnection: {kubeconfig: ${kubeconfig}}\nleaderElection: {leaseDuration: 5s, renewDeadline: 6s}\n`);
    const bad = await runScheduler('1.35.2', [`--config=${cfg}`]);
    expect(bad).to.deep.equal({ code: 1, out: 'Error: leaseDuration must be greater than renewDeadline\n' });
  });

  it('serves /healthz over HTTPS on --bind-address:10259 (self-signed) and, at 1.16, over HTTP on --address:--port; a taken port ends a second one', async () => {
    const ip = `${subnet}.30`;
    const one = startScheduler('1.16.3', [`--kubeconfig=${kubeconfig}`, `--bind-address=${ip}`, `--address=${ip}`, '--port=10251', '--leader-elect=true']);
    try {
      const h = await until('healthz', 20000, () => get(`https://${ip}:10259/healthz`));
      expect(h).to.include({ code: 200, body: 'ok' });
      expect(h.cn).to.match(/^localhost@\d+$/);
      expect(await get(`http://${ip}:10251/healthz`)).to.include({ code: 200, body: 'ok' });
      expect((await get(`https://${ip}:10259/nope`)).code).to.equal(404);
      const two = await runScheduler('1.16.3', [`--kubeconfig=${kubeconfig}`, `--bind-address=${ip}`, '--port=0']);
      expect(two.code).to.equal(1);
      expect(two.out).to.include(`"command failed" err="failed to create listener: failed to listen on ${ip}:10259: listen tcp ${ip}:10259: bind: address already in use"`);
      // the API is unreachable: it keeps campaigning and says why
      expect(one.log()).to.include('attempting to acquire leader lease kube-system/kube-scheduler...');
    } finally {
      one.kill();
      expect(await one.exited).to.equal(0);
    }
  });
});
