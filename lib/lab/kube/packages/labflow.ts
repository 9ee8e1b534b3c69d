// The install guides' flow (seed 003) as shell text for lab hosts, shared by the end-to-end test
// and bench/kube-idle.ts. Lab-only settings go through the tools' own configuration:
// - every listener on the host's own address: kubeadm's ClusterConfiguration (etcd listen URLs,
//   apiserver/controller-manager/scheduler bind-address and 1.16's insecure --address) and the
//   KubeletConfiguration (address, healthzBindAddress); a joining node's kubelet gets its own via
//   KUBELET_EXTRA_ARGS in /etc/default/kubelet (the kubelet config is cluster-wide);
// - the guides' "prepare the node" kernel settings (swap off, br_netfilter, ip_forward and
//   bridge-nf-call-iptables) with the real commands; on a lab host they change its own kernel
//   copies only (lib/lab/kernel).

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

/** kubeadm v1beta2 config (1.15-1.21) of a single stacked-etcd master at `address`. */
export function initConfig116(name: string, address: string, version = 'v1.16.3'): string {
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
networking:
  podSubnet: 10.244.0.0/16
etcd:
  local:
    extraArgs:
      listen-client-urls: https://${address}:2379
      listen-metrics-urls: http://${address}:2381
apiServer:
  extraArgs:
    bind-address: ${address}
    etcd-servers: https://${address}:2379
controllerManager:
  extraArgs:
    bind-address: ${address}
    address: ${address}
scheduler:
  extraArgs:
    bind-address: ${address}
    address: ${address}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
address: ${address}
healthzBindAddress: ${address}
`;
}

/** A flannel-style CNI config list: what makes a node's NetworkReady true (the doubles run no plugin). */
export const CNI_CONFLIST = '{"name": "cbr0", "cniVersion": "0.3.1", "plugins": [{"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}}]}';

export function writeCniScript(): string {
  return `mkdir -p /etc/cni/net.d && printf '%s\\n' '${CNI_CONFLIST}' > /etc/cni/net.d/10-flannel.conflist`;
}

/**
 * Runs `kubeadm init` in the background and prints its log when it ends (a line `exit N` last).
 * The lab's systemctl does not restart a failed service after RestartSec as systemd's
 * Restart=always does; kubeadm 1.16 starts the kubelet before it has written kubelet.conf, the
 * kubelet exits, and systemd would start it again 10 s later: this starts it once kubelet.conf
 * exists, as that restart would.
 */
export function initScript(configFile: string): string {
  return [
    `(setsid kubeadm init --config ${configFile} > /root/init.log 2>&1; echo "exit $?" >> /root/init.log) &`,
    'for i in $(seq 1 300); do [ -f /etc/kubernetes/kubelet.conf ] && break; sleep 0.2; done',
    'sleep 1; systemctl is-active --quiet kubelet || systemctl start kubelet',
    'for i in $(seq 1 240); do grep -q "^exit " /root/init.log && break; sleep 1; done',
    'cat /root/init.log',
  ].join('\n');
}

/** The worker join command kubeadm init printed, on one line; '' when none. */
export function joinCommandOf(initLog: string): string {
  return /(kubeadm join \S+ --token \S+ \\\n\s+--discovery-token-ca-cert-hash sha256:[0-9a-f]{64})/.exec(initLog)?.[1].replace(/\\\n\s+/, '') ?? '';
}

export function kubeletExtraArgsScript(address: string): string {
  return `echo 'KUBELET_EXTRA_ARGS=--address=${address} --healthz-bind-address=${address} --node-ip=${address}' > /etc/default/kubelet`;
}
