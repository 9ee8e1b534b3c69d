// The install guides' flow (seed 003) as shell text for lab hosts, shared by the end-to-end tests
// and bench/kube-idle.ts. What a real node gets: no lab-only listen addresses (the lab's per-host
// address file does that job, lib/lab/kube/common/labnet.ts), and the guides' "prepare the node"
// kernel settings (swap off, br_netfilter, ip_forward and bridge-nf-call-iptables) with the real
// commands, which on a lab host change its own kernel copies only (lib/lab/kernel).

/** apt-get install of the three packages at `debVersion`, hold, and the node's kernel settings. */
export function prepareNodeScript(debVersion: string): string {
  return [
    'apt-get update -qq',
    `DEBIAN_FRONTEND=noninteractive apt-get install -qq -y kubeadm=${debVersion} kubelet=${debVersion} kubectl=${debVersion} >/dev/null`,
    'apt-mark hold kubeadm kubelet kubectl >/dev/null',
    'swapoff -a',
    'modprobe br_netfilter',
    'sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1',
  ].join(' && ');
}

/**
 * kubeadm v1beta2 config (1.15-1.21) of a stacked-etcd master at `address`; with
 * `controlPlaneEndpoint` (host:port) other masters can join it (`kubeadm init --upload-certs`).
 */
export function initConfig116(name: string, address: string, version = 'v1.16.3', controlPlaneEndpoint?: string): string {
  return `apiVersion: kubeadm.k8s.io/v1beta2
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${address}
  bindPort: 6443
nodeRegistration:
  name: ${name}
---
apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
kubernetesVersion: ${version}
${controlPlaneEndpoint ? `controlPlaneEndpoint: ${controlPlaneEndpoint}\n` : ''}networking:
  podSubnet: 10.244.0.0/16
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
`;
}

/** A flannel-style CNI config list: what makes a node's NetworkReady true (the doubles run no plugin). */
export const CNI_CONFLIST = '{"name": "cbr0", "cniVersion": "0.3.1", "plugins": [{"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}}]}';

export function writeCniScript(): string {
  return `mkdir -p /etc/cni/net.d && printf '%s\\n' '${CNI_CONFLIST}' > /etc/cni/net.d/10-flannel.conflist`;
}

/**
 * Runs `kubeadm init` and prints its log with a line `exit N` last. kubeadm 1.16 starts the kubelet
 * before it has written kubelet.conf; the kubelet exits and its unit's Restart=always starts it
 * again 10 s later (lab hosts honour Restart=, lib/lab/supervisor.ts), as on a real node.
 */
export function initScript(configFile: string, extraFlags = ''): string {
  return [
    `kubeadm init --config ${configFile}${extraFlags ? ' ' + extraFlags : ''} > /root/init.log 2>&1; echo "exit $?" >> /root/init.log`,
    'cat /root/init.log',
  ].join('\n');
}

/** The worker join command kubeadm init printed, on one line; '' when none. */
export function joinCommandOf(initLog: string): string {
  return /(kubeadm join \S+ --token \S+ \\\n\s+--discovery-token-ca-cert-hash sha256:[0-9a-f]{64})/.exec(initLog)?.[1].replace(/\\\n\s+/, '') ?? '';
}

/** The control-plane join command (`--control-plane --certificate-key`) kubeadm init printed, on one line; '' when none. */
export function controlPlaneJoinCommandOf(initLog: string): string {
  const m = /(kubeadm join \S+ --token \S+ \\\n\s+--discovery-token-ca-cert-hash sha256:[0-9a-f]{64} \\\n\s+--control-plane --certificate-key [0-9a-f]{64})/.exec(initLog);
  return m ? m[1]!.replace(/\\\n\s+/g, '') : '';
}

/**
 * KUBELET_EXTRA_ARGS with the node's own address for the kubelet's listeners and node IP. Not
 * needed any more (the lab's address file maps the kubelet's defaults, common/labnet.ts); kept so
 * that callers on other branches still build. Real flags, harmless on a real node too.
 */
export function kubeletExtraArgsScript(address: string): string {
  return `echo 'KUBELET_EXTRA_ARGS=--address=${address} --healthz-bind-address=${address} --node-ip=${address}' > /etc/default/kubelet`;
}
