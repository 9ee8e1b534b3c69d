// Start-up refusals of the real kubelet that the lab must reproduce: swap on with failSwapOn, and
// a cgroup driver that differs from the container runtime's (seed 003).
import { readFile } from 'node:fs/promises';
import { compareVersions, parseVersion, type SemVer } from '../common/versions.js';
import type { ParsedFlags } from '../common/flags.js';
import { labDir } from '../common/labdir.js';

/** The refusal text, or null when swap is off (only the header line in /proc/swaps). */
export async function swapRefusal(failSwapOn: boolean, version: SemVer): Promise<string | null> {
  if (!failSwapOn) return null;
  // the real kubelet treats an unreadable /proc/swaps as no swap; lab hosts have their own copy
  // (lib/lab/kernel), changed by the swapon/swapoff doubles
  const text = await readFile('/proc/swaps', 'utf8').catch(() => '');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length <= 1) return null;
  // pkg/kubelet/cm/container_manager_linux.go; the wording changed when swap support arrived (1.22)
  if (compareVersions(version, parseVersion('1.22.0')!) < 0) {
    return `running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [${lines.join(' ')}]`;
  }
  return `running with swap on is not supported, please disable swap or set --fail-swap-on flag to false`;
}

export interface RuntimeDriver {
  /** `docker` or `containerd` */
  runtime: string;
  driver: string;
  /** where the driver was read */
  source: string;
}

/**
 * The container runtime's cgroup driver from its own configuration: containerd's
 * /etc/containerd/config.toml (`SystemdCgroup = true` → systemd; absent → cgroupfs, containerd's
 * default), dockerd's /etc/docker/daemon.json (`exec-opts: ["native.cgroupdriver=systemd"]`;
 * absent → cgroupfs). null when the runtime's configuration file does not exist (the lab has no
 * runtime installed: nothing to compare).
 */
export async function runtimeCgroupDriver(flags: ParsedFlags, version: SemVer, root = ''): Promise<RuntimeDriver | null> {
  const endpoint = flags.flags.get('container-runtime-endpoint') ?? '';
  const legacyRuntime = flags.flags.get('container-runtime') ?? 'docker';
  const dockershim = compareVersions(version, parseVersion('1.24.0')!) < 0 && legacyRuntime === 'docker' && !/containerd|crio/.test(endpoint);
  if (dockershim) {
    const file = `${root}/etc/docker/daemon.json`;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    let driver = 'cgroupfs';
    try {
      const opts = (JSON.parse(text) as { 'exec-opts'?: unknown })['exec-opts'];
      if (Array.isArray(opts)) {
        for (const o of opts) {
          const m = /^native\.cgroupdriver=(\w+)$/.exec(String(o));
          if (m) driver = m[1]!;
        }
      }
    } catch {
      return null; // dockerd itself would not start with a broken daemon.json
    }
    return { runtime: 'docker', driver, source: file };
  }
  if (/crio/.test(endpoint)) return null;
  const file = `${root}/etc/containerd/config.toml`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const m = /^\s*SystemdCgroup\s*=\s*(true|false)\s*$/m.exec(text.replace(/#.*$/gm, ''));
  return { runtime: 'containerd', driver: m?.[1] === 'true' ? 'systemd' : 'cgroupfs', source: file };
}

export function cgroupRefusal(kubeletDriver: string, rt: RuntimeDriver | null): string | null {
  if (!rt || rt.driver === kubeletDriver) return null;
  return `misconfiguration: kubelet cgroup driver: "${kubeletDriver}" is different from ${rt.runtime} cgroup driver: "${rt.driver}"`;
}

/**
 * Lab fault switch (README "Test doubles", kubelet): a kubelet whose version is listed, one per
 * line, in `/etc/tsplay-lab/kubelet-refuses` (or `$TSPLAY_LAB_PROC_DIR/kubelet-refuses`) refuses
 * to start, as a real kubelet does when an upgrade meets a flag or setting it no longer accepts
 * (seed 004's 1.16.3 → 1.17.7 kubelet). Lets tests fail exactly the upgraded kubelet while the
 * previous one still starts. Lab-only; roles never write it.
 */
export async function labFaultRefusal(version: SemVer): Promise<string | null> {
  const dir = labDir();
  let text: string | null = null;
  try {
    text = await readFile(`${dir}/kubelet-refuses`, 'utf8');
  } catch {
    return null;
  }
  const listed = text.split('\n').map((l) => parseVersion(l.trim())).filter((v): v is SemVer => v !== null);
  if (!listed.some((v) => compareVersions(v, version) === 0)) return null;
  return `failed to run Kubelet: lab fault switch: ${dir}/kubelet-refuses lists v${version.major}.${version.minor}.${version.patch}`;
}
