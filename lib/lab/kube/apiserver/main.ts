// kube-apiserver double: `main(argv, version)` parses the real flags, stores objects in the real
// etcd of --etcd-servers and serves HTTPS on --bind-address:--secure-port until SIGTERM/SIGINT.
import { readFile } from 'node:fs/promises';
import { FlagError, parseFlags, type ParsedFlags } from '../common/flags.js';
import { openEtcd } from '../common/etcd.js';
import { parseVersion, type SemVer } from '../common/versions.js';
import { bootstrapPolicy } from './auth.js';
import { BOOL_FLAGS, knownFlags } from './flags.js';
import { Registry } from './rest.js';
import { ApiServer } from './server.js';
import { Storage } from './storage.js';
import type { KubeObject } from '../common/client.js';
import type { Etcd3 } from 'etcd3';
import type { Server } from 'node:https';

/** klog's header: `I1202 05:40:00.123456   12345 server.go:1] msg` */
export function klog(level: 'I' | 'W' | 'E' | 'F', file: string, msg: string): void {
  const d = new Date();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const head = `${level}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
  process.stderr.write(`${head} ${String(process.pid).padStart(7)} ${file}] ${msg}\n`);
}

export interface RunningApiServer {
  server: Server;
  api: ApiServer;
  etcd: Etcd3;
  /** `https://host:port` */
  url: string;
  stop(): Promise<void>;
}

class ConfigError extends Error {}

async function readRequired(flags: ParsedFlags, name: string): Promise<Buffer> {
  const p = flags.flags.get(name);
  if (!p) throw new ConfigError(`--${name} must be specified (the double does not generate self-signed serving certificates)`);
  try {
    return await readFile(p);
  } catch (e) {
    throw new ConfigError(`failed to read --${name} ${p}: open ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e)}`);
  }
}

/** Starts the server from parsed flags; resolves once it listens. */
export async function startApiServer(flags: ParsedFlags, version: SemVer): Promise<RunningApiServer> {
  const f = (n: string): string | undefined => flags.flags.get(n);
  const etcdServers = f('etcd-servers');
  if (!etcdServers) throw new ConfigError('[--etcd-servers must be specified]');
  const key = await readRequired(flags, 'tls-private-key-file');
  const cert = await readRequired(flags, 'tls-cert-file');
  const clientCA = f('client-ca-file') ? await readRequired(flags, 'client-ca-file') : undefined;
  const root = (f('etcd-prefix') ?? '/registry').replace(/\/+$/, '');
  const etcd = await openEtcd({ servers: etcdServers, caFile: f('etcd-cafile'), certFile: f('etcd-certfile'), keyFile: f('etcd-keyfile') });
  const storage = new Storage(etcd);
  const reg = new Registry(storage, root, version);
  const host = f('bind-address') ?? '0.0.0.0';
  const port = Number(f('secure-port') ?? '6443');
  const advertise = f('advertise-address') ?? host;
  let ready = false;
  const api = new ApiServer({
    registry: reg,
    authn: { bootstrapTokens: f('enable-bootstrap-token-auth') === 'true', anonymous: f('anonymous-auth') !== 'false', registry: root },
    authz: { modes: (f('authorization-mode') ?? 'AlwaysAllow').split(',').map((s) => s.trim()), registry: root },
    serverAddress: `${advertise}:${port}`,
    log: (m) => klog('E', 'server.go:1', m),
    ready: () => ready,
  });
  let server: Server;
  try {
    server = await api.listen({ key, cert, clientCA }, host, port);
  } catch (e) {
    etcd.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`failed to create listener: failed to listen on ${host}:${port}: listen tcp ${host}:${port}: bind: ${code === 'EADDRINUSE' ? 'address already in use' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : String(e)}`);
  }
  klog('I', 'secure_serving.go:197', `Serving securely on ${host}:${port}`);
  let stopped = false;
  // post-start hooks: the default namespaces and the bootstrap RBAC policy, retried until etcd answers
  const bootstrap = async (): Promise<void> => {
    while (!stopped) {
      try {
        await ensureDefaults(reg);
        ready = true;
        klog('I', 'storage_rbac.go:1', 'created the default namespaces and bootstrap RBAC policy');
        return;
      } catch (e) {
        klog('W', 'controller.go:1', `unable to write the default objects: ${e instanceof Error ? e.message : String(e)}; retrying`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  void bootstrap();
  return {
    server,
    api,
    etcd,
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stop: async () => {
      stopped = true;
      api.closeWatches();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      etcd.close();
    },
  };
}

async function ensureDefaults(reg: Registry): Promise<void> {
  const nsDef = reg.def('', 'namespaces');
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!(await reg.storage.get(reg.key(nsDef, undefined, ns)))) {
      await reg.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(ignoreExists);
    }
  }
  const { roles, bindings } = bootstrapPolicy();
  const put = async (plural: string, o: KubeObject): Promise<void> => {
    const d = reg.def('rbac.authorization.k8s.io', plural);
    if (!(await reg.storage.get(reg.key(d, undefined, o.metadata.name!)))) await reg.create(d, undefined, o).catch(ignoreExists);
  };
  for (const r of roles) await put('clusterroles', r);
  for (const b of bindings) await put('clusterrolebindings', b);
}

function ignoreExists(e: unknown): void {
  if ((e as { code?: number }).code !== 409) throw e;
}

/** The program: exit code 1 on bad flags or start-up failure, 0 after a clean SIGTERM. */
export async function main(argv: string[], version: string): Promise<number> {
  const v = parseVersion(version);
  if (!v) {
    process.stderr.write(`Error: invalid version ${version}\n`);
    return 1;
  }
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv, { bools: BOOL_FLAGS, short: { v: 'v', h: 'help' } });
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof FlagError ? e.message : String(e)}\n`);
    return 1;
  }
  const known = knownFlags(v);
  const unknown = flags.seen.find((n) => !known.has(n));
  if (unknown) {
    process.stderr.write(`Error: unknown flag: --${unknown}\n`);
    return 1;
  }
  if (flags.flags.get('help') === 'true') {
    process.stdout.write('The Kubernetes API server validates and configures data for the api objects (tsplay lab double).\n');
    return 0;
  }
  klog('I', 'server.go:565', `external host was not specified, using ${flags.flags.get('advertise-address') ?? ''}`);
  klog('I', 'server.go:161', `Version: ${`v${v.major}.${v.minor}.${v.patch}${v.pre}`}`);
  let running: RunningApiServer;
  try {
    running = await startApiServer(flags, v);
  } catch (e) {
    klog('E', 'run.go:74', `"command failed" err="${e instanceof Error ? e.message : String(e)}"`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const down = (): void => {
      klog('I', 'controller.go:1', 'Shutting down');
      void running.stop().then(() => resolve(0));
    };
    process.once('SIGTERM', down);
    process.once('SIGINT', down);
  });
}
