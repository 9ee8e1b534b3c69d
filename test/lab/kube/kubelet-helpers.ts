// Installs the kubelet double on a lab host the way its package does (k-pkg's .deb replaces this
// later): the esbuild bundle under /usr/lib/kubelet-double, a launcher /usr/bin/kubelet that runs it
// with /usr/bin/node at one version, the real unit /lib/systemd/system/kubelet.service and the
// kubeadm drop-in /etc/systemd/system/kubelet.service.d/10-kubeadm.conf.
import { readFile } from 'node:fs/promises';
import type { ExecResult } from '../../../lib/connection/types.js';
import type { LabState } from '../../../lib/lab/index.js';
import { bundleProgram, VERSION_ENV } from '../../../lib/lab/kube/packages/bundle.js';
import { labSsh } from '../../helpers/lab.js';

export const BUNDLE_ON_HOST = '/usr/lib/kubelet-double/kubelet.mjs';

/** kubernetes/release: cmd/krel/templates/latest/kubelet/kubelet.service */
export const KUBELET_UNIT = `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/home/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

/** kubernetes/release: cmd/krel/templates/latest/kubeadm/10-kubeadm.conf */
export const KUBEADM_DROPIN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

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
