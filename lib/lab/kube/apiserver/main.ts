// kube-apiserver double: `main(argv, version)` parses the real flags, stores objects in the real
// etcd of --etcd-servers and serves HTTPS on --bind-address:--secure-port until SIGTERM/SIGINT.
import { readFile } from 'node:fs/promises';
import { FlagError, parseFlags, type ParsedFlags } from '../common/flags.js';
import { openEtcd } from '../common/etcd.js';
import { parseVersion, type SemVer } from '../common/versions.js';
import { bootstrapPolicy } from './auth.js';
import { BOOL_FLAGS, knownFlags } from './flags.js';
import { Registry } from './rest.js';
import { firstIp, parseCidr } from './serviceips.js';
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

export interface StartOptions {
  /**
   * Called when a post-start hook gives up (etcd unreachable for 30 s), as the real server's
   * fatal `PostStartHook "rbac/bootstrap-roles" failed`. Without it the double keeps retrying.
   */
  onFatal?: (message: string) => void;
}

/** Starts the server from parsed flags; resolves once it listens. */
export async function startApiServer(flags: ParsedFlags, version: SemVer, opts: StartOptions = {}): Promise<RunningApiServer> {
  const f = (n: string): string | undefined => flags.flags.get(n);
  const etcdServers = f('etcd-servers');
  if (!etcdServers) throw new ConfigError('[--etcd-servers must be specified]');
  const key = await readRequired(flags, 'tls-private-key-file');
  const cert = await readRequired(flags, 'tls-cert-file');
  const clientCA = f('client-ca-file') ? await readRequired(flags, 'client-ca-file') : undefined;
  const root = (f('etcd-prefix') ?? '/registry').replace(/\/+$/, '');
  const etcd = await openEtcd({ servers: etcdServers, caFile: f('etcd-cafile'), certFile: f('etcd-certfile'), keyFile: f('etcd-keyfile') });
  const storage = new Storage(etcd);
  let serviceRange;
  try {
    serviceRange = parseCidr(f('service-cluster-ip-range') ?? '10.0.0.0/24');
  } catch (e) {
    etcd.close();
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
  const reg = new Registry(storage, root, version, serviceRange);
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
    const giveUp = Date.now() + 30000;
    while (!stopped) {
      if (opts.onFatal && Date.now() > giveUp) {
        opts.onFatal('PostStartHook "rbac/bootstrap-roles" failed: unable to initialize roles: timed out waiting for the condition');
        return;
      }
      try {
        await ensureDefaults(reg, advertise, port);
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

async function ensureDefaults(reg: Registry, advertise: string, port: number): Promise<void> {
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
  // the `kubernetes` Service and this server's address in its Endpoints (the real endpoint
  // reconciler also removes servers that stopped: the double never removes one)
  const svcDef = reg.def('', 'services');
  if (!(await reg.storage.get(reg.key(svcDef, 'default', 'kubernetes')))) {
    await reg
      .create(svcDef, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: firstIp(reg.serviceRange), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }], sessionAffinity: 'None' },
      })
      .catch(ignoreExists);
  }
  if (advertise === '0.0.0.0' || advertise === '::') return;
  const epDef = reg.def('', 'endpoints');
  const key = reg.key(epDef, 'default', 'kubernetes');
  const subset = (ips: string[]): Record<string, unknown> => ({ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'https', port, protocol: 'TCP' }] });
  const updated = await reg.storage.update(key, (cur) => {
    const subsets = (cur.obj['subsets'] as { addresses?: { ip: string }[] }[] | undefined) ?? [];
    const ips = subsets.flatMap((x) => (x.addresses ?? []).map((a) => a.ip));
    if (ips.includes(advertise)) return null;
    return { ...cur.obj, subsets: [subset([...ips, advertise].sort())] };
  });
  if (!updated) {
    await reg
      .create(epDef, 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [subset([advertise])] })
      .catch(ignoreExists);
  }
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
  const known = knownFlags(v);
  // unknown flags first, as cobra does (an unknown `--x` must not swallow the next argument)
  for (const a of argv) {
    if (a === '--') break;
    const m = /^--([^=]+)/.exec(a) ?? /^-([A-Za-z])(?:=|$)/.exec(a);
    const name = m ? (m[1] === 'h' ? 'help' : m[1]!) : undefined;
    if (name && !known.has(name)) {
      process.stderr.write(`Error: unknown flag: ${a.startsWith('--') ? '--' : '-'}${m![1]}\n`);
      return 1;
    }
  }
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv, { bools: BOOL_FLAGS, short: { v: 'v', h: 'help' } });
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof FlagError ? e.message : String(e)}\n`);
    return 1;
  }
  if (flags.flags.get('help') === 'true') {
    process.stdout.write('The Kubernetes API server validates and configures data for the api objects (tsplay lab double).\n');
    return 0;
  }
  klog('I', 'server.go:565', `external host was not specified, using ${flags.flags.get('advertise-address') ?? ''}`);
  klog('I', 'server.go:161', `Version: ${`v${v.major}.${v.minor}.${v.patch}${v.pre}`}`);
  let running: RunningApiServer;
  let fatal: ((msg: string) => void) | undefined;
  try {
    running = await startApiServer(flags, v, { onFatal: (m) => fatal?.(m) });
  } catch (e) {
    klog('E', 'run.go:74', `"command failed" err="${e instanceof Error ? e.message : String(e)}"`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    // klog.Fatalf exits with 255
    fatal = (m) => {
      klog('F', 'hooks.go:203', m);
      void running.stop().then(() => resolve(255));
    };
    const down = (): void => {
      klog('I', 'controller.go:1', 'Shutting down');
      void running.stop().then(() => resolve(0));
    };
    process.once('SIGTERM', down);
    process.once('SIGINT', down);
  });
}
