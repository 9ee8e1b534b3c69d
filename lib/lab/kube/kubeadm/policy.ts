// kubeadm's upgrade version policy (cmd/kubeadm/app/phases/upgrade/policy.go
// EnforceVersionPolicies) as a pure function: mandatory errors no flag can bypass, and skippable
// ones that --force (or UpgradeConfiguration apply.forceUpgrade) turns into a notice.
import { compareVersions, gitVersion, parseVersion, type SemVer } from '../common/versions.js';

export const MAX_MINOR_UPGRADE_SKEW = 1;
export const MAX_MINOR_DOWNGRADE_SKEW = 1;
export const MAX_MINOR_KUBELET_SKEW = 1;

export interface PolicyInput {
  /** what GET /version says */
  clusterVersion: string;
  kubeadmVersion: string;
  newVersion: string;
  /** status.nodeInfo.kubeletVersion of each node */
  kubeletVersions: string[];
  allowExperimental: boolean;
  allowRC: boolean;
}

export interface PolicyResult {
  mandatory: string[];
  skippable: string[];
}

/** The oldest control plane this kubeadm deploys or upgrades from: one minor below its own. */
export function minimumControlPlaneVersion(kubeadm: SemVer): SemVer {
  return { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0, pre: '' };
}

export function enforceVersionPolicies(input: PolicyInput): PolicyResult {
  const res: PolicyResult = { mandatory: [], skippable: [] };
  const cluster = parseVersion(input.clusterVersion);
  const kubeadm = parseVersion(input.kubeadmVersion);
  const target = parseVersion(input.newVersion);
  if (!cluster || !kubeadm || !target) {
    res.mandatory.push(`couldn't parse version "${!cluster ? input.clusterVersion : !kubeadm ? input.kubeadmVersion : input.newVersion}"`);
    return res;
  }
  const nv = input.newVersion.startsWith('v') ? input.newVersion : `v${input.newVersion}`;
  const min = minimumControlPlaneVersion(kubeadm);
  // MinimumControlPlaneVersion.AtLeast(new): the minimum itself is refused too
  if (compareVersions(target, min) <= 0) {
    res.mandatory.push(`Specified version to upgrade to "${nv}" is equal to or lower than the minimum supported version "${gitVersion(min)}". Please specify a higher version to upgrade to`);
  }
  if (target.major === cluster.major && target.minor > cluster.minor + MAX_MINOR_UPGRADE_SKEW) {
    res.mandatory.push(`Specified version to upgrade to "${nv}" is too high; kubeadm can upgrade only ${MAX_MINOR_UPGRADE_SKEW} minor version at a time`);
  }
  if (target.major === cluster.major && target.minor < cluster.minor - MAX_MINOR_DOWNGRADE_SKEW) {
    res.mandatory.push(`Specified version to downgrade to "${nv}" is too low; kubeadm can downgrade only ${MAX_MINOR_DOWNGRADE_SKEW} minor version at a time`);
  }
  if (target.minor > kubeadm.minor) {
    res.mandatory.push(`Specified version to upgrade to "${nv}" is at least one minor release higher than the kubeadm minor release (${target.minor} > ${kubeadm.minor}). Such an upgrade is not supported`);
  } else if (target.minor === kubeadm.minor && compareVersions(target, kubeadm) > 0) {
    res.skippable.push(`Specified version to upgrade to "${nv}" is higher than the kubeadm version "${gitVersion(kubeadm)}". Upgrade kubeadm first using the tool you used to install kubeadm`);
  }
  if (kubeadm.minor > target.minor) {
    res.skippable.push(`Kubeadm version ${gitVersion(kubeadm)} can only be used to upgrade to Kubernetes version ${kubeadm.major}.${kubeadm.minor}`);
  }
  if (target.pre) {
    const rc = /^-rc\./.test(target.pre);
    if (!(rc && (input.allowRC || input.allowExperimental)) && !(!rc && input.allowExperimental)) {
      res.skippable.push(`Specified version to upgrade to "${nv}" is an unstable version and such upgrades weren't allowed via setting the --allow-*-upgrades flags`);
    }
  }
  const tooOld = new Set<string>();
  for (const k of input.kubeletVersions) {
    const kv = parseVersion(k);
    if (!kv) {
      res.skippable.push(`Unable to fetch kubelet version: couldn't parse kubelet version "${k}"`);
      continue;
    }
    if (kv.minor < target.minor - MAX_MINOR_KUBELET_SKEW) tooOld.add(k);
  }
  if (tooOld.size > 0) res.skippable.push(`There are kubelets in this cluster that are too old that have these versions [${[...tooOld].join(' ')}]`);
  return res;
}

/** The text kubeadm prints for the policy's outcome; null when nothing blocks the upgrade. */
export function policyFailure(res: PolicyResult, force: boolean): { error?: string; notice?: string } {
  if (res.mandatory.length > 0) {
    return {
      error: `the --version argument is invalid due to these fatal errors:\n\n${res.mandatory.map((e) => `\t- ${e}\n`).join('')}\nPlease fix the misalignments highlighted above and try upgrading again`,
    };
  }
  if (res.skippable.length > 0) {
    if (force) return { notice: `[upgrade/version] Found ${res.skippable.length} potential version compatibility errors but skipping since the --force flag is set: \n\n${res.skippable.map((e) => `\t- ${e}\n`).join('')}` };
    return { error: `the --version argument is invalid due to these errors:\n\n${res.skippable.map((e) => `\t- ${e}\n`).join('')}\nCan be bypassed if you pass the --force flag` };
  }
  return {};
}
