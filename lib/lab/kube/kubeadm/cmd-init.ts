// `kubeadm init` and `kubeadm init phase ...`: the phases in the release's order, each skippable
// with --skip-phases (a phase or `phase/sub`), errors wrapped as `error execution phase X: ...`.
import { readFile } from 'node:fs/promises';
import { KubeClient } from '../common/client.js';
import type { ParsedFlags } from '../common/flags.js';
import { parseVersion } from '../common/versions.js';
import { bootstrapTokenPhase, ensureAdminClusterRoleBinding, markControlPlane, uploadCerts, uploadConfig } from './cluster.js';
import { boolFlag, parseCmd, checkMixedArgs, listFlag, type Ctx } from './context.js';
import { CobraError, KubeadmError, phaseError } from './errors.js';
import { joinCommand } from './joincmd.js';
import { writeKubeconfigs } from './kubeconfig.js';
import { kubeletConfig, startingLine, tryStartKubelet, tryStopKubelet, writeKubeletFiles } from './kubelet.js';
import { etcdManifest, MANIFESTS_DIR, writeControlPlane, writeManifest } from './manifests.js';
import { allCerts, apiServerCert, readPair, sharedCertFiles } from './pki.js';
import { preflight } from './preflight.js';
import { clusterHostPort, INIT_BOOLS, INIT_FLAGS, INIT_MIXABLE, resolveInit, type InitSetup } from './resolve.js';
import { caCertHash, generateCertificateKey, generateToken, parseDuration } from './tokens.js';
import { waitForAPI } from './waitapi.js';

const ADMIN_CONF = '/etc/kubernetes/admin.conf';

interface Run {
  ctx: Ctx;
  s: InitSetup;
  p: ParsedFlags;
  uploadCerts: boolean;
  certKey: string;
  tokens: string[];
}

type Phase = { name: string; run: (r: Run) => Promise<void> };

function node(r: Run): { nodeName: string; advertiseAddress: string; bindPort: number } {
  return { nodeName: r.s.init.nodeRegistration.name, advertiseAddress: r.s.init.localAPIEndpoint.advertiseAddress, bindPort: r.s.init.localAPIEndpoint.bindPort };
}

function kcTargets(r: Run): { clusterServer: string; localServer: string; nodeName: string } {
  const n = node(r);
  return { clusterServer: clusterHostPort(r.s.cluster, r.s.init), localServer: clusterHostPort({ ...r.s.cluster, controlPlaneEndpoint: '' }, r.s.init), nodeName: n.nodeName };
}

