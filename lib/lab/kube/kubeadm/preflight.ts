// kubeadm's preflight checks (cmd/kubeadm/app/preflight/checks.go): the names and messages of the
// real checks, warnings printed as `\t[WARNING Name]: msg`, errors gathered into one preflight
// error (exit code 2) unless --ignore-preflight-errors names them (case-insensitive, or `all`).
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import { listenHost } from '../common/labnet.js';
import { compareVersions, gitVersion, parseVersion, type SemVer } from '../common/versions.js';
import { EXIT_PREFLIGHT, EXIT_VALIDATION, KubeadmError } from './errors.js';
import { cpuCount, memoryMB, readProc } from './labproc.js';
import type { Out } from './output.js';
import { systemctl } from './kubelet.js';

export interface CheckResult {
  warnings: string[];
  errors: string[];
}

export interface Check {
  name: string;
  run(): Promise<CheckResult>;
}

const ok = (): CheckResult => ({ warnings: [], errors: [] });
const fail = (msg: string): CheckResult => ({ warnings: [], errors: [msg] });
const warn = (msg: string): CheckResult => ({ warnings: [msg], errors: [] });

/** `FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml` */
export function pathCheckName(prefix: string, path: string): string {
  return `${prefix}-${path.replace(/\//g, '-')}`;
}

export function fileAvailable(path: string): Check {
  return {
    name: pathCheckName('FileAvailable', path),
    async run() {
      return (await stat(path).then(() => true, () => false)) ? fail(`${path} already exists`) : ok();
    },
  };
}

export function dirAvailable(path: string): Check {
  return {
    name: pathCheckName('DirAvailable', path),
    async run() {
      const entries = await readdir(path).catch(() => [] as string[]);
      return entries.length > 0 ? fail(`${path} is not empty`) : ok();
    },
  };
}

export function fileContent(path: string, want: string): Check {
  return {
    name: pathCheckName('FileContent', path),
    async run() {
      const text = await readProc(path);
      if (text === null) return fail(`${path} does not exist`);
      return text.trim() === want ? ok() : fail(`${path} contents are not set to ${want}`);
    },
  };
}

/**
 * Port-N: binds `:N` (every address) as the real check does; on a lab host that means the host's
 * own address (common/labnet.ts).
 */
export function portOpen(port: number): Check {
  return {
    name: `Port-${port}`,
    run: () =>
      new Promise((resolve) => {
        const s = net.createServer();
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? fail(`Port ${port} is in use`) : ok()));
        s.listen({ port, host: listenHost(undefined), exclusive: true }, () => s.close(() => resolve(ok())));
      }),
  };
}

export const isPrivilegedUser: Check = {
  name: 'IsPrivilegedUser',
  async run() {
    return process.getuid?.() === 0 ? ok() : fail('user is not running as root');
  },
};

export function numCPU(required: number): Check {
  return {
    name: 'NumCPU',
    async run() {
      const n = await cpuCount();
      return n < required ? fail(`the number of available CPUs ${n} is less than the required ${required}`) : ok();
    },
  };
}

export function mem(requiredMB: number): Check {
  return {
    name: 'Mem',
    async run() {
      const m = await memoryMB();
      return m < requiredMB ? fail(`the system RAM (${m} MB) is less than the minimum ${requiredMB} MB`) : ok();
    },
  };
}

export const swap: Check = {
  name: 'Swap',
  async run() {
    const text = (await readProc('/proc/swaps')) ?? '';
    const lines = text.split('\n').filter((l) => l.trim());
    return lines.length > 1 ? fail('running with swap on is not supported. Please disable swap') : ok();
  },
};

export const serviceKubelet: Check = {
  name: 'Service-Kubelet',
  async run() {
    const r = await systemctl(['is-enabled', 'kubelet']);
    return r.rc === 0 ? ok() : warn("kubelet service is not enabled, please run 'systemctl enable kubelet.service'");
  },
};

function kubeletVersionOutput(): Promise<string | null> {
  return new Promise((resolve) => execFile('kubelet', ['--version'], (err, stdout) => resolve(err ? null : String(stdout).trim())));
}

