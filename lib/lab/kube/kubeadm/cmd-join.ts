// `kubeadm join`: token discovery, the cluster's configuration read with the bootstrap token,
// bootstrap-kubelet.conf and the kubelet files, then the wait for the kubelet's TLS bootstrap
// (/etc/kubernetes/kubelet.conf, written by the kubelet once its CSR is signed). With
// --control-plane: the shared CA keys from the kubeadm-certs Secret (decrypted with the
// certificate key), this node's certificates, kubeconfigs and manifests, a new stacked etcd member.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ApiError, KubeClient } from '../common/client.js';
import type { ParsedFlags } from '../common/flags.js';
import { markControlPlane, uploadConfig } from './cluster.js';
import { clusterFrom, joinFrom, loadConfig, type ClusterConfig, type JoinConfig } from './config.js';
import { boolFlag, checkMixedArgs, defaultAdvertiseAddress, listFlag, parseCmd, type Ctx } from './context.js';
import { discoverWithToken, type Discovered } from './discovery.js';
import { KubeadmError, phaseError } from './errors.js';
import { kubeconfigText, writeKubeconfigs } from './kubeconfig.js';
import { kubeadmFlags, KUBELET_CONFIG, KUBELET_FLAGS_ENV, startingLine, tryStartKubelet, tryStopKubelet } from './kubelet.js';
import { etcdManifest, MANIFESTS_DIR, writeControlPlane, writeManifest } from './manifests.js';
import { allCerts, exists, sharedCertFiles } from './pki.js';
import { preflight } from './preflight.js';
import { decryptBytes, parseDuration } from './tokens.js';
import { toYaml } from './yaml.js';

const FLAGS = [
  'config', 'token', 'discovery-token', 'discovery-token-ca-cert-hash', 'discovery-token-unsafe-skip-ca-verification', 'discovery-file',
  'tls-bootstrap-token', 'control-plane', 'experimental-control-plane', 'certificate-key', 'apiserver-advertise-address', 'apiserver-bind-port',
  'ignore-preflight-errors', 'skip-phases', 'node-name', 'cri-socket', 'dry-run', 'patches',
];
const BOOLS = ['control-plane', 'experimental-control-plane', 'discovery-token-unsafe-skip-ca-verification', 'dry-run'];
const MIXABLE = ['ignore-preflight-errors', 'skip-phases', 'dry-run', 'node-name', 'patches', 'certificate-key'];
const BOOTSTRAP_KUBELET_CONF = '/etc/kubernetes/bootstrap-kubelet.conf';
const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';

async function resolveJoin(ctx: Ctx, p: ParsedFlags): Promise<JoinConfig> {
  checkMixedArgs(p, MIXABLE);
  const cfgPath = p.flags.get('config');
  let jc: JoinConfig;
  if (cfgPath) {
    const file = await loadConfig(cfgPath, ctx.v, ctx.hostname);
    if (!file.join) throw new KubeadmError(`no JoinConfiguration kind was found in the YAML file`);
    jc = file.join;
  } else {
    const token = p.flags.get('discovery-token') ?? p.flags.get('token') ?? '';
    const cp = boolFlag(p, 'control-plane') || boolFlag(p, 'experimental-control-plane');
    jc = joinFrom(
      {
        discovery: {
          bootstrapToken: {
            apiServerEndpoint: p.args[0] ?? '',
            token,
            caCertHashes: listFlag(p, 'discovery-token-ca-cert-hash'),
            unsafeSkipCAVerification: boolFlag(p, 'discovery-token-unsafe-skip-ca-verification'),
          },
          tlsBootstrapToken: p.flags.get('tls-bootstrap-token') ?? token,
        },
        nodeRegistration: p.flags.get('cri-socket') ? { criSocket: p.flags.get('cri-socket') } : {},
        ...(cp
          ? { controlPlane: { localAPIEndpoint: { advertiseAddress: p.flags.get('apiserver-advertise-address') ?? '', bindPort: Number(p.flags.get('apiserver-bind-port') ?? 6443) }, certificateKey: p.flags.get('certificate-key') ?? '' } }
          : {}),
      },
      ctx.hostname,
    );
    if (!jc.discovery.bootstrapToken!.token) {
      throw new KubeadmError('discovery: Invalid value: "": bootstrapToken or file must be set', 3);
    }
  }
  if (p.flags.get('node-name')) jc.nodeRegistration.name = p.flags.get('node-name')!;
  if (jc.controlPlane && p.flags.get('certificate-key')) jc.controlPlane.certificateKey = p.flags.get('certificate-key')!;
  if (jc.controlPlane && !jc.controlPlane.localAPIEndpoint.advertiseAddress) jc.controlPlane.localAPIEndpoint.advertiseAddress = await defaultAdvertiseAddress(ctx.hostname);
  return jc;
}

