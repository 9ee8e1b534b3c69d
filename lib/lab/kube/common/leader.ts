// Leader election through a coordination.k8s.io/v1 Lease, as client-go's leaderelection package
// does it for kube-controller-manager and kube-scheduler: try to acquire every retryPeriod; a
// lease held by someone else is taken only once it has not changed for leaseDuration (measured on
// our own clock from when we last saw it change, as client-go does, so clock skew does not matter);
// every write is an update guarded by the resourceVersion we read, so two candidates can never both
// win; the leader renews every retryPeriod and, when no renewal succeeds within renewDeadline,
// stops leading (the real programs then log `leaderelection lost` and exit).
import os from 'node:os';
import { randomUUID } from 'node:crypto';

/** The calls leader election makes: the subset of common/client.ts's KubeClient it needs. */
export interface LeaseApi {
  get(path: string): Promise<unknown>;
  create(path: string, obj: unknown): Promise<unknown>;
  update(path: string, obj: unknown): Promise<unknown>;
}

export interface LeaderElectionConfig {
  /** `kube-system` */
  namespace: string;
  /** `kube-controller-manager`, `kube-scheduler` */
  name: string;
  /** `<hostname>_<uuid>` by default */
  identity?: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Klog;
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface LeaseObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  spec: LeaseSpec;
}

/** klog-style lines: `I1202 05:26:41.123456   12345 leaderelection.go:258] message`. */
export interface Klog {
  info(file: string, msg: string): void;
  error(file: string, msg: string): void;
}

