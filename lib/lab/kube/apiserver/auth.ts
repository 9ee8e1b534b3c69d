// Authentication (client certificates against --client-ca-file, bootstrap tokens, anonymous) and
// authorization (the system:masters superuser group, then RBAC over the stored roles and
// bindings). Simplified against the real server (documented in NOTES/README): the Node authorizer
// allows group system:nodes everything, and the controller-manager and scheduler users are
// allowed everything instead of through their bootstrap roles.
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../common/client.js';
import type { Storage } from './storage.js';

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface AuthnConfig {
  /** --enable-bootstrap-token-auth */
  bootstrapTokens: boolean;
  /** --anonymous-auth (default true) */
  anonymous: boolean;
  /** the etcd key prefix (--etcd-prefix), to read Secrets and RBAC objects */
  registry: string;
}

/** null = invalid credentials (401); a user otherwise (anonymous included). */
export async function authenticate(req: IncomingMessage, cfg: AuthnConfig, storage: Storage): Promise<UserInfo | null> {
  const auth = req.headers['authorization'];
  if (typeof auth === 'string' && /^bearer\s/i.test(auth)) {
    const token = auth.slice(7).trim();
    const m = /^([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(token);
    if (!m || !cfg.bootstrapTokens) return null; // no other token authenticator is configured
    return bootstrapUser(m[1]!, m[2]!, cfg, storage);
  }
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate === 'function' && sock.authorized) {
    const cert = sock.getPeerCertificate();
    const cn = cert?.subject?.CN;
    if (cn) {
      const o = cert.subject.O as string | string[] | undefined;
      const groups = (Array.isArray(o) ? o : o ? [o] : []).concat('system:authenticated');
      return { name: Array.isArray(cn) ? String(cn[0]) : cn, groups };
    }
  }
  if (!cfg.anonymous) return null;
  return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
}

async function bootstrapUser(id: string, secret: string, cfg: AuthnConfig, storage: Storage): Promise<UserInfo | null> {
  const s = await storage.get(`${cfg.registry}/secrets/kube-system/bootstrap-token-${id}`);
  if (!s) return null;
  const o = s.obj as KubeObject & { type?: string; data?: Record<string, string> };
  if (o.type !== 'bootstrap.kubernetes.io/token' || o.metadata.deletionTimestamp) return null;
  const d = (k: string): string => Buffer.from(o.data?.[k] ?? '', 'base64').toString('utf8');
  if (d('token-id') !== id || d('token-secret') !== secret) return null;
  if (d('usage-bootstrap-authentication') !== 'true') return null;
  const exp = d('expiration');
  if (exp && Date.parse(exp) < Date.now()) return null;
  const extra = d('auth-extra-groups')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g.startsWith('system:bootstrappers:'));
  return { name: `system:bootstrap:${id}`, groups: ['system:bootstrappers', ...extra, 'system:authenticated'] };
}

export interface Attributes {
  verb: string;
  /** resource requests */
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** non-resource requests */
  path?: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

const hit = (list: string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

function ruleAllows(r: PolicyRule, a: Attributes): boolean {
  if (!hit(r.verbs, a.verb)) return false;
  if (a.path !== undefined) {
    return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path!.startsWith(u.slice(0, -1))));
  }
  if (!hit(r.apiGroups, a.group ?? '')) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource!;
  if (!(hit(r.resources, res) || (!!a.subresource && (r.resources ?? []).includes(`*/${a.subresource}`)))) return false;
  if (r.resourceNames?.length && !r.resourceNames.includes(a.name ?? '')) return false;
  return true;
}

function subjectMatches(s: Subject, u: UserInfo, bindingNs?: string): boolean {
  if (s.kind === 'User') return s.name === u.name;
  if (s.kind === 'Group') return u.groups.includes(s.name) || (s.name === 'system:authenticated' && u.name !== 'system:anonymous') || (s.name === 'system:unauthenticated' && u.name === 'system:anonymous');
  if (s.kind === 'ServiceAccount') return u.name === `system:serviceaccount:${s.namespace ?? bindingNs}:${s.name}`;
  return false;
}

export interface AuthzConfig {
  /** --authorization-mode, e.g. ['Node', 'RBAC'] */
  modes: string[];
  registry: string;
}

/** True when `u` may do `a`. */
export async function authorize(u: UserInfo, a: Attributes, cfg: AuthzConfig, storage: Storage): Promise<boolean> {
  if (u.groups.includes('system:masters')) return true;
  if (cfg.modes.includes('AlwaysAllow')) return true;
  if (cfg.modes.includes('Node') && u.groups.includes('system:nodes')) return true;
  if (u.name === 'system:kube-controller-manager' || u.name === 'system:kube-scheduler') return true;
  if (!cfg.modes.includes('RBAC')) return false;
  const reg = cfg.registry;
  const rolesOf = async (ref: { kind: string; name: string }, ns?: string): Promise<PolicyRule[]> => {
    const key = ref.kind === 'ClusterRole' ? `${reg}/clusterroles/${ref.name}` : `${reg}/roles/${ns}/${ref.name}`;
    const r = await storage.get(key);
    return ((r?.obj as { rules?: PolicyRule[] } | undefined)?.rules ?? []) as PolicyRule[];
  };
  type Binding = KubeObject & { subjects?: Subject[]; roleRef: { kind: string; name: string } };
  const crbs = (await storage.list(`${reg}/clusterrolebindings/`)).items.map((s) => s.obj as Binding);
  for (const b of crbs) {
    if (!(b.subjects ?? []).some((s) => subjectMatches(s, u))) continue;
    if ((await rolesOf(b.roleRef)).some((r) => ruleAllows(r, a))) return true;
  }
  if (a.namespace) {
    const rbs = (await storage.list(`${reg}/rolebindings/${a.namespace}/`)).items.map((s) => s.obj as Binding);
    for (const b of rbs) {
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, u, a.namespace))) continue;
      if ((await rolesOf(b.roleRef, a.namespace)).some((r) => ruleAllows(r, a))) return true;
    }
  }
  return false;
}

/** The bootstrap policy the real server writes at start (rbac/bootstrap-roles), cut to what the lab's clients need. */
export function bootstrapPolicy(): { roles: KubeObject[]; bindings: KubeObject[] } {
  const role = (name: string, rules: PolicyRule[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules,
  });
  const binding = (name: string, roleName: string, subjects: Subject[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: subjects.map((s) => ({ apiGroup: 'rbac.authorization.k8s.io', ...s })),
  });
  const group = (name: string): Subject => ({ kind: 'Group', name });
  const user = (name: string): Subject => ({ kind: 'User', name });
  return {
    roles: [
      role('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]),
      role('system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
      role('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
      role('system:basic-user', [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] }]),
      role('system:node-bootstrapper', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] }]),
      role('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/nodeclient'], verbs: ['create'] }]),
      role('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/selfnodeclient'], verbs: ['create'] }]),
      role('system:kube-controller-manager', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      role('system:kube-scheduler', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      role('system:node', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    ],
    bindings: [
      binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
      binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
      binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
      binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
      binding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
      binding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    ],
  };
}