async function discover(jc: JoinConfig, ctx: Ctx): Promise<Discovered> {
  const bt = jc.discovery.bootstrapToken;
  if (bt) return discoverWithToken({ ...bt, timeoutMs: 5 * 60000 }, ctx.out);
  const file = jc.discovery.file?.kubeConfigPath ?? '';
  const { readKubeconfig } = await import('../common/kubeconfig.js');
  const creds = await readKubeconfig(file).catch((e: Error) => {
    throw new KubeadmError(`couldn't validate the identity of the API Server: ${e.message}`);
  });
  return { server: creds.server, caPem: creds.ca?.toString('utf8') ?? '' };
}

/** The cluster's ClusterConfiguration and kubelet configuration, read with the bootstrap token. */
async function readClusterConfig(c: KubeClient, ctx: Ctx): Promise<{ cluster: ClusterConfig; kubelet: Record<string, unknown> | undefined }> {
  ctx.out.out('[preflight] Reading configuration from the cluster...');
  ctx.out.out(`[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config ${ctx.v.minor >= 20 ? '-o yaml' : '-oyaml'}'`);
  let cm;
  try {
    cm = await c.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
  } catch (e) {
    throw new KubeadmError(`unable to fetch the kubeadm-config ConfigMap: ${(e as Error).message}`);
  }
  const text = (cm.data as Record<string, string> | undefined)?.ClusterConfiguration ?? '';
  const doc = parse(text) as Record<string, unknown>;
  const cluster = clusterFrom(doc, ctx.v);
  const kcName = ctx.v.minor >= 24 ? 'kubelet-config' : `kubelet-config-${ctx.v.major}.${ctx.v.minor}`;
  let kubelet: Record<string, unknown> | undefined;
  try {
    const kcm = await c.get(`/api/v1/namespaces/kube-system/configmaps/${kcName}`);
    kubelet = parse((kcm.data as Record<string, string>).kubelet ?? '') as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 404) throw e;
  }
  return { cluster, kubelet };
}

