// Puts the kubeadm double on a lab host until the packages of the lab's apt repository carry it:
// the esbuild bundle of lib/lab/kube/kubeadm/main.ts at /usr/lib/kubeadm-double/kubeadm.mjs and
// a launcher /usr/bin/kubeadm that runs it with /usr/bin/node at the given version. Also a
// stand-in `kubelet --version` for the KubeletVersion preflight check, and the node's kernel
// settings made with the real commands (on a lab host they change its own copies: lib/lab/kernel).
import { readFile } from 'node:fs/promises';
import type { LabState } from '../../../lib/lab/index.js';
import { bundleProgram } from '../../../lib/lab/kube/packages/bundle.js';
import { labSsh } from '../../helpers/lab.js';

export async function installKubeadm(state: LabState, host: string, version: string, opts: { kubelet?: string } = {}): Promise<void> {
  const bundle = await readFile(await bundleProgram('kubeadm'), 'utf8');
  const put = await labSsh(state, host, 'mkdir -p /usr/lib/kubeadm-double && cat > /usr/lib/kubeadm-double/kubeadm.mjs', { input: bundle });
  if (put.rc !== 0) throw new Error(`cannot copy the kubeadm bundle to ${host}: ${put.stderr}`);
  const launcher = `#!/bin/sh\nTSPLAY_KUBE_VERSION=${version} exec /usr/bin/node /usr/lib/kubeadm-double/kubeadm.mjs "$@"\n`;
  const kubelet = `#!/bin/sh\n[ "$1" = "--version" ] && echo "Kubernetes v${opts.kubelet ?? version}" && exit 0\nexit 1\n`;
  const script = [
    `printf '%s' '${launcher.replace(/'/g, "'\\''")}' > /usr/bin/kubeadm && chmod 755 /usr/bin/kubeadm`,
    `[ -e /usr/bin/kubelet ] || { printf '%s' '${kubelet.replace(/'/g, "'\\''")}' > /usr/bin/kubelet && chmod 755 /usr/bin/kubelet; }`,
    'swapoff -a',
    'modprobe br_netfilter',
    'sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1',
  ].join(' && ');
  const r = await labSsh(state, host, script);
  if (r.rc !== 0) throw new Error(`cannot install the kubeadm launcher on ${host}: ${r.stderr}`);
}
