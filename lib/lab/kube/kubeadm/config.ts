// kubeadm's configuration: the multi-document YAML of --config read by apiVersion/kind, defaulted
// as kubeadm defaults it (cmd/kubeadm/app/apis/kubeadm/v1beta*/defaults.go). extraArgs are a map
// up to v1beta3 and a list of {name, value} in v1beta4: both read into a map.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { gitVersion, parseVersion, type SemVer } from '../common/versions.js';
import { checkApiVersion, KUBEADM_GROUP } from './apiversions.js';
import { KubeadmError } from './errors.js';

export interface BootstrapTokenSpec {
  token?: string;
  ttl: string;
  usages: string[];
  groups: string[];
  description?: string;
}

export interface NodeRegistration {
  name: string;
  criSocket?: string;
  taints?: Taint[];
  kubeletExtraArgs: Record<string, string>;
  ignorePreflightErrors: string[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface EtcdConfig {
  local?: { dataDir: string; extraArgs: Record<string, string>; serverCertSANs: string[]; peerCertSANs: string[] };
  external?: { endpoints: string[]; caFile: string; certFile: string; keyFile: string };
}

export interface ClusterConfig {
  kubernetesVersion: string;
  controlPlaneEndpoint: string;
  certificatesDir: string;
  imageRepository: string;
  clusterName: string;
  networking: { dnsDomain: string; serviceSubnet: string; podSubnet: string };
  etcd: EtcdConfig;
  apiServer: { certSANs: string[]; extraArgs: Record<string, string> };
  controllerManager: { extraArgs: Record<string, string> };
  scheduler: { extraArgs: Record<string, string> };
  /** the document as given, for kubeadm-config and `config view` */
  raw: Record<string, unknown>;
}

export interface InitConfig {
  bootstrapTokens: BootstrapTokenSpec[];
  localAPIEndpoint: { advertiseAddress: string; bindPort: number };
  nodeRegistration: NodeRegistration;
  certificateKey: string;
  skipPhases: string[];
  /** v1beta4 timeouts.controlPlaneComponentHealthCheck; '' when not given */
  controlPlaneTimeout: string;
}

export interface JoinConfig {
  discovery: {
    bootstrapToken?: { apiServerEndpoint: string; token: string; caCertHashes: string[]; unsafeSkipCAVerification: boolean };
    file?: { kubeConfigPath: string };
    tlsBootstrapToken: string;
  };
  caCertPath: string;
  nodeRegistration: NodeRegistration;
  controlPlane?: { localAPIEndpoint: { advertiseAddress: string; bindPort: number }; certificateKey: string };
  skipPhases: string[];
  /** v1beta4 timeouts.tlsBootstrap, else discovery.timeout; '' when not given */
  tlsBootstrapTimeout: string;
}

export interface UpgradeConfig {
  apply: { kubernetesVersion?: string; forceUpgrade: boolean; allowExperimentalUpgrades: boolean; etcdUpgrade: boolean; certificateRenewal: boolean; ignorePreflightErrors: string[] };
  node: { etcdUpgrade: boolean; certificateRenewal: boolean; ignorePreflightErrors: string[] };
}

export interface ConfigFile {
  init?: InitConfig;
  cluster?: ClusterConfig;
  join?: JoinConfig;
  upgrade?: UpgradeConfig;
  kubelet?: Record<string, unknown>;
  kubeProxy?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}
function str(v: unknown, d = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d;
}
function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => str(x)).filter(Boolean) : [];
}
function bool(v: unknown, d: boolean): boolean {
  return typeof v === 'boolean' ? v : d;
}
/** a map (<= v1beta3) or a [{name, value}] list (v1beta4) */
export function extraArgs(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) for (const a of v) out[str(obj(a).name)] = str(obj(a).value);
  else for (const [k, x] of Object.entries(obj(v))) out[k] = str(x);
  return out;
}

export const DEFAULT_CERT_DIR = '/etc/kubernetes/pki';

export function defaultImageRepository(v: SemVer): string {
  // the default registry moved from k8s.gcr.io to registry.k8s.io in kubeadm 1.25
  return v.minor >= 25 ? 'registry.k8s.io' : 'k8s.gcr.io';
}

