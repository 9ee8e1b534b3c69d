// `kubeadm upgrade plan|apply|node` (cmd/kubeadm/app/cmd/upgrade): the cluster's configuration and
// version read from the API, the version policy (policy.ts), then new static pod manifests at the
// target version with the old ones backed up under /etc/kubernetes/tmp, a wait until the API server
// answers at the new version (the kubelet restarts the static pod), rollback on timeout, and the
// kubeadm-config / kubelet-config ConfigMaps and /var/lib/kubelet/config.yaml updated.
import { copyFile, mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KubeClient } from '../common/client.js';
import type { ParsedFlags } from '../common/flags.js';
import { compareVersions, gitVersion, parseVersion } from '../common/versions.js';
import { uploadConfig } from './cluster.js';
import { clusterFrom, loadConfig, type ClusterConfig, type UpgradeConfig } from './config.js';
import { boolFlag, parseCmd, type Ctx } from './context.js';
import { CobraError, KubeadmError } from './errors.js';
import { KUBELET_CONFIG } from './kubelet.js';
import { apiServerManifest, controllerManagerManifest, etcdImageTag, MANIFESTS_DIR, schedulerManifest, type LocalEndpoint } from './manifests.js';
import { exists } from './pki.js';
import { enforceVersionPolicies, minimumControlPlaneVersion, policyFailure } from './policy.js';
import { parseDuration } from './tokens.js';
import { toYaml } from './yaml.js';

const FLAGS = [
  'config', 'kubeconfig', 'yes', 'force', 'etcd-upgrade', 'certificate-renewal', 'allow-experimental-upgrades', 'allow-release-candidate-upgrades',
  'ignore-preflight-errors', 'patches', 'dry-run', 'skip-phases', 'print-config', 'image-pull-timeout', 'output', 'show-managed-fields', 'allow-missing-template-keys',
];
const BOOLS = ['yes', 'force', 'etcd-upgrade', 'certificate-renewal', 'allow-experimental-upgrades', 'allow-release-candidate-upgrades', 'dry-run', 'print-config'];

interface ClusterState {
  client: KubeClient;
  cluster: ClusterConfig;
  clusterVersion: string;
  kubeletVersions: string[];
  upgradeCfg?: UpgradeConfig;
  upgradeTimeoutMs: number;
}

async function readCluster(ctx: Ctx, p: ParsedFlags): Promise<ClusterState> {
  const kubeconfig = p.flags.get('kubeconfig') ?? '/etc/kubernetes/admin.conf';
  ctx.out.out('[upgrade/config] Making sure the configuration is correct:');
  ctx.out.out('[upgrade/config] Reading configuration from the cluster...');
  ctx.out.out(`[upgrade/config] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config ${ctx.v.minor >= 20 ? '-o yaml' : '-oyaml'}'`);
  let client: KubeClient;
  try {
    client = await KubeClient.fromKubeconfig(kubeconfig);
  } catch (e) {
    throw new KubeadmError(`[upgrade/config] FATAL: failed to load admin kubeconfig: ${(e as Error).message}`);
  }
  let cluster: ClusterConfig;
  try {
    const cm = await client.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
    cluster = clusterFrom(parse((cm.data as Record<string, string>).ClusterConfiguration ?? '') as Record<string, unknown>, ctx.v);
  } catch (e) {
    client.close();
    throw new KubeadmError(`[upgrade/config] FATAL: unable to fetch the kubeadm-config ConfigMap: ${(e as Error).message}`);
  }
  let upgradeCfg: UpgradeConfig | undefined;
  let upgradeTimeoutMs = 5 * 60000;
  const cfgPath = p.flags.get('config');
  if (cfgPath) {
    const file = await loadConfig(cfgPath, ctx.v, ctx.hostname);
    if (file.cluster) cluster = { ...file.cluster, kubernetesVersion: cluster.kubernetesVersion };
    upgradeCfg = file.upgrade;
    const text = await readFile(cfgPath, 'utf8');
    // v1beta4 UpgradeConfiguration timeouts.upgradeManifests (the wait for each static pod)
    const m = /kind:\s*UpgradeConfiguration[\s\S]*?upgradeManifests:\s*"?([0-9hms.]+)"?/.exec(text);
    if (m) upgradeTimeoutMs = parseDuration(m[1]!);
  }
  const min = minimumControlPlaneVersion(ctx.v);
  const cv = parseVersion(cluster.kubernetesVersion)!;
  if (compareVersions(cv, min) < 0) {
    client.close();
    throw new KubeadmError(`[upgrade] FATAL: this version of kubeadm only supports deploying clusters with the control plane version >= ${gitVersion(min).slice(1)}. Current version: ${cluster.kubernetesVersion}`);
  }
  ctx.out.out('[preflight] Running pre-flight checks.');
  ctx.out.out('[upgrade] Running cluster health checks');
  const ver = (await client.get('/version').catch((e: Error) => {
    client.close();
    throw new KubeadmError(`[upgrade/health] FATAL: [preflight] Some fatal errors occurred:\n\t[ERROR APIServerHealth]: ${e.message}`);
  })) as unknown as { gitVersion?: string };
  const nodes = await client.list('/api/v1/nodes');
  const kubeletVersions = nodes.items.map((n) => ((n.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion ?? '')).filter(Boolean);
  return { client, cluster, clusterVersion: ver.gitVersion ?? cluster.kubernetesVersion, kubeletVersions, upgradeCfg, upgradeTimeoutMs };
}

function table(rows: string[][]): string[] {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(w[i]! + 3))).join('').trimEnd());
}

