// The generic registry behind every resource (k8s.io/apiserver pkg/registry/generic/registry
// store.go, ANCHORS §2.3/§3.4): get, list with selectors and continue tokens, create with
// generateName/uid/creationTimestamp, update with optimistic concurrency, patch with internal
// retry, graceful deletion for pods bound to nodes, finalizers, status subresource split.
import { randomUUID, randomBytes } from 'node:crypto';
import type { KubeObject } from '../common/client.js';
import type { SemVer } from '../common/versions.js';
import { admitCreate, HAS_GENERATION } from './admission.js';
import { alreadyExists, badRequest, conflict, gone, invalid, notFound, StatusError, unsupportedMediaType, type Qualified } from './errors.js';
import { jsonPatch, mergePatch, strategicMergePatch, type Json } from './patch.js';
import { resourcesFor, type ResourceDef } from './resources.js';
import { allocate, contains, parseCidr, type Cidr } from './serviceips.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Storage, Stored } from './storage.js';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteOpts {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

type R = Record<string, unknown>;
const obj = (v: unknown): R => (v && typeof v === 'object' && !Array.isArray(v) ? (v as R) : {});
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const q = (def: ResourceDef): Qualified => ({ resource: def.plural, group: def.group });

export class Registry {
  readonly defs: ResourceDef[];
  constructor(
    readonly storage: Storage,
    /** --etcd-prefix: `/registry` */
    readonly root: string,
    readonly version: SemVer,
    /** --service-cluster-ip-range (default 10.0.0.0/24, as the real flag) */
    readonly serviceRange: Cidr = parseCidr('10.0.0.0/24'),
  ) {
    this.defs = resourcesFor(version);
  }

  /** Gives a Service its spec.clusterIP (and clusterIPs) unless it is headless or ExternalName. */
  private async allocateClusterIP(o: KubeObject): Promise<void> {
    const spec = obj(o['spec']);
    if (spec['type'] === 'ExternalName' || spec['clusterIP'] === 'None') return;
    const want = typeof spec['clusterIP'] === 'string' ? spec['clusterIP'] : '';
    const used = new Set<string>();
    for (const s of (await this.storage.list(`${this.root}/services/specs/`)).items) {
      const ip = obj(s.obj['spec'])['clusterIP'];
      if (typeof ip === 'string') used.add(ip);
    }
    if (want) {
      if (!contains(this.serviceRange, want)) {
        throw invalid('Service', o.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${want}"}: failed to allocate IP ${want}: the provided IP (${want}) is not in the valid range. The range of valid IPs is ${rangeText(this.serviceRange)}` }]);
      }
      if (used.has(want)) {
        throw invalid('Service', o.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${want}"}: failed to allocate IP ${want}: provided IP is already allocated` }]);
      }
    }
    const ip = want || allocate(this.serviceRange, used);
    o['spec'] = { ...spec, clusterIP: ip, clusterIPs: [ip] };
  }

  def(group: string, plural: string): ResourceDef {
    const d = this.defs.find((x) => x.group === group && x.plural === plural);
    if (!d) throw new Error(`no resource ${plural}.${group}`);
    return d;
  }

  key(def: ResourceDef, ns: string | undefined, name: string): string {
    return def.namespaced ? `${this.root}/${def.prefix}/${ns}/${name}` : `${this.root}/${def.prefix}/${name}`;
  }

  prefix(def: ResourceDef, ns: string | undefined): string {
    return def.namespaced && ns ? `${this.root}/${def.prefix}/${ns}/` : `${this.root}/${def.prefix}/`;
  }

  /** Sets apiVersion/kind as the client asked (objects are stored once, served at every version). */
  shape(def: ResourceDef, gv: string, o: KubeObject): KubeObject {
    const { apiVersion: _a, kind: _k, ...rest } = o;
    return { apiVersion: gv, kind: def.kind, ...rest };
  }

  async get(def: ResourceDef, ns: string | undefined, name: string): Promise<Stored> {
    const s = await this.storage.get(this.key(def, ns, name));
    if (!s) throw notFound(q(def), name);
    return s;
  }

  async list(def: ResourceDef, ns: string | undefined, query: ListQuery): Promise<{ items: KubeObject[]; resourceVersion: string; continue?: string }> {
    const labels = query.labelSelector ? parseLabelSelector(query.labelSelector) : [];
    const fields = query.fieldSelector ? parseFieldSelector(query.fieldSelector, def.plural) : [];
    const prefix = this.prefix(def, ns);
    let startKey: string | undefined;
    let revision = 0;
    if (query.continue) {
      try {
        const t = JSON.parse(Buffer.from(query.continue, 'base64').toString('utf8')) as { v?: string; rv?: number; start?: string };
        if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
        startKey = prefix + t.start;
        revision = t.rv;
      } catch {
        throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
    }
    const limit = query.limit && query.limit > 0 ? query.limit : 0;
    const items: KubeObject[] = [];
    let nextKey: string | undefined;
    outer: for (;;) {
      let page;
      try {
        page = await this.storage.list(prefix, { startKey, revision, limit });
      } catch (e) {
        if (e instanceof StatusError && /compacted/.test(e.message)) {
          throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        }
        throw e;
      }
      revision = page.revision;
      for (let i = 0; i < page.items.length; i++) {
        const s = page.items[i]!;
        if (labels.length && !matchLabels(labels, s.obj.metadata.labels)) continue;
        if (fields.length && !matchFields(fields, def.plural, s.obj)) continue;
        items.push(s.obj);
        if (limit && items.length === limit) {
          if (i < page.items.length - 1 || page.nextKey) nextKey = s.key + '\0';
          break outer;
        }
      }
      if (!limit || !page.nextKey) break;
      startKey = page.nextKey;
    }
    const out: { items: KubeObject[]; resourceVersion: string; continue?: string } = { items, resourceVersion: String(revision) };
    if (nextKey) {
      out.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: nextKey.slice(prefix.length) })).toString('base64');
    }
    return out;
  }

