// The resources the double serves, per release: group, versions, kind, scope, etcd key prefix
// (ANCHORS §2.2) and subresources. Versions follow the real releases' served versions for the
// groups that moved (policy/v1 from 1.21, certificates.k8s.io/v1 from 1.19).
import type { SemVer } from '../common/versions.js';

export interface ResourceDef {
  group: string;
  /** served versions, preferred first */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** etcd prefix under /registry: the plural unless overridden (nodes → minions) */
  prefix: string;
  shortNames?: string[];
  /** `status`, `scale`, `eviction`, `binding`, `approval` */
  subresources: string[];
  /** PUT with an empty resourceVersion is allowed (pods, nodes...) */
  unconditionalUpdate: boolean;
  /** a status subresource splits spec from status (main resource ignores .status) */
  statusSplit: boolean;
  categories?: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** Every resource of the double serves every verb (the real ones do too, for these kinds). */
export const verbsOf = (_r: ResourceDef): string[] => VERBS;

function def(d: Omit<ResourceDef, 'prefix' | 'subresources' | 'unconditionalUpdate' | 'statusSplit'> & Partial<ResourceDef>): ResourceDef {
  const subresources = d.subresources ?? [];
  return {
    prefix: d.plural,
    unconditionalUpdate: false,
    statusSplit: subresources.includes('status'),
    ...d,
    subresources,
  };
}

const minor = (v: SemVer): number => v.minor + v.major * 1000;

/** Every resource served at release `v`. */
export function resourcesFor(v: SemVer): ResourceDef[] {
  const m = minor(v);
  const policy = m >= 1021 ? (m >= 1025 ? ['v1'] : ['v1', 'v1beta1']) : ['v1beta1'];
  const certs = m >= 1019 ? (m >= 1022 ? ['v1'] : ['v1', 'v1beta1']) : ['v1beta1'];
  return [
    def({ group: '', versions: ['v1'], plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'] }),
    def({ group: '', versions: ['v1'], plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, prefix: 'minions', shortNames: ['no'], subresources: ['status', 'proxy'], unconditionalUpdate: true }),
    def({ group: '', versions: ['v1'], plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], subresources: ['status', 'binding', 'eviction', 'log', 'exec'], unconditionalUpdate: true, categories: ['all'] }),
    def({ group: '', versions: ['v1'], plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], unconditionalUpdate: true }),
    def({ group: '', versions: ['v1'], plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, unconditionalUpdate: true }),
    def({ group: '', versions: ['v1'], plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], unconditionalUpdate: true }),
    def({ group: '', versions: ['v1'], plural: 'services', singular: 'service', kind: 'Service', namespaced: true, prefix: 'services/specs', shortNames: ['svc'], subresources: ['status'], unconditionalUpdate: true, categories: ['all'] }),
    def({ group: '', versions: ['v1'], plural: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, prefix: 'services/endpoints', shortNames: ['ep'], unconditionalUpdate: true }),
    def({ group: '', versions: ['v1'], plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], unconditionalUpdate: true }),
    def({ group: 'coordination.k8s.io', versions: ['v1'], plural: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, unconditionalUpdate: true }),
    def({ group: 'apps', versions: ['v1'], plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], subresources: ['status', 'scale'], categories: ['all'] }),
    def({ group: 'apps', versions: ['v1'], plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], subresources: ['status', 'scale'], categories: ['all'] }),
    def({ group: 'apps', versions: ['v1'], plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], subresources: ['status'], categories: ['all'] }),
    def({ group: 'policy', versions: policy, plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], subresources: ['status'] }),
    // kubespray's remove-node waits until no VolumeAttachment names the node (GA since 1.13)
    def({ group: 'storage.k8s.io', versions: ['v1'], plural: 'volumeattachments', singular: 'volumeattachment', kind: 'VolumeAttachment', namespaced: false, subresources: ['status'] }),
    def({ group: 'certificates.k8s.io', versions: certs, plural: 'certificatesigningrequests', singular: 'certificatesigningrequest', kind: 'CertificateSigningRequest', namespaced: false, shortNames: ['csr'], subresources: ['status', 'approval'] }),
    ...(['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'] as const).map((p) =>
      def({
        group: 'rbac.authorization.k8s.io',
        versions: ['v1'],
        plural: p,
        singular: p.slice(0, -1),
        kind: { clusterroles: 'ClusterRole', clusterrolebindings: 'ClusterRoleBinding', roles: 'Role', rolebindings: 'RoleBinding' }[p],
        namespaced: !p.startsWith('cluster'),
        unconditionalUpdate: true,
      }),
    ),
  ];
}

/** Group → versions served (preferred first), in discovery order. */
export function groupsOf(defs: readonly ResourceDef[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of defs) {
    const vs = out.get(d.group) ?? [];
    for (const v of d.versions) if (!vs.includes(v)) vs.push(v);
    out.set(d.group, vs);
  }
  return out;
}