async function withAdmin<T>(fn: (c: KubeClient) => Promise<T>): Promise<T> {
  const c = await KubeClient.fromKubeconfig(ADMIN_CONF);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

const PHASES: Record<string, Phase> = {
  preflight: {
    name: 'preflight',
    async run(r) {
      const kv = parseVersion(r.s.cluster.kubernetesVersion)!;
      await preflight(
        {
          kubeadm: r.ctx.v,
          controlPlane: kv,
          address: r.s.init.localAPIEndpoint.advertiseAddress,
          bindPort: r.s.init.localAPIEndpoint.bindPort,
          manifestsDir: MANIFESTS_DIR,
          etcdDataDir: r.s.cluster.etcd.local?.dataDir,
          isControlPlane: true,
          isJoin: false,
        },
        [...listFlag(r.p, 'ignore-preflight-errors'), ...r.s.init.nodeRegistration.ignorePreflightErrors],
        r.ctx.out,
      );
      r.ctx.out.out('[preflight] Pulling images required for setting up a Kubernetes cluster');
      r.ctx.out.out('[preflight] This might take a minute or two, depending on the speed of your internet connection');
      r.ctx.out.out(`[preflight] You can also perform this action ${r.ctx.v.minor >= 20 ? 'beforehand' : 'in beforehand'} using 'kubeadm config images pull'`);
    },
  },
  'kubelet-start': {
    name: 'kubelet-start',
    async run(r) {
      await tryStopKubelet();
      await writeKubeletFiles(r.s.cluster, r.ctx.v, r.s.init.nodeRegistration, r.ctx.hostname, r.s.file.kubelet, r.ctx.out);
      r.ctx.out.out(startingLine(r.ctx.v));
      await tryStartKubelet(r.ctx.v, r.ctx.out);
    },
  },
  certs: { name: 'certs', run: (r) => allCerts(r.s.cluster, node(r), r.ctx.v, r.ctx.out) },
  kubeconfig: { name: 'kubeconfig', run: (r) => writeKubeconfigs(r.s.cluster, r.ctx.v, kcTargets(r), r.ctx.out) },
  'control-plane': { name: 'control-plane', run: (r) => writeControlPlane(r.s.cluster, node(r), r.ctx.v, r.ctx.out) },
  etcd: {
    name: 'etcd',
    async run(r) {
      if (!r.s.cluster.etcd.local) return;
      r.ctx.out.out(`[etcd] Creating static Pod manifest for local etcd in "${MANIFESTS_DIR}"`);
      await writeManifest('etcd', etcdManifest(r.s.cluster, node(r), r.ctx.v));
    },
  },
  'wait-control-plane': {
    name: 'wait-control-plane',
    async run(r) {
      const t = r.s.init.controlPlaneTimeout || String((r.s.cluster.raw.apiServer as { timeoutForControlPlane?: unknown } | undefined)?.timeoutForControlPlane ?? '4m0s');
      await waitForAPI(ADMIN_CONF, parseDuration(t), r.ctx.v, r.ctx.out, MANIFESTS_DIR);
      if (r.ctx.v.minor >= 29) {
        const sa = await KubeClient.fromKubeconfig('/etc/kubernetes/super-admin.conf');
        try {
          await ensureAdminClusterRoleBinding(sa);
        } finally {
          sa.close();
        }
      }
    },
  },
  'upload-config': {
    name: 'upload-config',
    run: (r) => withAdmin((c) => uploadConfig(c, r.s.cluster, r.ctx.v, kubeletConfig(r.s.cluster, r.ctx.v, r.s.file.kubelet), node(r), r.ctx.out)),
  },
  'upload-certs': {
    name: 'upload-certs',
    async run(r) {
      if (!r.uploadCerts) {
        r.ctx.out.out('[upload-certs] Skipping phase. Please see --upload-certs');
        return;
      }
      await withAdmin((c) => uploadCerts(c, sharedCertFiles(r.s.cluster), r.certKey, generateToken(), r.ctx.out));
      r.ctx.out.out('[upload-certs] Using certificate key:');
      r.ctx.out.out(r.certKey);
    },
  },
  'mark-control-plane': {
    name: 'mark-control-plane',
    run: (r) => withAdmin((c) => markControlPlane(c, node(r).nodeName, r.ctx.v, r.s.init.nodeRegistration.taints, r.ctx.out, 240000)),
  },
  'bootstrap-token': {
    name: 'bootstrap-token',
    async run(r) {
      const ca = await readPair(r.s.cluster.certificatesDir, 'ca');
      if (!ca) throw new KubeadmError('failed to load the CA certificate');
      await withAdmin((c) =>
        bootstrapTokenPhase(c, r.s.init.bootstrapTokens.map((spec, i) => ({ token: r.tokens[i]!, spec })), r.s.cluster, ca.cert, `https://${kcTargets(r).clusterServer}`, r.ctx.v, r.ctx.out),
      );
    },
  },
};

/** Phase order: 1.25 moved kubelet-start after the manifests. */
function phaseOrder(minor: number): string[] {
  const pre = ['preflight'];
  const files = ['certs', 'kubeconfig'];
  const pods = minor >= 25 ? ['etcd', 'control-plane'] : ['control-plane', 'etcd'];
  const after = ['wait-control-plane', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token'];
  return minor >= 25 ? [...pre, ...files, ...pods, 'kubelet-start', ...after] : [...pre, 'kubelet-start', ...files, ...pods, ...after];
}

function skipped(skip: string[], phase: string): boolean {
  return skip.some((s) => s === phase || s === 'all' || s === `${phase}/all`);
}

async function setup(ctx: Ctx, p: ParsedFlags): Promise<Run> {
  checkMixedArgs(p, INIT_MIXABLE);
  const s = await resolveInit(ctx, p);
  const upload = boolFlag(p, 'upload-certs') || boolFlag(p, 'experimental-upload-certs');
  const tokens = s.init.bootstrapTokens.map((t) => t.token ?? generateToken());
  return { ctx, s, p, uploadCerts: upload, certKey: s.init.certificateKey || generateCertificateKey(), tokens };
}

/** kubeadm 1.14 knew only `--experimental-upload-certs`; 1.15 added `--upload-certs` */
function initFlags(ctx: Ctx): readonly string[] {
  return ctx.v.minor < 15 ? INIT_FLAGS.filter((f) => f !== 'upload-certs') : INIT_FLAGS;
}

export async function runInit(ctx: Ctx, argv: string[]): Promise<void> {
  if (argv[0] === 'phase') return runInitPhase(ctx, argv.slice(1));
  const p = parseCmd(argv, { bools: INIT_BOOLS }, initFlags(ctx), 'kubeadm init [flags]');
  if (p.args.length > 0) throw new CobraError(`unknown command "${p.args[0]}" for "kubeadm init"`, 'kubeadm init [flags]');
  const r = await setup(ctx, p);
  const skip = [...listFlag(p, 'skip-phases'), ...r.s.init.skipPhases];
  ctx.out.out(`[init] Using Kubernetes version: ${r.s.cluster.kubernetesVersion}`);
  for (const name of phaseOrder(ctx.v.minor)) {
    if (skipped(skip, name)) continue;
    try {
      await PHASES[name]!.run(r);
    } catch (e) {
      throw phaseError(name, e);
    }
  }
  await printBanner(r, skip);
}

async function printBanner(r: Run, skip: string[]): Promise<void> {
  const o = r.ctx.out;
  const ca = await readFile(`${r.s.cluster.certificatesDir}/ca.crt`, 'utf8');
  const hash = caCertHash(ca);
  const hostPort = kcTargets(r).clusterServer;
  o.out('');
  o.out('Your Kubernetes control-plane has initialized successfully!');
  o.out('');
  o.out('To start using your cluster, you need to run the following as a regular user:');
  o.out('');
  o.out('  mkdir -p $HOME/.kube');
  o.out(`  sudo cp -i ${ADMIN_CONF} $HOME/.kube/config`);
  o.out('  sudo chown $(id -u):$(id -g) $HOME/.kube/config');
  o.out('');
  if (r.ctx.v.minor >= 20) {
    o.out('Alternatively, if you are the root user, you can run:');
    o.out('');
    o.out(`  export KUBECONFIG=${ADMIN_CONF}`);
    o.out('');
  }
  o.out('You should now deploy a pod network to the cluster.');
  o.out('Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:');
  o.out('  https://kubernetes.io/docs/concepts/cluster-administration/addons/');
  o.out('');
  const token = boolFlag(r.p, 'skip-token-print') ? '<value withheld>' : r.tokens[0]!;
  if (r.s.cluster.controlPlaneEndpoint) {
    if (r.uploadCerts) {
      o.out('You can now join any number of the control-plane node running the following command on each as root:');
    } else {
      o.out('You can now join any number of control-plane nodes by copying certificate authorities');
      o.out('and service account keys on each node and then running the following as root:');
    }
    o.out('');
    const key = r.uploadCerts ? (boolFlag(r.p, 'skip-certificate-key-print') ? '<value withheld>' : r.certKey) : undefined;
    o.out(
      joinCommand({ hostPort, token, caHashes: [hash], controlPlane: true, certificateKey: key })
        .split('\n')
        .map((l) => '  ' + l)
        .join('\n'),
    );
    o.out('');
    if (r.uploadCerts) {
      o.out('Please note that the certificate-key gives access to cluster sensitive data, keep it secret!');
      o.out('As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use');
      o.out('"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.');
      o.out('');
    }
  }
  o.out('Then you can join any number of worker nodes by running the following on each as root:');
  o.out('');
  o.out(joinCommand({ hostPort, token, caHashes: [hash], controlPlane: false }));
}

/** `kubeadm init phase <phase> [sub]`: one phase with the init flags. */
export async function runInitPhase(ctx: Ctx, argv: string[]): Promise<void> {
  const [phase, ...rest] = argv;
  const known = ['preflight', 'kubelet-start', 'certs', 'kubeconfig', 'control-plane', 'etcd', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token'];
  if (!phase || !known.includes(phase)) throw new CobraError(`unknown command "${phase ?? ''}" for "kubeadm init phase"`, 'kubeadm init phase [command]');
  let sub: string | undefined;
  if (rest[0] && !rest[0].startsWith('-')) sub = rest.shift();
  const p = parseCmd(rest, { bools: INIT_BOOLS }, [...initFlags(ctx), 'kubeconfig'], `kubeadm init phase ${phase} [flags]`);
  const r = await setup(ctx, p);
  try {
    if (phase === 'certs' && sub === 'apiserver') {
      await apiServerCert(r.s.cluster, node(r), r.ctx.out);
    } else if (phase === 'certs' && sub !== undefined && sub !== 'all') {
      throw new CobraError(`unknown command "${sub}" for "kubeadm init phase certs"`, 'kubeadm init phase certs [command]');
    } else if (phase === 'control-plane' && sub !== undefined && sub !== 'all') {
      const { apiServerManifest, controllerManagerManifest, schedulerManifest } = await import('./manifests.js');
      const map: Record<string, () => string> = {
        apiserver: () => apiServerManifest(r.s.cluster, node(r), ctx.v),
        'controller-manager': () => controllerManagerManifest(r.s.cluster, ctx.v),
        scheduler: () => schedulerManifest(r.s.cluster, ctx.v),
      };
      if (!map[sub]) throw new CobraError(`unknown command "${sub}" for "kubeadm init phase control-plane"`, 'kubeadm init phase control-plane [command]');
      ctx.out.out(`[control-plane] Creating static Pod manifest for "kube-${sub}"`);
      await writeManifest(`kube-${sub}` as 'kube-apiserver', map[sub]!());
    } else if (phase === 'upload-certs') {
      // the phase reads the key from the flags; without --upload-certs it does nothing
      await PHASES['upload-certs']!.run(r);
    } else {
      await PHASES[phase]!.run(r);
    }
  } catch (e) {
    if (e instanceof CobraError) throw e;
    throw phaseError(sub ? `${phase}/${sub}` : phase, e);
  }
}