export function klogLine(severity: 'I' | 'W' | 'E' | 'F', file: string, msg: string, now = new Date()): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const us = String(now.getUTCMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${p2(now.getUTCMonth() + 1)}${p2(now.getUTCDate())} ${p2(now.getUTCHours())}:${p2(now.getUTCMinutes())}:${p2(now.getUTCSeconds())}.${us}`;
  return `${severity}${stamp} ${String(process.pid).padStart(7)} ${file}] ${msg}`;
}

/** A Klog writing to stderr, as klog does by default. */
export function stderrKlog(): Klog {
  return {
    info: (file, msg) => process.stderr.write(klogLine('I', file, msg) + '\n'),
    error: (file, msg) => process.stderr.write(klogLine('E', file, msg) + '\n'),
  };
}

/** metav1.MicroTime's wire form: RFC 3339 with microseconds. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function defaultIdentity(): string {
  return `${os.hostname()}_${randomUUID()}`;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** client-go's wait.Jitter with factor 1.2: spreads candidates' retries apart. */
const jitter = (ms: number): number => ms + Math.random() * 1.2 * ms;

function errCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : undefined;
}

export class LeaderElector {
  readonly identity: string;
  private readonly path: string;
  private readonly key: string;
  /** the last record we saw and when (our clock) we saw it change */
  private observed: { spec: LeaseSpec; rv: string | undefined; at: number } | undefined;

  constructor(
    private readonly api: LeaseApi,
    private readonly cfg: LeaderElectionConfig,
  ) {
    this.identity = cfg.identity ?? defaultIdentity();
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${cfg.namespace}/leases/${cfg.name}`;
    this.key = `${cfg.namespace}/${cfg.name}`;
  }

  /** ms timestamp of when we last became leader; undefined before */
  leadingSince: number | undefined;

  /** true while we hold the lease and its last renewal is younger than leaseDuration */
  isLeader(): boolean {
    return this.observed?.spec.holderIdentity === this.identity && Date.now() - this.observed.at < this.cfg.leaseDurationMs;
  }

  /**
   * Campaigns until the lease is ours, calls `lead(stop)` and keeps renewing; resolves when
   * leadership is lost (renewals failed for renewDeadline) or `signal` aborts. `stop` aborts when
   * leadership ends so the work stops acting at once.
   */
  async run(lead: (stop: AbortSignal) => void, signal?: AbortSignal): Promise<'lost' | 'cancelled'> {
    this.cfg.log.info('leaderelection.go:250', `attempting to acquire leader lease ${this.key}...`);
    while (!signal?.aborted) {
      if (await this.tryAcquireOrRenew()) break;
      await sleep(jitter(this.cfg.retryPeriodMs), signal);
    }
    if (signal?.aborted) return 'cancelled';
    this.cfg.log.info('leaderelection.go:260', `successfully acquired lease ${this.key}`);
    this.leadingSince = Date.now();
    const stop = new AbortController();
    lead(stop.signal);
    try {
      while (!signal?.aborted) {
        await sleep(this.cfg.retryPeriodMs, signal);
        if (signal?.aborted) break;
        if (!(await this.renewWithinDeadline(signal))) {
          this.cfg.log.info('leaderelection.go:283', `failed to renew lease ${this.key}: timed out waiting for the condition`);
          return 'lost';
        }
      }
      return 'cancelled';
    } finally {
      stop.abort();
    }
  }

  /**
   * How long one renewal attempt may take: half the renew deadline (at least a retry period), so a
   * request that is never answered (a kept-alive connection gone dead, an apiserver busy for a few
   * seconds) costs one attempt and leaves time for another, instead of using up the whole deadline.
   */
  get attemptTimeoutMs(): number {
    return Math.max(this.cfg.retryPeriodMs, Math.floor(this.cfg.renewDeadlineMs / 2));
  }

  /** client-go's renew: retry every retryPeriod until a renewal succeeds or renewDeadline passes. */
  private async renewWithinDeadline(signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + this.cfg.renewDeadlineMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const timer = new AbortController();
      const bound = Math.min(left, this.attemptTimeoutMs);
      const TIMED_OUT = Symbol('timed out');
      const ok = await Promise.race([this.tryAcquireOrRenew(), sleep(bound, timer.signal).then(() => (timer.signal.aborted ? false : TIMED_OUT))]);
      timer.abort();
      if (ok === TIMED_OUT) {
        // what client-go logs when the attempt's context expires; the attempt is abandoned (its late
        // answer, if any, is only observed) and the next one reads the lease afresh
        this.cfg.log.error('leaderelection.go:330', `error retrieving resource lock ${this.key}: attempt timed out after ${bound} ms`);
      }
      if (ok === true) return true;
      if (signal?.aborted) return true;
      if (deadline - Date.now() <= 0) return false;
      await sleep(Math.min(this.cfg.retryPeriodMs, Math.max(0, deadline - Date.now())), signal);
    }
  }

  /** One attempt; true when we hold the lease afterwards. Errors count as a failed attempt. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const mine: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.cfg.leaseDurationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let current: LeaseObject;
    try {
      current = (await this.api.get(this.path)) as LeaseObject;
    } catch (e) {
      if (errCode(e) !== 404) {
        this.cfg.log.error('leaderelection.go:330', `error retrieving resource lock ${this.key}: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
      try {
        const created = (await this.api.create(this.path.replace(/\/[^/]+$/, ''), this.leaseObject(mine))) as LeaseObject;
        this.observe(created, Date.now());
        return true;
      } catch (e2) {
        // 409 AlreadyExists: another candidate created it first
        if (errCode(e2) !== 409) this.cfg.log.error('leaderelection.go:340', `error initially creating leader election record: ${e2 instanceof Error ? e2.message : String(e2)}`);
        return false;
      }
    }
    const spec = current.spec ?? {};
    this.observe(current, Date.now());
    const held = Boolean(spec.holderIdentity) && spec.holderIdentity !== this.identity;
    if (held && this.observed!.at + (spec.leaseDurationSeconds ?? 0) * 1000 > Date.now()) return false;
    if (spec.holderIdentity === this.identity) {
      mine.acquireTime = spec.acquireTime ?? mine.acquireTime;
      mine.leaseTransitions = spec.leaseTransitions ?? 0;
    } else {
      mine.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    const next: LeaseObject = { ...this.leaseObject(mine), metadata: { ...current.metadata } };
    try {
      const updated = (await this.api.update(this.path, next)) as LeaseObject;
      this.observe(updated, Date.now());
      return true;
    } catch (e) {
      // 409 Conflict: someone wrote the lease since we read it; they win this round (a candidate
      // keeps quiet about it; the holder says so, as client-go does, so a failing renewal is never silent)
      if (errCode(e) !== 409 || spec.holderIdentity === this.identity) this.cfg.log.error('leaderelection.go:350', `Failed to update lock: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  private observe(obj: LeaseObject, at: number): void {
    const spec = obj.spec ?? {};
    const rv = obj.metadata?.resourceVersion;
    const same =
      this.observed &&
      this.observed.spec.holderIdentity === spec.holderIdentity &&
      this.observed.spec.renewTime === spec.renewTime &&
      this.observed.spec.leaseTransitions === spec.leaseTransitions;
    if (same) this.observed = { ...this.observed!, rv };
    else this.observed = { spec: { ...spec }, rv, at };
  }

  private leaseObject(spec: LeaseSpec): LeaseObject {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.cfg.name, namespace: this.cfg.namespace },
      spec,
    };
  }
}