  private validateMeta(def: ResourceDef, o: KubeObject): void {
    const name = o.metadata.name ?? '';
    if (def.group === 'rbac.authorization.k8s.io') {
      // RBAC names are path segments (system:node, kubeadm:get-nodes)
      if (name && name !== '.' && name !== '..' && !/[/%]/.test(name)) return;
      throw invalid(def.kind, name, [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": may not contain '/' or '%'` }], def.group);
    }
    const re = def.plural === 'namespaces' ? LABEL_NAME_RE : NAME_RE;
    if (!re.test(name) || name.length > 253) {
      throw invalid(def.kind, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 ${def.plural === 'namespaces' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        },
      ], def.group);
    }
  }

  async create(def: ResourceDef, ns: string | undefined, body: KubeObject, dryRun = false): Promise<KubeObject> {
    const o = clone(body);
    o.metadata = obj(o.metadata) as KubeObject['metadata'];
    if (def.namespaced) {
      if (o.metadata.namespace && ns && o.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      o.metadata.namespace = ns ?? o.metadata.namespace ?? 'default';
      const nsObj = await this.storage.get(`${this.root}/namespaces/${o.metadata.namespace}`);
      if (!nsObj) throw notFound({ resource: 'namespaces', group: '' }, o.metadata.namespace);
      if (nsObj.obj.metadata.deletionTimestamp) {
        throw new StatusError({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 403,
          reason: 'Forbidden',
          message: `${def.plural} "${o.metadata.name ?? o.metadata.generateName ?? ''}" is forbidden: unable to create new content in namespace ${o.metadata.namespace} because it is being terminated`,
          details: { causes: [{ reason: 'NamespaceTerminating', message: `namespace ${o.metadata.namespace} is being terminated`, field: 'metadata.namespace' }] },
        });
      }
    } else {
      delete o.metadata.namespace;
    }
    if (!o.metadata.name && !o.metadata.generateName) {
      throw invalid(def.kind, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }], def.group);
    }
    const { resourceVersion: _rv, ...meta } = o.metadata;
    o.metadata = meta;
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    delete o.metadata.deletionTimestamp;
    delete o.metadata.deletionGracePeriodSeconds;
    if (HAS_GENERATION.has(def.plural)) o.metadata.generation = 1;
    if (def.statusSplit && def.plural !== 'pods' && def.plural !== 'namespaces' && def.plural !== 'nodes') delete o['status'];
    admitCreate(def.plural, o, this.version);
    if (def.plural === 'services') await this.allocateClusterIP(o);
    const gen = !o.metadata.name;
    for (let attempt = 0; attempt < 8; attempt++) {
      if (gen) o.metadata.name = o.metadata.generateName + randomSuffix();
      this.validateMeta(def, o);
      if (dryRun) {
        if (await this.storage.get(this.key(def, o.metadata.namespace, o.metadata.name!))) throw alreadyExists(q(def), o.metadata.name!);
        return o;
      }
      const r = await this.storage.create(this.key(def, o.metadata.namespace, o.metadata.name!), o);
      if (r) return r.obj;
      if (!gen) throw alreadyExists(q(def), o.metadata.name!);
    }
    throw alreadyExists(q(def), o.metadata.name!);
  }

