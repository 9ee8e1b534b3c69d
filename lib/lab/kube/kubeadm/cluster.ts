// The objects kubeadm writes through the API (phases upload-config, upload-certs,
// mark-control-plane, bootstrap-token), with the names, labels and RBAC the real one uses.
import { readFile } from 'node:fs/promises';
import { toYaml as stringify } from './yaml.js';
import { ApiError, KubeClient, type KubeObject } from '../common/client.js';
import type { SemVer } from '../common/versions.js';
import { defaultApiVersion } from './apiversions.js';
import type { BootstrapTokenSpec, ClusterConfig, Taint } from './config.js';
import type { Out } from './output.js';
import { encryptBytes, formatDuration, parseDuration, parseToken } from './tokens.js';

export const NODE_BOOTSTRAP_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

/** Create, or replace when it exists (apiclient.CreateOrUpdate*). */
export async function createOrUpdate(c: KubeClient, collection: string, obj: KubeObject): Promise<void> {
  try {
    await c.create(collection, obj);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 409) throw e;
    const cur = await c.get(`${collection}/${obj.metadata.name}`);
    await c.update(`${collection}/${obj.metadata.name}`, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } });
  }
}

export async function createIfMissing(c: KubeClient, collection: string, obj: KubeObject): Promise<void> {
  try {
    await c.create(collection, obj);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 409) throw e;
  }
}

/** The ClusterConfiguration document kubeadm stores: the given fields, the resolved ones filled in. */
export function clusterConfigurationDoc(cfg: ClusterConfig, v: SemVer): Record<string, unknown> {
  // the etcd section as given (extraArgs keep their map or list form), or the defaulted local one
  const etcd = cfg.raw.etcd ?? { local: { dataDir: cfg.etcd.local?.dataDir ?? '/var/lib/etcd' } };
  return {
    ...cfg.raw,
    apiVersion: defaultApiVersion(v),
    kind: 'ClusterConfiguration',
    certificatesDir: cfg.certificatesDir,
    clusterName: cfg.clusterName,
    controlPlaneEndpoint: cfg.controlPlaneEndpoint,
    etcd,
    imageRepository: cfg.imageRepository,
    kubernetesVersion: cfg.kubernetesVersion,
    networking: cfg.networking,
  };
}

export async function uploadConfig(c: KubeClient, cfg: ClusterConfig, v: SemVer, kubeletCfg: Record<string, unknown>, endpoint: { nodeName: string; advertiseAddress: string; bindPort: number }, out: Out): Promise<void> {
  out.out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace');
  const data: Record<string, string> = { ClusterConfiguration: stringify(clusterConfigurationDoc(cfg, v)) };
  if (v.minor <= 21) {
    // ClusterStatus (the API endpoints of the control-plane nodes) lived here until 1.22
    let status: { apiEndpoints: Record<string, unknown> } = { apiEndpoints: {} };
    try {
      const cur = await c.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
      const txt = (cur.data as Record<string, string> | undefined)?.ClusterStatus;
      if (txt) status = (await import('yaml')).parse(txt) as typeof status;
    } catch {
      /* first control plane */
    }
    status.apiEndpoints[endpoint.nodeName] = { advertiseAddress: endpoint.advertiseAddress, bindPort: endpoint.bindPort };
    data.ClusterStatus = stringify({ ...status, apiVersion: defaultApiVersion(v), kind: 'ClusterStatus' });
  }
  await createOrUpdate(c, '/api/v1/namespaces/kube-system/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kubeadm-config', namespace: 'kube-system' }, data });
  await rbacForConfigMap(c, 'kubeadm:nodes-kubeadm-config', 'kubeadm-config');
  const kcName = v.minor >= 24 ? 'kubelet-config' : `kubelet-config-${v.major}.${v.minor}`;
  out.out(`[kubelet] Creating a ConfigMap "${kcName}" in namespace kube-system with the configuration for the kubelets in the cluster`);
  await createOrUpdate(c, '/api/v1/namespaces/kube-system/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: kcName, namespace: 'kube-system' }, data: { kubelet: stringify(kubeletCfg) } });
  await rbacForConfigMap(c, v.minor >= 24 ? 'kubeadm:kubelet-config' : `kubeadm:kubelet-config-${v.major}.${v.minor}`, kcName);
}