async function plan(ctx: Ctx, p: ParsedFlags): Promise<void> {
  const s = await readCluster(ctx, p);
  s.client.close();
  const kubeadmV = gitVersion(ctx.v);
  ctx.out.out('[upgrade] Fetching available versions to upgrade to');
  ctx.out.out(`[upgrade/versions] Cluster version: ${s.clusterVersion}`);
  ctx.out.out(`[upgrade/versions] kubeadm version: ${kubeadmV}`);
  // the lab has no internet: the real one falls back to its own version the same way when offline
  ctx.out.err('[upgrade/versions] WARNING: Couldn\'t fetch latest stable version from the internet: unable to get URL "https://dl.k8s.io/release/stable.txt"');
  ctx.out.err('[upgrade/versions] WARNING: Falling back to current kubeadm version as latest stable version');
  const target = p.args[0] ? gitVersion(p.args[0]) : kubeadmV;
  const cv = parseVersion(s.clusterVersion)!;
  if (compareVersions(parseVersion(target)!, cv) <= 0) {
    ctx.out.out('');
    ctx.out.out('Awesome, you\'re up-to-date! Enjoy!');
    return;
  }
  const counts = new Map<string, number>();
  for (const k of s.kubeletVersions) counts.set(k, (counts.get(k) ?? 0) + 1);
  ctx.out.out('');
  ctx.out.out("Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':");
  for (const l of table([['COMPONENT', 'CURRENT', 'TARGET'], ...[...counts].map(([k, n], i) => [i === 0 ? 'kubelet' : '', `${n} x ${k}`, target])])) ctx.out.out(l);
  ctx.out.out('');
  ctx.out.out(cv.minor === parseVersion(target)!.minor ? `Upgrade to the latest version in the v${cv.major}.${cv.minor} series:` : 'Upgrade to the latest stable version:');
  ctx.out.out('');
  const rows = [['COMPONENT', 'CURRENT', 'TARGET'], ['kube-apiserver', s.clusterVersion, target], ['kube-controller-manager', s.clusterVersion, target], ['kube-scheduler', s.clusterVersion, target]];
  if (s.cluster.etcd.local) rows.push(['etcd', etcdImageTag(cv), etcdImageTag(parseVersion(target)!)]);
  for (const l of table(rows)) ctx.out.out(l);
  ctx.out.out('');
  ctx.out.out('You can now apply the upgrade by executing the following command:');
  ctx.out.out('');
  ctx.out.out(`\tkubeadm upgrade apply ${target}`);
  ctx.out.out('');
  ctx.out.out('_____________________________________________________________________');
}

