// The kubeadm double against a running API (the apiserver double over real etcd, from
// test/helpers/kube.ts on the controller, labSubnet(76)) and lab hosts (labSubnet(77)) that reach
// it: the objects init writes (kubeadm-config, kubelet-config, bootstrap token, cluster-info with
// anonymous access, RBAC, kubeadm-certs encrypted with the certificate key), token create/list,
// upgrade plan and the upgrade policy against the served /version and the nodes' kubelet
// versions, and join: CA pin, token check, certificate key, files, TLS-bootstrap timeout.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LabHostSpec } from '../../../lib/lab/index.js';
import { parseVersion } from '../../../lib/lab/kube/common/versions.js';
import { bootstrapTokenPhase, ensureAdminClusterRoleBinding, uploadCerts, uploadConfig } from '../../../lib/lab/kube/kubeadm/cluster.js';
import { clusterFrom } from '../../../lib/lab/kube/kubeadm/config.js';
import { kubeletConfig } from '../../../lib/lab/kube/kubeadm/kubelet.js';
import type { Out } from '../../../lib/lab/kube/kubeadm/output.js';
import { caCertHash, decryptBytes, generateCertificateKey, generateToken } from '../../../lib/lab/kube/kubeadm/tokens.js';
import { useKube } from '../../helpers/kube.js';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { installKubeadm } from './kubeadm-helper.js';

const API_NET = labSubnet(76);
const NET = labSubnet(77);
const HOSTS: LabHostSpec[] = [
  { name: 'kb77-cp', address: `${NET}.1` },
  { name: 'kb77-w', address: `${NET}.2` },
  { name: 'kb77-cp2', address: `${NET}.3` },
];
const V = parseVersion('1.35.2')!;
const TOKEN = 'abcdef.0123456789abcdef';
const quiet: Out & { lines: string[] } = { lines: [], out: (l) => void quiet.lines.push(l), err: (l) => void quiet.lines.push(l) };