async function rbacForConfigMap(c: KubeClient, name: string, cm: string): Promise<void> {
  await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: 'kube-system' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [cm], verbs: ['get'] }],
  });
  await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'kube-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [
      { kind: 'Group', name: NODE_BOOTSTRAP_GROUP },
      { kind: 'Group', name: 'system:nodes' },
    ],
  });
}

/** The Secret `bootstrap-token-<id>` (bootstraptoken/v1 BootstrapTokenToSecret). */
export function tokenSecret(token: string, spec: BootstrapTokenSpec, now = Date.now()): KubeObject {
  const { id, secret } = parseToken(token);
  const data: Record<string, string> = { 'token-id': id, 'token-secret': secret };
  if (spec.description) data.description = spec.description;
  const ttl = parseDuration(spec.ttl);
  if (ttl > 0) data.expiration = new Date(now + ttl).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const u of spec.usages) data[`usage-bootstrap-${u}`] = 'true';
  if (spec.groups.length > 0) data['auth-extra-groups'] = spec.groups.join(',');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries(data).map(([k, x]) => [k, Buffer.from(x).toString('base64')])),
  };
}

export async function createToken(c: KubeClient, token: string, spec: BootstrapTokenSpec, update = true): Promise<KubeObject> {
  const s = tokenSecret(token, spec);
  if (update) await createOrUpdate(c, '/api/v1/namespaces/kube-system/secrets', s);
  else await c.create('/api/v1/namespaces/kube-system/secrets', s);
  return c.get(`/api/v1/namespaces/kube-system/secrets/${s.metadata.name}`);
}

export async function bootstrapTokenPhase(c: KubeClient, tokens: { token: string; spec: BootstrapTokenSpec }[], cfg: ClusterConfig, caPem: string, clusterServer: string, v: SemVer, out: Out): Promise<void> {
  for (const t of tokens) {
    out.out(`[bootstrap-token] Using token: ${t.token}`);
    await createToken(c, t.token, t.spec);
  }
  const crb = (name: string, role: string, group: string): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'Group', name: group }],
  });
  const crbs = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
  if (v.minor >= 18) {
    out.out('[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes');
    await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubeadm:get-nodes' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
    });
    await createOrUpdate(c, crbs, crb('kubeadm:get-nodes', 'kubeadm:get-nodes', NODE_BOOTSTRAP_GROUP));
  }
  const cfgWord = v.minor >= 18 ? 'Configured' : 'configured';
  out.out(`[bootstrap-token] ${cfgWord} RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials`);
  await createOrUpdate(c, crbs, crb('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', NODE_BOOTSTRAP_GROUP));
  out.out(`[bootstrap-token] ${cfgWord} RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token`);
  await createOrUpdate(c, crbs, crb('kubeadm:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', NODE_BOOTSTRAP_GROUP));
  out.out(`[bootstrap-token] ${cfgWord} RBAC rules to allow certificate rotation for all node client certificates in the cluster`);
  await createOrUpdate(c, crbs, crb('kubeadm:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', 'system:nodes'));
  out.out('[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace');
  await createOrUpdate(c, '/api/v1/namespaces/kube-public/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cluster-info', namespace: 'kube-public' },
    data: { kubeconfig: clusterInfoKubeconfig(clusterServer, caPem) },
  });
  await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: 'kube-public' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] }],
  });
  await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: 'kube-public' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeadm:bootstrap-signer-clusterinfo' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
  });
}

/** cluster-info's kubeconfig: the cluster only (server and CA), no user. */
export function clusterInfoKubeconfig(server: string, caPem: string): string {
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caPem).toString('base64'), server }, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: null,
  });
}

