// Installs the kubelet double on a lab host the way its package does (k-pkg's .deb replaces this
// later): the esbuild bundle under /usr/lib/kubelet-double, a launcher /usr/bin/kubelet that runs it
// with /usr/bin/node at one version, the real unit /lib/systemd/system/kubelet.service and the
// kubeadm drop-in /etc/systemd/system/kubelet.service.d/10-kubeadm.conf.
import { readFile } from 'node:fs/promises';
import type { ExecResult } from '../../../lib/connection/types.js';
import type { LabHostSpec, LabState } from '../../../lib/lab/index.js';
import { bundleProgram, VERSION_ENV } from '../../../lib/lab/kube/packages/bundle.js';
import { KUBEADM_DROP_IN, kubeletUnit } from '../../../lib/lab/kube/packages/units.js';
import { useKube, type KubeFixture } from '../../helpers/kube.js';
import { labSsh, useLab } from '../../helpers/lab.js';

export const BUNDLE_ON_HOST = '/usr/lib/kubelet-double/kubelet.mjs';

/** the unit and the kubeadm drop-in the real -1.1 packages ship (the packages' own copies) */
export const KUBELET_UNIT = kubeletUnit('new');
export const KUBEADM_DROPIN = KUBEADM_DROP_IN;

/** Runs a command on a host and fails with its output when it exits non-zero. */
export async function sh(state: LabState, host: string, command: string, input?: string): Promise<ExecResult> {
  const r = await labSsh(state, host, command, input === undefined ? {} : { input });
  if (r.rc !== 0) throw new Error(`${host}: '${command}' exited ${r.rc}:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Writes a file on the host (creating its directory). */
export async function put(state: LabState, host: string, path: string, content: string, mode = '0644'): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  await sh(state, host, `mkdir -p '${dir}' && cat > '${path}' && chmod ${mode} '${path}'`, content);
}

export async function installKubelet(state: LabState, host: string, version: string): Promise<void> {
  const bundle = await readFile(await bundleProgram('kubelet'), 'utf8');
  await put(state, host, BUNDLE_ON_HOST, bundle);
  await put(state, host, '/usr/bin/kubelet', `#!/bin/sh\n${VERSION_ENV}=${version} exec /usr/bin/node ${BUNDLE_ON_HOST} "$@"\n`, '0755');
  await put(state, host, '/lib/systemd/system/kubelet.service', KUBELET_UNIT);
  await put(state, host, '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', KUBEADM_DROPIN);
}

/**
 * Runs the installed bundle at `version` with `args` on the host; never throws. `env` is extra
 * `NAME=value` words; `seconds` ends it with SIGTERM after that long (for runs that start fine).
 */
export function runKubelet(state: LabState, host: string, version: string, args: string, opts: { env?: string; seconds?: number } = {}): Promise<ExecResult> {
  return labSsh(state, host, `env ${opts.env ?? ''} ${VERSION_ENV}=${version} timeout -s TERM ${opts.seconds ?? 20} /usr/bin/node ${BUNDLE_ON_HOST} ${args}`);
}

/** Polls `check` every 500 ms until it returns a value, or fails after `ms` with the last value seen. */
export async function eventually<T>(what: string, ms: number, check: () => Promise<T | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * An API server double over real etcd and lab hosts for kubelets, for one describe(). The
 * kubelets are stopped first at the end (this after() is registered before the fixtures'), while
 * their API server still answers, so nothing is left retrying.
 */
export function useKubeletCluster(tag: string, subnet: string, version: string, hosts: LabHostSpec[]): { kube: () => KubeFixture; lab: () => LabState } {
  let lab: (() => LabState) | undefined;
  after(async function () {
    this.timeout(30000);
    for (const h of hosts) await Promise.resolve().then(() => labSsh(lab!(), h.name, 'systemctl stop kubelet')).catch(() => undefined);
  });
  const kube = useKube({ subnet, version });
  lab = useLab(tag, hosts);
  return { kube, lab };
}