/** KubeletVersion: the kubelet may not be newer than the control plane, nor older than kubeadm's minimum. */
export function kubeletVersion(controlPlane: SemVer, kubeadm: SemVer): Check {
  return {
    name: 'KubeletVersion',
    async run() {
      const outText = await kubeletVersionOutput();
      if (outText === null) return fail(`couldn't get kubelet version: cannot execute 'kubelet --version': exec: "kubelet": executable file not found in $PATH`);
      const m = /^Kubernetes (v\S+)$/.exec(outText);
      const kv = m ? parseVersion(m[1]!) : null;
      if (!kv) return fail(`couldn't get kubelet version: Couldn't parse kubelet version ${JSON.stringify(outText)}`);
      const min: SemVer = { major: kubeadm.major, minor: kubeadm.minor - 1, patch: 0, pre: '' };
      if (compareVersions(kv, min) < 0) return fail(`Kubelet version "${gitVersion(kv)}" is lower than kubeadm can support. Please upgrade kubelet`);
      if (kv.minor > controlPlane.minor) {
        return fail(`the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "${gitVersion(kv)}" Control plane version: "${gitVersion(controlPlane)}"`);
      }
      return ok();
    },
  };
}

/** The names given to --ignore-preflight-errors (comma lists, repeated flags, config), lower-cased; `all` alone. */
export function ignoreSet(values: string[]): Set<string> {
  const set = new Set<string>();
  for (const v of values) for (const n of v.split(',')) if (n.trim()) set.add(n.trim().toLowerCase());
  if (set.has('all') && set.size > 1) {
    throw new KubeadmError(`ignorePreflightErrors: Invalid value: "${[...set].join(',')}": don't specify individual checks if 'all' is used`, EXIT_VALIDATION);
  }
  return set;
}

/** Runs the checks in order; ignored errors become warnings; the rest fail with kubeadm's text. */
export async function runChecks(checks: Check[], ignore: Set<string>, out: Out): Promise<void> {
  const errors: string[] = [];
  for (const c of checks) {
    const r = await c.run();
    for (const w of r.warnings) out.err(`\t[WARNING ${c.name}]: ${w}`);
    for (const e of r.errors) {
      if (ignore.has('all') || ignore.has(c.name.toLowerCase())) out.err(`\t[WARNING ${c.name}]: ${e}`);
      else errors.push(`\t[ERROR ${c.name}]: ${e}\n`);
    }
  }
  if (errors.length > 0) {
    throw new KubeadmError(
      `[preflight] Some fatal errors occurred:\n${errors.join('')}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\``,
      EXIT_PREFLIGHT,
    );
  }
}

export interface RoleChecks {
  kubeadm: SemVer;
  controlPlane: SemVer;
  address: string;
  bindPort: number;
  manifestsDir: string;
  /** stacked etcd data dir when etcd is local */
  etcdDataDir?: string;
  isControlPlane: boolean;
  isJoin: boolean;
  caCertPath?: string;
}

/** The checks of init / join for this release and role, in kubeadm's order. */
export function checksFor(r: RoleChecks): Check[] {
  const m = r.kubeadm.minor;
  const list: Check[] = [];
  if (r.isControlPlane) {
    list.push(numCPU(2));
    if (m >= 19) list.push(mem(1700));
  }
  list.push(serviceKubelet);
  if (r.isControlPlane) {
    list.push(portOpen(r.bindPort));
    list.push(portOpen(m >= 20 ? 10259 : 10251));
    list.push(portOpen(m >= 20 ? 10257 : 10252));
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) list.push(fileAvailable(`${r.manifestsDir}/${c}.yaml`));
  }
  if (r.isJoin) {
    // a worker's manifests folder must be empty up to 1.22; kubeadm 1.23 dropped that check
    // (kubernetes#104942), so the -1.1 kubelet package's manifests/.kubelet-keep does not stop a join
    if (!r.isControlPlane && m < 23) list.push(dirAvailable(r.manifestsDir));
    list.push(fileAvailable('/etc/kubernetes/kubelet.conf'));
    list.push(fileAvailable('/etc/kubernetes/bootstrap-kubelet.conf'));
  }
  if (m < 30) list.push(fileContent('/proc/sys/net/bridge/bridge-nf-call-iptables', '1'));
  list.push(fileContent('/proc/sys/net/ipv4/ip_forward', '1'));
  list.push(swap);
  list.push(kubeletVersion(r.controlPlane, r.kubeadm));
  list.push(portOpen(10250));
  if (r.isControlPlane && r.etcdDataDir) {
    list.push(portOpen(2379));
    list.push(portOpen(2380));
    list.push(dirAvailable(r.etcdDataDir));
  }
  if (r.isJoin && !r.isControlPlane && r.caCertPath) list.push(fileAvailable(r.caCertPath));
  return list;
}

/** `[preflight] Running pre-flight checks`, IsPrivilegedUser alone first, then the role's checks. */
export async function preflight(r: RoleChecks, ignoreValues: string[], out: Out): Promise<void> {
  const ignore = ignoreSet(ignoreValues);
  out.out('[preflight] Running pre-flight checks');
  await runChecks([isPrivilegedUser], ignore, out);
  await runChecks(checksFor(r), ignore, out);
}