export function clusterFrom(doc: Obj, kubeadm: SemVer): ClusterConfig {
  const net = obj(doc.networking);
  const etcd = obj(doc.etcd);
  const ext = etcd.external ? obj(etcd.external) : undefined;
  const local = obj(etcd.local);
  const kv = str(doc.kubernetesVersion) || gitVersion(kubeadm);
  const parsed = parseVersion(kv);
  if (!parsed) throw new KubeadmError(`couldn't parse Kubernetes version "${kv}"`);
  return {
    kubernetesVersion: gitVersion(parsed),
    controlPlaneEndpoint: str(doc.controlPlaneEndpoint),
    certificatesDir: str(doc.certificatesDir, DEFAULT_CERT_DIR),
    imageRepository: str(doc.imageRepository, defaultImageRepository(kubeadm)),
    clusterName: str(doc.clusterName, 'kubernetes'),
    networking: { dnsDomain: str(net.dnsDomain, 'cluster.local'), serviceSubnet: str(net.serviceSubnet, '10.96.0.0/12'), podSubnet: str(net.podSubnet) },
    etcd: ext
      ? { external: { endpoints: strs(ext.endpoints), caFile: str(ext.caFile), certFile: str(ext.certFile), keyFile: str(ext.keyFile) } }
      : { local: { dataDir: str(local.dataDir, '/var/lib/etcd'), extraArgs: extraArgs(local.extraArgs), serverCertSANs: strs(local.serverCertSANs), peerCertSANs: strs(local.peerCertSANs) } },
    apiServer: { certSANs: strs(obj(doc.apiServer).certSANs), extraArgs: extraArgs(obj(doc.apiServer).extraArgs) },
    controllerManager: { extraArgs: extraArgs(obj(doc.controllerManager).extraArgs) },
    scheduler: { extraArgs: extraArgs(obj(doc.scheduler).extraArgs) },
    raw: doc,
  };
}

function nodeRegistration(doc: Obj, hostname: string): NodeRegistration {
  const taints = Array.isArray(doc.taints)
    ? doc.taints.map((t) => ({ key: str(obj(t).key), value: obj(t).value === undefined ? undefined : str(obj(t).value), effect: str(obj(t).effect) }))
    : undefined;
  return {
    name: str(doc.name, hostname).toLowerCase(),
    criSocket: doc.criSocket === undefined ? undefined : str(doc.criSocket),
    taints,
    kubeletExtraArgs: extraArgs(doc.kubeletExtraArgs),
    ignorePreflightErrors: strs(doc.ignorePreflightErrors),
  };
}

export function initFrom(doc: Obj, hostname: string): InitConfig {
  const ep = obj(doc.localAPIEndpoint);
  const tokens = Array.isArray(doc.bootstrapTokens) ? doc.bootstrapTokens.map(obj) : [{}];
  return {
    bootstrapTokens: tokens.map((t) => ({
      token: t.token === undefined ? undefined : str(t.token),
      ttl: str(t.ttl, '24h0m0s'),
      usages: Array.isArray(t.usages) ? strs(t.usages) : ['signing', 'authentication'],
      groups: Array.isArray(t.groups) ? strs(t.groups) : ['system:bootstrappers:kubeadm:default-node-token'],
      description: t.description === undefined ? undefined : str(t.description),
    })),
    localAPIEndpoint: { advertiseAddress: str(ep.advertiseAddress), bindPort: Number(ep.bindPort ?? 6443) },
    nodeRegistration: nodeRegistration(obj(doc.nodeRegistration), hostname),
    certificateKey: str(doc.certificateKey),
    skipPhases: strs(doc.skipPhases),
    controlPlaneTimeout: str(obj(doc.timeouts).controlPlaneComponentHealthCheck),
  };
}

