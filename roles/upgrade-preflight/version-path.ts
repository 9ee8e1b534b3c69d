// The version path guard's decision (issue 13): from the API server's version, every node's kubelet
// version and which nodes this run upgrades, whether a target is one step kubeadm and the version
// skew policy allow (FACTS §6.4, §7), and if not, the path to take. Pure: the module that reads the
// cluster (guard.ts) and the unit tests share it.

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseKubeVersion(text: string): Version | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : null;
}

export const show = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;

export function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export interface NodeState {
  name: string;
  kubeletVersion: string;
  /** the Ready condition's status: 'True', 'False', 'Unknown', or '' when absent */
  ready: string;
  controlPlane: boolean;
  /** control-plane nodes in the run: 'ok' when its own API server answered /healthz, else what the probe got; absent when not probed */
  apiServer?: string;
}

export interface GuardInput {
  target: Version;
  apiServer: Version;
  nodes: NodeState[];
  /** node names this run upgrades (the play's hosts after --limit) */
  inRun: string[];
  /** node names of inventory hosts in kube_control_plane, whether or not in the run */
  controlPlane: string[];
  /** versions the package repository offers (to name each step), e.g. ['1.17.7', '1.18.5'] */
  available: string[];
  /** how many minors a kubelet may lag the API server (skew policy: 2 before 1.25, 3 since) */
  maxKubeletSkew: number;
}

export interface Verdict {
  ok: boolean;
  /** why not, each a sentence naming hosts and versions */
  problems: string[];
  /** the steps to take, e.g. ['1.16.3', '1.17.7', '1.18.5'] (only when the target is too far) */
  path: string[];
  /** one line per node: what this run does to it */
  plan: string[];
}

/** The highest offered patch of each minor between `from` and `to` (exclusive), then `to`. */
export function versionPath(from: Version, to: Version, available: string[]): string[] {
  const offered = available.map(parseKubeVersion).filter((v): v is Version => v !== null);
  const steps = [show(from)];
  for (let minor = from.minor + 1; minor < to.minor; minor++) {
    const best = offered.filter((v) => v.major === to.major && v.minor === minor).sort(compare).pop();
    steps.push(best ? show(best) : `${to.major}.${minor}.x`);
  }
  steps.push(show(to));
  return steps;
}

export function defaultKubeletSkew(target: Version): number {
  return target.major === 1 && target.minor < 25 ? 2 : 3;
}

export function judge(input: GuardInput): Verdict {
  const { target, apiServer } = input;
  const problems: string[] = [];
  let path: string[] = [];
  const inRun = new Set(input.inRun);
  const byName = new Map(input.nodes.map((n) => [n.name, n]));
  const kubelet = (n: NodeState): Version | null => parseKubeVersion(n.kubeletVersion);

  if (target.major !== apiServer.major) {
    problems.push(`kube_version ${show(target)} is not in the cluster's major version (API server v${show(apiServer)})`);
  } else if (compare(target, apiServer) < 0) {
    problems.push(`kube_version ${show(target)} is below the cluster's version (API server v${show(apiServer)}); upgrade-cluster does not downgrade`);
  } else if (target.minor > apiServer.minor + 1) {
    path = versionPath(apiServer, target, input.available);
    problems.push(
      `kube_version ${show(target)} is ${target.minor - apiServer.minor} minor versions ahead of the cluster (API server v${show(apiServer)}); ` +
        `kubeadm upgrades one minor version at a time. Take the path ${path.join(' → ')}, one run per step (first -e kube_version=${path[1]})`,
    );
  }

  // which of the run's hosts are nodes the API knows
  for (const name of input.inRun) {
    if (!byName.has(name)) problems.push(`${name} is in the run but not a node of the cluster (kubectl get nodes does not list it); add it with scale.ts or cluster.ts first, or leave it out with --limit`);
  }
  // a control-plane node that is down would stop the run halfway
  for (const name of input.controlPlane) {
    const n = byName.get(name);
    if (n && inRun.has(name) && n.ready !== 'True') {
      problems.push(`control-plane node ${name} is not Ready (Ready=${n.ready || 'absent'}); bring it back first (kubelet, API server) or leave it out with --limit`);
    } else if (n && inRun.has(name) && n.apiServer !== undefined && n.apiServer !== 'ok') {
      problems.push(`control-plane node ${name}: its API server does not answer /healthz (${n.apiServer}); bring it back first (kubelet, static pods) or leave it out with --limit`);
    }
  }

  const cpInRun = input.controlPlane.some((n) => inRun.has(n));
  // the API server's version once this run is over: the target when the run upgrades the control plane
  const apiAfter = cpInRun && problems.length === 0 ? target : apiServer;
  const plan: string[] = [];
  for (const n of input.nodes) {
    const now = kubelet(n);
    if (!now) {
      problems.push(`node ${n.name} reports no readable kubelet version ('${n.kubeletVersion}')`);
      continue;
    }
    const cp = input.controlPlane.includes(n.name);
    if (inRun.has(n.name)) {
      if (compare(now, target) > 0) {
        problems.push(`node ${n.name} already runs kubelet v${show(now)}, newer than kube_version ${show(target)}; upgrade-cluster does not downgrade`);
      } else if (now.major === target.major && target.minor > now.minor + 1) {
        const steps = versionPath(now, target, input.available);
        problems.push(`node ${n.name} runs kubelet v${show(now)}, ${target.minor - now.minor} minor versions behind kube_version ${show(target)}; upgrade it one minor at a time: ${steps.join(' → ')}`);
      } else if (!cp && target.minor > apiAfter.minor) {
        problems.push(
          `node ${n.name} would get kubelet v${show(target)}, newer than the API server (v${show(apiAfter)}): the version skew policy forbids a kubelet newer than kube-apiserver. ` +
            `Upgrade the control plane first (--limit ${input.controlPlane.join(',')})`,
        );
      }
      const at = compare(now, target) === 0;
      plan.push(`${n.name}: ${at ? `kubelet v${show(now)} already at the target` : `v${show(now)} → v${show(target)}`}${cp ? ' (control plane)' : ''}`);
    } else {
      if (now.major === apiAfter.major && apiAfter.minor - now.minor > input.maxKubeletSkew) {
        problems.push(
          `node ${n.name} (kubelet v${show(now)}, not in this run) would be ${apiAfter.minor - now.minor} minor versions behind the API server v${show(apiAfter)}; ` +
            `the version skew policy allows ${input.maxKubeletSkew}. Upgrade it first, or include it in the run`,
        );
      }
      if (now.major === apiAfter.major && now.minor > apiAfter.minor) {
        problems.push(`node ${n.name} (kubelet v${show(now)}, not in this run) is newer than the API server v${show(apiAfter)}`);
      }
    }
  }
  return { ok: problems.length === 0, problems, path, plan };
}
