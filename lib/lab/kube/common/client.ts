// The doubles' one client of the Kubernetes API: node:https with the credentials of a kubeconfig
// (client certificate, bootstrap or bearer token), JSON in and out, errors as the server's Status.
import https from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { readKubeconfig, type KubeCredentials } from './kubeconfig.js';
import { connectUrl } from './labnet.js';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** One cause of a Status; Go's StatusCause.Type is `reason` on the wire. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The API's error reply (`kind: Status`). */
export interface Status {
  kind?: 'Status';
  apiVersion?: 'v1';
  metadata?: Record<string, unknown>;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code?: number;
}

export class ApiError extends Error {
  /** HTTP status code (0 when the server could not be reached) */
  readonly code: number;
  /** `NotFound`, `AlreadyExists`, `Conflict`, `TooManyRequests`, ...; `''` when the body was no Status */
  readonly reason: string;
  readonly status: Status;
  constructor(code: number, status: Status) {
    super(status.message ?? `HTTP ${code}`);
    this.name = 'ApiError';
    this.code = code;
    this.reason = status.reason ?? '';
    this.status = status;
  }
}

export type PatchType = 'strategic' | 'merge' | 'json';
const PATCH_CONTENT: Record<PatchType, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface Watch {
  /** resolves when the stream ends (server closed it, error, or stop()) */
  done: Promise<void>;
  stop(): void;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** ms; default the client's */
  timeoutMs?: number;
}

