// kube-scheduler double: the flags kubeadm's manifests give it at every release the lab carries
// (and KubeSchedulerConfiguration through --config), /healthz on the secure port 10259 (and the
// insecure 10251 of the old releases), leader election on the Lease kube-system/kube-scheduler,
// and, while leader, binds each pending pod to a fitting node through pods/binding.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { FlagError, type ParsedFlags } from '../common/flags.js';
import { parseVersion } from '../common/versions.js';
import { COMPONENT_FLAGS, leaderTimings, parseGoDuration, runComponent, type FlagDef, type LeaderTimings } from '../controller-manager/component.js';
import { runScheduler } from './scheduler.js';

const S = (name: string, extra: Omit<FlagDef, 'name'> = {}): FlagDef => ({ name, ...extra });

export const SCHEDULER_FLAGS: FlagDef[] = [
  ...COMPONENT_FLAGS,
  S('config'),
  S('write-config-to'),
  S('algorithm-provider', { until: '1.23' }),
  S('policy-config-file', { until: '1.23' }),
  S('policy-configmap', { until: '1.23' }),
  S('policy-configmap-namespace', { until: '1.23' }),
  S('use-legacy-policy-config', { bool: true, until: '1.23' }),
  S('scheduler-name', { until: '1.23' }),
  S('hard-pod-affinity-symmetric-weight', { until: '1.23' }),
  S('lock-object-name', { until: '1.24' }),
  S('lock-object-namespace', { until: '1.24' }),
  S('pod-max-in-unschedulable-pods-duration', { since: '1.22' }),
];

/** KubeSchedulerConfiguration API versions and the releases that read them. */
const CONFIG_VERSIONS: Record<string, [string, string | undefined]> = {
  'kubescheduler.config.k8s.io/v1alpha1': ['1.12', '1.19'],
  'kubescheduler.config.k8s.io/v1alpha2': ['1.18', '1.19'],
  'kubescheduler.config.k8s.io/v1beta1': ['1.19', '1.22'],
  'kubescheduler.config.k8s.io/v1beta2': ['1.22', '1.26'],
  'kubescheduler.config.k8s.io/v1beta3': ['1.23', '1.29'],
  'kubescheduler.config.k8s.io/v1': ['1.25', undefined],
};

function minorNum(v: string): number {
  const [a, b] = v.split('.').map(Number);
  return (a ?? 0) * 1000 + (b ?? 0);
}

interface SchedulerConfigFile {
  apiVersion?: string;
  kind?: string;
  clientConnection?: { kubeconfig?: string };
  leaderElection?: { leaderElect?: boolean; leaseDuration?: string; renewDeadline?: string; retryPeriod?: string; resourceName?: string; resourceNamespace?: string; resourceLock?: string };
}

/** Reads --config as the real scheduler does: an unknown apiVersion is refused with the scheme's message. */
async function readConfigFile(file: string, version: string): Promise<SchedulerConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FlagError(`open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new FlagError(`couldn't decode as KubeSchedulerConfiguration: ${e instanceof Error ? e.message : String(e)}`);
  }
  const cfg = (doc ?? {}) as SchedulerConfigFile;
  const sv = parseVersion(version);
  const here = sv ? sv.major * 1000 + sv.minor : Infinity;
  const span = cfg.apiVersion ? CONFIG_VERSIONS[cfg.apiVersion] : undefined;
  if (cfg.kind !== 'KubeSchedulerConfiguration' || !span || here < minorNum(span[0]) || (span[1] && here >= minorNum(span[1]))) {
    throw new FlagError(`no kind "${cfg.kind ?? ''}" is registered for version "${cfg.apiVersion ?? ''}" in scheme "k8s.io/kubernetes/pkg/scheduler/apis/config/scheme/scheme.go:30"`);
  }
  return cfg;
}

function configDuration(v: string | undefined, field: string, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = parseGoDuration(v);
  if (ms === null) throw new FlagError(`leaderElection.${field}: invalid duration "${v}"`);
  return ms;
}

async function configure(flags: ParsedFlags, version: string) {
  const file = flags.flags.get('config');
  if (!file) {
    return {
      kubeconfig: flags.flags.get('kubeconfig'),
      leaderElect: flags.flags.get('leader-elect') !== 'false',
      timings: leaderTimings(flags),
      resourceName: flags.flags.get('leader-elect-resource-name') ?? flags.flags.get('lock-object-name'),
      resourceNamespace: flags.flags.get('leader-elect-resource-namespace') ?? flags.flags.get('lock-object-namespace'),
    };
  }
  // with --config the file decides; the deprecated flags (--kubeconfig, --leader-elect-*) are ignored as the real one does
  const cfg = await readConfigFile(file, version);
  const le = cfg.leaderElection ?? {};
  const timings: LeaderTimings = {
    leaseDurationMs: configDuration(le.leaseDuration, 'leaseDuration', 15000),
    renewDeadlineMs: configDuration(le.renewDeadline, 'renewDeadline', 10000),
    retryPeriodMs: configDuration(le.retryPeriod, 'retryPeriod', 2000),
  };
  if (timings.leaseDurationMs <= timings.renewDeadlineMs) throw new FlagError('leaseDuration must be greater than renewDeadline');
  if (timings.renewDeadlineMs <= 1.2 * timings.retryPeriodMs) throw new FlagError('renewDeadline must be greater than retryPeriod*JitterFactor');
  return {
    kubeconfig: cfg.clientConnection?.kubeconfig,
    leaderElect: le.leaderElect !== false,
    timings,
    resourceName: le.resourceName,
    resourceNamespace: le.resourceNamespace,
  };
}

export function main(argv: string[], version: string): Promise<number> {
  return runComponent(
    {
      prog: 'kube-scheduler',
      flags: SCHEDULER_FLAGS,
      securePort: 10259,
      insecurePort: 10251,
      leaseName: 'kube-scheduler',
      configure,
      lead: (ctx) => runScheduler(ctx),
    },
    argv,
    version,
  );
}