describe('kubeadm double against the API', function () {
  this.timeout(180000);
  const kube = useKube({ subnet: API_NET, version: '1.35.2' });
  const lab = useLab('kb77', HOSTS);
  const sh = (host: string, cmd: string) => labSsh(lab(), host, cmd);
  const certKey = generateCertificateKey();
  let caPem = '';
  let hostPort = '';

  before(async function () {
    this.timeout(180000);
    const fx = kube();
    caPem = await readFile(fx.caCert, 'utf8');
    hostPort = fx.server.replace('https://', '');
    const cluster = clusterFrom(
      { kubernetesVersion: 'v1.35.2', controlPlaneEndpoint: hostPort, etcd: { external: { endpoints: fx.etcdEndpoints, caFile: '/etc/ssl/etcd/ssl/ca.pem', certFile: '/etc/ssl/etcd/ssl/node.pem', keyFile: '/etc/ssl/etcd/ssl/node-key.pem' } } },
      V,
    );
    await uploadConfig(fx.client, cluster, V, kubeletConfig(cluster, V, { cgroupDriver: 'systemd', clusterDNS: ['169.254.25.10'] }), { nodeName: 'kb77-cp', advertiseAddress: `${NET}.1`, bindPort: 6443 }, quiet);
    await bootstrapTokenPhase(fx.client, [{ token: TOKEN, spec: { ttl: '24h0m0s', usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] } }], cluster, caPem, fx.server, V, quiet);
    await uploadCerts(fx.client, { 'ca.crt': fx.caCert, 'ca.key': fx.caKey }, certKey, generateToken(), quiet);
    const admin = (await readFile(fx.kubeconfig, 'utf8')) + '';
    await installKubeadm(lab(), 'kb77-cp', '1.36.4', { kubelet: '1.35.2' });
    await installKubeadm(lab(), 'kb77-w', '1.35.2');
    await installKubeadm(lab(), 'kb77-cp2', '1.35.2');
    await labSsh(lab(), 'kb77-cp', 'mkdir -p /etc/kubernetes && cat > /etc/kubernetes/admin.conf', { input: admin });
    for (const [name, version] of [['n1', 'v1.35.2'], ['n2', 'v1.34.3']] as const) {
      const node = await fx.client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
      await fx.client.update(`/api/v1/nodes/${name}/status`, { ...node, status: { nodeInfo: { kubeletVersion: version } } });
    }
  });

  it('writes kubeadm-config, kubelet-config, the token Secret and cluster-info that anonymous users may read', async () => {
    const c = kube().client;
    const cm = await c.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
    const cc = parse((cm.data as Record<string, string>).ClusterConfiguration!) as Record<string, unknown>;
    expect(cc).to.include({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', kubernetesVersion: 'v1.35.2', controlPlaneEndpoint: hostPort });
    expect((cm.data as Record<string, string>).ClusterStatus).to.equal(undefined);
    const kc = await c.get('/api/v1/namespaces/kube-system/configmaps/kubelet-config');
    expect(parse((kc.data as Record<string, string>).kubelet!)).to.include({ cgroupDriver: 'systemd', kind: 'KubeletConfiguration' });
    const s = await c.get('/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef');
    expect(s.type).to.equal('bootstrap.kubernetes.io/token');
    expect(Buffer.from((s.data as Record<string, string>)['auth-extra-groups']!, 'base64').toString()).to.equal('system:bootstrappers:kubeadm:default-node-token');
    // admin.conf of kubeadm >= 1.29 (O=kubeadm:cluster-admins) is an administrator only through kubeadm:cluster-admins
    const adminKc = await kube().userKubeconfig('kubernetes-admin', ['kubeadm:cluster-admins']);
    const before = await kube().kubectl(['-n', 'kube-system', 'get', 'secrets', '-o', 'name'], { kubeconfig: adminKc });
    expect(before.stderr).to.match(/forbidden/i);
    await ensureAdminClusterRoleBinding(c);
    await ensureAdminClusterRoleBinding(c); // a second run finds it and leaves it
    const admins = await c.get('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubeadm:cluster-admins');
    expect(admins.roleRef).to.deep.include({ name: 'cluster-admin' });
    const after = await kube().kubectl(['-n', 'kube-system', 'get', 'secrets', '-o', 'name'], { kubeconfig: adminKc });
    expect(after.code, after.stderr).to.equal(0);
    expect(after.stdout).to.contain('secret/bootstrap-token-abcdef');
    const crb = await c.get('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubeadm:node-autoapprove-bootstrap');
    expect(crb.roleRef).to.deep.include({ name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient' });
    // anonymous: no credentials at all, only the kube-public RoleBinding lets this through
    const anon = await fetchInsecure(`${kube().server}/api/v1/namespaces/kube-public/configmaps/cluster-info`);
    expect(anon.status).to.equal(200);
    const info = parse(JSON.parse(anon.body).data.kubeconfig) as { clusters: { cluster: Record<string, string> }[] };
    expect(Buffer.from(info.clusters[0]!.cluster['certificate-authority-data']!, 'base64').toString()).to.equal(caPem);
    const denied = await fetchInsecure(`${kube().server}/api/v1/namespaces/kube-system/configmaps/kubeadm-config`);
    expect(denied.status).to.equal(403);
  });

  it('stores kubeadm-certs encrypted with the certificate key, owned by a short-lived token', async () => {
    const s = await kube().client.get('/api/v1/namespaces/kube-system/secrets/kubeadm-certs');
    const data = s.data as Record<string, string>;
    expect(Object.keys(data).sort()).to.deep.equal(['ca.crt', 'ca.key']);
    expect(Buffer.from(data['ca.crt']!, 'base64').toString()).to.not.contain('BEGIN');
    expect(decryptBytes(Buffer.from(data['ca.crt']!, 'base64'), certKey).toString()).to.equal(caPem);
    expect(() => decryptBytes(Buffer.from(data['ca.key']!, 'base64'), generateCertificateKey())).to.throw('cipher: message authentication failed');
    const owner = s.metadata.ownerReferences![0]!;
    expect(owner.kind).to.equal('Secret');
    const tok = await kube().client.get(`/api/v1/namespaces/kube-system/secrets/${owner.name}`);
    const exp = Date.parse(Buffer.from((tok.data as Record<string, string>).expiration!, 'base64').toString());
    expect(exp - Date.now()).to.be.within(7100000, 7200000);
  });

  it('token create --print-join-command prints one line with a new token and the CA pin; token list shows it', async () => {
    const r = await sh('kb77-cp', 'kubeadm token create --print-join-command --ttl 1h');
    expect(r.rc, r.stderr).to.equal(0);
    const m = /^kubeadm join (\S+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64}) \n$/.exec(r.stdout);
    expect(m, r.stdout).to.not.equal(null);
    expect(m![1]).to.equal(hostPort);
    expect(m![3]).to.equal(caCertHash(caPem));
    const list = await sh('kb77-cp', 'kubeadm token list');
    expect(list.stdout.split('\n')[0]).to.match(/^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/);
    expect(list.stdout).to.match(new RegExp(`^${m![2]!.replace('.', '\\.')}\\s+(59m|60m|1h)\\s+\\S+Z\\s+authentication,signing\\s+<none>\\s+system:bootstrappers:kubeadm:default-node-token$`, 'm'));
    const dup = await sh('kb77-cp', `kubeadm token create ${TOKEN}`);
    expect(dup.rc).to.equal(1);
    expect(dup.stderr).to.contain('a token with id "abcdef" already exists');
  });

  it('upgrade plan reads the cluster version from the API and the kubelets from the nodes', async () => {
    const r = await sh('kb77-cp', 'kubeadm upgrade plan');
    expect(r.rc, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('[upgrade/versions] Cluster version: v1.35.2\n[upgrade/versions] kubeadm version: v1.36.4\n');
    expect(r.stdout).to.match(/^kubelet\s+1 x v1\.35\.2\s+v1\.36\.4$/m);
    expect(r.stdout).to.match(/^\s+1 x v1\.34\.3\s+v1\.36\.4$/m);
    expect(r.stdout).to.match(/^kube-apiserver\s+v1\.35\.2\s+v1\.36\.4$/m);
    expect(r.stdout).to.contain('\tkubeadm upgrade apply v1.36.4\n');
  });

  it('upgrade apply refuses per the policy, with kubeadm\'s text and exit 1; --force passes the skippable ones', async () => {
    const skip = await sh('kb77-cp', 'kubeadm upgrade apply v1.36.4 -y');
    expect(skip.rc).to.equal(1);
    expect(skip.stderr).to.equal(
      '[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- There are kubelets in this cluster that are too old that have these versions [v1.34.3]\n\nCan be bypassed if you pass the --force flag\nTo see the stack trace of this error execute with --v=5 or higher\n',
    );
    const high = await sh('kb77-cp', 'kubeadm upgrade apply 1.37.0 -y --force');
    expect(high.rc).to.equal(1);
    expect(high.stderr).to.contain('[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n');
    expect(high.stderr).to.contain('\t- Specified version to upgrade to "v1.37.0" is at least one minor release higher than the kubeadm minor release (37 > 36). Such an upgrade is not supported\n');
    expect(high.stderr).to.contain('Please fix the misalignments highlighted above and try upgrading again');
    // forced past the kubelet skew: it then needs this node's manifests, which kb77-cp does not have
    const forced = await sh('kb77-cp', 'kubeadm upgrade apply v1.36.4 --force');
    expect(forced.stdout).to.contain('[upgrade/version] Found 1 potential version compatibility errors but skipping since the --force flag is set: \n\n\t- There are kubelets in this cluster that are too old that have these versions [v1.34.3]');
    expect(forced.stdout).to.contain('[upgrade/apply] Upgrading your Static Pod-hosted control plane to version "v1.36.4"...');
    expect(forced.rc).to.equal(1);
    expect(forced.stderr).to.match(/kube-apiserver\.yaml/);
    expect(forced.stderr).to.not.match(/\n\s+at /);
  });

  const joinConfig = (o: { hash?: string; token?: string; cp?: string }) =>
    [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: JoinConfiguration',
      'discovery:',
      '  bootstrapToken:',
      `    apiServerEndpoint: ${hostPort}`,
      `    token: ${o.token ?? TOKEN}`,
      `    caCertHashes: [${o.hash ?? caCertHash(caPem)}]`,
      'timeouts:',
      '  tlsBootstrap: 3s',
      ...(o.cp ? ['controlPlane:', '  localAPIEndpoint:', `    advertiseAddress: ${NET}.3`, '    bindPort: 6443', `  certificateKey: ${o.cp}`] : []),
    ].join('\n') + '\n';

  it('join refuses a CA hash that does not pin the served CA, and a token the API does not know', async () => {
    await labSsh(lab(), 'kb77-w', 'mkdir -p /etc/kubernetes && cat > /root/bad-hash.yaml', { input: joinConfig({ hash: 'sha256:' + '0'.repeat(64) }) });
    const h = await sh('kb77-w', 'kubeadm join --config /root/bad-hash.yaml');
    expect(h.rc).to.equal(1);
    expect(h.stderr).to.contain(`error execution phase preflight: couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caCertHash(caPem)}" are pinned\n`);
    await labSsh(lab(), 'kb77-w', 'cat > /root/bad-token.yaml', { input: joinConfig({ token: 'zzzzzz.0123456789abcdef' }) });
    const t = await sh('kb77-w', 'kubeadm join --config /root/bad-token.yaml');
    expect(t.rc).to.equal(1);
    expect(t.stderr).to.contain('couldn\'t validate the identity of the API Server: token id "zzzzzz" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token');
    const none = await sh('kb77-w', `kubeadm join ${hostPort} --token ${TOKEN}`);
    expect(none.rc).to.equal(3);
    expect(none.stderr).to.contain('using token-based discovery without caCertHashes can be unsafe');
    expect((await sh('kb77-w', 'ls /etc/kubernetes')).stdout).to.equal('');
  });

  it('join (worker) writes the bootstrap kubeconfig, CA and kubelet files, then waits for the kubelet\'s TLS bootstrap', async () => {
    await labSsh(lab(), 'kb77-w', 'cat > /root/join.yaml', { input: joinConfig({}) });
    const r = await sh('kb77-w', 'kubeadm join --config /root/join.yaml');
    expect(r.stdout, r.stderr).to.contain("[preflight] Reading configuration from the cluster...\n");
    expect(r.stdout).to.contain('[kubelet-start] Downloading configuration for the kubelet from the "kubelet-config" ConfigMap in the kube-system namespace\n');
    expect(r.stdout).to.contain('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap...\n');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain('error execution phase kubelet-start: error waiting for kubelet to perform the TLS Bootstrap: context deadline exceeded\n');
    expect((await sh('kb77-w', 'cat /etc/kubernetes/pki/ca.crt')).stdout).to.equal(caPem);
    const boot = parse((await sh('kb77-w', 'cat /etc/kubernetes/bootstrap-kubelet.conf')).stdout) as { users: { user: { token: string } }[]; clusters: { cluster: { server: string } }[] };
    expect(boot.users[0]!.user.token).to.equal(TOKEN);
    expect(boot.clusters[0]!.cluster.server).to.equal(kube().server);
    expect(parse((await sh('kb77-w', 'cat /var/lib/kubelet/config.yaml')).stdout)).to.include({ cgroupDriver: 'systemd' });
    // a second join finds the files of the first: preflight names them
    const again = await sh('kb77-w', 'kubeadm join --config /root/join.yaml');
    expect(again.rc).to.equal(2);
    expect(again.stderr).to.contain('\t[ERROR FileAvailable--etc-kubernetes-bootstrap-kubelet.conf]: /etc/kubernetes/bootstrap-kubelet.conf already exists\n');
    expect(again.stderr).to.contain('\t[ERROR FileAvailable--etc-kubernetes-pki-ca.crt]: /etc/kubernetes/pki/ca.crt already exists\n');
  });

  it('join --control-plane refuses a wrong certificate key, and with the right one writes the shared CA and its own certificates', async () => {
    await labSsh(lab(), 'kb77-cp2', 'cat > /root/cp-bad.yaml', { input: joinConfig({ cp: generateCertificateKey() }) });
    const bad = await sh('kb77-cp2', 'kubeadm join --config /root/cp-bad.yaml');
    expect(bad.rc, bad.stderr).to.equal(1);
    expect(bad.stderr).to.contain('error execution phase preflight: error downloading certs: error decoding secret data with provided key: cipher: message authentication failed\n');
    await labSsh(lab(), 'kb77-cp2', 'cat > /root/cp.yaml', { input: joinConfig({ cp: certKey }) });
    const r = await sh('kb77-cp2', 'kubeadm join --config /root/cp.yaml');
    expect(r.stdout).to.contain('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n');
    expect(r.stdout).to.contain('[certs] Using existing ca certificate authority\n');
    expect(r.stderr).to.contain('error execution phase kubelet-start: error waiting for kubelet to perform the TLS Bootstrap');
    const dir = join(kube().dir, 'pki');
    expect((await sh('kb77-cp2', 'cat /etc/kubernetes/pki/ca.key')).stdout).to.equal(await readFile(join(dir, 'ca.key'), 'utf8'));
    expect((await sh('kb77-cp2', 'cd /etc/kubernetes/pki && openssl verify -CAfile ca.crt apiserver.crt')).rc).to.equal(0);
    expect((await sh('kb77-cp2', 'ls /etc/kubernetes/manifests')).stdout).to.equal('kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
  });

  it('upgrade node on a worker rewrites the kubelet configuration from the cluster and touches no manifest', async () => {
    await labSsh(lab(), 'kb77-w', 'cat > /root/admin.conf', { input: await readFile(kube().kubeconfig, 'utf8') });
    await sh('kb77-w', 'echo stale > /var/lib/kubelet/config.yaml');
    const r = await sh('kb77-w', 'kubeadm upgrade node --kubeconfig /root/admin.conf');
    expect(r.rc, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('[preflight] Skipping prepull. Not a control plane node.\n[upgrade] Skipping phase. Not a control plane node.\n');
    expect(r.stdout).to.contain('[upgrade] The configuration for this node was successfully updated!\n[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.\n');
    expect(parse((await sh('kb77-w', 'cat /var/lib/kubelet/config.yaml')).stdout)).to.include({ kind: 'KubeletConfiguration', cgroupDriver: 'systemd' });
    expect((await sh('kb77-w', 'ls /etc/kubernetes/manifests 2>/dev/null | wc -l')).stdout.trim()).to.equal('0');
  });
});

/** An HTTPS GET with no credentials and no CA check (what anonymous discovery does). */
async function fetchInsecure(url: string): Promise<{ status: number; body: string }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}