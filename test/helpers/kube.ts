// A Kubernetes API for tests, on the controller: real etcd members (Debian's /usr/bin/etcd) over
// TLS with certificates made by openssl, the kube-apiserver double in-process with kubeadm-style
// flags, an admin kubeconfig (O=system:masters), and the REAL kubectl pointed at it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeClient } from '../../lib/lab/kube/common/client.js';
import { renderKubeconfig } from '../../lib/lab/kube/common/kubeconfig.js';
import { parseFlags } from '../../lib/lab/kube/common/flags.js';
import { parseVersion } from '../../lib/lab/kube/common/versions.js';
import { BOOL_FLAGS } from '../../lib/lab/kube/apiserver/flags.js';
import { startApiServer, type RunningApiServer } from '../../lib/lab/kube/apiserver/main.js';
import { realKubectl } from '../../lib/lab/kube/packages/kubectl.js';

const run = promisify(execFile);

export interface KubeOptions {
  /** `127.a.b`: members get .11, .12, .13; the apiserver .10 */
  subnet: string;
  /** apiserver release (default 1.35.2) */
  version?: string;
  /** etcd members (1 or 3) */
  etcdMembers?: number;
  /** extra kube-apiserver flags */
  extraFlags?: string[];
  /** an etcd that runs elsewhere (e.g. lab hosts made by roles/etcd): no members are started here */
  etcd?: { endpoints: string[]; caFile: string; certFile: string; keyFile: string };
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubeFixture {
  dir: string;
  /** admin kubeconfig path (client cert in system:masters) */
  kubeconfig: string;
  /** `https://127.a.b.10:6443` */
  server: string;
  /** PEM paths of the cluster CA (to sign more client certs with `signClientCert`) */
  caCert: string;
  caKey: string;
  etcdEndpoints: string[];
  api: RunningApiServer;
  /** an API client with the admin credentials */
  client: KubeClient;
  /** the real kubectl with the admin kubeconfig (its own HOME so caches are private) */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number; kubeconfig?: string }): Promise<KubectlResult>;
  /** a client certificate signed by the cluster CA; returns a kubeconfig path */
  userKubeconfig(cn: string, groups: string[]): Promise<string>;
  stopEtcd(i: number): Promise<void>;
  startEtcd(i: number): Promise<void>;
  stop(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

/** An EC key and a certificate signed by `ca` (or self-signed when ca is undefined). */
async function makeCert(dir: string, name: string, subj: string, ext: string, ca?: string): Promise<void> {
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  await writeFile(path.join(dir, `${name}.ext`), ext);
  if (!ca) {
    await openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', subj, '-extensions', 'v3', '-config', `${name}.ext`], dir);
    return;
  }
  await openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subj], dir);
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
}

const CA_EXT = '[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n';
const leafExt = (san: string, usage: string): string => `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\n${san ? `subjectAltName=${san}\n` : ''}`;

