// TLS bootstrap (pkg/kubelet/certificate/bootstrap): with --bootstrap-kubeconfig and no
// --kubeconfig file, the kubelet makes a key, sends a CertificateSigningRequest for
// CN=system:node:<name>, O=system:nodes with the bootstrap token's credentials, waits for the
// signer's certificate, stores key+certificate in /var/lib/kubelet/pki/kubelet-client-<ts>.pem
// (kubelet-client-current.pem links to it) and writes the kubeconfig pointing at that file.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ApiError, KubeClient, type KubeObject } from '../common/client.js';
import { compareVersions, parseVersion, type SemVer } from '../common/versions.js';
import { log } from './log.js';

const run = promisify(execFile);

export const PKI_DIR = '/var/lib/kubelet/pki';

export class BootstrapError extends Error {}

/** Key (ECDSA P-256, as the real kubelet) and CSR PEM, made with the real openssl. */
async function makeKeyAndCsr(nodeName: string, dir: string): Promise<{ key: string; csr: string }> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const keyFile = join(dir, `.bootstrap-key-${process.pid}.pem`);
  try {
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
    await chmod(keyFile, 0o600);
    const { stdout: csr } = await run('openssl', ['req', '-new', '-key', keyFile, '-subj', `/O=system:nodes/CN=system:node:${nodeName}`]);
    return { key: await readFile(keyFile, 'utf8'), csr };
  } finally {
    await rm(keyFile, { force: true });
  }
}

function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Csr extends KubeObject {
  status?: { certificate?: string; conditions?: { type: string; reason?: string; message?: string }[] };
}

/**
 * Runs the bootstrap and writes `kubeconfigPath`. Retries while the API cannot be reached, as the
 * kubelet does; a denied request is an error.
 */
export async function tlsBootstrap(bootstrapKubeconfig: string, kubeconfigPath: string, nodeName: string, version: SemVer, stopped: () => boolean): Promise<void> {
  const client = await KubeClient.fromKubeconfig(bootstrapKubeconfig, { userAgent: `kubelet/${version.major}.${version.minor}` });
  try {
    const { key, csr } = await makeKeyAndCsr(nodeName, PKI_DIR);
    const v1 = compareVersions(version, parseVersion('1.19.0')!) >= 0;
    const gv = v1 ? 'certificates.k8s.io/v1' : 'certificates.k8s.io/v1beta1';
    const body: Record<string, unknown> = {
      apiVersion: gv,
      kind: 'CertificateSigningRequest',
      metadata: { generateName: 'csr-' },
      spec: {
        request: Buffer.from(csr).toString('base64'),
        signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
        usages: ['digital signature', 'key encipherment', 'client auth'],
      },
    };
    // v1beta1 before 1.18 had no signerName (the API defaulted it)
    if (!v1 && compareVersions(version, parseVersion('1.18.0')!) < 0) delete (body['spec'] as Record<string, unknown>)['signerName'];
    let created: Csr | undefined;
    while (!created) {
      if (stopped()) return;
      try {
        created = await client.create<Csr>(`/apis/${gv}/certificatesigningrequests`, body);
      } catch (e) {
        log.error('bootstrap.go:265', `"Failed to request signed certificate from the API server" err=${JSON.stringify((e as Error).message)}`);
        await sleep(5000);
      }
    }
    const name = created.metadata.name!;
    log.info('csr.go:261', `"Certificate signing request created, waiting for the signed certificate" csr=${JSON.stringify(name)}`);
    let cert = '';
    while (!cert) {
      if (stopped()) return;
      await sleep(1000);
      let obj: Csr;
      try {
        obj = await client.get<Csr>(`/apis/${gv}/certificatesigningrequests/${name}`);
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) throw new BootstrapError(`certificate signing request ${name} was deleted`);
        continue;
      }
      const denied = obj.status?.conditions?.find((c) => c.type === 'Denied' || c.type === 'Failed');
      if (denied) throw new BootstrapError(`certificate request was ${denied.type === 'Denied' ? 'denied' : 'failed'}: ${denied.reason ?? ''}, ${denied.message ?? ''}`);
      if (obj.status?.certificate) cert = Buffer.from(obj.status.certificate, 'base64').toString('utf8');
    }
    const file = join(PKI_DIR, `kubelet-client-${stamp()}.pem`);
    await writeFile(file, cert.trimEnd() + '\n' + key.trimEnd() + '\n', { mode: 0o600 });
    const current = join(PKI_DIR, 'kubelet-client-current.pem');
    await unlink(current).catch(() => undefined);
    await symlink(file, current);
    await writeKubeconfig(bootstrapKubeconfig, kubeconfigPath, current);
    log.info('bootstrap.go:157', `"Client certificate is ready" path=${JSON.stringify(current)}`);
  } finally {
    client.close();
  }
}

/** kubelet.conf after bootstrap: the bootstrap file's cluster, user default-auth with the cert file. */
async function writeKubeconfig(bootstrapPath: string, out: string, certFile: string): Promise<void> {
  const doc = parse(await readFile(bootstrapPath, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string } }[];
    clusters?: { name: string; cluster: Record<string, unknown> }[];
  };
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context']);
  const cluster = doc.clusters?.find((c) => c.name === ctx?.context.cluster) ?? doc.clusters?.[0];
  if (!cluster) throw new BootstrapError(`${bootstrapPath}: no cluster`);
  const c = cluster.cluster;
  const lines = ['apiVersion: v1', 'clusters:', '- cluster:'];
  if (typeof c['certificate-authority-data'] === 'string') lines.push(`    certificate-authority-data: ${c['certificate-authority-data']}`);
  if (typeof c['certificate-authority'] === 'string') lines.push(`    certificate-authority: ${c['certificate-authority']}`);
  lines.push(
    `    server: ${String(c['server'])}`,
    '  name: default-cluster',
    'contexts:',
    '- context:',
    '    cluster: default-cluster',
    '    namespace: default',
    '    user: default-auth',
    '  name: default-context',
    'current-context: default-context',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: default-auth',
    '  user:',
    `    client-certificate: ${certFile}`,
    `    client-key: ${certFile}`,
  );
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await writeFile(tmp, lines.join('\n') + '\n', { mode: 0o600 });
  await rename(tmp, out);
}