export interface RawResponse {
  code: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export interface KubeClientOptions {
  /** per-request timeout in ms (default 30 s, as client-go's default for most callers is none but kubectl's is 32 s) */
  timeoutMs?: number;
  /** User-Agent header; the apiserver double logs it */
  userAgent?: string;
}

export class KubeClient {
  readonly creds: KubeCredentials;
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(creds: KubeCredentials, opts: KubeClientOptions = {}) {
    this.creds = creds;
    this.timeoutMs = opts.timeoutMs ?? 30000;
    this.userAgent = opts.userAgent ?? 'tsplay-kube-double';
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: creds.ca,
      cert: creds.cert,
      key: creds.key,
      rejectUnauthorized: !creds.insecureSkipTlsVerify,
    });
  }

  static async fromKubeconfig(path: string, opts: KubeClientOptions & { context?: string } = {}): Promise<KubeClient> {
    return new KubeClient(await readKubeconfig(path, opts.context), opts);
  }

  /** Closes kept-alive sockets (call when done so the process can exit). */
  close(): void {
    this.agent.destroy();
  }

  private url(path: string, query?: RequestOptions['query']): URL {
    const u = new URL(connectUrl(this.creds.server) + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  private headers(accept: string, contentType?: string, length?: number): Record<string, string> {
    const h: Record<string, string> = { Accept: accept, 'User-Agent': this.userAgent };
    if (this.creds.token) h['Authorization'] = `Bearer ${this.creds.token}`;
    if (contentType) h['Content-Type'] = contentType;
    if (length !== undefined) h['Content-Length'] = String(length);
    return h;
  }

  /** One request; any HTTP status resolves (network failures reject with ApiError code 0). */
  raw(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const body = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const u = this.url(path, opts.query);
    return new Promise((resolveP, rejectP) => {
      const req = https.request(
        u,
        { method, agent: this.agent, ...tlsName(u, this.creds.server), headers: this.headers(opts.accept ?? 'application/json', body ? (opts.contentType ?? 'application/json') : undefined, body?.length), timeout: opts.timeoutMs ?? this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolveP({ code: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => rejectP(netError(method, u, e)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? this.timeoutMs} ms`)));
      req.on('error', (e) => rejectP(netError(method, u, e)));
      req.end(body);
    });
  }

  /** A request whose 2xx JSON body is returned; any other status throws ApiError. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const r = await this.raw(method, path, opts);
    let parsed: unknown;
    try {
      parsed = r.text ? JSON.parse(r.text) : {};
    } catch {
      parsed = undefined;
    }
    if (r.code >= 200 && r.code < 300) {
      if (parsed === undefined) throw new ApiError(r.code, { message: `${method} ${path}: reply is not JSON: ${r.text.slice(0, 200)}` });
      return parsed as T;
    }
    const st = isStatus(parsed) ? parsed : { message: `${method} ${path}: HTTP ${r.code}: ${r.text.slice(0, 200)}`, code: r.code };
    throw new ApiError(r.code, st);
  }

  get<T extends KubeObject = KubeObject>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  list<T extends KubeObject = KubeObject>(path: string, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>('GET', path, { query: { ...opts } });
  }

  create<T extends KubeObject = KubeObject>(path: string, obj: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('POST', path, { body: obj, query });
  }

  update<T extends KubeObject = KubeObject>(path: string, obj: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('PUT', path, { body: obj, query });
  }

  patch<T extends KubeObject = KubeObject>(path: string, body: unknown, type: PatchType = 'strategic', query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType: PATCH_CONTENT[type], query });
  }

  /** DELETE with DeleteOptions as the body (as client-go sends them). Returns the object or a Status. */
  delete<T = KubeObject | Status>(path: string, opts: DeleteOptions = {}): Promise<T> {
    const { dryRun, ...rest } = opts;
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...rest, ...(dryRun ? { dryRun: ['All'] } : {}) };
    return this.request<T>('DELETE', path, { body });
  }

  /** GET that answers null on 404 instead of throwing. */
  async tryGet<T extends KubeObject = KubeObject>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return null;
      throw e;
    }
  }

  /**
   * Watches a collection (`/api/v1/pods`) or, with fieldSelector metadata.name=x, one object.
   * Calls onEvent per event line; the stream ends when the server closes it or stop() is called.
   * Callers re-list and re-watch on end (as client-go's reflector does).
   */
  watch<T extends KubeObject = KubeObject>(path: string, opts: ListOptions & { timeoutSeconds?: number }, onEvent: (e: WatchEvent<T>) => void): Watch {
    const u = this.url(path, { ...opts, watch: 1 });
    let req: ReturnType<typeof https.request> | undefined;
    const done = new Promise<void>((resolveP, rejectP) => {
      req = https.request(u, { method: 'GET', agent: this.agent, ...tlsName(u, this.creds.server), headers: this.headers('application/json') }, (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let st: unknown;
            try {
              st = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              st = undefined;
            }
            rejectP(new ApiError(res.statusCode ?? 0, isStatus(st) ? st : { message: `watch ${path}: HTTP ${res.statusCode}` }));
          });
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            try {
              onEvent(JSON.parse(line) as WatchEvent<T>);
            } catch {
              // a line that is not JSON ends nothing: the server only sends whole events
            }
          }
        });
        res.on('end', () => resolveP());
        res.on('close', () => resolveP());
        res.on('error', () => resolveP());
      });
      req.on('error', (e) => {
        if ((e as NodeJS.ErrnoException).code === 'ECONNRESET' && stopped) resolveP();
        else rejectP(netError('GET', u, e));
      });
      req.end();
    });
    let stopped = false;
    return {
      done,
      stop: () => {
        stopped = true;
        req?.destroy();
      },
    };
  }
}

/**
 * The name the server's certificate is checked against: the kubeconfig's host, also when the lab
 * connects elsewhere (a worker's `https://localhost:6443` is its own lab address, whose load
 * balancer's backends present a certificate for `localhost`, not for the worker). No SNI for an IP
 * address (RFC 6066; Node warns otherwise); the certificate's IP SANs are still checked.
 */
function tlsName(u: URL, server: string): { servername?: string; checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined } {
  let asked = u.hostname;
  try {
    asked = new URL(server).hostname;
  } catch {
    /* not a URL: what was connected to */
  }
  const bareName = (h: string): string => h.replace(/^\[|\]$/g, '');
  const out: { servername?: string; checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined } = isIP(bareName(asked)) ? { servername: '' } : { servername: asked };
  if (bareName(asked) !== bareName(u.hostname)) out.checkServerIdentity = (_host, cert) => checkServerIdentity(bareName(asked), cert);
  return out;
}

function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

function netError(method: string, u: URL, e: Error): ApiError {
  // the same shape as client-go's: `Get "https://...": dial tcp ...: connect: connection refused`
  const verb = method.charAt(0) + method.slice(1).toLowerCase();
  return new ApiError(0, { message: `${verb} "${u.toString()}": ${e.message}` });
}

/** The REST path of a namespaced or cluster-scoped resource: `apiPath('v1','pods','ns','x')`. */
export function apiPath(groupVersion: string, resource: string, namespace?: string, name?: string, sub?: string): string {
  const root = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
  let p = root;
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}
