// Static pods of the kubelet double under systemctl, on a first control plane before its API server
// answers (kubelet.conf points at an address nobody listens on yet): container commands run as
// real host processes, a changed manifest restarts its pod, a removed one stops it, the real etcd
// runs from an etcd image, crashed containers restart with back-off, and stopping the service
// leaves no process. labSubnet(101).
import { expect } from 'chai';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { eventually, installKubelet, put, sh } from './kubelet-helpers.js';

const NET = labSubnet(101);
const H = 'kl101-a';
const ADDR = `${NET}.1`;

const CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
healthzBindAddress: ${ADDR}
healthzPort: 10248
staticPodPath: /etc/kubernetes/manifests
`;

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://${ADDR}:6443
    insecure-skip-tls-verify: true
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:${H}
  name: default
current-context: default
users:
- name: system:node:${H}
  user:
    token: unused
`;

const pod = (name: string, image: string, command: string[], extra = ''): string =>
  `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: ${name}
    image: ${image}
    command: ${JSON.stringify(command)}
${extra}`;

describe('kubelet double: static pods', function () {
  this.timeout(60000);
  const lab = useLab('kl101', [{ name: H, address: ADDR }]);
  const pids = async (pattern: string): Promise<string> => (await labSsh(lab(), H, `pgrep -f '${pattern}' || true`)).stdout.trim();

  before(async function () {
    this.timeout(120000);
    await installKubelet(lab(), H, '1.16.3');
    await put(lab(), H, '/var/lib/kubelet/config.yaml', CONFIG);
    await put(lab(), H, '/etc/kubernetes/kubelet.conf', KUBECONFIG, '0600');
    await put(lab(), H, '/etc/kubernetes/manifests/sleeper.yaml', pod('sleeper', 'busybox:1.36', ['sleep', '1001']));
    await sh(lab(), H, 'systemctl start kubelet');
  });

  it('runs a static pod\'s command as a host process, and serves healthz on its configured address', async () => {
    await eventually('sleep 1001 to run', 15000, async () => (await pids('^sleep 1001$')) || undefined);
    const r = await sh(lab(), H, `curl -sS http://${ADDR}:10248/healthz`);
    expect(r.stdout).to.equal('ok');
    const logs = await sh(lab(), H, 'ls /var/log/pods/');
    expect(logs.stdout).to.match(/^kube-system_sleeper-kl101-a_[0-9a-f]{32}$/m);
  });

  it('restarts the pod when its manifest changes (kubeadm upgrade) and stops it when the manifest goes', async () => {
    const before = await eventually('sleep 1001', 15000, async () => (await pids('^sleep 1001$')) || undefined);
    await put(lab(), H, '/etc/kubernetes/manifests/sleeper.yaml', pod('sleeper', 'busybox:1.36', ['sleep', '1002']));
    await eventually('sleep 1002 to replace sleep 1001', 15000, async () => (await pids('^sleep 1002$')) !== '' && (await pids('^sleep 1001$')) === '');
    expect(await pids('^sleep 1001$')).to.equal('');
    expect(before).to.match(/^\d+$/);
    await sh(lab(), H, 'rm /etc/kubernetes/manifests/sleeper.yaml');
    await eventually('sleep 1002 to stop', 15000, async () => (await pids('^sleep 1002$')) === '');
  });

  it('runs the host\'s real etcd for an etcd image, with hostPath volumes mapped to host paths', async () => {
    const cmd = [
      'etcd', '--name=kl101', '--data-dir=/var/lib/etcd',
      `--listen-client-urls=http://${ADDR}:2379`, `--advertise-client-urls=http://${ADDR}:2379`,
      `--listen-peer-urls=http://${ADDR}:2380`, `--initial-advertise-peer-urls=http://${ADDR}:2380`,
      `--initial-cluster=kl101=http://${ADDR}:2380`,
    ];
    const vols = `    volumeMounts:\n    - name: etcd-data\n      mountPath: /var/lib/etcd\n  volumes:\n  - name: etcd-data\n    hostPath:\n      path: /var/lib/etcd-kl101\n      type: DirectoryOrCreate\n`;
    await put(lab(), H, '/etc/kubernetes/manifests/etcd.yaml', pod('etcd', 'registry.k8s.io/etcd:3.5.15-0', cmd, vols));
    const health = await eventually('etcd to answer', 30000, async () => {
      const r = await labSsh(lab(), H, `ETCDCTL_API=3 etcdctl --endpoints=http://${ADDR}:2379 endpoint health`);
      return r.rc === 0 ? r.stdout + r.stderr : undefined;
    });
    expect(health).to.contain('is healthy');
    expect((await sh(lab(), H, 'ls /var/lib/etcd-kl101')).stdout).to.contain('member');
    expect(await pids('^etcd --name=kl101')).to.match(/^\d+$/);
  });

  it('restarts a container that exits, after the kubelet\'s back-off', async function () {
    this.timeout(40000);
    await put(lab(), H, '/etc/kubernetes/manifests/crasher.yaml', pod('crasher', 'busybox:1.36', ['sh', '-c', 'echo run >> /tmp/crasher-runs; exit 3']));
    const runs = await eventually('a second run', 30000, async () => {
      const r = await labSsh(lab(), H, 'cat /tmp/crasher-runs');
      return r.stdout.split('\n').filter(Boolean).length >= 2 ? r.stdout : undefined;
    });
    expect(runs).to.equal('run\nrun\n');
    const journal = await sh(lab(), H, 'cat /var/log/journal/kubelet.service.log');
    expect(journal.stdout).to.contain('with CrashLoopBackOff: \\"back-off 10s restarting failed container=crasher\\""');
  });

  it('systemctl stop kubelet ends the kubelet and every static pod process', async () => {
    await sh(lab(), H, 'systemctl stop kubelet');
    await eventually('no kubelet or pod process', 20000, async () => {
      // anchored patterns: the shell running pgrep must not match itself
      const left = (await pids('^/usr/bin/node /usr/lib/kubelet-double')) + (await pids('^etcd ')) + (await pids('^sleep 100'));
      return left === '' ? true : undefined;
    });
    const r = await labSsh(lab(), H, `curl -sS -m 2 http://${ADDR}:10248/healthz`);
    expect(r.rc).to.not.equal(0);
  });
});
