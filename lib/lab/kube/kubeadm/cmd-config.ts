// `kubeadm config view` (removed in 1.22) and `kubeadm config print init-defaults|join-defaults`.
import { toYaml as stringify } from './yaml.js';
import { ApiError, KubeClient } from '../common/client.js';
import { defaultApiVersion } from './apiversions.js';
import { parseCmd, type Ctx } from './context.js';
import { CobraError, KubeadmError } from './errors.js';
import { defaultImageRepository, DEFAULT_CERT_DIR } from './config.js';

export async function runConfig(ctx: Ctx, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'view' && ctx.v.minor < 22) {
    const p = parseCmd(rest, {}, ['kubeconfig'], 'kubeadm config view [flags]');
    const c = await KubeClient.fromKubeconfig(p.flags.get('kubeconfig') ?? '/etc/kubernetes/admin.conf');
    try {
      const cm = await c.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
      ctx.out.out(((cm.data as Record<string, string>).ClusterConfiguration ?? '').trimEnd());
    } catch (e) {
      if (e instanceof ApiError) throw new KubeadmError(`failed to get config map: ${e.message}`);
      throw e;
    } finally {
      c.close();
    }
    return;
  }
  if (sub === 'print') {
    const [what, ...more] = rest;
    const p = parseCmd(more, {}, ['component-configs', 'kubeconfig'], `kubeadm config print ${what ?? ''} [flags]`);
    const av = defaultApiVersion(ctx.v);
    if (what === 'init-defaults') {
      const init = {
        apiVersion: av,
        bootstrapTokens: [{ groups: ['system:bootstrappers:kubeadm:default-node-token'], token: 'abcdef.0123456789abcdef', ttl: '24h0m0s', usages: ['signing', 'authentication'] }],
        kind: 'InitConfiguration',
        localAPIEndpoint: { advertiseAddress: '1.2.3.4', bindPort: 6443 },
        nodeRegistration: { criSocket: ctx.v.minor >= 24 ? 'unix:///var/run/containerd/containerd.sock' : '/var/run/dockershim.sock', name: 'node', taints: ctx.v.minor >= 25 ? null : [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] },
      };
      const cluster = {
        apiServer: { timeoutForControlPlane: '4m0s' },
        apiVersion: av,
        certificatesDir: DEFAULT_CERT_DIR,
        clusterName: 'kubernetes',
        controllerManager: {},
        dns: ctx.v.minor >= 22 ? {} : { type: 'CoreDNS' },
        etcd: { local: { dataDir: '/var/lib/etcd' } },
        imageRepository: defaultImageRepository(ctx.v),
        kind: 'ClusterConfiguration',
        kubernetesVersion: ctx.v.minor >= 19 ? `${ctx.v.major}.${ctx.v.minor}.0` : `v${ctx.v.major}.${ctx.v.minor}.0`,
        networking: { dnsDomain: 'cluster.local', serviceSubnet: '10.96.0.0/12' },
        scheduler: {},
      };
      if (ctx.v.minor >= 31) delete (cluster.apiServer as { timeoutForControlPlane?: string }).timeoutForControlPlane;
      ctx.out.out(stringify(init).trimEnd());
      ctx.out.out('---');
      ctx.out.out(stringify(cluster).trimEnd());
      return;
    }
    if (what === 'join-defaults') {
      ctx.out.out(
        stringify({
          apiVersion: av,
          caCertPath: '/etc/kubernetes/pki/ca.crt',
          discovery: { bootstrapToken: { apiServerEndpoint: 'kube-apiserver:6443', token: 'abcdef.0123456789abcdef', unsafeSkipCAVerification: true }, timeout: '5m0s', tlsBootstrapToken: 'abcdef.0123456789abcdef' },
          kind: 'JoinConfiguration',
          nodeRegistration: { criSocket: ctx.v.minor >= 24 ? 'unix:///var/run/containerd/containerd.sock' : '/var/run/dockershim.sock', name: 'node', taints: null },
        }).trimEnd(),
      );
      return;
    }
    throw new CobraError(`unknown command "${what ?? ''}" for "kubeadm config print"`, 'kubeadm config print [command]');
  }
  throw new CobraError(`unknown command "${sub ?? ''}" for "kubeadm config"`, 'kubeadm config [command]');
}
