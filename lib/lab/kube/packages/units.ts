// The systemd files the real kubelet and kubeadm packages ship, by package naming:
// - `-00` (apt.kubernetes.io, kubernetes/release debian/ and kubepkg templates, up to 1.18 here):
//   kubelet ships /lib/systemd/system/kubelet.service; kubeadm ships the drop-in in
//   /etc/systemd/system/kubelet.service.d/10-kubeadm.conf.
// - `-1.1` (pkgs.k8s.io, kubernetes/release krel templates): kubelet ships
//   /usr/lib/systemd/system/kubelet.service and /etc/default/kubelet; kubeadm ships the drop-in
//   in /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf.

export type Naming = 'old' | 'new';

/** `1.16.3-00` → old, `1.35.2-1.1` → new */
export function namingOf(debVersion: string): Naming {
  return /-00$/.test(debVersion) ? 'old' : 'new';
}

export function kubeletUnitPath(n: Naming): string {
  return n === 'old' ? '/lib/systemd/system/kubelet.service' : '/usr/lib/systemd/system/kubelet.service';
}

export function kubeadmDropInPath(n: Naming): string {
  return n === 'old' ? '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf' : '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf';
}

export function kubeletUnit(n: Naming): string {
  const network = n === 'new' ? 'Wants=network-online.target\nAfter=network-online.target\n' : '';
  return `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/${n === 'old' ? 'home/' : ''}
${network}
[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;
}

export const KUBEADM_DROP_IN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
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

/** /etc/default/kubelet of the `-1.1` kubelet package (a conffile). */
export const KUBELET_DEFAULTS = 'KUBELET_EXTRA_ARGS=\n';