async function downloadCerts(c: KubeClient, cluster: ClusterConfig, key: string, ctx: Ctx): Promise<void> {
  ctx.out.out('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  let secret;
  try {
    secret = await c.get('/api/v1/namespaces/kube-system/secrets/kubeadm-certs');
  } catch (e) {
    throw new KubeadmError(`error downloading certs: error downloading the secret: ${(e as Error).message}`);
  }
  const data = (secret.data ?? {}) as Record<string, string>;
  const files = sharedCertFiles(cluster);
  for (const [name, path] of Object.entries(files)) {
    const enc = data[name];
    if (enc === undefined) continue;
    let plain: Buffer;
    try {
      plain = decryptBytes(Buffer.from(enc, 'base64'), key);
    } catch (e) {
      throw new KubeadmError(`error downloading certs: error decoding secret data with provided key: ${(e as Error).message}`);
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, plain, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
  }
}

function etcdctl(args: string[]): Promise<{ rc: number; out: string }> {
  return new Promise((resolve) =>
    execFile('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 30000 }, (err, stdout, stderr) => resolve({ rc: err ? 1 : 0, out: String(stdout) + String(stderr) })),
  );
}

/**
 * kubeadm 1.15 and later retry MemberAdd with exponential backoff (kubeadm#1646: etcd answers
 * "unhealthy cluster" while the last member added has been connected for less than 5 s);
 * 1.14 tries once, which is why joining masters back to back could fail there.
 */
export async function memberAddWithBackoff(
  retries: boolean,
  add: () => Promise<{ rc: number; out: string }>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<{ rc: number; out: string }> {
  // kubeadm's etcdBackoff: 11 steps from 50 ms, factor 2, jitter 0.1 (about 100 s in all)
  const steps = retries ? 11 : 1;
  let delay = 50;
  let last = await add();
  for (let i = 1; i < steps && last.rc !== 0; i++) {
    await sleep(delay * (1 + Math.random() * 0.1));
    delay *= 2;
    last = await add();
  }
  return last;
}

/** Adds this node as a stacked etcd member through an existing member; returns --initial-cluster. */
async function addEtcdMember(cluster: ClusterConfig, name: string, address: string, c: KubeClient, ctx: Ctx): Promise<string> {
  const d = cluster.certificatesDir;
  // the existing members' client URLs: the etcd mirror pods' advertise-client-urls, as kubeadm reads them
  const pods = await c.list('/api/v1/namespaces/kube-system/pods', { labelSelector: 'component=etcd,tier=control-plane' }).catch(() => ({ items: [] }));
  const endpoints = pods.items
    .map((p) => ((p.metadata.annotations ?? {}) as Record<string, string>)['kubeadm.kubernetes.io/etcd.advertise-client-urls'] ?? '')
    .filter(Boolean);
  if (endpoints.length === 0) throw new KubeadmError('etcd cluster is not healthy: no etcd member found in the cluster');
  const tls = ['--endpoints', endpoints.join(','), '--cacert', join(d, 'etcd/ca.crt'), '--cert', join(d, 'etcd/healthcheck-client.crt'), '--key', join(d, 'etcd/healthcheck-client.key')];
  ctx.out.out('[check-etcd] Checking that the etcd cluster is healthy');
  const add = await memberAddWithBackoff(ctx.v.minor >= 15, () => etcdctl([...tls, 'member', 'add', name, `--peer-urls=https://${address}:2380`]));
  if (add.rc !== 0) throw new KubeadmError(`error creating local etcd static pod manifest file: ${add.out.trim()}`);
  const m = /ETCD_INITIAL_CLUSTER="([^"]*)"/.exec(add.out);
  ctx.out.out('[etcd] Announced new etcd member joining to the existing etcd cluster');
  return m ? m[1]! : `${name}=https://${address}:2380`;
}

async function waitForFile(path: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await exists(path)) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return exists(path);
}

export async function runJoin(ctx: Ctx, argv: string[]): Promise<void> {
  const p = parseCmd(argv, { bools: BOOLS }, FLAGS, 'kubeadm join [api-server-endpoint] [flags]');
  const jc = await resolveJoin(ctx, p);
  const cp = jc.controlPlane;
  const ignore = [...listFlag(p, 'ignore-preflight-errors'), ...jc.nodeRegistration.ignorePreflightErrors];
  const skip = [...listFlag(p, 'skip-phases'), ...jc.skipPhases];
  const nodeName = jc.nodeRegistration.name;
  const address = cp?.localAPIEndpoint.advertiseAddress ?? (await defaultAdvertiseAddress(ctx.hostname).catch(() => ''));

  let disc: Discovered;
  let cluster: ClusterConfig;
  let kubeletCfg: Record<string, unknown> | undefined;
  try {
    await preflight(
      {
        kubeadm: ctx.v,
        controlPlane: ctx.v,
        address,
        bindPort: cp?.localAPIEndpoint.bindPort ?? 6443,
        manifestsDir: MANIFESTS_DIR,
        isControlPlane: !!cp,
        isJoin: true,
        caCertPath: jc.caCertPath,
      },
      ignore,
      ctx.out,
    );
    disc = await discover(jc, ctx);
    const tokenClient = new KubeClient({ server: disc.server, ca: Buffer.from(disc.caPem), insecureSkipTlsVerify: false, token: jc.discovery.tlsBootstrapToken, source: 'join' });
    try {
      ({ cluster, kubelet: kubeletCfg } = await readClusterConfig(tokenClient, ctx));
      if (cp) {
        ctx.out.out('[preflight] Running pre-flight checks before initializing the new control plane instance');
        if (!cp.certificateKey) throw new KubeadmError('the --certificate-key flag is required to download the certificates for the new control plane');
        await downloadCerts(tokenClient, cluster, cp.certificateKey, ctx);
      }
    } finally {
      tokenClient.close();
    }
  } catch (e) {
    throw phaseError('preflight', e);
  }

  const ep = { nodeName, advertiseAddress: address, bindPort: cp?.localAPIEndpoint.bindPort ?? 6443 };
  if (cp) {
    try {
      await allCerts(cluster, ep, ctx.v, ctx.out);
      const local = `${address}:${ep.bindPort}`;
      const clusterServer = cluster.controlPlaneEndpoint || disc.server.replace(/^https:\/\//, '');
      await writeKubeconfigs(cluster, ctx.v, { clusterServer, localServer: local, nodeName }, ctx.out, '/etc/kubernetes', false);
      await writeControlPlane(cluster, ep, ctx.v, ctx.out);
    } catch (e) {
      throw phaseError('control-plane-prepare', e);
    }
  }

  try {
    await tryStopKubelet();
    await mkdir('/etc/kubernetes', { recursive: true });
    if (!cp) {
      await mkdir(dirname(jc.caCertPath), { recursive: true });
      await writeFile(jc.caCertPath, disc.caPem, { mode: 0o644 });
    }
    await writeFile(BOOTSTRAP_KUBELET_CONF, kubeconfigText(cluster.clusterName, disc.server, disc.caPem, { name: 'tls-bootstrap-token-user', token: jc.discovery.tlsBootstrapToken }), { mode: 0o600 });
    const kcName = ctx.v.minor >= 24 ? 'kubelet-config' : `kubelet-config-${ctx.v.major}.${ctx.v.minor}`;
    ctx.out.out(`[kubelet-start] Downloading configuration for the kubelet from the "${kcName}" ConfigMap in the kube-system namespace`);
    await mkdir('/var/lib/kubelet', { recursive: true, mode: 0o700 });
    ctx.out.out(`[kubelet-start] Writing kubelet configuration to file "${KUBELET_CONFIG}"`);
    await writeFile(KUBELET_CONFIG, toYaml(kubeletCfg ?? { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' }), { mode: 0o644 });
    ctx.out.out(`[kubelet-start] Writing kubelet environment file with flags to file "${KUBELET_FLAGS_ENV}"`);
    await writeFile(KUBELET_FLAGS_ENV, kubeadmFlags(cluster, ctx.v, jc.nodeRegistration, ctx.hostname), { mode: 0o644 });
    ctx.out.out(startingLine(ctx.v));
    await tryStartKubelet(ctx.v, ctx.out);
    ctx.out.out('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap...');
    const timeout = jc.tlsBootstrapTimeout ? parseDuration(jc.tlsBootstrapTimeout) : ctx.v.minor >= 31 ? 5 * 60000 : 2 * 60000;
    if (!(await waitForFile(KUBELET_CONF, timeout))) {
      throw new KubeadmError(ctx.v.minor >= 26 ? 'error waiting for kubelet to perform the TLS Bootstrap: context deadline exceeded' : 'timed out waiting for the condition');
    }
  } catch (e) {
    throw phaseError('kubelet-start', e);
  }

  if (cp) {
    const admin = await KubeClient.fromKubeconfig('/etc/kubernetes/admin.conf');
    try {
      if (cluster.etcd.local && !skip.includes('control-plane-join/etcd')) {
        try {
          const initial = await addEtcdMember(cluster, nodeName, address, admin, ctx);
          ctx.out.out(`[etcd] Creating static Pod manifest for "etcd"`);
          await writeManifest('etcd', etcdManifest(cluster, ep, ctx.v, initial));
        } catch (e) {
          throw phaseError('control-plane-join/etcd', e);
        }
      }
      try {
        await uploadConfig(admin, cluster, ctx.v, kubeletCfg ?? {}, ep, ctx.out);
      } catch (e) {
        throw phaseError('control-plane-join/update-status', e);
      }
      try {
        await markControlPlane(admin, nodeName, ctx.v, jc.nodeRegistration.taints, ctx.out, 240000);
      } catch (e) {
        throw phaseError('control-plane-join/mark-control-plane', e);
      }
    } finally {
      admin.close();
    }
    const o = ctx.out;
    o.out('');
    o.out('This node has joined the cluster and a new control plane instance was created:');
    o.out('');
    o.out('* Certificate signing request was sent to apiserver and approval was received.');
    o.out('* The Kubelet was informed of the new secure connection details.');
    o.out(`* Control plane label and taint were applied to the new node.`);
    o.out('* The Kubernetes control plane instances scaled up.');
    if (cluster.etcd.local) o.out('* A new etcd member was added to the local/stacked etcd cluster.');
    o.out('');
    o.out('To start administering your cluster from this node, you need to run the following as a regular user:');
    o.out('');
    o.out('\tmkdir -p $HOME/.kube');
    o.out('\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config');
    o.out('\tsudo chown $(id -u):$(id -g) $HOME/.kube/config');
    o.out('');
    o.out("Run 'kubectl get nodes' to see this node join the cluster.");
    o.out('');
    return;
  }
  const o = ctx.out;
  o.out('');
  o.out('This node has joined the cluster:');
  o.out('* Certificate signing request was sent to apiserver and a response was received.');
  o.out('* The Kubelet was informed of the new secure connection details.');
  o.out('');
  o.out("Run 'kubectl get nodes' on the control-plane to see this node join the cluster.");
  o.out('');
}