/** upload-certs: the shared CA keys encrypted with the certificate key, owned by a 2h token so they expire with it. */
export async function uploadCerts(c: KubeClient, files: Record<string, string>, certKey: string, token: string, out: Out): Promise<void> {
  out.out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  const owner = await createToken(c, token, { ttl: '2h0m0s', usages: [], groups: [], description: "Proxy for managing TTL for the kubeadm-certs secret" });
  const data: Record<string, string> = {};
  for (const [k, p] of Object.entries(files)) {
    let content: Buffer;
    try {
      content = await readFile(p);
    } catch {
      continue; // copycerts skips files that are not there (external CA)
    }
    data[k] = encryptBytes(content, certKey).toString('base64');
  }
  await createOrUpdate(c, '/api/v1/namespaces/kube-system/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'kubeadm-certs',
      namespace: 'kube-system',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: owner.metadata.name!, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    type: 'Opaque',
    data,
  });
  await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'kubeadm:kubeadm-certs', namespace: 'kube-system' },
    rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['kubeadm-certs'], verbs: ['get'] }],
  });
  await createOrUpdate(c, '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'kubeadm:kubeadm-certs', namespace: 'kube-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeadm:kubeadm-certs' },
    subjects: [{ kind: 'Group', name: NODE_BOOTSTRAP_GROUP }],
  });
}

/** Labels and taints of a control-plane node per release (FACTS §6.2). */
export function controlPlaneMarks(v: SemVer): { labels: Record<string, string>; taints: Taint[] } {
  const m = v.minor;
  const master = 'node-role.kubernetes.io/master';
  const cp = 'node-role.kubernetes.io/control-plane';
  const labels: Record<string, string> = {};
  let taints: Taint[];
  if (m <= 19) {
    labels[master] = '';
    taints = [{ key: master, effect: 'NoSchedule' }];
  } else if (m <= 23) {
    labels[master] = '';
    labels[cp] = '';
    taints = [{ key: master, effect: 'NoSchedule' }];
  } else if (m === 24) {
    labels[cp] = '';
    taints = [
      { key: master, effect: 'NoSchedule' },
      { key: cp, effect: 'NoSchedule' },
    ];
  } else {
    labels[cp] = '';
    taints = [{ key: cp, effect: 'NoSchedule' }];
  }
  if (m >= 19) labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  return { labels, taints };
}

function taintText(t: Taint): string {
  return `${t.key}${t.value ? '=' + t.value : ''}:${t.effect}`;
}

/** mark-control-plane: waits for the kubelet to register the Node, then labels and taints it. */
export async function markControlPlane(c: KubeClient, nodeName: string, v: SemVer, given: Taint[] | undefined, out: Out, timeoutMs: number): Promise<void> {
  const { labels, taints: def } = controlPlaneMarks(v);
  const taints = given ?? def;
  const labelText = Object.keys(labels)
    .map((k) => `${k}=''`)
    .join(' ');
  out.out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the label${Object.keys(labels).length > 1 ? 's: [' + labelText + ']' : ' "' + labelText + '"'}`);
  if (taints.length > 0) out.out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the taints [${taints.map(taintText).join(' ')}]`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const node = await c.get(`/api/v1/nodes/${nodeName}`);
      const spec = (node.spec ?? {}) as { taints?: Taint[] };
      const have = spec.taints ?? [];
      const merged = [...have, ...taints.filter((t) => !have.some((h) => h.key === t.key && h.effect === t.effect))];
      node.metadata.labels = { ...(node.metadata.labels ?? {}), ...labels };
      node.spec = { ...spec, taints: merged };
      await c.update(`/api/v1/nodes/${nodeName}`, node);
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.code !== 404 && e.code !== 409 && e.code !== 0)) throw e;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the condition`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export function tokenTTLText(ms: number): string {
  return formatDuration(ms);
}

/**
 * kubeadm >= 1.29 puts admin.conf in the `kubeadm:cluster-admins` group, which has rights only
 * through the ClusterRoleBinding of the same name; kubeadm creates it right after the API comes up,
 * with super-admin.conf (system:masters) when admin.conf may not (EnsureAdminClusterRoleBinding).
 */
export async function ensureAdminClusterRoleBinding(superAdmin: KubeClient): Promise<void> {
  await createIfMissing(superAdmin, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kubeadm:cluster-admins' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }],
  });
}
