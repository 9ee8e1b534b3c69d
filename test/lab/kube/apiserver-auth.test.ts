// Authentication and authorization of the apiserver double: client certificates (CN/O),
// bootstrap tokens checked against their Secret, anonymous requests, RBAC over stored bindings.
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, KubeClient, type KubeObject } from '../../../lib/lab/kube/common/client.js';
import { renderKubeconfig } from '../../../lib/lab/kube/common/kubeconfig.js';
import { labSubnet } from '../../helpers/lab.js';
import { useKube, type KubeFixture } from '../../helpers/kube.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function bootstrapToken(fx: KubeFixture, id: string, secret: string, extra: Record<string, string> = {}): Promise<void> {
  await fx.client.create('/api/v1/namespaces/kube-system/secrets', {
    metadata: { name: `bootstrap-token-${id}` },
    type: 'bootstrap.kubernetes.io/token',
    data: {
      'token-id': b64(id),
      'token-secret': b64(secret),
      'usage-bootstrap-authentication': b64('true'),
      'usage-bootstrap-signing': b64('true'),
      'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token'),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, b64(v)])),
    },
  });
}

async function tokenKubeconfig(fx: KubeFixture, token: string): Promise<string> {
  const p = path.join(fx.dir, `token-${token.slice(0, 6)}-${Math.random().toString(36).slice(2, 6)}.conf`);
  await writeFile(p, renderKubeconfig({ server: fx.server, ca: await readFile(fx.caCert, 'utf8'), token, userName: 'tls-bootstrap-token-user' }), { mode: 0o600 });
  return p;
}