/** The node's own API endpoint, from its current kube-apiserver manifest. */
async function localEndpoint(nodeName: string): Promise<LocalEndpoint> {
  const pod = parse(await readFile(join(MANIFESTS_DIR, 'kube-apiserver.yaml'), 'utf8')) as { spec: { containers: { command: string[] }[] } };
  const flag = (n: string): string | undefined => pod.spec.containers[0]!.command.find((c) => c.startsWith(`--${n}=`))?.slice(n.length + 3);
  return { nodeName, advertiseAddress: flag('advertise-address') ?? '', bindPort: Number(flag('secure-port') ?? 6443) };
}

function stamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

/** Writes the new manifests, waits for the API server at `target` on this node, rolls back on timeout. */
async function upgradeStaticPods(ctx: Ctx, cluster: ClusterConfig, target: string, etcdUpgrade: boolean, timeoutMs: number): Promise<void> {
  const ep = await localEndpoint(ctx.hostname.toLowerCase());
  const next = { ...cluster, kubernetesVersion: target };
  await mkdir('/etc/kubernetes/tmp', { recursive: true });
  const newDir = await mkdtemp('/etc/kubernetes/tmp/kubeadm-upgraded-manifests');
  const backup = `/etc/kubernetes/tmp/kubeadm-backup-manifests-${stamp()}`;
  await mkdir(backup, { recursive: true });
  ctx.out.out(`[upgrade/staticpods] Writing new Static Pod manifests to "${newDir}"`);
  const texts: [string, string][] = [
    ['kube-apiserver', apiServerManifest(next, ep, ctx.v)],
    ['kube-controller-manager', controllerManagerManifest(next, ctx.v)],
    ['kube-scheduler', schedulerManifest(next, ctx.v)],
  ];
  if (etcdUpgrade && cluster.etcd.local && (await exists(join(MANIFESTS_DIR, 'etcd.yaml')))) {
    // the member's flags (initial cluster, URLs) stay; only the image moves to the target's etcd
    const cur = await readFile(join(MANIFESTS_DIR, 'etcd.yaml'), 'utf8');
    texts.unshift(['etcd', cur.replace(/image: (\S+)\/etcd:\S+/, `image: $1/etcd:${etcdImageTag(parseVersion(target)!)}`)]);
  }
  const moved: string[] = [];
  const rollback = async (): Promise<void> => {
    for (const name of moved) await copyFile(join(backup, `${name}.yaml`), join(MANIFESTS_DIR, `${name}.yaml`));
  };
  const tmo = `${Math.round(timeoutMs / 60000)}m0s`;
  for (const [name, text] of texts) {
    const file = join(newDir, `${name}.yaml`);
    await writeFile(file, text, { mode: 0o600 });
    ctx.out.out(`[upgrade/staticpods] Preparing for "${name}" upgrade`);
    const live = join(MANIFESTS_DIR, `${name}.yaml`);
    if (await exists(live)) await copyFile(live, join(backup, `${name}.yaml`));
    await rename(file, live);
    moved.push(name);
    ctx.out.out(`[upgrade/staticpods] Moved new manifest to "${live}" and backed up old manifest to "${join(backup, `${name}.yaml`)}"`);
    ctx.out.out('[upgrade/staticpods] Waiting for the kubelet to restart the component');
    ctx.out.out(`[upgrade/staticpods] This might take a minute or longer depending on the component/version skew (timeout ${timeoutMs >= 60000 ? tmo : `${timeoutMs / 1000}s`})`);
    if (name === 'kube-apiserver') {
      const ok = await waitForVersion(`https://${ep.advertiseAddress}:${ep.bindPort}`, target, timeoutMs);
      if (!ok) {
        await rollback();
        throw new KubeadmError(
          `[upgrade/apply] FATAL: couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. Errors faced: ${ctx.v.minor >= 26 ? 'context deadline exceeded' : 'timed out waiting for the condition'}`,
        );
      }
    }
    ctx.out.out(`[upgrade/staticpods] Component "${name}" upgraded successfully!`);
  }
}

