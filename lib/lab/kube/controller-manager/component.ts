// What kube-controller-manager and kube-scheduler share (both are built on k8s.io/component-base
// and k8s.io/apiserver's secure serving): the flags every component takes, with the release that
// added or removed each one; Go durations; the HTTPS /healthz server with a self-signed
// certificate; the insecure HTTP port of the old releases. The scheduler imports it from here.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { KubeClient } from '../common/client.js';
import { FlagError, parseFlags, type ParsedFlags } from '../common/flags.js';
import { LeaderElector, stderrKlog, type Klog } from '../common/leader.js';
import { listenHost } from '../common/labnet.js';
import { compareVersions, gitVersion, parseVersion } from '../common/versions.js';

export interface FlagDef {
  name: string;
  bool?: boolean;
  /** first release (major.minor) that has it */
  since?: string;
  /** first release that no longer has it */
  until?: string;
}

const b = (name: string, extra: Omit<FlagDef, 'name' | 'bool'> = {}): FlagDef => ({ name, bool: true, ...extra });
const s = (name: string, extra: Omit<FlagDef, 'name'> = {}): FlagDef => ({ name, ...extra });

/** klog's own flags, removed from the components in 1.26 (KEP-2845) */
const KLOG: FlagDef[] = [
  s('log-dir', { until: '1.26' }),
  s('log-file', { until: '1.26' }),
  s('log-file-max-size', { until: '1.26' }),
  b('logtostderr', { until: '1.26' }),
  b('alsologtostderr', { until: '1.26' }),
  b('one-output', { since: '1.20', until: '1.26' }),
  b('skip-headers', { until: '1.26' }),
  b('skip-log-headers', { until: '1.26' }),
  b('add-dir-header', { since: '1.17', until: '1.26' }),
  s('stderrthreshold', { until: '1.26' }),
  s('log-backtrace-at', { until: '1.26' }),
];

/** component-base + apiserver secure serving, delegated authn/authz, leader election, client */
export const COMPONENT_FLAGS: FlagDef[] = [
  ...KLOG,
  s('v'),
  s('vmodule'),
  s('log-flush-frequency'),
  s('logging-format', { since: '1.19' }),
  s('log-json-split-stream', { since: '1.23' }),
  s('log-json-info-buffer-size', { since: '1.23' }),
  s('log-text-split-stream', { since: '1.28' }),
  s('log-text-info-buffer-size', { since: '1.28' }),
  b('help'),
  b('version'),
  s('kubeconfig'),
  s('master'),
  s('kube-api-qps'),
  s('kube-api-burst'),
  s('kube-api-content-type'),
  s('feature-gates'),
  b('profiling'),
  b('contention-profiling'),
  s('show-hidden-metrics-for-version', { since: '1.17' }),
  s('allow-metric-labels', { since: '1.24' }),
  s('disabled-metrics', { since: '1.24' }),
  s('bind-address'),
  s('secure-port'),
  s('cert-dir'),
  s('tls-cert-file'),
  s('tls-private-key-file'),
  s('tls-cipher-suites'),
  s('tls-min-version'),
  s('tls-sni-cert-key'),
  s('http2-max-streams-per-connection'),
  b('permit-port-sharing', { since: '1.19' }),
  b('permit-address-sharing', { since: '1.20' }),
  s('authentication-kubeconfig'),
  b('authentication-skip-lookup'),
  s('authentication-token-webhook-cache-ttl'),
  b('authentication-tolerate-lookup-failure'),
  s('authorization-kubeconfig'),
  s('authorization-always-allow-paths', { since: '1.15' }),
  s('authorization-webhook-cache-authorized-ttl'),
  s('authorization-webhook-cache-unauthorized-ttl'),
  s('client-ca-file'),
  s('requestheader-allowed-names'),
  s('requestheader-client-ca-file'),
  s('requestheader-extra-headers-prefix'),
  s('requestheader-group-headers'),
  s('requestheader-username-headers'),
  s('requestheader-uid-headers', { since: '1.32' }),
  b('leader-elect'),
  s('leader-elect-lease-duration'),
  s('leader-elect-renew-deadline'),
  s('leader-elect-retry-period'),
  s('leader-elect-resource-lock'),
  s('leader-elect-resource-name', { since: '1.16' }),
  s('leader-elect-resource-namespace', { since: '1.16' }),
  // the insecure HTTP serving of the old releases (removed in 1.24)
  s('address', { until: '1.24' }),
  s('port', { until: '1.24' }),
];

