// kube-controller-manager double: the flags kubeadm's manifests (and kubespray's extraArgs) give
// it at every release the lab carries, /healthz on the secure port 10257 (and the insecure 10252
// of the old releases), leader election on the Lease kube-system/kube-controller-manager, and,
// while leader, the controllers the lab needs: deployment, replicaset, daemonset, disruption,
// node lifecycle with taint eviction, garbage collector, pod GC, CSR approving and signing.
import type { ParsedFlags } from '../common/flags.js';
import { parseVersion } from '../common/versions.js';
import { COMPONENT_FLAGS, durationFlag, leaderTimings, runComponent, type ComponentContext, type FlagDef } from './component.js';
import { Expectations, errText, type Caches, type ControllerContext } from './context.js';
import { CsrController } from './csr.js';
import { syncDaemonSets } from './daemonset.js';
import { syncDisruptionBudgets } from './disruption.js';
import { GarbageCollector } from './gc.js';
import { Debouncer, Informer } from './informer.js';
import { NodeLifecycle } from './nodelifecycle.js';
import { POD_GC_PERIOD_MS, PodGC } from './podgc.js';
import { syncDeployments, syncReplicaSets } from './replicaset.js';

const S = (name: string, extra: Omit<FlagDef, 'name'> = {}): FlagDef => ({ name, ...extra });
const B = (name: string, extra: Omit<FlagDef, 'name' | 'bool'> = {}): FlagDef => ({ name, bool: true, ...extra });

export const CONTROLLER_MANAGER_FLAGS: FlagDef[] = [
  ...COMPONENT_FLAGS,
  B('allocate-node-cidrs'),
  S('attach-detach-reconcile-sync-period'),
  S('cidr-allocator-type'),
  S('cloud-config'),
  S('cloud-provider'),
  S('cluster-cidr'),
  S('cluster-name'),
  S('cluster-signing-cert-file'),
  S('cluster-signing-key-file'),
  S('cluster-signing-duration', { since: '1.19' }),
  S('experimental-cluster-signing-duration', { until: '1.25' }),
  S('cluster-signing-kube-apiserver-client-cert-file', { since: '1.19' }),
  S('cluster-signing-kube-apiserver-client-key-file', { since: '1.19' }),
  S('cluster-signing-kubelet-client-cert-file', { since: '1.19' }),
  S('cluster-signing-kubelet-client-key-file', { since: '1.19' }),
  S('cluster-signing-kubelet-serving-cert-file', { since: '1.19' }),
  S('cluster-signing-kubelet-serving-key-file', { since: '1.19' }),
  S('cluster-signing-legacy-unknown-cert-file', { since: '1.19' }),
  S('cluster-signing-legacy-unknown-key-file', { since: '1.19' }),
  S('concurrent-deployment-syncs'),
  S('concurrent-endpoint-syncs'),
  S('concurrent-gc-syncs'),
  S('concurrent-namespace-syncs'),
  S('concurrent-replicaset-syncs'),
  S('concurrent-resource-quota-syncs'),
  S('concurrent-service-syncs'),
  S('concurrent-serviceaccount-token-syncs'),
  S('concurrent-rc-syncs'),
  S('concurrent-statefulset-syncs', { since: '1.24' }),
  S('concurrent-daemonset-syncs', { since: '1.24' }),
  S('concurrent-job-syncs', { since: '1.25' }),
  S('concurrent-cron-job-syncs', { since: '1.27' }),
  S('concurrent-horizontal-pod-autoscaler-syncs', { since: '1.26' }),
  B('configure-cloud-routes'),
  S('controller-start-interval'),
  S('controllers'),
  S('deleting-pods-burst', { until: '1.22' }),
  S('deleting-pods-qps', { until: '1.22' }),
  B('disable-attach-detach-reconcile-sync'),
  B('enable-dynamic-provisioning'),
  B('enable-garbage-collector'),
  B('enable-hostpath-provisioner'),
  B('enable-taint-manager', { until: '1.27' }),
  B('enable-leader-migration', { since: '1.21' }),
  S('leader-migration-config', { since: '1.21' }),
  S('endpoint-updates-batch-period', { since: '1.19' }),
  S('external-cloud-volume-plugin'),
  S('flex-volume-plugin-dir'),
  S('horizontal-pod-autoscaler-cpu-initialization-period'),
  S('horizontal-pod-autoscaler-downscale-delay', { until: '1.21' }),
  S('horizontal-pod-autoscaler-downscale-stabilization'),
  S('horizontal-pod-autoscaler-initial-readiness-delay'),
  S('horizontal-pod-autoscaler-sync-period'),
  S('horizontal-pod-autoscaler-tolerance'),
  S('horizontal-pod-autoscaler-upscale-delay', { until: '1.21' }),
  B('horizontal-pod-autoscaler-use-rest-clients', { until: '1.21' }),
  S('large-cluster-size-threshold'),
  S('min-resync-period'),
  S('namespace-sync-period'),
  S('node-cidr-mask-size'),
  S('node-cidr-mask-size-ipv4', { since: '1.17' }),
  S('node-cidr-mask-size-ipv6', { since: '1.17' }),
  S('node-eviction-rate'),
  S('node-monitor-grace-period'),
  S('node-monitor-period'),
  S('node-startup-grace-period'),
  S('pod-eviction-timeout', { until: '1.27' }),
  S('pv-recycler-increment-timeout-nfs'),
  S('pv-recycler-minimum-timeout-hostpath'),
  S('pv-recycler-minimum-timeout-nfs'),
  S('pv-recycler-pod-template-filepath-hostpath'),
  S('pv-recycler-pod-template-filepath-nfs'),
  S('pv-recycler-timeout-increment-hostpath'),
  S('pvclaimbinder-sync-period'),
  S('register-retry-count', { until: '1.24' }),
  S('resource-quota-sync-period'),
  S('root-ca-file'),
  S('route-reconciliation-period'),
  S('secondary-node-eviction-rate'),
  S('service-account-private-key-file'),
  S('service-cluster-ip-range'),
  S('terminated-pod-gc-threshold'),
  S('unhealthy-zone-threshold'),
  B('use-service-account-credentials'),
];

