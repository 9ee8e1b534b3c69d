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
    await sh('ka75-old', 'sysctl -q -w net.ipv4.ip_forward=0 && mkdir -p /etc/kubernetes/manifests && echo x > /etc/kubernetes/manifests/kube-apiserver.yaml');
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
    await sh('ka75-old', 'sysctl -q -w net.ipv4.ip_forward=1 && rm -rf /etc/kubernetes');
  });

  it('checks the kubelet version against the control plane and swap through /proc/swaps', async () => {
    await sh('ka75-old', 'truncate -s 1M /swapfile && chmod 600 /swapfile && swapon /swapfile');
    const r = await sh('ka75-old', 'kubeadm init phase preflight --kubernetes-version v1.15.6');
    expect(r.rc).to.equal(2);
    expect(r.stderr).to.contain('\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n');
    expect(r.stderr).to.contain('\t[ERROR KubeletVersion]: the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "v1.16.3" Control plane version: "v1.15.6"\n');
    const old = await sh('ka75-old', 'kubeadm init phase preflight --kubernetes-version v1.14.3');
    expect(old.rc).to.equal(1);
    expect(old.stderr).to.contain('this version of kubeadm only supports deploying clusters with the control plane version >= 1.15.0. Current version: v1.14.3');
    await sh('ka75-old', 'swapoff -a');
  });

  const pin = (host: string, file: string) => sh(host, `openssl x509 -pubkey -noout -in ${file} | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1`);
  const certText = async (host: string, file: string) => (await sh(host, `openssl x509 -noout -text -in ${file}`)).stdout;
  const kubeconfigSubject = async (host: string, file: string) => {
    const kc = parse((await sh(host, `cat ${file}`)).stdout) as { users: { user: Record<string, string> }[]; clusters: { cluster: { server: string } }[] };
    const pem = Buffer.from(kc.users[0]!.user['client-certificate-data']!, 'base64').toString();
    const subj = await labSsh(lab(), host, 'openssl x509 -noout -subject -nameopt RFC2253', { input: pem });
    return { subject: subj.stdout.trim().replace(/^subject=/, ''), server: kc.clusters[0]!.cluster.server };
  };
  const command = async (host: string, comp: string) => {
    const pod = parse((await sh(host, `cat /etc/kubernetes/manifests/${comp}.yaml`)).stdout) as { spec: { containers: { command: string[]; image: string }[] } };
    return pod.spec.containers[0]!;
  };

  it('init (1.16, stacked etcd, flags) writes the PKI, kubeconfigs, manifests and kubelet files, and prints the join commands', async () => {
    const a = `${NET}.1`;
    const r = await sh('ka75-old', `kubeadm init --skip-phases=${API_PHASES} --pod-network-cidr 10.244.0.0/16 --control-plane-endpoint lb.example:6443 --apiserver-cert-extra-sans 10.9.9.9,extra.example`);
    expect(r.stderr).to.not.contain('[ERROR');
    expect(r.rc).to.equal(0);
    expect(r.stdout).to.contain('[init] Using Kubernetes version: v1.16.3\n');
    expect(r.stdout).to.contain('[kubelet-start] Activating the kubelet service\n');
    expect(r.stdout).to.contain(`[certs] apiserver serving cert is signed for DNS names [ka75-old kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local lb.example extra.example] and IPs [10.96.0.1 ${a} 10.9.9.9]`);
    expect(r.stdout).to.contain('Your Kubernetes control-plane has initialized successfully!');
    const hash = (await pin('ka75-old', '/etc/kubernetes/pki/ca.crt')).stdout.trim();
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    const join = /kubeadm join lb\.example:6443 --token ([a-z0-9]{6}\.[a-z0-9]{16}) \\\n\t--discovery-token-ca-cert-hash sha256:([0-9a-f]{64}) $/m.exec(r.stdout);
    expect(join, r.stdout).to.not.equal(null);
    expect(join![2]).to.equal(hash);
    expect(r.stdout).to.contain('You can now join any number of control-plane nodes by copying certificate authorities');

    const api = await certText('ka75-old', '/etc/kubernetes/pki/apiserver.crt');
    expect(api).to.match(/Issuer: CN ?= ?kubernetes\n/);
    expect(api).to.contain('DNS:ka75-old, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:lb.example, DNS:extra.example, IP Address:10.96.0.1, IP Address:' + a + ', IP Address:10.9.9.9');
    expect(api).to.contain('TLS Web Server Authentication');
    expect(api).to.match(/Key Usage: critical\n\s+Digital Signature, Key Encipherment/);
    const verify = await sh('ka75-old', 'cd /etc/kubernetes/pki && openssl verify -CAfile ca.crt apiserver.crt apiserver-kubelet-client.crt && openssl verify -CAfile front-proxy-ca.crt front-proxy-client.crt && openssl verify -CAfile etcd/ca.crt etcd/server.crt etcd/peer.crt etcd/healthcheck-client.crt apiserver-etcd-client.crt');
    expect(verify.rc, verify.stdout + verify.stderr).to.equal(0);
    expect(await certText('ka75-old', '/etc/kubernetes/pki/ca.crt')).to.match(/CA:TRUE[\s\S]*Certificate Sign/);
    expect(await certText('ka75-old', '/etc/kubernetes/pki/etcd/server.crt')).to.contain(`DNS:ka75-old, DNS:localhost, IP Address:${a}, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1`);
    const sa = await sh('ka75-old', 'cd /etc/kubernetes/pki && openssl pkey -in sa.key -pubout | cmp - sa.pub && stat -c %a sa.key ca.key');
    expect(sa.stdout).to.equal('600\n600\n');

    expect(await kubeconfigSubject('ka75-old', '/etc/kubernetes/admin.conf')).to.deep.equal({ subject: 'CN=kubernetes-admin,O=system:masters', server: 'https://lb.example:6443' });
    expect((await kubeconfigSubject('ka75-old', '/etc/kubernetes/kubelet.conf')).subject).to.equal('CN=system:node:ka75-old,O=system:nodes');
    expect((await kubeconfigSubject('ka75-old', '/etc/kubernetes/controller-manager.conf')).subject).to.equal('CN=system:kube-controller-manager');
    expect((await kubeconfigSubject('ka75-old', '/etc/kubernetes/scheduler.conf')).subject).to.equal('CN=system:kube-scheduler');
    expect((await sh('ka75-old', 'ls /etc/kubernetes/super-admin.conf')).rc).to.not.equal(0);

    const apiPod = await command('ka75-old', 'kube-apiserver');
    expect(apiPod.image).to.equal('k8s.gcr.io/kube-apiserver:v1.16.3');
    expect(apiPod.command).to.include.members([`--advertise-address=${a}`, '--etcd-servers=https://127.0.0.1:2379', '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt', '--secure-port=6443', '--insecure-port=0', '--enable-bootstrap-token-auth=true', '--client-ca-file=/etc/kubernetes/pki/ca.crt']);
    const cm = await command('ka75-old', 'kube-controller-manager');
    expect(cm.command).to.include.members(['--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt', '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key', '--leader-elect=true', '--cluster-cidr=10.244.0.0/16', '--kubeconfig=/etc/kubernetes/controller-manager.conf']);
    expect((await command('ka75-old', 'kube-scheduler')).command).to.include.members(['--leader-elect=true', '--kubeconfig=/etc/kubernetes/scheduler.conf']);
    const etcd = await command('ka75-old', 'etcd');
    expect(etcd.image).to.equal('k8s.gcr.io/etcd:3.3.15-0');
    expect(etcd.command).to.include.members([`--initial-cluster=ka75-old=https://${a}:2380`, '--data-dir=/var/lib/etcd', '--client-cert-auth=true']);

    const kubelet = parse((await sh('ka75-old', 'cat /var/lib/kubelet/config.yaml')).stdout) as Record<string, unknown>;
    expect(kubelet).to.include({ kind: 'KubeletConfiguration', staticPodPath: '/etc/kubernetes/manifests', clusterDomain: 'cluster.local' });
    expect(kubelet.clusterDNS).to.deep.equal(['10.96.0.10']);
    expect((await sh('ka75-old', 'cat /var/lib/kubelet/kubeadm-flags.env')).stdout).to.equal('KUBELET_KUBEADM_ARGS="--network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.1"\n');
  });

  it('init (1.35, v1beta4 config, external etcd) follows the config: images, extraArgs, admin groups, no etcd pod', async () => {
    const a = `${NET}.2`;
    const cfg = [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: InitConfiguration',
      'localAPIEndpoint:',
      `  advertiseAddress: ${a}`,
      '  bindPort: 6443',
      'nodeRegistration:',
      '  name: ka75-new',
      '---',
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: ClusterConfiguration',
      'kubernetesVersion: v1.35.2',
      'certificatesDir: /etc/kubernetes/ssl',
      'etcd:',
      '  external:',
      '    endpoints: [https://10.1.1.1:2379, https://10.1.1.2:2379]',
      '    caFile: /etc/ssl/etcd/ssl/ca.pem',
      '    certFile: /etc/ssl/etcd/ssl/node-ka75-new.pem',
      '    keyFile: /etc/ssl/etcd/ssl/node-ka75-new-key.pem',
      'apiServer:',
      '  certSANs: [10.7.7.7]',
      '  extraArgs:',
      '  - name: bind-address',
      `    value: ${a}`,
      'controllerManager:',
      '  extraArgs:',
      '  - name: bind-address',
      `    value: ${a}`,
      '---',
      'apiVersion: kubelet.config.k8s.io/v1beta1',
      'kind: KubeletConfiguration',
      'cgroupDriver: systemd',
      'clusterDNS: [169.254.25.10]',
    ].join('\n');
    await labSsh(lab(), 'ka75-new', 'mkdir -p /etc/kubernetes && cat > /etc/kubernetes/kubeadm-config.yaml', { input: cfg + '\n' });
    const r = await sh('ka75-new', `kubeadm init --config=/etc/kubernetes/kubeadm-config.yaml --skip-phases=${API_PHASES}`);
    expect(r.stderr).to.not.contain('[ERROR');
    expect(r.rc).to.equal(0);
    expect(r.stdout).to.contain('[certs] External etcd mode: Skipping etcd/ca certificate authority generation');
    expect(r.stdout).to.contain('[kubelet-start] Starting the kubelet\n');
    const hash = (await pin('ka75-new', '/etc/kubernetes/ssl/ca.crt')).stdout.trim();
    expect(r.stdout).to.contain(`kubeadm join ${a}:6443 --token `);
    expect(r.stdout).to.contain(`--discovery-token-ca-cert-hash sha256:${hash} `);
    expect(await kubeconfigSubject('ka75-new', '/etc/kubernetes/admin.conf')).to.deep.equal({ subject: 'CN=kubernetes-admin,O=kubeadm:cluster-admins', server: `https://${a}:6443` });
    expect((await kubeconfigSubject('ka75-new', '/etc/kubernetes/super-admin.conf')).subject).to.equal('CN=kubernetes-super-admin,O=system:masters');
    const apiPod = await command('ka75-new', 'kube-apiserver');
    expect(apiPod.image).to.equal('registry.k8s.io/kube-apiserver:v1.35.2');
    expect(apiPod.command).to.include.members([
      `--bind-address=${a}`,
      '--etcd-servers=https://10.1.1.1:2379,https://10.1.1.2:2379',
      '--etcd-cafile=/etc/ssl/etcd/ssl/ca.pem',
      '--etcd-certfile=/etc/ssl/etcd/ssl/node-ka75-new.pem',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--tls-cert-file=/etc/kubernetes/ssl/apiserver.crt',
    ]);
    expect(apiPod.command.some((f) => f.startsWith('--insecure-port'))).to.equal(false);
    expect((await command('ka75-new', 'kube-controller-manager')).command).to.include(`--bind-address=${a}`);
    expect((await sh('ka75-new', 'ls /etc/kubernetes/manifests')).stdout).to.equal('kube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
    expect((await sh('ka75-new', 'ls /etc/kubernetes/ssl')).stdout.split('\n').filter(Boolean)).to.deep.equal([
      'apiserver-kubelet-client.crt', 'apiserver-kubelet-client.key', 'apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key',
      'front-proxy-ca.crt', 'front-proxy-ca.key', 'front-proxy-client.crt', 'front-proxy-client.key', 'sa.key', 'sa.pub',
    ]);
    expect(await certText('ka75-new', '/etc/kubernetes/ssl/apiserver-kubelet-client.crt')).to.match(/Subject: O ?= ?kubeadm:cluster-admins, CN ?= ?kube-apiserver-kubelet-client/);
    const kubelet = parse((await sh('ka75-new', 'cat /var/lib/kubelet/config.yaml')).stdout) as Record<string, unknown>;
    expect(kubelet.clusterDNS).to.deep.equal(['169.254.25.10']);
    expect(kubelet.cgroupDriver).to.equal('systemd');
    expect((await sh('ka75-new', 'cat /var/lib/kubelet/kubeadm-flags.env')).stdout).to.equal('KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"\n');

    // kubespray's SAN repair: delete the serving cert, add a SAN, regenerate only that one
    const caBefore = (await sh('ka75-new', 'sha256sum /etc/kubernetes/ssl/ca.crt')).stdout;
    await sh('ka75-new', "rm /etc/kubernetes/ssl/apiserver.crt /etc/kubernetes/ssl/apiserver.key && sed -i 's/certSANs: \\[10.7.7.7\\]/certSANs: [10.7.7.7, api.added.example]/' /etc/kubernetes/kubeadm-config.yaml");
    const ph = await sh('ka75-new', 'kubeadm init phase certs apiserver --config=/etc/kubernetes/kubeadm-config.yaml');
    expect(ph.rc, ph.stderr).to.equal(0);
    expect(ph.stdout).to.contain('[certs] Generating "apiserver" certificate and key');
    expect(await certText('ka75-new', '/etc/kubernetes/ssl/apiserver.crt')).to.contain('DNS:api.added.example');
    expect((await sh('ka75-new', 'sha256sum /etc/kubernetes/ssl/ca.crt')).stdout).to.equal(caBefore);
    expect((await sh('ka75-new', 'cd /etc/kubernetes/ssl && openssl verify -CAfile ca.crt apiserver.crt')).rc).to.equal(0);
  });

  it('reset -f deletes the contents of the manifests, kubelet and cert dirs and the kubeconfigs, and nothing else', async () => {
    const no = await sh('ka75-old', 'kubeadm reset < /dev/null');
    expect(no.rc).to.equal(1);
    expect(no.stderr).to.contain('aborted reset operation');
    await sh('ka75-old', 'mkdir -p /etc/kubernetes/tmp /etc/cni/net.d /root/.kube /var/lib/etcd/member && echo k > /etc/kubernetes/keep.txt && echo t > /etc/kubernetes/tmp/backup && echo c > /etc/cni/net.d/10-x.conf && cp /etc/kubernetes/admin.conf /root/.kube/config && echo d > /var/lib/etcd/member/db');
    const r = await sh('ka75-old', 'kubeadm reset -f');
    expect(r.rc, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]\n');
    expect(r.stdout).to.contain('[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]\n');
    const left = await sh('ka75-old', 'find /etc/kubernetes /var/lib/kubelet /var/lib/etcd /etc/cni /root/.kube | sort');
    expect(left.stdout.split('\n').filter(Boolean)).to.deep.equal([
      '/etc/cni', '/etc/cni/net.d', '/etc/cni/net.d/10-x.conf',
      '/etc/kubernetes', '/etc/kubernetes/keep.txt', '/etc/kubernetes/manifests', '/etc/kubernetes/pki', '/etc/kubernetes/tmp', '/etc/kubernetes/tmp/backup',
      '/root/.kube', '/root/.kube/config',
      '/var/lib/etcd', '/var/lib/kubelet',
    ]);
    const tmp = await sh('ka75-new', 'mkdir -p /etc/kubernetes/tmp && echo t > /etc/kubernetes/tmp/b && kubeadm reset -f --cert-dir /etc/kubernetes/ssl --cleanup-tmp-dir');
    expect(tmp.rc, tmp.stderr).to.equal(0);
    expect(tmp.stderr).to.contain('[reset] WARNING: Cleaning a non-default certificates directory: "/etc/kubernetes/ssl"');
    expect((await sh('ka75-new', 'find /etc/kubernetes | sort')).stdout).to.equal('/etc/kubernetes\n/etc/kubernetes/kubeadm-config.yaml\n/etc/kubernetes/manifests\n/etc/kubernetes/ssl\n/etc/kubernetes/tmp\n');
  });

  it('init waits for the API server and fails with kubeadm\'s text when none comes up in time', async () => {
    const a = `${NET}.2`;
    const cfg = [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: InitConfiguration',
      'localAPIEndpoint:',
      `  advertiseAddress: ${a}`,
      'timeouts:',
      '  controlPlaneComponentHealthCheck: 3s',
    ].join('\n');
    await labSsh(lab(), 'ka75-new', 'cat > /root/wait.yaml', { input: cfg + '\n' });
    const r = await sh('ka75-new', 'kubeadm init --config /root/wait.yaml');
    expect(r.rc).to.equal(1);
    expect(r.stdout).to.contain('[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests". This can take up to 3s\n');
    expect(r.stdout).to.contain("\nUnfortunately, an error has occurred:\n\tcontext deadline exceeded\n\nThis error is likely caused by:\n\t- The kubelet is not running\n");
    expect(r.stderr).to.contain("error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster\n");
    // everything before the wait was written
    expect((await sh('ka75-new', 'ls /etc/kubernetes/manifests')).stdout).to.equal('etcd.yaml\nkube-apiserver.yaml\nkube-controller-manager.yaml\nkube-scheduler.yaml\n');
  });
});