function minorOf(v: string): [number, number] {
  const [maj, min] = v.split('.').map(Number);
  return [maj ?? 0, min ?? 0];
}

function hasFlag(def: FlagDef, version: string): boolean {
  const sv = parseVersion(version);
  if (!sv) return true;
  const cmp = (mm: string): number => {
    const [maj, min] = minorOf(mm);
    return compareVersions({ ...sv, patch: 0, pre: '' }, { major: maj, minor: min, patch: 0, pre: '' });
  };
  if (def.since && cmp(def.since) < 0) return false;
  if (def.until && cmp(def.until) >= 0) return false;
  return true;
}

/** Parses argv against the flags this release has; unknown flags throw `unknown flag: --x` as cobra does. */
export function parseComponentFlags(prog: string, argv: readonly string[], defs: readonly FlagDef[], version: string): ParsedFlags {
  const known = defs.filter((d) => hasFlag(d, version));
  const names = new Set(known.map((d) => d.name));
  const bools = known.filter((d) => d.bool).map((d) => d.name);
  // pflag stops at the first unknown flag, before it asks whether that flag wanted a value
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const m = /^--([^=]+)(=)?/.exec(a) ?? /^-([A-Za-z])(=)?$/.exec(a);
    if (!m) continue;
    const name = m[1] === 'h' ? 'help' : m[1]!;
    if (!names.has(name)) throw new FlagError(a.startsWith('--') ? `unknown flag: --${name}` : `unknown shorthand flag: '${name}' in ${a}`);
    if (!m[2] && !bools.includes(name)) i++;
  }
  const parsed = parseFlags(argv, { bools, short: { h: 'help' } });
  if (parsed.args.length) throw new FlagError(`"${prog}" does not take any arguments, got ${JSON.stringify(parsed.args)}`);
  return parsed;
}

/** Go's time.ParseDuration for the units flags use; ms. */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * unit[m[2]!]!;
    at = re.lastIndex;
  }
  return at === text.length && at > 0 ? total : null;
}

