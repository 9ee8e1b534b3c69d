// An etcd v3 client (the `etcd3` package, gRPC) opened the way kube-apiserver opens its storage:
// `--etcd-servers` plus the `--etcd-cafile/--etcd-certfile/--etcd-keyfile` TLS files.
import { readFile } from 'node:fs/promises';
import { Etcd3, type IOptions } from 'etcd3';
import { connectUrl } from './labnet.js';

export interface EtcdConnection {
  /** `https://10.0.0.1:2379,https://10.0.0.2:2379` or a list */
  servers: string | readonly string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** deadline of each call in ms: a call to an etcd without quorum fails after it (default 10 s) */
  callTimeoutMs?: number;
  dialTimeoutMs?: number;
}

export class EtcdConfigError extends Error {}

async function readTls(path: string | undefined, flag: string): Promise<Buffer | undefined> {
  if (!path) return undefined;
  try {
    return await readFile(path);
  } catch (e) {
    throw new EtcdConfigError(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

let quieted = false;
/**
 * gRPC sets the TLS ServerName to the endpoint's host even when it is an IP address, and Node
 * then warns (DEP0123) on every connection; etcd endpoints are IP addresses in kubeadm's
 * manifests, so that one warning is dropped. Every other warning passes.
 */
function quietServerNameWarning(): void {
  if (quieted) return;
  quieted = true;
  const orig = process.emitWarning.bind(process) as (...a: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const code = typeof args[1] === 'object' && args[1] !== null ? (args[1] as { code?: unknown }).code : args[2];
    if (code === 'DEP0123') return;
    orig(...args);
  }) as typeof process.emitWarning;
}

export async function openEtcd(c: EtcdConnection): Promise<Etcd3> {
  quietServerNameWarning();
  const hosts = (typeof c.servers === 'string' ? c.servers.split(',') : [...c.servers]).map((s) => connectUrl(s.trim())).filter(Boolean);
  if (hosts.length === 0) throw new EtcdConfigError('--etcd-servers must be specified');
  const ca = await readTls(c.caFile, '--etcd-cafile');
  const cert = await readTls(c.certFile, '--etcd-certfile');
  const key = await readTls(c.keyFile, '--etcd-keyfile');
  const tls = hosts.some((h) => h.startsWith('https://'));
  const callTimeout = c.callTimeoutMs ?? 10000;
  const opts: IOptions = {
    hosts,
    dialTimeout: c.dialTimeoutMs ?? 3000,
    // a fresh deadline per call: a partitioned etcd answers nothing, so without one a request would hang
    // (streams, i.e. watches, live until cancelled)
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeout }),
  };
  if (tls) {
    if (!ca) throw new EtcdConfigError(`--etcd-cafile is needed for ${hosts.join(',')}`);
    opts.credentials = { rootCertificate: ca, privateKey: key, certChain: cert };
  }
  return new Etcd3(opts);
}