export function joinFrom(doc: Obj, hostname: string): JoinConfig {
  const d = obj(doc.discovery);
  const bt = d.bootstrapToken ? obj(d.bootstrapToken) : undefined;
  const cp = doc.controlPlane ? obj(doc.controlPlane) : undefined;
  return {
    discovery: {
      bootstrapToken: bt
        ? { apiServerEndpoint: str(bt.apiServerEndpoint), token: str(bt.token), caCertHashes: strs(bt.caCertHashes), unsafeSkipCAVerification: bool(bt.unsafeSkipCAVerification, false) }
        : undefined,
      file: d.file ? { kubeConfigPath: str(obj(d.file).kubeConfigPath) } : undefined,
      tlsBootstrapToken: str(d.tlsBootstrapToken, bt ? str(bt.token) : ''),
    },
    caCertPath: str(doc.caCertPath, '/etc/kubernetes/pki/ca.crt'),
    nodeRegistration: nodeRegistration(obj(doc.nodeRegistration), hostname),
    controlPlane: cp
      ? {
          localAPIEndpoint: { advertiseAddress: str(obj(cp.localAPIEndpoint).advertiseAddress), bindPort: Number(obj(cp.localAPIEndpoint).bindPort ?? 6443) },
          certificateKey: str(cp.certificateKey),
        }
      : undefined,
    skipPhases: strs(doc.skipPhases),
    tlsBootstrapTimeout: str(obj(doc.timeouts).tlsBootstrap),
  };
}

export function upgradeFrom(doc: Obj): UpgradeConfig {
  const a = obj(doc.apply);
  const n = obj(doc.node);
  return {
    apply: {
      kubernetesVersion: a.kubernetesVersion === undefined ? undefined : str(a.kubernetesVersion),
      forceUpgrade: bool(a.forceUpgrade, false),
      allowExperimentalUpgrades: bool(a.allowExperimentalUpgrades, false),
      etcdUpgrade: bool(a.etcdUpgrade, true),
      certificateRenewal: bool(a.certificateRenewal, true),
      ignorePreflightErrors: strs(a.ignorePreflightErrors),
    },
    node: { etcdUpgrade: bool(n.etcdUpgrade, true), certificateRenewal: bool(n.certificateRenewal, true), ignorePreflightErrors: strs(n.ignorePreflightErrors) },
  };
}

/** Parses --config text: every document by apiVersion/kind, refusing versions this kubeadm does not read. */
export function parseConfig(text: string, file: string, kubeadm: SemVer, hostname: string): ConfigFile {
  const out: ConfigFile = {};
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new KubeadmError(`unable to read config from "${file}": the file is empty`);
  for (const d of docs) {
    if (d.errors.length > 0) {
      const e = d.errors[0]!;
      throw new KubeadmError(`error converting YAML to JSON: yaml: line ${e.linePos?.[0]?.line ?? 0}: ${e.message.split('\n')[0]}`);
    }
    const doc = d.toJS() as unknown;
    if (doc === null || doc === undefined) continue;
    const o = obj(doc);
    const apiVersion = str(o.apiVersion);
    const kind = str(o.kind);
    if (!apiVersion || !kind) throw new KubeadmError(`invalid configuration for GroupVersionKind /, Kind=: kind and apiVersion is mandatory information that must be specified`);
    if (apiVersion.startsWith(KUBEADM_GROUP + '/')) {
      checkApiVersion(kubeadm, apiVersion, kind);
      if (kind === 'InitConfiguration') out.init = initFrom(o, hostname);
      else if (kind === 'ClusterConfiguration') out.cluster = clusterFrom(o, kubeadm);
      else if (kind === 'JoinConfiguration') out.join = joinFrom(o, hostname);
      else if (kind === 'UpgradeConfiguration') out.upgrade = upgradeFrom(o);
      // ResetConfiguration and others: read, nothing of theirs is used
    } else if (apiVersion === 'kubelet.config.k8s.io/v1beta1' && kind === 'KubeletConfiguration') {
      out.kubelet = o;
    } else if (apiVersion === 'kubeproxy.config.k8s.io/v1alpha1' && kind === 'KubeProxyConfiguration') {
      out.kubeProxy = o;
    } else {
      // the real one warns and goes on
      process.stderr.write(`W0000 00:00:00.000000       1 common.go:84] [config] WARNING: Ignored YAML document with GroupVersionKind ${apiVersion}, Kind=${kind}\n`);
    }
  }
  if (out.init && out.join) throw new KubeadmError('invalid configuration: kinds [InitConfiguration JoinConfiguration] are mutually exclusive');
  return out;
}

export async function loadConfig(file: string, kubeadm: SemVer, hostname: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new KubeadmError(`unable to read config from "${file}" : open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  return parseConfig(text, file, kubeadm, hostname);
}
