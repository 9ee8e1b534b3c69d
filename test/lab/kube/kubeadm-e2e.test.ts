// kubeadm end to end with the other doubles (labSubnet(78)): packages from the lab's apt
// repository, `kubeadm init` 1.16.3 on a master (stacked real etcd, the kubelet double running the
// static pods), then kubeadm 1.17.7 from apt and `kubeadm upgrade plan` / `upgrade apply v1.17.7`:
// the kubelet restarts the API server at the new version and the real kubectl sees it. (A worker's
// join through the TLS bootstrap is covered by test/lab/kube/e2e.test.ts.)
import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { labDown, labUp, type LabState } from '../../../lib/lab/index.js';
import { initConfig116, initScript, joinCommandOf, prepareNodeScript, writeCniScript } from '../../../lib/lab/kube/packages/labflow.js';
import { labSsh, labSubnet, tempStateDir } from '../../helpers/lab.js';

const NET = labSubnet(78);
const MASTER = { name: 'kc78-m1', address: `${NET}.1` };
const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';

describe('kubeadm double end to end: init and upgrade with the kubelet and apiserver doubles', function () {
  this.timeout(600000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  const sh = (host: string, cmd: string) => labSsh(state!, host, cmd);
  const ok = async (host: string, cmd: string): Promise<string> => {
    const r = await sh(host, cmd);
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    stateDir = await tempStateDir('kc78');
    state = await labUp([MASTER], { stateDir, kubeRepo: true });
  });
  after(async () => {
    if (stateDir) {
      await labDown(stateDir).catch(() => undefined);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  let joinCommand = '';

  it('init prints a join command whose CA pin is the master CA\'s', async () => {
    await ok(MASTER.name, prepareNodeScript('1.16.3-00'));
    await labSsh(state!, MASTER.name, 'cat > /root/kubeadm-config.yaml', { input: initConfig116(MASTER.name, MASTER.address) });
    const init = await ok(MASTER.name, initScript('/root/kubeadm-config.yaml'));
    expect(init).to.match(/\nexit 0\n$/);
    expect(init).to.contain('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace');
    expect(init).to.contain(`[mark-control-plane] Marking the node ${MASTER.name} as control-plane by adding the taints [node-role.kubernetes.io/master:NoSchedule]`);
    joinCommand = joinCommandOf(init);
    const pin = (await ok(MASTER.name, "openssl x509 -pubkey -noout -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1")).trim();
    expect(joinCommand).to.equal(`kubeadm join ${MASTER.address}:6443 --token ${/--token (\S+)/.exec(joinCommand)?.[1]} --discovery-token-ca-cert-hash sha256:${pin}`);
    await ok(MASTER.name, writeCniScript());
    // (a not-ready taint may still be there until the node sees the CNI config)
    const taints = (await ok(MASTER.name, `${KUBECTL} get node ${MASTER.name} -o jsonpath='{.spec.taints[*].key}'`)).split(' ');
    expect(taints).to.include('node-role.kubernetes.io/master');
    expect(taints).to.not.include('node-role.kubernetes.io/control-plane');
  });

  it('upgrade plan and apply move the control plane to 1.17.7 once kubeadm 1.17.7 is installed', async () => {
    await ok(MASTER.name, 'DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --allow-change-held-packages kubeadm=1.17.7-00 >/dev/null');
    expect(await ok(MASTER.name, 'kubeadm version -o short')).to.equal('v1.17.7\n');
    const plan = await ok(MASTER.name, 'kubeadm upgrade plan');
    expect(plan).to.contain('[upgrade/versions] Cluster version: v1.16.3\n');
    expect(plan).to.match(/^kubelet\s+1 x v1\.16\.3\s+v1\.17\.7$/m);
    expect(plan).to.contain('\tkubeadm upgrade apply v1.17.7\n');
    const skip = await sh(MASTER.name, 'kubeadm upgrade apply v1.18.5 -y');
    expect(skip.rc).to.equal(1);
    expect(skip.stderr).to.contain('Specified version to upgrade to "v1.18.5" is at least one minor release higher than the kubeadm minor release (18 > 17). Such an upgrade is not supported');
    const r = await sh(MASTER.name, 'kubeadm upgrade apply v1.17.7 -y --config /root/kubeadm-config.yaml');
    expect(r.rc, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/\[upgrade\/staticpods\] Moved new manifest to "\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml" and backed up old manifest to "\/etc\/kubernetes\/tmp\/kubeadm-backup-manifests-[0-9-]+\/kube-apiserver\.yaml"/);
    expect(r.stdout).to.contain('[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.17.7". Enjoy!');
    const version = await ok(MASTER.name, `${KUBECTL} version -o json`);
    expect((JSON.parse(version) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).to.equal('v1.17.7');
    expect(await ok(MASTER.name, "grep -h 'image:' /etc/kubernetes/manifests/kube-*.yaml | sort")).to.equal(
      '    image: k8s.gcr.io/kube-apiserver:v1.17.7\n    image: k8s.gcr.io/kube-controller-manager:v1.17.7\n    image: k8s.gcr.io/kube-scheduler:v1.17.7\n',
    );
    expect(await ok(MASTER.name, 'grep -h "image:" /etc/kubernetes/tmp/kubeadm-backup-manifests-*/kube-apiserver.yaml')).to.contain('kube-apiserver:v1.16.3');
    const cc = await ok(MASTER.name, `${KUBECTL} -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'`);
    expect(cc).to.match(/^kubernetesVersion: v1\.17\.7$/m);
  });
});

/** kubeadm v1beta4 config (1.31+) of a single stacked-etcd master at `address`: kubeadm's default listeners, as on a real node. */
function initConfigV1beta4(name: string, address: string, version: string): string {
  return [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: InitConfiguration',
    'localAPIEndpoint:',
    `  advertiseAddress: ${address}`,
    '  bindPort: 6443',
    'nodeRegistration:',
    `  name: ${name}`,
    '---',
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    `kubernetesVersion: ${version}`,
    'networking:',
    '  podSubnet: 10.244.0.0/16',
    '---',
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'kind: KubeletConfiguration',
    'cgroupDriver: systemd',
    'failCgroupV1: false',
    '',
  ].join('\n');
}

describe('kubeadm double end to end, current releases: init 1.35.2 with a v1beta4 config, upgrade to 1.36.4', function () {
  this.timeout(600000);
  const M = { name: 'kc79-m1', address: `${labSubnet(79)}.1` };
  let state: LabState | undefined;
  let stateDir: string | undefined;
  const ok = async (cmd: string): Promise<string> => {
    const r = await labSsh(state!, M.name, cmd);
    if (r.rc !== 0) throw new Error(`${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    stateDir = await tempStateDir('kc79');
    state = await labUp([M], { stateDir, kubeRepo: true });
  });
  after(async () => {
    if (stateDir) {
      await labDown(stateDir).catch(() => undefined);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('initialises with registry.k8s.io images and the control-plane taint; admin.conf works through kubeadm:cluster-admins', async () => {
    await ok(prepareNodeScript('1.35.2-1.1'));
    await labSsh(state!, M.name, 'cat > /root/kubeadm-config.yaml', { input: initConfigV1beta4(M.name, M.address, 'v1.35.2') });
    const init = await ok(initScript('/root/kubeadm-config.yaml'));
    expect(init).to.match(/\nexit 0\n$/);
    expect(init).to.contain(`[mark-control-plane] Marking the node ${M.name} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]`);
    expect(await ok("grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml")).to.equal('    image: registry.k8s.io/kube-apiserver:v1.35.2\n');
    // (the node is also NotReady-tainted until a CNI config exists, as a real one)
    expect((await ok(`${KUBECTL} get node ${M.name} -o jsonpath='{.spec.taints[*].key}'`)).split(' ')).to.include('node-role.kubernetes.io/control-plane');
    expect(await ok(`${KUBECTL} get node ${M.name} -o jsonpath='{.metadata.labels}'`)).to.contain('"node-role.kubernetes.io/control-plane":""');
    expect(await ok(`${KUBECTL} -n kube-system get cm kubelet-config -o name`)).to.equal('configmap/kubelet-config\n');
  });

  it('upgrade apply v1.36.4 with kubeadm 1.36.4 restarts the API server at the new version', async () => {
    await ok('DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --allow-change-held-packages kubeadm=1.36.4-1.1 >/dev/null');
    const r = await labSsh(state!, M.name, 'kubeadm upgrade apply v1.36.4 -y');
    expect(r.rc, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.36.4". Enjoy!');
    const version = JSON.parse(await ok(`${KUBECTL} version -o json`)) as { serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).to.equal('v1.36.4');
  });
});