  /** Carries the server-owned fields over and applies the status split of `sub`. */
  prepareUpdate(def: ResourceDef, sub: string | undefined, cur: KubeObject, next: KubeObject): KubeObject {
    const out = clone(next);
    out.metadata = { ...obj(out.metadata) } as KubeObject['metadata'];
    const keep = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'namespace', 'name', 'generation'] as const;
    for (const k of keep) {
      const m = out.metadata as Record<string, unknown>;
      if (cur.metadata[k] === undefined) delete m[k];
      else m[k] = cur.metadata[k];
    }
    if (sub === 'status' || sub === 'approval') {
      const status = sub === 'approval' ? { ...obj(cur['status']), conditions: obj(next['status'])['conditions'] } : next['status'];
      const merged: KubeObject = { ...clone(cur), metadata: out.metadata };
      if (status === undefined) delete merged['status'];
      else merged['status'] = status;
      return merged;
    }
    if (def.statusSplit && def.plural !== 'namespaces') {
      if (cur['status'] === undefined) delete out['status'];
      else out['status'] = clone(cur['status']);
    }
    if (HAS_GENERATION.has(def.plural) && JSON.stringify(cur['spec']) !== JSON.stringify(out['spec'])) {
      out.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    }
    // finalizers cannot be added once deletion started (the real server refuses); keep removals
    return out;
  }

  private async finishIfDeleted(key: string, s: Stored): Promise<KubeObject> {
    const m = s.obj.metadata;
    if (m.deletionTimestamp && !(m.finalizers?.length) && !m.deletionGracePeriodSeconds) {
      const rev = await this.storage.deleteAt(key, s.rev);
      if (rev) return { ...s.obj, metadata: { ...m, resourceVersion: String(rev) } };
    }
    return s.obj;
  }

  async update(def: ResourceDef, ns: string | undefined, name: string, body: KubeObject, sub: string | undefined, dryRun = false): Promise<KubeObject> {
    const b = body as KubeObject;
    if (!b.metadata || typeof b.metadata !== 'object') b.metadata = {};
    if (b.metadata.name && b.metadata.name !== name) throw badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${name})`);
    if (def.namespaced && b.metadata.namespace && b.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const key = this.key(def, ns, name);
    const wantRV = b.metadata.resourceVersion;
    if (!wantRV && !def.unconditionalUpdate) {
      throw invalid(def.kind, name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }], def.group);
    }
    return this.writeOver(def, key, name, sub, dryRun, (cur) => {
      if (wantRV && wantRV !== String(cur.rev)) throw conflict(q(def), name);
      return b;
    });
  }

  /**
   * The write shared by PUT and PATCH: `given` makes the new object from the stored one (and may
   * refuse it); the store's CAS loop retries it on a concurrent write; a dry run stores nothing
   * and answers with the object as it would be.
   */
  private async writeOver(def: ResourceDef, key: string, name: string, sub: string | undefined, dryRun: boolean, given: (cur: { obj: KubeObject; rev: number }) => KubeObject): Promise<KubeObject> {
    let result: KubeObject | undefined;
    const s = await this.storage.update(key, (cur) => {
      const next = this.prepareUpdate(def, sub, cur.obj, given(cur));
      if (dryRun) {
        result = { ...next, metadata: { ...next.metadata, resourceVersion: String(cur.rev) } };
        return null;
      }
      return next;
    });
    if (!s) throw notFound(q(def), name);
    if (dryRun) return result!;
    return this.finishIfDeleted(key, s);
  }

  async patch(def: ResourceDef, ns: string | undefined, name: string, patchBody: unknown, contentType: string, sub: string | undefined, dryRun = false): Promise<KubeObject> {
    const ct = contentType.split(';')[0]!.trim();
    const patchers: Record<string, (base: Json) => Json> = {
      'application/strategic-merge-patch+json': (base) => strategicMergePatch(base, patchBody as Json),
      'application/merge-patch+json': (base) => mergePatch(base, patchBody as Json),
      'application/json-patch+json': (base) => jsonPatch(base, patchBody),
    };
    const patcher = patchers[ct];
    if (!patcher) throw unsupportedMediaType(ct);
    return this.writeOver(def, this.key(def, ns, name), name, sub, dryRun, (cur) => {
      const out = patcher(clone(cur.obj) as unknown as Json);
      if (!out || typeof out !== 'object' || Array.isArray(out)) throw badRequest('the patch did not produce an object');
      const patched = out as unknown as KubeObject;
      patched.metadata = obj(patched.metadata) as KubeObject['metadata'];
      const rv = patched.metadata.resourceVersion;
      if (rv && rv !== String(cur.rev)) throw conflict(q(def), name);
      if (patched.metadata.name !== undefined && patched.metadata.name !== name) throw badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
      return patched;
    });
  }

  /** Deletes (or marks for deletion). Returns the object as the real server does. */
  async delete(def: ResourceDef, ns: string | undefined, name: string, opts: DeleteOpts): Promise<KubeObject> {
    const key = this.key(def, ns, name);
    for (;;) {
      const cur = await this.storage.get(key);
      if (!cur) throw notFound(q(def), name);
      const m = cur.obj.metadata;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== m.uid) {
        throw conflict(q(def), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rev)) {
        throw conflict(q(def), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rev}`);
      }
      let grace = 0;
      if (def.plural === 'pods') {
        const spec = obj(cur.obj['spec']);
        const phase = obj(cur.obj['status'])['phase'];
        grace = opts.gracePeriodSeconds ?? (typeof spec['terminationGracePeriodSeconds'] === 'number' ? spec['terminationGracePeriodSeconds'] : 30);
        if (!spec['nodeName'] || phase === 'Succeeded' || phase === 'Failed') grace = 0;
        if (grace < 0) grace = 1;
      }
      const finalizers = m.finalizers ?? [];
      if (grace > 0 || finalizers.length > 0) {
        // graceful (the kubelet finishes it) or finalized (their owners remove them): mark only
        if (m.deletionTimestamp && (m.deletionGracePeriodSeconds ?? 0) <= grace) return cur.obj;
        const marked = clone(cur.obj);
        marked.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        marked.metadata.deletionGracePeriodSeconds = grace;
        if (opts.dryRun) return marked;
        const s = await this.storage.update(key, (c) => (c.rev === cur.rev ? marked : null));
        if (!s || s.rev === cur.rev) continue; // changed meanwhile: start over
        return s.obj;
      }
      if (opts.dryRun) return cur.obj;
      if (def.plural === 'namespaces') await this.deleteNamespaceContents(name);
      const rev = await this.storage.deleteAt(key, cur.rev);
      if (rev === false) continue;
      return { ...cur.obj, metadata: { ...m, resourceVersion: String(rev) } };
    }
  }

  /** The namespace controller's work, done at once (documented simplification). */
  private async deleteNamespaceContents(ns: string): Promise<void> {
    for (const d of this.defs.filter((x) => x.namespaced)) {
      const prefix = this.prefix(d, ns);
      for (const s of (await this.storage.list(prefix)).items) await this.storage.deleteAt(this.key(d, ns, s.obj.metadata.name!), s.rev);
    }
  }
}

function rangeText(c: Cidr): string {
  const ip = [24, 16, 8, 0].map((s) => Math.floor(c.base / 2 ** s) % 256).join('.');
  return `${ip}/${32 - Math.log2(c.size)}`;
}

function randomSuffix(): string {
  // the real generator: 5 characters from "bcdfghjklmnpqrstvwxz2456789"
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}