describe('kube-apiserver double: authentication and authorization', function () {
  this.timeout(60000);
  const kube = useKube({ subnet: labSubnet(73) });

  before(async function () {
    const fx = kube();
    await bootstrapToken(fx, 'abcdef', '0123456789abcdef');
    await bootstrapToken(fx, 'oldtok', '0123456789abcdef', { expiration: '2020-01-01T00:00:00Z' });
    // what kubeadm init writes: bootstrappers may create CSRs
    await fx.client.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'kubeadm:kubelet-bootstrap' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-bootstrapper' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }],
    });
  });

  it('a bootstrap token authenticates as system:bootstrap:<id> with its groups, and RBAC limits it', async function () {
    const fx = kube();
    const kc = await tokenKubeconfig(fx, 'abcdef.0123456789abcdef');
    const ok = await fx.kubectl(['get', 'csr'], { kubeconfig: kc });
    expect([ok.code, ok.stderr.trim()]).to.deep.equal([0, 'No resources found']);
    const no = await fx.kubectl(['get', 'nodes'], { kubeconfig: kc });
    expect(no.code).to.equal(1);
    expect(no.stderr.trim()).to.equal('Error from server (Forbidden): nodes is forbidden: User "system:bootstrap:abcdef" cannot list resource "nodes" in API group "" at the cluster scope');
    const c = await KubeClient.fromKubeconfig(kc);
    try {
      const csr = await c.create('/apis/certificates.k8s.io/v1/certificatesigningrequests', {
        metadata: { generateName: 'csr-' },
        spec: { request: b64('-----BEGIN CERTIFICATE REQUEST-----\n'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
      });
      expect(csr.metadata.name).to.match(/^csr-/);
      expect(csr['spec']).to.deep.include({ username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated'] });
      // the kubelet's TLS bootstrap: an admin approves, the signer writes the certificate, the requester reads it
      const t = await fx.kubectl(['get', 'csr']);
      expect(t.stdout.split('\n')[1]).to.match(new RegExp(`^${csr.metadata.name}\\s+\\d+s\\s+kubernetes.io/kube-apiserver-client-kubelet\\s+system:bootstrap:abcdef\\s+Pending$`));
      const ap = await fx.kubectl(['certificate', 'approve', csr.metadata.name!]);
      expect([ap.code, ap.stdout.trim()], ap.stderr).to.deep.equal([0, `certificatesigningrequest.certificates.k8s.io/${csr.metadata.name} approved`]);
      await fx.client.patch(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${csr.metadata.name}/status`, { status: { certificate: b64('PEM') } }, 'merge');
      const mine = await c.get<KubeObject & { status: { certificate?: string; conditions: { type: string; status: string }[] } }>(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${csr.metadata.name}`);
      expect(mine.status.conditions.map((x) => `${x.type}=${x.status}`)).to.deep.equal(['Approved=True']);
      expect(mine.status.certificate).to.equal(b64('PEM'));
      expect(mine['spec']).to.deep.include({ username: 'system:bootstrap:abcdef' });
      const appr = await c.update(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${csr.metadata.name}/approval`, mine).catch((x: ApiError) => x);
      expect((appr as ApiError).message).to.equal(`certificatesigningrequests.certificates.k8s.io "${csr.metadata.name}" is forbidden: User "system:bootstrap:abcdef" cannot update resource "certificatesigningrequests/approval" in API group "certificates.k8s.io" at the cluster scope`);
      const sec = await c.get('/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef').catch((e: ApiError) => e);
      expect((sec as ApiError).code).to.equal(403);
      expect((sec as ApiError).message).to.equal('secrets "bootstrap-token-abcdef" is forbidden: User "system:bootstrap:abcdef" cannot get resource "secrets" in API group "" in the namespace "kube-system"');
    } finally {
      c.close();
    }
  });

  it('a wrong, unknown or expired token is 401 Unauthorized', async function () {
    const fx = kube();
    for (const token of ['abcdef.0000000000000000', 'zzzzzz.0123456789abcdef', 'oldtok.0123456789abcdef', 'not-a-bootstrap-token']) {
      const r = await fx.kubectl(['get', 'csr'], { kubeconfig: await tokenKubeconfig(fx, token) });
      expect([r.code, r.stderr.trim()], token).to.deep.equal([1, 'error: You must be logged in to the server (Unauthorized)']);
    }
  });

  it('anonymous requests see /version and /healthz, and what RBAC grants system:anonymous', async function () {
    const fx = kube();
    const anon = new KubeClient({ server: fx.server, ca: await readFile(fx.caCert), insecureSkipTlsVerify: false, source: 'test' });
    try {
      expect((await anon.raw('GET', '/healthz')).code).to.equal(200);
      expect((await anon.request<{ gitVersion: string }>('GET', '/version')).gitVersion).to.equal('v1.35.2');
      const e = await anon.get('/api/v1/namespaces/kube-public/configmaps/cluster-info').catch((x: ApiError) => x);
      expect([(e as ApiError).code, (e as ApiError).message]).to.deep.equal([403, 'configmaps "cluster-info" is forbidden: User "system:anonymous" cannot get resource "configmaps" in API group "" in the namespace "kube-public"']);
      // kubeadm's bootstrap-signer-clusterinfo Role and RoleBinding
      await fx.client.create('/api/v1/namespaces/kube-public/configmaps', { metadata: { name: 'cluster-info' }, data: { kubeconfig: 'x' } });
      await fx.client.create('/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/roles', { metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] }] });
      await fx.client.create('/apis/rbac.authorization.k8s.io/v1/namespaces/kube-public/rolebindings', {
        metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeadm:bootstrap-signer-clusterinfo' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
      });
      const ci = await anon.get<KubeObject & { data: Record<string, string> }>('/api/v1/namespaces/kube-public/configmaps/cluster-info');
      expect(ci.data['kubeconfig']).to.equal('x');
      const other = await anon.list('/api/v1/namespaces/kube-public/configmaps').catch((x: ApiError) => x);
      expect((other as ApiError).code).to.equal(403);
    } finally {
      anon.close();
    }
  });

  it('client certificates: CN is the user, O the groups; a group bound to cluster-admin may do everything', async function () {
    const fx = kube();
    const kc = await fx.userKubeconfig('ops', ['kubeadm:cluster-admins']);
    const before = await fx.kubectl(['get', 'ns', 'default', '-o', 'name'], { kubeconfig: kc });
    expect(before.stderr.trim()).to.equal('Error from server (Forbidden): namespaces "default" is forbidden: User "ops" cannot get resource "namespaces" in API group "" at the cluster scope');
    // kubeadm 1.29+: admin.conf's group is bound to cluster-admin by this ClusterRoleBinding
    await fx.client.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'kubeadm:cluster-admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }],
    });
    const after = await fx.kubectl(['get', 'ns', 'default', '-o', 'name'], { kubeconfig: kc });
    expect([after.code, after.stdout.trim()], after.stderr).to.deep.equal([0, 'namespace/default']);
    // a node's credentials (group system:nodes) pass the Node authorizer
    const node = await fx.userKubeconfig('system:node:w1', ['system:nodes']);
    const n = await fx.kubectl(['get', 'nodes'], { kubeconfig: node });
    expect(n.code, n.stderr).to.equal(0);
  });
});