/** Polls this node's API server /version (admin credentials) until it reports `target`. */
async function waitForVersion(server: string, target: string, timeoutMs: number): Promise<boolean> {
  const { readKubeconfig } = await import('../common/kubeconfig.js');
  const creds = await readKubeconfig('/etc/kubernetes/admin.conf');
  const c = new KubeClient({ ...creds, server }, { timeoutMs: 5000 });
  const end = Date.now() + timeoutMs;
  try {
    while (Date.now() < end) {
      try {
        const v = (await c.get('/version')) as unknown as { gitVersion?: string };
        if (v.gitVersion === target) return true;
      } catch {
        /* restarting */
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    return false;
  } finally {
    c.close();
  }
}

async function confirm(ctx: Ctx): Promise<void> {
  ctx.out.out('[upgrade/confirm] Are you sure you want to proceed with the upgrade? [y/N]: ');
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    process.stdin.on('end', () => resolve(buf));
  });
  process.stdin.pause();
  if (!/^[yY]$/.test(line.trim())) throw new KubeadmError(`won't proceed; the user didn't answer (Y|y) in order to continue`);
}

async function writeKubeletConfig(c: KubeClient, ctx: Ctx): Promise<void> {
  const kcName = ctx.v.minor >= 24 ? 'kubelet-config' : `kubelet-config-${ctx.v.major}.${ctx.v.minor}`;
  ctx.out.out(`[kubelet-start] Downloading configuration for the kubelet from the "${kcName}" ConfigMap in the kube-system namespace`);
  const cm = await c.get(`/api/v1/namespaces/kube-system/configmaps/${kcName}`);
  if (await exists(KUBELET_CONFIG)) {
    await mkdir('/etc/kubernetes/tmp', { recursive: true });
    const dir = await mkdtemp('/etc/kubernetes/tmp/kubeadm-kubelet-config');
    await copyFile(KUBELET_CONFIG, join(dir, 'config.yaml'));
  }
  ctx.out.out(`[kubelet-start] Writing kubelet configuration to file "${KUBELET_CONFIG}"`);
  await mkdir('/var/lib/kubelet', { recursive: true });
  await writeFile(KUBELET_CONFIG, (cm.data as Record<string, string>).kubelet ?? '', { mode: 0o644 });
}

async function apply(ctx: Ctx, p: ParsedFlags): Promise<void> {
  const s = await readCluster(ctx, p);
  try {
    const u = s.upgradeCfg?.apply;
    const arg = p.args[0] ?? u?.kubernetesVersion;
    if (!arg) throw new KubeadmError('missing one or more required arguments. Required arguments: [version]');
    const pv = parseVersion(arg);
    if (!pv) throw new KubeadmError(`[upgrade/version] FATAL: Unable to parse normalized version "${arg}" as a semantic version`);
    const target = gitVersion(pv);
    const force = boolFlag(p, 'force') || !!u?.forceUpgrade;
    ctx.out.out(`[upgrade/version] You have chosen to change the cluster version to "${target}"`);
    ctx.out.out(`[upgrade/versions] Cluster version: ${s.clusterVersion}`);
    ctx.out.out(`[upgrade/versions] kubeadm version: ${gitVersion(ctx.v)}`);
    const res = enforceVersionPolicies({
      clusterVersion: s.clusterVersion,
      kubeadmVersion: gitVersion(ctx.v),
      newVersion: target,
      kubeletVersions: s.kubeletVersions,
      allowExperimental: boolFlag(p, 'allow-experimental-upgrades') || !!u?.allowExperimentalUpgrades,
      allowRC: boolFlag(p, 'allow-release-candidate-upgrades'),
    });
    const f = policyFailure(res, force);
    if (f.error) throw new KubeadmError(`[upgrade/version] FATAL: ${f.error}`);
    if (f.notice) ctx.out.out(f.notice.trimEnd());
    if (!boolFlag(p, 'yes') && !force) await confirm(ctx);
    ctx.out.out(`[upgrade/apply] Upgrading your Static Pod-hosted control plane to version "${target}"...`);
    const etcdUpgrade = p.flags.has('etcd-upgrade') ? boolFlag(p, 'etcd-upgrade') : (u?.etcdUpgrade ?? true);
    await upgradeStaticPods(ctx, s.cluster, target, etcdUpgrade, s.upgradeTimeoutMs);
    const next = { ...s.cluster, kubernetesVersion: target };
    const kcm = await s.client.get(`/api/v1/namespaces/kube-system/configmaps/${ctx.v.minor >= 24 ? 'kubelet-config' : `kubelet-config-${parseVersion(s.clusterVersion)!.major}.${parseVersion(s.clusterVersion)!.minor}`}`).catch(() => null);
    const kubeletCfg = kcm ? (parse((kcm.data as Record<string, string>).kubelet ?? '') as Record<string, unknown>) : {};
    const ep = await localEndpoint(ctx.hostname.toLowerCase());
    await uploadConfig(s.client, next, ctx.v, kubeletCfg, ep, ctx.out);
    await writeKubeletConfig(s.client, ctx);
    ctx.out.out('');
    ctx.out.out(`[upgrade/successful] SUCCESS! Your cluster was upgraded to "${target}". Enjoy!`);
    ctx.out.out('');
    ctx.out.out("[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.");
  } finally {
    s.client.close();
  }
}