export function durationFlag(f: ParsedFlags, name: string, dflt: number): number {
  const v = f.flags.get(name);
  if (v === undefined) return dflt;
  const ms = parseGoDuration(v);
  if (ms === null) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`);
  return ms;
}

export function intFlag(f: ParsedFlags, name: string, dflt: number): number {
  const v = f.flags.get(name);
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v)) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

export interface LeaderTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** The leader election flags with component-base's defaults (15 s / 10 s / 2 s) and client-go's checks. */
export function leaderTimings(f: ParsedFlags): LeaderTimings {
  const t = {
    leaseDurationMs: durationFlag(f, 'leader-elect-lease-duration', 15000),
    renewDeadlineMs: durationFlag(f, 'leader-elect-renew-deadline', 10000),
    retryPeriodMs: durationFlag(f, 'leader-elect-retry-period', 2000),
  };
  // client-go's NewLeaderElector refuses these, and the component exits with the message
  if (t.leaseDurationMs <= t.renewDeadlineMs) throw new FlagError('leaseDuration must be greater than renewDeadline');
  if (t.renewDeadlineMs <= 1.2 * t.retryPeriodMs) throw new FlagError('renewDeadline must be greater than retryPeriod*JitterFactor');
  if (t.retryPeriodMs < 1) throw new FlagError('retryPeriod must be greater than zero');
  return t;
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 30000 }, (err, _out, stderr) => (err ? reject(new Error(`${file} ${args[0]}: ${String(stderr).trim() || err.message}`)) : resolve()));
  });
}

/**
 * A self-signed serving certificate as the components make when no --tls-cert-file is given
 * (CN `localhost@<unix time>`, SANs localhost and 127.0.0.1 plus the bind address), made with openssl.
 */
export async function selfSignedCert(bindAddress: string): Promise<{ cert: Buffer; key: Buffer }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kube-serving-'));
  try {
    const sans = ['DNS:localhost', 'IP:127.0.0.1'];
    if (bindAddress && bindAddress !== '0.0.0.0' && bindAddress !== '::' && bindAddress !== '127.0.0.1') sans.push(`IP:${bindAddress}`);
    const keyFile = path.join(dir, 'tls.key');
    const certFile = path.join(dir, 'tls.crt');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '365',
      '-subj', `/CN=localhost@${Math.floor(Date.now() / 1000)}`, '-addext', `subjectAltName=${sans.join(',')}`, '-addext', 'extendedKeyUsage=serverAuth']);
    return { cert: await readFile(certFile), key: await readFile(keyFile) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type HealthCheck = () => string | null;

/** /healthz, /livez, /readyz (and /healthz/<check>): `ok` or the failing check, as the apiserver library answers. */
function healthHandler(checks: Record<string, HealthCheck>): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/(healthz|livez|readyz)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    const names = m[2] ? [m[2]] : ['ping', ...Object.keys(checks)];
    const results = names.map((n) => ({ n, err: n === 'ping' ? null : checks[n] ? checks[n]!() : 'not found' }));
    const failed = results.filter((r) => r.err !== null);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!failed.length) {
      res.writeHead(200).end('ok');
      return;
    }
    const body = results.map((r) => (r.err === null ? `[+]${r.n} ok` : `[-]${r.n} failed: reason withheld`)).join('\n');
    res.writeHead(500).end(`${body}\n${m[1]} check failed\n`);
  };
}

export interface Serving {
  close(): Promise<void>;
}

function listen(server: http.Server | https.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onErr = (e: NodeJS.ErrnoException): void => {
      const what = e.code === 'EADDRINUSE' ? 'bind: address already in use' : e.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : e.message;
      reject(new Error(`failed to create listener: failed to listen on ${host}:${port}: listen tcp ${host}:${port}: ${what}`));
    };
    server.once('error', onErr);
    server.listen(port, listenHost(host), () => {
      server.off('error', onErr);
      resolve();
    });
  });
}

/**
 * Starts the secure port (HTTPS, --bind-address/--secure-port; 0 disables) and, for releases that
 * still have it, the insecure HTTP port (--address/--port; 0 disables). Rejects with the real
 * message when a port cannot be bound (the components exit then).
 */
export async function startServing(f: ParsedFlags, defaults: { securePort: number; insecurePort: number }, version: string, checks: Record<string, HealthCheck>): Promise<Serving> {
  const servers: (http.Server | https.Server)[] = [];
  const handler = healthHandler(checks);
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((sv) => new Promise<void>((r) => sv.close(() => r()))));
  };
  try {
    const securePort = intFlag(f, 'secure-port', defaults.securePort);
    if (securePort > 0) {
      const bind = f.flags.get('bind-address') ?? '0.0.0.0';
      const certFile = f.flags.get('tls-cert-file');
      const keyFile = f.flags.get('tls-private-key-file');
      const pair = certFile && keyFile ? { cert: await readFile(certFile), key: await readFile(keyFile) } : await selfSignedCert(bind);
      const sv = https.createServer({ ...pair }, handler);
      servers.push(sv);
      await listen(sv, bind, securePort);
    }
    if (hasFlag({ name: 'port', until: '1.24' }, version)) {
      const port = intFlag(f, 'port', defaults.insecurePort);
      if (port > 0) {
        const sv = http.createServer(handler);
        servers.push(sv);
        await listen(sv, f.flags.get('address') ?? '0.0.0.0', port);
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { close };
}

export interface ComponentContext {
  client: KubeClient;
  flags: ParsedFlags;
  version: string;
  log: Klog;
  /** aborts when leadership is lost or the process is told to stop */
  signal: AbortSignal;
}

export interface ComponentSpec {
  prog: 'kube-controller-manager' | 'kube-scheduler';
  flags: readonly FlagDef[];
  securePort: number;
  insecurePort: number;
  /** the lease's default name (`--leader-elect-resource-name` overrides it) */
  leaseName: string;
  /** reads the component's own settings; throws FlagError on a bad value (checked before anything starts) */
  configure(flags: ParsedFlags, version: string): Promise<{ kubeconfig?: string; leaderElect: boolean; timings: LeaderTimings; resourceName?: string; resourceNamespace?: string }>;
  /** the work only the leader does; resolves when ctx.signal aborts */
  lead(ctx: ComponentContext): Promise<void>;
}

/**
 * The run sequence both programs share: flags, kubeconfig, serving, then leader election and the
 * work. Returns the exit code: 0 after SIGTERM/SIGINT, 1 on a bad flag, an unusable kubeconfig,
 * a port that cannot be bound, or a lost lease (`leaderelection lost`, as the real ones exit).
 */
export async function runComponent(spec: ComponentSpec, argv: string[], version: string, log: Klog = stderrKlog()): Promise<number> {
  let flags: ParsedFlags;
  let cfg: Awaited<ReturnType<ComponentSpec['configure']>>;
  try {
    flags = parseComponentFlags(spec.prog, argv, spec.flags, version);
    if (flags.flags.get('help') === 'true') {
      process.stdout.write(`Usage:\n  ${spec.prog} [flags]\n\nFlags: ${spec.flags.map((d) => `--${d.name}`).join(' ')}\n`);
      return 0;
    }
    if (flags.flags.get('version') === 'true') {
      process.stdout.write(`Kubernetes ${gitVersion(version)}\n`);
      return 0;
    }
    cfg = await spec.configure(flags, version);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`Error: ${e.message}\n`);
    return 1;
  }
  log.info('server.go:150', `Version: ${gitVersion(version)}`);
  if (!cfg.kubeconfig) {
    log.error('run.go:74', '"command failed" err="unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"');
    return 1;
  }
  let client: KubeClient;
  try {
    client = await KubeClient.fromKubeconfig(cfg.kubeconfig, { userAgent: `${spec.prog}/${gitVersion(version)}` });
  } catch (e) {
    log.error('run.go:74', `"command failed" err="invalid configuration: ${e instanceof Error ? e.message : String(e)}"`);
    return 1;
  }
  const stopAll = new AbortController();
  const onSignal = (): void => stopAll.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let elector: LeaderElector | undefined;
  let serving: Serving | undefined;
  const closers: (() => void)[] = [];
  try {
    try {
      serving = await startServing(flags, { securePort: spec.securePort, insecurePort: spec.insecurePort }, version, {
        // client-go's HealthzAdaptor: a leader whose lease lapsed (plus 20 s of slack) is unhealthy
        leaderElection: () => (elector && elector.leadingSince !== undefined && !elector.isLeader() ? 'lease expired' : null),
      });
    } catch (e) {
      log.error('run.go:74', `"command failed" err="${e instanceof Error ? e.message : String(e)}"`);
      return 1;
    }
    const work = (signal: AbortSignal): Promise<void> =>
      spec.lead({ client, flags, version, log, signal }).catch((e: unknown) => log.error('controllermanager.go:300', `${spec.prog} stopped: ${e instanceof Error ? e.message : String(e)}`));
    if (!cfg.leaderElect) {
      await work(stopAll.signal);
      return 0;
    }
    // leader election has a client of its own (as client-go's components do), so busy controllers never delay a renewal;
    // a request unanswered for half the renew deadline is dropped with its connection (LeaderElector bounds each
    // attempt the same way) so the next attempt runs on a fresh one before the deadline
    const electionClient = new KubeClient(client.creds, { userAgent: `${spec.prog}/${gitVersion(version)}/leader-election`, timeoutMs: Math.max(1000, Math.floor(cfg.timings.renewDeadlineMs / 2)) });
    closers.push(() => electionClient.close());
    elector = new LeaderElector(electionClient, {
      namespace: cfg.resourceNamespace ?? 'kube-system',
      name: cfg.resourceName ?? spec.leaseName,
      ...cfg.timings,
      log,
    });
    let running: Promise<void> = Promise.resolve();
    const outcome = await elector.run((signal) => {
      running = work(signal);
    }, stopAll.signal);
    await running;
    if (outcome === 'lost') {
      log.error('server.go:300', 'leaderelection lost');
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await serving?.close();
    for (const f of closers) f();
    client.close();
  }
}
