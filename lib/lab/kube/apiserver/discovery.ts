// Legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList), the form
// every kubectl version reads (newer ones fall back to it when the reply is plain application/json).
import type { SemVer } from '../common/versions.js';
import { groupsOf, verbsOf, type ResourceDef } from './resources.js';

export interface DiscoveryContext {
  version: SemVer;
  defs: readonly ResourceDef[];
  /** host:port clients reach this server at (serverAddressByClientCIDRs) */
  serverAddress: string;
}

const minor = (v: SemVer): number => v.major * 1000 + v.minor;

export function apiVersions(ctx: DiscoveryContext): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: ctx.serverAddress }] };
}

function group(name: string, versions: string[]): Record<string, unknown> {
  const gv = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

export function apiGroupList(ctx: DiscoveryContext): Record<string, unknown> {
  const groups = [...groupsOf(ctx.defs)].filter(([g]) => g !== '').map(([g, vs]) => group(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(ctx: DiscoveryContext, name: string): Record<string, unknown> | null {
  const vs = groupsOf(ctx.defs).get(name);
  if (!vs || name === '') return null;
  return { kind: 'APIGroup', apiVersion: 'v1', ...group(name, vs) };
}

const SUB_VERBS = ['get', 'patch', 'update'];

export function apiResourceList(ctx: DiscoveryContext, groupName: string, version: string): Record<string, unknown> | null {
  const defs = ctx.defs.filter((d) => d.group === groupName && d.versions.includes(version));
  if (defs.length === 0) return null;
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsOf(d),
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    });
    for (const s of d.subresources) {
      const base = { name: `${d.plural}/${s}`, singularName: '', namespaced: d.namespaced };
      if (s === 'status' || s === 'approval') resources.push({ ...base, kind: d.kind, verbs: SUB_VERBS });
      else if (s === 'scale') resources.push({ ...base, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUB_VERBS });
      // Eviction went GA (policy/v1) in 1.22: kubectl drain reads this entry to pick its version
      else if (s === 'eviction') resources.push({ ...base, group: 'policy', version: minor(ctx.version) >= 1022 ? 'v1' : 'v1beta1', kind: 'Eviction', verbs: ['create'] });
      else if (s === 'binding') resources.push({ ...base, kind: 'Binding', verbs: ['create'] });
      else if (s === 'finalize') resources.push({ ...base, kind: d.kind, verbs: ['update'] });
      else if (s === 'log') resources.push({ ...base, kind: 'Pod', verbs: ['get'] });
      else if (s === 'exec') resources.push({ ...base, kind: 'PodExecOptions', verbs: ['create', 'get'] });
      else if (s === 'proxy') resources.push({ ...base, kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupName ? `${groupName}/${version}` : version, resources };
}