async function node(ctx: Ctx, p: ParsedFlags): Promise<void> {
  const isCP = await exists(join(MANIFESTS_DIR, 'kube-apiserver.yaml'));
  const kubeconfig = p.flags.get('kubeconfig') ?? (isCP ? '/etc/kubernetes/admin.conf' : '/etc/kubernetes/kubelet.conf');
  ctx.out.out('[upgrade] Reading configuration from the cluster...');
  ctx.out.out(`[upgrade] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config ${ctx.v.minor >= 20 ? '-o yaml' : '-oyaml'}'`);
  const c = await KubeClient.fromKubeconfig(kubeconfig).catch((e: Error) => {
    throw new KubeadmError(`unable to fetch the kubeadm-config ConfigMap: ${e.message}`);
  });
  try {
    const cm = await c.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config').catch((e: Error) => {
      throw new KubeadmError(`unable to fetch the kubeadm-config ConfigMap: ${e.message}`);
    });
    const cluster = clusterFrom(parse((cm.data as Record<string, string>).ClusterConfiguration ?? '') as Record<string, unknown>, ctx.v);
    if (!isCP) {
      ctx.out.out('[preflight] Running pre-flight checks');
      ctx.out.out('[preflight] Skipping prepull. Not a control plane node.');
      ctx.out.out('[upgrade] Skipping phase. Not a control plane node.');
    } else {
      ctx.out.out('[preflight] Running pre-flight checks');
      ctx.out.out(`[upgrade] Upgrading your Static Pod-hosted control plane instance to version "${cluster.kubernetesVersion}"...`);
      const etcdUpgrade = p.flags.has('etcd-upgrade') ? boolFlag(p, 'etcd-upgrade') : true;
      await upgradeStaticPods(ctx, cluster, cluster.kubernetesVersion, etcdUpgrade, 5 * 60000);
    }
    await writeKubeletConfig(c, ctx);
    ctx.out.out('[upgrade] The configuration for this node was successfully updated!');
    ctx.out.out('[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.');
  } finally {
    c.close();
  }
}

export async function runUpgrade(ctx: Ctx, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'plan' && sub !== 'apply' && sub !== 'node' && sub !== 'diff') {
    throw new CobraError(sub ? `unknown command "${sub}" for "kubeadm upgrade"` : 'missing subcommand; "upgrade" is not meant to be run on its own', 'kubeadm upgrade [command]');
  }
  const p = parseCmd(rest, { bools: BOOLS, short: { y: 'yes', f: 'force', o: 'output' } }, FLAGS, `kubeadm upgrade ${sub} [flags]`);
  if (sub === 'plan') return plan(ctx, p);
  if (sub === 'apply') return apply(ctx, p);
  if (sub === 'node') return node(ctx, p);
  throw new KubeadmError('kubeadm upgrade diff is not provided by the lab double');
}