export async function startKube(o: KubeOptions): Promise<KubeFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kube-'));
  const pki = path.join(dir, 'pki');
  await mkdir(pki);
  const apiIp = `${o.subnet}.10`;
  const members = Array.from({ length: o.etcd ? 0 : (o.etcdMembers ?? 1) }, (_, i) => ({ name: `etcd${i + 1}`, ip: `${o.subnet}.${11 + i}` }));
  await makeCert(pki, 'etcd-ca', '/CN=etcd-ca', CA_EXT);
  await makeCert(pki, 'ca', '/CN=kubernetes', CA_EXT);
  // peers dial from 127.0.0.1 (the machine's source address for loopback), and etcd checks a
  // peer's certificate against its address: the SANs carry it, as kubespray's etcd certs do
  await makeCert(pki, 'etcd-server', '/CN=etcd', leafExt([...members.map((m) => `IP:${m.ip}`), 'IP:127.0.0.1'].join(','), 'serverAuth,clientAuth'), 'etcd-ca');
  await makeCert(pki, 'apiserver-etcd-client', '/O=system:masters/CN=kube-apiserver-etcd-client', leafExt('', 'clientAuth'), 'etcd-ca');
  await makeCert(pki, 'apiserver', '/CN=kube-apiserver', leafExt(`IP:${apiIp},DNS:kubernetes,DNS:kubernetes.default`, 'serverAuth'), 'ca');
  await makeCert(pki, 'admin', '/O=system:masters/CN=kubernetes-admin', leafExt('', 'clientAuth'), 'ca');

  const cluster = members.map((m) => `${m.name}=https://${m.ip}:2380`).join(',');
  const procs: (ChildProcess | undefined)[] = members.map(() => undefined);
  const startEtcd = async (i: number): Promise<void> => {
    const m = members[i]!;
    const data = path.join(dir, `${m.name}.data`);
    const log = path.join(dir, `${m.name}.log`);
    const { openSync } = await import('node:fs');
    const fd = openSync(log, 'a');
    const p = spawn(
      '/usr/bin/etcd',
      [
        `--name=${m.name}`,
        `--data-dir=${data}`,
        `--listen-client-urls=https://${m.ip}:2379`,
        `--advertise-client-urls=https://${m.ip}:2379`,
        `--listen-peer-urls=https://${m.ip}:2380`,
        `--initial-advertise-peer-urls=https://${m.ip}:2380`,
        `--initial-cluster=${cluster}`,
        '--initial-cluster-state=new',
        `--cert-file=${pki}/etcd-server.crt`,
        `--key-file=${pki}/etcd-server.key`,
        `--trusted-ca-file=${pki}/etcd-ca.crt`,
        '--client-cert-auth',
        `--peer-cert-file=${pki}/etcd-server.crt`,
        `--peer-key-file=${pki}/etcd-server.key`,
        `--peer-trusted-ca-file=${pki}/etcd-ca.crt`,
        '--peer-client-cert-auth',
        // the lab's cadence is calm: fewer heartbeats keep idle CPU down
        '--heartbeat-interval=250',
        '--election-timeout=2500',
        '--logger=zap',
      ],
      { stdio: ['ignore', fd, fd], detached: false },
    );
    procs[i] = p;
  };
  const stopEtcd = async (i: number): Promise<void> => {
    const p = procs[i];
    procs[i] = undefined;
    if (!p || p.exitCode !== null || !p.pid) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    process.kill(p.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null && p.signalCode === null) process.kill(p.pid, 'SIGKILL');
  };
  let api: RunningApiServer | undefined;
  const stop = async (): Promise<void> => {
    await api?.stop().catch(() => undefined);
    for (let i = 0; i < members.length; i++) await stopEtcd(i);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(members.map((_, i) => startEtcd(i)));
    const etcdEndpoints = o.etcd?.endpoints ?? members.map((m) => `https://${m.ip}:2379`);
    const argv = [
      `--advertise-address=${apiIp}`,
      `--bind-address=${apiIp}`,
      '--secure-port=6443',
      '--allow-privileged=true',
      '--authorization-mode=Node,RBAC',
      `--client-ca-file=${pki}/ca.crt`,
      '--enable-admission-plugins=NodeRestriction',
      '--enable-bootstrap-token-auth=true',
      `--etcd-cafile=${o.etcd?.caFile ?? `${pki}/etcd-ca.crt`}`,
      `--etcd-certfile=${o.etcd?.certFile ?? `${pki}/apiserver-etcd-client.crt`}`,
      `--etcd-keyfile=${o.etcd?.keyFile ?? `${pki}/apiserver-etcd-client.key`}`,
      `--etcd-servers=${etcdEndpoints.join(',')}`,
      '--service-cluster-ip-range=10.96.0.0/12',
      `--tls-cert-file=${pki}/apiserver.crt`,
      `--tls-private-key-file=${pki}/apiserver.key`,
      ...(o.extraFlags ?? []),
    ];
    const v = parseVersion(o.version ?? '1.35.2');
    if (!v) throw new Error(`bad version ${o.version}`);
    api = await startApiServer(parseFlags(argv, { bools: BOOL_FLAGS }), v);
    const server = `https://${apiIp}:6443`;
    const pem = async (n: string): Promise<string> => readFile(path.join(pki, n), 'utf8');
    const kubeconfig = path.join(dir, 'admin.conf');
    await writeFile(kubeconfig, renderKubeconfig({ server, ca: await pem('ca.crt'), cert: await pem('admin.crt'), key: await pem('admin.key') }), { mode: 0o600 });
    const client = await KubeClient.fromKubeconfig(kubeconfig, { timeoutMs: 15000 });
    // ready when etcd has a leader and the start-up objects are written
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await client.raw('GET', '/readyz').catch(() => ({ code: 0, text: '' }));
      if (r.code === 200) break;
      if (Date.now() > deadline) {
        const tail = members[0] ? (await readFile(path.join(dir, `${members[0].name}.log`), 'utf8').catch(() => '')).split('\n').slice(-6).join('\n') : '(etcd runs elsewhere)';
        throw new Error(`apiserver double not ready after 30 s: ${r.code} ${r.text}\netcd log:\n${tail}`);
      }
      await new Promise((res) => setTimeout(res, 300));
    }
    const kubectlBin = await realKubectl();
    const home = path.join(dir, 'home');
    await mkdir(home);
    const running = api;
    const fixture: KubeFixture = {
      dir,
      kubeconfig,
      server,
      caCert: path.join(pki, 'ca.crt'),
      caKey: path.join(pki, 'ca.key'),
      etcdEndpoints,
      api: running,
      client,
      kubectl: (args, opts = {}) =>
        new Promise((resolve) => {
          const p = spawn(kubectlBin, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: opts.kubeconfig ?? kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
          p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          const t = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60000);
          p.on('close', (code) => {
            clearTimeout(t);
            resolve({ code: code ?? -1, stdout, stderr });
          });
          p.stdin.end(opts.input ?? '');
        }),
      userKubeconfig: async (cn, groups) => {
        const name = `user-${cn.replace(/[^a-z0-9]/gi, '_')}`;
        const subj = groups.map((g) => `/O=${g}`).join('') + `/CN=${cn}`;
        await makeCert(pki, name, subj, leafExt('', 'clientAuth'), 'ca');
        const p = path.join(dir, `${name}.conf`);
        await writeFile(p, renderKubeconfig({ server, ca: await pem('ca.crt'), cert: await pem(`${name}.crt`), key: await pem(`${name}.key`), userName: cn }), { mode: 0o600 });
        return p;
      },
      stopEtcd,
      startEtcd,
      stop: async () => {
        client.close();
        await stop();
      },
    };
    return fixture;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** startKube in before(), stop in after() (also when before() failed). */
export function useKube(o: KubeOptions): () => KubeFixture {
  let fx: KubeFixture | undefined;
  before(async function () {
    this.timeout(90000);
    fx = await startKube(o);
  });
  after(async function () {
    this.timeout(30000);
    await fx?.stop();
  });
  return () => {
    if (!fx) throw new Error('kube fixture is not up (before() failed)');
    return fx;
  };
}

/** A node the way a kubelet registers it: the object, then its status. */
export async function registerNode(fx: KubeFixture, name: string, opts: { ready?: boolean; labels?: Record<string, string>; version?: string; ip?: string } = {}): Promise<void> {
  await fx.client.create('/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(opts.labels ?? {}) } },
    spec: {},
  });
  await fx.client.patch(
    `/api/v1/nodes/${name}/status`,
    {
      status: {
        conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
        addresses: [
          { type: 'InternalIP', address: opts.ip ?? '10.0.0.1' },
          { type: 'Hostname', address: name },
        ],
        nodeInfo: { kubeletVersion: opts.version ?? 'v1.35.2', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
      },
    },
    'strategic',
  );
}

/** `kubectl get` output as rows of cells (split on 2+ spaces), header first. */
export function rows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}
