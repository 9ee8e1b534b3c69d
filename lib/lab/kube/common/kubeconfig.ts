// Reads a kubeconfig file the way client-go's clientcmd does for the parts the doubles use: the
// current context's cluster (server, CA) and user (client certificate, token). Embedded `*-data`
// values are base64; file paths are relative to the kubeconfig's own directory.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeCredentials {
  /** `https://10.0.0.1:6443` (no trailing slash) */
  server: string;
  /** PEM of the CA that signs the server's certificate; undefined = the system roots */
  ca?: Buffer;
  insecureSkipTlsVerify: boolean;
  /** PEM client certificate and key (client-cert auth) */
  cert?: Buffer;
  key?: Buffer;
  /** bearer token (a bootstrap token `abcdef.0123456789abcdef` or a service-account token) */
  token?: string;
  /** where it was read from, for error messages */
  source: string;
}

export class KubeconfigError extends Error {}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function named(list: unknown, name: string, what: string, source: string): Obj {
  const entries = Array.isArray(list) ? list : [];
  const hit = entries.find((e): e is Obj => isObj(e) && e['name'] === name);
  if (!hit || !isObj(hit[what])) throw new KubeconfigError(`${source}: ${what} "${name}" not found`);
  return hit[what] as Obj;
}

function str(o: Obj, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Parses kubeconfig text; `source` names the file (relative paths resolve against its directory). */
export async function parseKubeconfig(text: string, source: string, context?: string): Promise<KubeCredentials> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new KubeconfigError(`${source}: not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObj(doc)) throw new KubeconfigError(`${source}: not a kubeconfig (no mapping at the top)`);
  const ctxName = context ?? str(doc, 'current-context');
  if (!ctxName) throw new KubeconfigError(`${source}: no current-context`);
  const ctx = named(doc['contexts'], ctxName, 'context', source);
  const clusterName = str(ctx, 'cluster');
  const userName = str(ctx, 'user');
  if (!clusterName) throw new KubeconfigError(`${source}: context "${ctxName}" names no cluster`);
  const cluster = named(doc['clusters'], clusterName, 'cluster', source);
  const user = userName ? named(doc['users'], userName, 'user', source) : {};
  const server = str(cluster, 'server');
  if (!server) throw new KubeconfigError(`${source}: cluster "${clusterName}" has no server`);
  const base = dirname(resolve(source));
  const load = async (o: Obj, dataKey: string, fileKey: string): Promise<Buffer | undefined> => {
    const data = str(o, dataKey);
    if (data) return Buffer.from(data, 'base64');
    const file = str(o, fileKey);
    if (!file) return undefined;
    const p = isAbsolute(file) ? file : resolve(base, file);
    try {
      return await readFile(p);
    } catch (e) {
      throw new KubeconfigError(`${source}: cannot read ${fileKey} ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  };
  let token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  if (!token && tokenFile) {
    const tf = (await load({ f: tokenFile }, '-', 'f'))!;
    token = tf.toString('utf8').trim();
  }
  return {
    server: server.replace(/\/+$/, ''),
    ca: await load(cluster, 'certificate-authority-data', 'certificate-authority'),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    cert: await load(user, 'client-certificate-data', 'client-certificate'),
    key: await load(user, 'client-key-data', 'client-key'),
    token,
    source,
  };
}

export async function readKubeconfig(path: string, context?: string): Promise<KubeCredentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseKubeconfig(text, path, context);
}

export interface KubeconfigSpec {
  server: string;
  /** PEM texts, embedded as `*-data` */
  ca: string;
  cert?: string;
  key?: string;
  token?: string;
  clusterName?: string;
  userName?: string;
}

/** A kubeconfig in kubeadm's layout (one cluster, one user, one context), embedded data. */
export function renderKubeconfig(s: KubeconfigSpec): string {
  const cluster = s.clusterName ?? 'kubernetes';
  const user = s.userName ?? 'kubernetes-admin';
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const lines = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(s.ca)}`,
    `    server: ${s.server}`,
    `  name: ${cluster}`,
    'contexts:',
    '- context:',
    `    cluster: ${cluster}`,
    `    user: ${user}`,
    `  name: ${user}@${cluster}`,
    `current-context: ${user}@${cluster}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${user}`,
    '  user:',
  ];
  if (s.cert) lines.push(`    client-certificate-data: ${b64(s.cert)}`);
  if (s.key) lines.push(`    client-key-data: ${b64(s.key)}`);
  if (s.token) lines.push(`    token: ${s.token}`);
  return lines.join('\n') + '\n';
}
