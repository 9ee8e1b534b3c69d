// The kubelet double on a lab host, without an API server: how it starts from the real unit and
// drop-in, the refusals of the real kubelet (missing config, removed flags, cgroup driver, swap,
// restricted node labels) and its standalone static pods. labSubnet(100).
import { expect } from 'chai';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { eventually, installKubelet, put, runKubelet, sh } from './kubelet-helpers.js';

const NET = labSubnet(100);
const H = 'kl100-a';
const ADDR = `${NET}.1`;

const CONFIG = (extra = ''): string => `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
healthzBindAddress: ${ADDR}
healthzPort: 10248
staticPodPath: /etc/kubernetes/manifests
${extra}`;

describe('kubelet double: start-up and refusals', function () {
  this.timeout(60000);
  const lab = useLab('kl100', [{ name: H, address: ADDR }]);

  before(async function () {
    this.timeout(120000);
    await installKubelet(lab(), H, '1.16.3');
    await put(lab(), H, '/tmp/kl-config.yaml', CONFIG());
  });

  it('--version prints the package version as the real kubelet does', async () => {
    const r = await sh(lab(), H, 'kubelet --version');
    expect(r.stdout).to.equal('Kubernetes v1.16.3\n');
  });

  it('started by systemctl before kubeadm init: exits 1 with the real missing-config error (crash loop)', async () => {
    await sh(lab(), H, 'rm -f /var/log/journal/kubelet.service.log; systemctl start kubelet || true');
    const log = await eventually('the kubelet to fail', 15000, async () => {
      const r = await labSsh(lab(), H, 'cat /var/log/journal/kubelet.service.log');
      return r.stdout.includes('failed to load') ? r.stdout : undefined;
    });
    expect(log).to.match(
      /^F\d{4} [\d:.]+ +\d+ server\.go:\d+\] failed to load Kubelet config file \/var\/lib\/kubelet\/config\.yaml, error failed to read kubelet config file "\/var\/lib\/kubelet\/config\.yaml", error: open \/var\/lib\/kubelet\/config\.yaml: no such file or directory$/m,
    );
    const procs = await labSsh(lab(), H, 'pgrep -f kubelet.mjs');
    expect(procs.stdout).to.equal('');
  });

  it('1.35 wraps the same error in the structured "command failed" line', async () => {
    const r = await runKubelet(lab(), H, '1.35.2', '--config=/var/lib/kubelet/config.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain(
      '"command failed" err="failed to load kubelet config file, path: /var/lib/kubelet/config.yaml, error: failed to load Kubelet config file /var/lib/kubelet/config.yaml, error failed to read kubelet config file \\"/var/lib/kubelet/config.yaml\\", error: open /var/lib/kubelet/config.yaml: no such file or directory"',
    );
  });

  it('a flag removed in 1.15 stops the 1.15 kubelet but not the 1.14 one (seed 004)', async () => {
    const old = await runKubelet(lab(), H, '1.14.3', '--allow-privileged=true --config=/nonexistent.yaml');
    expect(old.rc).to.equal(1);
    expect(old.stderr).to.contain('failed to load Kubelet config file /nonexistent.yaml');
    const r = await runKubelet(lab(), H, '1.15.6', '--allow-privileged=true --config=/nonexistent.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.match(/^F\d{4} .* server\.go:\d+\] unknown flag: --allow-privileged$/m);
    expect(r.stderr).to.not.contain('config');
  });

  it('the dockershim flags stop 1.24+, --pod-infra-container-image stops 1.35 (real removals)', async () => {
    for (const [v, flag] of [['1.34.3', '--network-plugin=cni'], ['1.35.2', '--pod-infra-container-image=registry.k8s.io/pause:3.10']] as const) {
      const r = await runKubelet(lab(), H, v, `${flag} --config=/nonexistent.yaml`);
      expect(r.rc, v).to.equal(1);
      expect(r.stderr, v).to.contain(`"command failed" err="failed to parse kubelet flag: unknown flag: --${flag.slice(2, flag.indexOf('='))}"`);
    }
    const ok = await runKubelet(lab(), H, '1.34.3', '--pod-infra-container-image=registry.k8s.io/pause:3.10 --config=/nonexistent.yaml');
    expect(ok.stderr).to.contain('failed to load kubelet config file');
  });

  it('refuses a cgroup driver that differs from containerd\'s (SystemdCgroup) and docker\'s (native.cgroupdriver)', async () => {
    await put(lab(), H, '/etc/containerd/config.toml', '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n');
    const r = await runKubelet(lab(), H, '1.35.2', '--config=/tmp/kl-config.yaml --container-runtime-endpoint=unix:///run/containerd/containerd.sock');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain('"command failed" err="failed to run Kubelet: misconfiguration: kubelet cgroup driver: \\"systemd\\" is different from containerd cgroup driver: \\"cgroupfs\\""');
    await put(lab(), H, '/etc/docker/daemon.json', '{"exec-opts": ["native.cgroupdriver=cgroupfs"]}\n');
    const d = await runKubelet(lab(), H, '1.16.3', '--config=/tmp/kl-config.yaml');
    expect(d.rc).to.equal(1);
    expect(d.stderr).to.match(/^F\d{4} .* server\.go:\d+\] failed to run Kubelet: misconfiguration: kubelet cgroup driver: "systemd" is different from docker cgroup driver: "cgroupfs"$/m);
    // the fix seed 003 applies: the runtime switched to systemd, the kubelet starts
    await put(lab(), H, '/etc/docker/daemon.json', '{"exec-opts": ["native.cgroupdriver=systemd"]}\n');
    await put(lab(), H, '/etc/containerd/config.toml', '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n');
    const ok = await runKubelet(lab(), H, '1.16.3', '--config=/tmp/kl-config.yaml', { seconds: 3 });
    expect(ok.rc, ok.stderr).to.equal(124); // still running when timeout sent SIGTERM
    expect(ok.stderr).to.not.contain('misconfiguration');
    expect(ok.stderr).to.contain('"Kubelet version" kubeletVersion="v1.16.3"');
  });

  it("refuses to run with swap on while failSwapOn is true (the host's own /proc/swaps, swapon double)", async () => {
    await sh(lab(), H, 'truncate -s 1M /swapfile && chmod 600 /swapfile && swapon /swapfile');
    const r = await runKubelet(lab(), H, '1.16.3', '--config=/tmp/kl-config.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain('failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [Filename');
    const off = await runKubelet(lab(), H, '1.16.3', '--config=/tmp/kl-config.yaml --fail-swap-on=false', { seconds: 3 });
    expect(off.rc, off.stderr).to.equal(124);
    expect(off.stderr).to.not.contain('swap');
    expect(off.stderr).to.contain('"Kubelet version"');    await sh(lab(), H, 'swapoff -a');
  });

  it('1.16+ refuses node-role labels in --node-labels; 1.15 takes them with a warning', async () => {
    const r = await runKubelet(lab(), H, '1.16.3', '--config=/tmp/kl-config.yaml --node-labels=node-role.kubernetes.io/master=');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain("failed to validate kubelet flags: unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [node-role.kubernetes.io/master]");
    const old = await runKubelet(lab(), H, '1.15.6', '--config=/tmp/kl-config.yaml --node-labels=node-role.kubernetes.io/master=', { seconds: 3 });
    expect(old.rc, old.stderr).to.equal(124);
    expect(old.stderr).to.contain('"Kubelet version"');
    expect(old.stderr).to.match(/^W\d{4} .* server\.go:\d+\] unknown 'kubernetes\.io' or 'k8s\.io' labels specified with --node-labels: \[node-role\.kubernetes\.io\/master\]$/m);
  });

  it('with a config but neither kubelet.conf nor bootstrap-kubelet.conf (a failed join): the real bootstrap error', async () => {
    const r = await runKubelet(lab(), H, '1.16.3', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/tmp/kl-config.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.match(/^F\d{4} .* server\.go:\d+\] failed to run Kubelet: unable to load bootstrap kubeconfig: stat \/etc\/kubernetes\/bootstrap-kubelet\.conf: no such file or directory$/m);
  });

  it('a config file of another kind is refused with the decoder error', async () => {
    await put(lab(), H, '/tmp/kl-bad.yaml', 'apiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n');
    const r = await runKubelet(lab(), H, '1.16.3', '--config=/tmp/kl-bad.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stderr).to.contain('failed to load Kubelet config file /tmp/kl-bad.yaml, error failed to decode, error: no kind "InitConfiguration" is registered for version "kubeadm.k8s.io/v1beta2"');
  });
});
