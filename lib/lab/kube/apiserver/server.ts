// The HTTPS front of the double: authentication, authorization, routing of the real REST paths to
// the registry, discovery, health, Tables and watches.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, Status } from '../common/client.js';
import { listenHost } from '../common/labnet.js';
import { gitVersion, type SemVer } from '../common/versions.js';
import { authenticate, authorize, type AuthnConfig, type AuthzConfig, type Attributes, type UserInfo } from './auth.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, type DiscoveryContext } from './discovery.js';
import { badRequest, forbidden, forbiddenPath, internal, methodNotAllowed, notFound, notFoundPath, StatusError, success, unauthorized } from './errors.js';
import { evict } from './eviction.js';
import { openApiJson, openApiProto } from './openapi.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { q, Registry, type DeleteOpts } from './rest.js';
import type { ResourceDef } from './resources.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { StoreEvent } from './storage.js';
import { toTable, wantsTable, type IncludeObject } from './tables.js';

export interface ServerOptions {
  registry: Registry;
  authn: AuthnConfig;
  authz: AuthzConfig;
  /** host:port for discovery's serverAddressByClientCIDRs */
  serverAddress: string;
  log: (msg: string) => void;
  /** true once the start-up objects are written (readyz) */
  ready: () => boolean;
}

type R = Record<string, unknown>;
const obj = (v: unknown): R => (v && typeof v === 'object' && !Array.isArray(v) ? (v as R) : {});

const MAX_BODY = 3 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new StatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

function sendStatus(res: ServerResponse, st: Status): void {
  const code = st.code ?? 500;
  const headers: Record<string, string> = {};
  if (code === 429 && st.details?.retryAfterSeconds) headers['Retry-After'] = String(st.details.retryAfterSeconds);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, code, st);
}

interface ResourceRoute {
  def: ResourceDef;
  gv: string;
  namespace?: string;
  name?: string;
  sub?: string;
}

export class ApiServer {
  readonly reg: Registry;
  private readonly disc: DiscoveryContext;
  private readonly watches = new Set<() => void>();

  constructor(private readonly opts: ServerOptions) {
    this.reg = opts.registry;
    this.disc = { version: this.reg.version, defs: this.reg.defs, serverAddress: opts.serverAddress };
  }

  /** Ends every open watch (shutdown). */
  closeWatches(): void {
    for (const stop of [...this.watches]) stop();
  }

  listen(tls: { key: Buffer; cert: Buffer; clientCA?: Buffer }, host: string, port: number): Promise<https.Server> {
    const server = https.createServer(
      { key: tls.key, cert: tls.cert, ca: tls.clientCA, requestCert: true, rejectUnauthorized: false },
      (req, res) => void this.handle(req, res),
    );
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, listenHost(host), () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://x');
    const method = req.method ?? 'GET';
    try {
      const user = await authenticate(req, this.opts.authn, this.reg.storage).catch(() => null);
      if (!user) throw unauthorized();
      await this.route(req, res, url, method, user);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (e instanceof StatusError) sendStatus(res, e.status);
      else {
        this.opts.log(`E internal error on ${method} ${url.pathname}: ${e instanceof Error ? e.message : String(e)}`);
        sendStatus(res, internal(e instanceof Error ? e.message : String(e)).status);
      }
    }
  }

