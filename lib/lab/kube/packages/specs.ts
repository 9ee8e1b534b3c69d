// What each lab package holds, per release: the real packages' paths, unit files and control
// fields (units.ts), with the doubles' bundles and launchers in place of the Go binaries.
// Dependencies the real packages declare but this repository cannot satisfy offline are left out
// (the lab hosts see only the machine's installed Debian packages plus this repository):
// - old `-00`: kubelet's iptables, socat, ebtables, ethtool, conntrack, kubernetes-cni; kubeadm's
//   kubernetes-cni and cri-tools.
// - new `-1.1`: kubelet's kubernetes-cni (and its Recommends: iptables).
// The doubles run with the machine's /usr/bin/node, which no package declares either.
import type { KubeRelease } from '../common/versions.js';
import type { DebSpec } from './deb.js';
import { KUBEADM_DROP_IN, KUBELET_DEFAULTS, kubeadmDropInPath, kubeletUnit, kubeletUnitPath, namingOf } from './units.js';
import { VERSION_ENV } from './bundle.js';

/** The bundles and binaries the packages are made of (paths on this machine). */
export interface PackageInputs {
  kubeadm: string;
  kubelet: string;
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  kubectlVersion: string;
  realKubectl: string;
}

/** Where the kubelet package puts the control-plane "images" the kubelet double runs as static pods. */
export const IMAGES_DIR = '/usr/lib/kubelet-double/images';

function launcher(prog: string, rel: KubeRelease, bundle: string): string {
  return `#!/bin/sh
# ${prog} ${rel.version} from the tsplay lab's package ${prog}=${rel.debVersion}: a test double of
# ${prog} (tsplay's lib/lab/kube/${prog}), run by this machine's Node (README "Test doubles").
${VERSION_ENV}=${rel.version}
export ${VERSION_ENV}
exec /usr/bin/node ${bundle} "$@"
`;
}

export function kubeadmSpec(rel: KubeRelease, inp: PackageInputs): DebSpec {
  const n = namingOf(rel.debVersion);
  return {
    name: 'kubeadm',
    version: rel.debVersion,
    section: n === 'old' ? 'misc' : 'admin',
    depends: n === 'old' ? ['kubelet (>= 1.13.0)', 'kubectl (>= 1.13.0)'] : [],
    description:
      n === 'old'
        ? 'Kubernetes Cluster Bootstrapping Tool\n The Kubernetes command line tool for bootstrapping a Kubernetes cluster.'
        : 'Command-line utility for administering a Kubernetes cluster\n Command-line utility for administering a Kubernetes cluster.',
    files: [
      { path: '/usr/bin/kubeadm', mode: 0o755, text: launcher('kubeadm', rel, '/usr/lib/kubeadm-double/kubeadm.mjs') },
      { path: '/usr/lib/kubeadm-double/kubeadm.mjs', mode: 0o644, from: inp.kubeadm },
      { path: kubeadmDropInPath(n), mode: 0o644, text: KUBEADM_DROP_IN },
    ],
  };
}

export function kubeletSpec(rel: KubeRelease, inp: PackageInputs): DebSpec {
  const n = namingOf(rel.debVersion);
  return {
    name: 'kubelet',
    version: rel.debVersion,
    section: n === 'old' ? 'misc' : 'net',
    depends: n === 'old' ? ['iproute2', 'util-linux', 'mount'] : ['mount', 'util-linux'],
    description: n === 'old' ? 'Kubernetes Node Agent\n The node agent of Kubernetes, the container cluster manager' : 'Node agent for Kubernetes clusters\n Node agent for Kubernetes clusters.',
    files: [
      { path: '/usr/bin/kubelet', mode: 0o755, text: launcher('kubelet', rel, '/usr/lib/kubelet-double/kubelet.mjs') },
      { path: '/usr/lib/kubelet-double/kubelet.mjs', mode: 0o644, from: inp.kubelet },
      { path: `${IMAGES_DIR}/kube-apiserver.mjs`, mode: 0o644, from: inp.apiserver },
      { path: `${IMAGES_DIR}/kube-controller-manager.mjs`, mode: 0o644, from: inp.controllerManager },
      { path: `${IMAGES_DIR}/kube-scheduler.mjs`, mode: 0o644, from: inp.scheduler },
      { path: kubeletUnitPath(n), mode: 0o644, text: kubeletUnit(n) },
      // the -1.1 packages (built with debbuild, which keeps no empty directories) ship these
      // placeholder files; the -00 packages own the empty /etc/kubernetes/manifests (a file in it
      // would fail kubeadm join's DirAvailable--etc-kubernetes-manifests check before 1.23)
      ...(n === 'new'
        ? [
            { path: '/etc/kubernetes/manifests/.kubelet-keep', mode: 0o644, text: '' },
            { path: '/var/lib/kubelet/.kubelet-keep', mode: 0o644, text: '' },
            { path: '/etc/default/kubelet', mode: 0o644, text: KUBELET_DEFAULTS },
          ]
        : []),
    ],
    dirs: n === 'old' ? ['/etc/kubernetes/manifests'] : [],
    scripts: {
      // debhelper's systemd snippets: enable the unit; after an upgrade restart a running kubelet
      // on the new version (--restart-after-upgrade); stop it when the package is removed
      postinst: `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  systemctl enable kubelet.service >/dev/null 2>&1 || true
  if [ -n "$2" ] && systemctl is-active --quiet kubelet.service 2>/dev/null; then
    systemctl restart kubelet.service || true
  fi
fi
`,
      prerm: `#!/bin/sh
set -e
if [ "$1" = remove ]; then
  systemctl stop kubelet.service >/dev/null 2>&1 || true
fi
`,
    },
  };
}

/** The real kubectl binary (see kubectl.ts) and a wrapper that reports the package's version. */
export function kubectlSpec(rel: KubeRelease, inp: PackageInputs): DebSpec {
  const n = namingOf(rel.debVersion);
  return {
    name: 'kubectl',
    version: rel.debVersion,
    section: n === 'old' ? 'misc' : 'admin',
    description: 'Kubernetes Command Line Tool\n The Kubernetes command line tool for interacting with the Kubernetes API.',
    files: [
      {
        path: '/usr/bin/kubectl',
        mode: 0o755,
        text: `#!/bin/sh
# kubectl ${rel.version} from the tsplay lab's package kubectl=${rel.debVersion}: the REAL kubectl
# client (/usr/lib/kubectl-double/kubectl, Debian's kubernetes-client); only \`kubectl version\`
# goes through a wrapper that reports this package's version (README "Test doubles").
for a in "$@"; do
  if [ "$a" = version ]; then
    ${VERSION_ENV}=${rel.version}
    export ${VERSION_ENV}
    exec /usr/bin/node /usr/lib/kubectl-double/version.mjs "$@"
  fi
done
exec /usr/lib/kubectl-double/kubectl "$@"
`,
      },
      { path: '/usr/lib/kubectl-double/kubectl', mode: 0o755, from: inp.realKubectl },
      { path: '/usr/lib/kubectl-double/version.mjs', mode: 0o644, from: inp.kubectlVersion },
    ],
  };
}
