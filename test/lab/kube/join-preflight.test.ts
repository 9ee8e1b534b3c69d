// kubeadm join's preflight and the kubelet package's /etc/kubernetes/manifests/.kubelet-keep
// (labSubnet(123)). The -1.1 packages (pkgs.k8s.io) ship that file; kubeadm 1.23 stopped checking
// that a worker's manifests folder is empty (kubernetes#104942), so a join of a fresh node passes
// preflight and goes on to discovery. kubeadm up to 1.22 still checks it (DirAvailable), which is
// why kubespray passes --ignore-preflight-errors=DirAvailable--etc-kubernetes-manifests.
import { expect } from 'chai';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';

const NET = labSubnet(123);
const H = { name: 'jp123-a', address: `${NET}.1` };
// nothing listens there: the join gets past preflight and fails at discovery
const JOIN = `kubeadm join ${NET}.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification`;

describe('kubeadm join preflight with the kubelet package\'s .kubelet-keep', function () {
  this.timeout(300000);
  const lab = useLab('jp123', [H], { kubeRepo: true });
  const sh = (cmd: string) => labSsh(lab(), H.name, cmd);
  const install = async (deb: string): Promise<void> => {
    const r = await sh(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --allow-downgrades kubeadm=${deb} kubelet=${deb} >/dev/null && swapoff -a && modprobe br_netfilter && sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1`);
    expect(r.rc, r.stdout + r.stderr).to.equal(0);
  };

  it('1.35 (a -1.1 package): the worker join passes preflight on a fresh node and goes on to discovery', async () => {
    await install('1.35.2-1.1');
    expect((await sh('ls -A /etc/kubernetes/manifests')).stdout).to.equal('.kubelet-keep\n');
    const r = await sh(`timeout 60 ${JOIN} 2>&1`);
    expect(r.stdout).to.contain('[preflight] Running pre-flight checks');
    expect(r.stdout).to.not.contain('DirAvailable--etc-kubernetes-manifests');
    expect(r.stdout).to.not.contain('[preflight] Some fatal errors occurred');
    expect(r.rc).to.not.equal(0); // discovery: no API server at that address
  });

  it('1.16: a non-empty manifests folder fails the worker join\'s preflight, and the check can be ignored by name', async () => {
    await install('1.16.3-00');
    await sh('mkdir -p /etc/kubernetes/manifests && touch /etc/kubernetes/manifests/.kubelet-keep');
    const r = await sh(`timeout 60 ${JOIN} 2>&1`);
    expect(r.stdout).to.contain('[ERROR DirAvailable--etc-kubernetes-manifests]: /etc/kubernetes/manifests is not empty');
    expect(r.rc).to.equal(2); // kubeadm's preflight exit code
    const ignored = await sh(`timeout 60 ${JOIN} --ignore-preflight-errors=DirAvailable--etc-kubernetes-manifests 2>&1`);
    expect(ignored.stdout).to.contain('[WARNING DirAvailable--etc-kubernetes-manifests]: /etc/kubernetes/manifests is not empty');
    expect(ignored.stdout).to.not.contain('[preflight] Some fatal errors occurred');
  });
});