  private async allow(user: UserInfo, a: Attributes): Promise<void> {
    if (await authorize(user, a, this.opts.authz, this.reg.storage)) return;
    if (a.path !== undefined) throw forbiddenPath(user.name, a.verb, a.path);
    throw forbidden(user.name, a.verb, { resource: a.resource!, group: a.group ?? '' }, a.name ?? '', a.namespace, a.subresource);
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, method: string, user: UserInfo): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segs[0] !== 'api' && segs[0] !== 'apis') {
      await this.allow(user, { verb: method.toLowerCase(), path });
      return this.nonResource(res, path, url, method, req.headers['accept']);
    }
    // discovery
    let group = '';
    let version: string | undefined;
    let rest: string[];
    if (segs[0] === 'api') {
      version = segs[1];
      rest = segs.slice(2);
    } else {
      group = segs[1] ?? '';
      version = segs[2];
      rest = segs.slice(3);
    }
    if (!version || (segs[0] === 'apis' && !group) || rest.length === 0) {
      await this.allow(user, { verb: 'get', path });
      if (method !== 'GET') throw methodNotAllowed();
      if (segs[0] === 'api' && !version) return sendJson(res, 200, apiVersions(this.disc));
      if (segs[0] === 'apis' && !group) return sendJson(res, 200, apiGroupList(this.disc));
      if (!version) {
        const g = apiGroup(this.disc, group);
        return g ? sendJson(res, 200, g) : sendStatus(res, notFoundPath().status);
      }
      const list = apiResourceList(this.disc, group, version);
      return list ? sendJson(res, 200, list) : sendStatus(res, notFoundPath().status);
    }
    const r = this.resolve(group, version, rest);
    if (!r) throw notFoundPath();
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const verb = watch
      ? 'watch'
      : method === 'GET'
        ? r.name
          ? 'get'
          : 'list'
        : method === 'POST'
          ? 'create'
          : method === 'PUT'
            ? 'update'
            : method === 'PATCH'
              ? 'patch'
              : method === 'DELETE'
                ? r.name
                  ? 'delete'
                  : 'deletecollection'
                : '';
    if (!verb) throw methodNotAllowed();
    await this.allow(user, { verb, group: r.def.group, resource: r.def.plural, subresource: r.sub, namespace: r.namespace, name: r.name });
    return this.resource(req, res, url, method, verb, r, user);
  }

  private resolve(group: string, version: string, rest: string[]): ResourceRoute | null {
    const defs = this.reg.defs.filter((d) => d.group === group && d.versions.includes(version));
    const find = (plural: string): ResourceDef | undefined => defs.find((d) => d.plural === plural);
    const gv = group ? `${group}/${version}` : version;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const d = find(rest[2]!);
      if (d && d.namespaced) {
        if (rest.length > 5) return null;
        if (rest[4] && !d.subresources.includes(rest[4])) return null;
        return { def: d, gv, namespace: rest[1], name: rest[3], sub: rest[4] };
      }
    }
    const d = find(rest[0]!);
    if (!d || rest.length > 3) return null;
    if (rest[2] && !d.subresources.includes(rest[2])) return null;
    return { def: d, gv, name: rest[1], sub: rest[2] };
  }

  private openapiPb: Buffer | undefined;

  private async nonResource(res: ServerResponse, path: string, url: URL, method: string, accept: string | undefined): Promise<void> {
    if (method !== 'GET') throw methodNotAllowed();
    const v = this.reg.version;
    if (path === '/version') {
      return sendJson(res, 200, {
        major: String(v.major),
        minor: String(v.minor),
        gitVersion: gitVersion(v),
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2020-01-01T00:00:00Z',
        goVersion: 'go1.22.0',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
    }
    const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
    if (health) {
      const kind = health[1]!;
      const only = health[2];
      let etcdOk = true;
      try {
        await this.reg.storage.ping();
      } catch {
        etcdOk = false;
      }
      const checks: [string, boolean][] = [
        ['ping', true],
        ['log', true],
        ['etcd', etcdOk],
        ['poststarthook/start-kube-apiserver-admission-initializer', true],
        ['poststarthook/rbac/bootstrap-roles', this.opts.ready()],
      ];
      if (only) {
        const c = checks.find(([n]) => n === only);
        if (!c) throw notFoundPath();
        res.writeHead(c[1] ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        return void res.end(c[1] ? 'ok' : `internal server error: ${c[0]} check failed`);
      }
      const ok = checks.every(([, x]) => x);
      const verbose = url.searchParams.has('verbose') || !ok;
      const text = verbose ? checks.map(([n, x]) => (x ? `[+]${n} ok` : `[-]${n} failed: reason withheld`)).join('\n') + `\n${kind} check ${ok ? 'passed' : 'failed'}\n` : 'ok';
      res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      return void res.end(text);
    }
    if (path === '/openapi/v2') {
      // protobuf when asked (kubectl), JSON otherwise
      if (String(accept ?? '').includes('protobuf')) {
        this.openapiPb ??= openApiProto(this.reg.defs);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': this.openapiPb.length }); // as kube-openapi's handler
        return void res.end(this.openapiPb);
      }
      return sendJson(res, 200, openApiJson(this.reg.defs));
    }
    // /openapi/v3 is not served (kubectl >= 1.27 then needs --validate=false for apply)
    throw notFoundPath();
  }

  private async resource(req: IncomingMessage, res: ServerResponse, url: URL, method: string, verb: string, r: ResourceRoute, user: UserInfo): Promise<void> {
    const { def, gv, namespace: ns, name, sub } = r;
    const reg = this.reg;
    const qp = url.searchParams;
    const dryRun = qp.getAll('dryRun').includes('All');
    const table = wantsTable(req.headers['accept']);
    const include = (qp.get('includeObject') as IncludeObject | null) ?? 'Metadata';
    const body = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE' ? await readBody(req) : '';
    const parsed = (): unknown => {
      if (!body.trim()) return undefined;
      try {
        return JSON.parse(body);
      } catch (e) {
        throw badRequest(`couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    const out = (code: number, o: KubeObject): void => {
      const shaped = reg.shape(def, gv, o);
      if (table && (verb === 'get' || verb === 'list')) return sendJson(res, code, toTable(def.plural, [shaped], { resourceVersion: o.metadata.resourceVersion }, include));
      sendJson(res, code, shaped);
    };
    if (verb === 'watch') return this.watch(req, res, r, qp, table, include);
    if (verb === 'list') {
      if (sub) throw methodNotAllowed();
      const l = await reg.list(def, ns, {
        labelSelector: qp.get('labelSelector') ?? undefined,
        fieldSelector: qp.get('fieldSelector') ?? undefined,
        limit: qp.get('limit') ? Number(qp.get('limit')) : undefined,
        continue: qp.get('continue') ?? undefined,
      });
      const meta: R = { resourceVersion: l.resourceVersion, ...(l.continue ? { continue: l.continue } : {}) };
      if (table) return sendJson(res, 200, toTable(def.plural, l.items.map((o) => reg.shape(def, gv, o)), meta, include));
      return sendJson(res, 200, {
        kind: `${def.kind}List`,
        apiVersion: gv,
        metadata: meta,
        items: l.items.map((o) => {
          const { apiVersion: _a, kind: _k, ...rest } = o;
          return rest;
        }),
      });
    }
    if (verb === 'get') {
      const s = await reg.get(def, ns, name!);
      if (sub === 'scale') return sendJson(res, 200, scaleOf(s.obj));
      if (sub && sub !== 'status' && sub !== 'approval') throw methodNotAllowed();
      return out(200, s.obj);
    }
    if (verb === 'create') {
      if (sub === 'eviction') return sendJson(res, 201, await evict(reg, ns!, name!, parsed(), dryRun));
      if (sub === 'binding') return sendJson(res, 201, await this.bind(ns!, name!, parsed(), dryRun));
      if (sub || name) throw methodNotAllowed();
      const o = obj(parsed()) as KubeObject;
      if (def.plural === 'certificatesigningrequests') {
        // the requester's identity is recorded by the server (the approver and signer read it)
        o['spec'] = { ...obj(o['spec']), username: user.name, groups: user.groups, uid: '' };
      }
      if (def.plural === 'namespaces' && o.metadata) delete o.metadata.namespace;
      return out(201, await reg.create(def, ns, o, dryRun));
    }
    if (verb === 'update' || verb === 'patch') {
      if (sub === 'scale') return this.scale(res, r, verb, parsed(), req.headers['content-type'] ?? '', dryRun);
      if (sub && sub !== 'status' && sub !== 'approval' && sub !== 'finalize') throw methodNotAllowed();
      const effSub = sub === 'finalize' ? undefined : sub;
      const o =
        verb === 'update'
          ? await reg.update(def, ns, name!, obj(parsed()) as KubeObject, effSub, dryRun)
          : await reg.patch(def, ns, name!, parsed(), req.headers['content-type'] ?? '', effSub, dryRun);
      return out(200, o);
    }
    if (verb === 'delete' || verb === 'deletecollection') {
      const b = obj(parsed());
      const opts: DeleteOpts = {
        gracePeriodSeconds: typeof b['gracePeriodSeconds'] === 'number' ? b['gracePeriodSeconds'] : qp.get('gracePeriodSeconds') !== null ? Number(qp.get('gracePeriodSeconds')) : undefined,
        propagationPolicy: (b['propagationPolicy'] as string | undefined) ?? qp.get('propagationPolicy') ?? undefined,
        preconditions: b['preconditions'] as DeleteOpts['preconditions'],
        dryRun: dryRun || (Array.isArray(b['dryRun']) && b['dryRun'].includes('All')),
      };
      if (verb === 'deletecollection') {
        const l = await reg.list(def, ns, { labelSelector: qp.get('labelSelector') ?? undefined, fieldSelector: qp.get('fieldSelector') ?? undefined });
        for (const o of l.items) await reg.delete(def, o.metadata.namespace, o.metadata.name!, opts).catch((e: unknown) => {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        });
        return sendJson(res, 200, success());
      }
      if (sub) throw methodNotAllowed();
      return out(200, await reg.delete(def, ns, name!, opts));
    }
    throw methodNotAllowed();
  }

  /** POST pods/<n>/binding: the scheduler's write (spec.nodeName + PodScheduled). */
  private async bind(ns: string, name: string, body: unknown, dryRun: boolean): Promise<Status> {
    const podDef = this.reg.def('', 'pods');
    const target = obj(obj(body)['target']);
    const node = target['name'];
    if (typeof node !== 'string' || !node) throw badRequest('Binding.target.name: Required value');
    const s = await this.reg.storage.update(this.reg.key(podDef, ns, name), (cur) => {
      const spec = obj(cur.obj['spec']);
      if (cur.obj.metadata.deletionTimestamp) throw new StatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is being deleted, cannot be assigned to a host` });
      if (spec['nodeName']) throw new StatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${String(spec['nodeName'])}"` });
      if (dryRun) return null;
      const st = obj(cur.obj['status']);
      const conds = (Array.isArray(st['conditions']) ? (st['conditions'] as R[]) : []).filter((c) => c['type'] !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
      return { ...cur.obj, spec: { ...spec, nodeName: node }, status: { ...st, conditions: conds } };
    });
    if (!s) throw notFound(q(podDef), name);
    return { ...success(), code: 201 };
  }

  private async scale(res: ServerResponse, r: ResourceRoute, verb: string, body: unknown, ct: string, dryRun: boolean): Promise<void> {
    const cur = await this.reg.get(r.def, r.namespace, r.name!);
    let replicas: unknown;
    if (verb === 'update') replicas = obj(obj(body)['spec'])['replicas'];
    else {
      const scale = scaleOf(cur.obj) as unknown as KubeObject;
      const patched = patchScale(scale, body, ct);
      replicas = obj(patched['spec'])['replicas'];
    }
    if (typeof replicas !== 'number' || replicas < 0) throw badRequest('spec.replicas: Invalid value: must be greater than or equal to 0');
    const o = await this.reg.patch(r.def, r.namespace, r.name!, { spec: { replicas } }, 'application/merge-patch+json', undefined, dryRun);
    sendJson(res, 200, scaleOf(o));
  }

  private async watch(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, qp: URLSearchParams, table: 'v1' | 'v1beta1' | null, include: IncludeObject): Promise<void> {
    const { def, gv, namespace: ns } = r;
    const labels = qp.get('labelSelector') ? parseLabelSelector(qp.get('labelSelector')!) : [];
    const fields = parseFieldSelector(qp.get('fieldSelector') ?? '', def.plural);
    if (r.name) fields.push({ field: 'metadata.name', value: r.name, equal: true });
    const matches = (o: KubeObject | undefined): boolean => !!o && (!labels.length || matchLabels(labels, o.metadata.labels)) && (!fields.length || matchFields(fields, def.plural, o));
    const rvParam = qp.get('resourceVersion') ?? '';
    if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a number`);
    let from = Number(rvParam || '0');
    const initial: KubeObject[] = [];
    if (!from) {
      // "0"/unset: the current state as ADDED events, then changes after it
      const l = await this.reg.list(def, ns, {});
      from = Number(l.resourceVersion);
      initial.push(...l.items.filter(matches));
    }
    const timeoutSec = qp.get('timeoutSeconds') ? Number(qp.get('timeoutSeconds')) : 1800 + Math.floor(Math.random() * 1800);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const send = (type: string, o: KubeObject): void => {
      const shaped = this.reg.shape(def, gv, o);
      const object = table ? toTable(def.plural, [shaped], { resourceVersion: o.metadata.resourceVersion }, include) : shaped;
      res.write(JSON.stringify({ type, object }) + '\n');
    };
    for (const o of initial) send('ADDED', o);
    const prevOf = new Map<string, KubeObject>();
    let stopWatch: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      this.watches.delete(stop);
      if (timer) clearTimeout(timer);
      stopWatch?.();
      res.end();
    };
    this.watches.add(stop);
    req.on('close', stop);
    timer = setTimeout(stop, timeoutSec * 1000);
    const onEvent = (e: StoreEvent): void => {
      const prev = e.prev ?? prevOf.get(e.key);
      if (e.type === 'DELETED') {
        prevOf.delete(e.key);
        if (matches(e.obj)) send('DELETED', e.obj);
        return;
      }
      prevOf.set(e.key, e.obj);
      const now = matches(e.obj);
      const before = e.type === 'MODIFIED' && prev ? matches(prev) : false;
      if (now && before) send('MODIFIED', e.obj);
      else if (now) send(e.type === 'ADDED' ? 'ADDED' : before ? 'MODIFIED' : 'ADDED', e.obj);
      else if (before) send('DELETED', e.obj);
    };
    const prefix = r.name ? this.reg.key(def, ns, r.name) : this.reg.prefix(def, ns);
    try {
      stopWatch = await this.reg.storage.watch(prefix, from, onEvent, (err) => {
        res.write(JSON.stringify({ type: 'ERROR', object: err.status }) + '\n');
        stop();
      });
    } catch (e) {
      res.write(JSON.stringify({ type: 'ERROR', object: e instanceof StatusError ? e.status : internal(String(e)).status }) + '\n');
      stop();
    }
  }
}

function scaleOf(o: KubeObject): R {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: obj(o['spec'])['replicas'] ?? 1 },
    status: { replicas: obj(o['status'])['replicas'] ?? 0, selector: labelSelectorText(obj(obj(o['spec'])['selector'])['matchLabels']) },
  };
}

function labelSelectorText(m: unknown): string {
  return Object.entries(obj(m))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

function patchScale(scale: KubeObject, body: unknown, ct: string): KubeObject {
  const c = ct.split(';')[0]!.trim();
  const b = body as Parameters<typeof mergePatch>[1];
  const base = scale as unknown as Parameters<typeof mergePatch>[0];
  const r = c === 'application/json-patch+json' ? jsonPatch(base, body) : c === 'application/merge-patch+json' ? mergePatch(base, b) : strategicMergePatch(base, b);
  return r as unknown as KubeObject;
}