async function configure(flags: ParsedFlags) {
  // read every duration now so a bad value stops the program before it starts anything
  durationFlag(flags, 'node-monitor-grace-period', 40000);
  durationFlag(flags, 'node-monitor-period', 5000);
  durationFlag(flags, 'node-startup-grace-period', 60000);
  durationFlag(flags, 'cluster-signing-duration', 0);
  durationFlag(flags, 'experimental-cluster-signing-duration', 0);
  return {
    kubeconfig: flags.flags.get('kubeconfig'),
    leaderElect: flags.flags.get('leader-elect') !== 'false',
    timings: leaderTimings(flags),
    resourceName: flags.flags.get('leader-elect-resource-name'),
    resourceNamespace: flags.flags.get('leader-elect-resource-namespace'),
  };
}

/** The controllers, while leader; resolves when leadership ends or the process stops. */
export async function runControllers(c: ComponentContext): Promise<void> {
  const { client, flags, log } = c;
  const v = parseVersion(c.version) ?? { major: 1, minor: 36, patch: 0, pre: '' };
  const m = v.major * 1000 + v.minor;
  const onErr = (msg: string): void => log.error('reflector.go:138', msg);
  let deb: Debouncer | undefined;
  const poke = (): void => deb?.poke();
  const policyVersion = m >= 1021 ? 'policy/v1' : 'policy/v1beta1';
  const certificatesVersion = m >= 1019 ? 'certificates.k8s.io/v1' : 'certificates.k8s.io/v1beta1';
  const caches: Caches = {
    pods: new Informer(client, '/api/v1/pods', poke, onErr),
    nodes: new Informer(client, '/api/v1/nodes', poke, onErr),
    replicasets: new Informer(client, '/apis/apps/v1/replicasets', poke, onErr),
    deployments: new Informer(client, '/apis/apps/v1/deployments', poke, onErr),
    daemonsets: new Informer(client, '/apis/apps/v1/daemonsets', poke, onErr),
    pdbs: new Informer(client, `/apis/${policyVersion}/poddisruptionbudgets`, poke, onErr),
    nodeLeases: new Informer(client, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', () => {}, onErr),
    csrs: new Informer(client, `/apis/${certificatesVersion}/certificatesigningrequests`, poke, onErr),
  };
  const ctx: ControllerContext = { client, log, caches, version: v, policyVersion, certificatesVersion, expectations: new Expectations() };
  const signingDuration = flags.flags.has('cluster-signing-duration')
    ? durationFlag(flags, 'cluster-signing-duration', 0)
    : durationFlag(flags, 'experimental-cluster-signing-duration', 8760 * 3600000);
  const csr = new CsrController(ctx, {
    certFile: flags.flags.get('cluster-signing-cert-file') ?? '/etc/kubernetes/ca/ca.pem',
    keyFile: flags.flags.get('cluster-signing-key-file') ?? '/etc/kubernetes/ca/ca.key',
    durationMs: signingDuration,
  });
  const gc = new GarbageCollector(ctx);
  const monitorPeriod = Math.max(1000, durationFlag(flags, 'node-monitor-period', 5000));
  const lifecycle = new NodeLifecycle(ctx, {
    monitorPeriodMs: monitorPeriod,
    // 40 s until 1.31, 50 s from 1.32 (kubernetes PR #126287)
    gracePeriodMs: durationFlag(flags, 'node-monitor-grace-period', m >= 1032 ? 50000 : 40000),
    startupGracePeriodMs: durationFlag(flags, 'node-startup-grace-period', 60000),
  });
  const step = async (name: string, f: () => Promise<void>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      log.error('controllermanager.go:700', `"Error syncing" controller="${name}" err="${errText(e)}"`);
    }
  };
  const synced = (...names: (keyof Caches)[]): boolean => names.every((n) => caches[n].hasSynced());
  deb = new Debouncer(async () => {
    if (c.signal.aborted) return;
    if (synced('deployments', 'replicasets', 'pods')) await step('deployment', () => syncDeployments(ctx));
    if (synced('replicasets', 'pods')) await step('replicaset', () => syncReplicaSets(ctx));
    await step('nodelifecycle', () => lifecycle.taintPass());
    if (synced('daemonsets', 'nodes', 'pods')) await step('daemonset', () => syncDaemonSets(ctx));
    if (synced('pdbs', 'pods', 'replicasets', 'deployments')) await step('disruption', () => syncDisruptionBudgets(ctx));
    if (synced('csrs')) await step('csrsigning', () => csr.sync());
    await step('garbagecollector', () => gc.sweep());
  }, 200, 10000);
  const monitor = setInterval(() => void step('nodelifecycle', () => lifecycle.monitor()), monitorPeriod);
  const podgc = new PodGC(ctx);
  const podgcTimer = setInterval(() => void step('podgc', () => podgc.sweep()), POD_GC_PERIOD_MS);
  log.info('controllermanager.go:500', '"Started controllers" controllers=["deployment","replicaset","daemonset","disruption","nodelifecycle","garbagecollector","podgc","csrapproving","csrsigning"]');
  const runs = Object.values(caches).map((i: Informer<never>) => i.run());
  await new Promise<void>((r) => (c.signal.aborted ? r() : c.signal.addEventListener('abort', () => r(), { once: true })));
  clearInterval(monitor);
  clearInterval(podgcTimer);
  deb.stop();
  for (const i of Object.values(caches)) (i as Informer<never>).stop();
  await Promise.all(runs);
}

export function main(argv: string[], version: string): Promise<number> {
  return runComponent(
    {
      prog: 'kube-controller-manager',
      flags: CONTROLLER_MANAGER_FLAGS,
      securePort: 10257,
      insecurePort: 10252,
      leaseName: 'kube-controller-manager',
      configure,
      lead: (ctx) => runControllers(ctx),
    },
    argv,
    version,
  );
}
