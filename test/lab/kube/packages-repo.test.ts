// The lab's Kubernetes apt repository, on a lab host, the way a user installs the packages: real
// apt-get, dpkg, gpg signature, apt-mark hold, upgrades; the real kubectl. The doubles here are a
// fixture that records how it was started, so this tests the packaging apart from the doubles
// (packages.test.ts runs the real doubles).
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { labDown, labUp, type LabState } from '../../../lib/lab/index.js';
import { bundleEntry, kubeCacheDir } from '../../../lib/lab/kube/packages/bundle.js';
import { realKubectl } from '../../../lib/lab/kube/packages/kubectl.js';
import { buildRepo, HOST_KEYRING, HOST_SOURCES, type KubeRepo } from '../../../lib/lab/kube/packages/repo.js';
import { KUBE_RELEASES } from '../../../lib/lab/kube/common/versions.js';
import { labSsh, labSubnet, tempStateDir } from '../../helpers/lab.js';
import { rm } from 'node:fs/promises';

const RELEASES = KUBE_RELEASES.filter((r) => ['1.16.3', '1.17.7', '1.35.2'].includes(r.version));
const HOST = 'kp80-a';

describe('lab kube packages: the apt repository on a lab host (fixture doubles, real kubectl)', function () {
  this.timeout(300000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  let repo: KubeRepo;
  const sh = async (cmd: string): Promise<{ code: number; stdout: string; stderr: string }> => {
    if (!state) throw new Error('lab is not up');
    const r = await labSsh(state, HOST, cmd);
    return { code: r.rc, stdout: r.stdout, stderr: r.stderr };
  };
  const versions = async (): Promise<string[]> =>
    (await ok("dpkg-query -W -f='${Package} ${Version}\\n' kubeadm kubelet kubectl")).split('\n').filter(Boolean).sort();
  const ok = async (cmd: string): Promise<string> => {
    const r = await sh(cmd);
    if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(async function () {
    const fixture = await bundleEntry('record-double', fileURLToPath(new URL('./fixtures/record-double', import.meta.url)));
    const kubectlVersion = await bundleEntry('kubectl-version', path.resolve('lib/lab/kube/packages/kubectl-version'));
    repo = await buildRepo(kubeCacheDir(), RELEASES, {
      kubeadm: fixture,
      kubelet: fixture,
      apiserver: fixture,
      controllerManager: fixture,
      scheduler: fixture,
      kubectlVersion,
      realKubectl: await realKubectl(),
    });
    stateDir = await tempStateDir('kp80');
    state = await labUp([{ name: HOST, address: `${labSubnet(80)}.1` }], { stateDir, kubeRepo: repo });
  });
  after(async () => {
    if (stateDir) {
      await labDown(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('gives the host the signed source and key as the install guides write them', async () => {
    expect(await ok(`cat ${HOST_SOURCES}`)).to.equal(`deb [signed-by=${HOST_KEYRING}] file:${repo.dir} kubernetes-xenial main\n`);
    expect(await ok(`gpg --show-keys --with-colons ${HOST_KEYRING} | grep -c '^pub'`)).to.equal('1\n');
    // a fresh node: none of these packages installed before apt installs them
    expect(await ok("dpkg-query -W -f='${Status}\\n' kubeadm kubelet kubectl 2>&1 || true")).to.not.match(/install ok installed/);
  });

  it('apt-get update verifies the signature; install pinned versions and hold, as on a real node', async () => {
    const upd = await sh('apt-get update 2>&1');
    expect(upd.code, upd.stdout).to.equal(0);
    expect(upd.stdout).to.not.match(/NO_PUBKEY|not signed|insecure/i);
    await ok('DEBIAN_FRONTEND=noninteractive apt-get install -y kubeadm=1.16.3-00 kubelet=1.16.3-00 kubectl=1.16.3-00 2>&1');
    expect(await ok('apt-mark hold kubeadm kubelet kubectl')).to.match(/kubeadm set on hold/);
    expect(await versions()).to.deep.equal(['kubeadm 1.16.3-00', 'kubectl 1.16.3-00', 'kubelet 1.16.3-00']);
    expect((await ok('apt-mark showhold')).split('\n').filter(Boolean).sort()).to.deep.equal(['kubeadm', 'kubectl', 'kubelet']);
  });

  it('launchers run the double with the package version; kubectl is the real client with the package version', async () => {
    expect(JSON.parse(await ok('kubeadm version -o short'))).to.deep.include({ version: '1.16.3', argv: ['version', '-o', 'short'] });
    expect(JSON.parse(await ok('kubelet --version'))).to.deep.include({ version: '1.16.3', argv: ['--version'] });
    expect(await ok('kubectl version --client --short')).to.equal('Client Version: v1.16.3\n');
    expect(await ok('kubectl version --client')).to.match(/^Client Version: version\.Info\{Major:"1", Minor:"16", GitVersion:"v1\.16\.3", /);
    const json = JSON.parse(await ok('kubectl version --client -o json')) as { clientVersion: { gitVersion: string; minor: string } };
    expect(json.clientVersion).to.include({ gitVersion: 'v1.16.3', minor: '16' });
    // everything else is the real kubectl binary from Debian's kubernetes-client
    expect(await ok('kubectl --help')).to.match(/kubectl controls the Kubernetes cluster manager/);
    expect(await ok('kubectl config view --kubeconfig=/dev/null -o jsonpath="{.kind}"')).to.equal('Config');
    expect(await ok('kubectl --kubeconfig /dev/null config view -o jsonpath="{.apiVersion}"')).to.equal('v1');
  });

  it('ships the real unit and the kubeadm drop-in; systemctl starts the kubelet with them', async () => {
    expect(await ok('dpkg -S /lib/systemd/system/kubelet.service')).to.equal('kubelet: /lib/systemd/system/kubelet.service\n');
    expect(await ok('dpkg -S /etc/systemd/system/kubelet.service.d/10-kubeadm.conf')).to.equal('kubeadm: /etc/systemd/system/kubelet.service.d/10-kubeadm.conf\n');
    // the -00 kubelet owns an empty manifests dir: 1.16's join refuses a non-empty one
    expect(await ok('dpkg -S /etc/kubernetes/manifests')).to.equal('kubelet: /etc/kubernetes/manifests\n');
    expect(await ok('ls -A /etc/kubernetes/manifests')).to.equal('');
    await ok('mkdir -p /var/lib/kubelet && echo \'KUBELET_KUBEADM_ARGS="--cgroup-driver=systemd"\' > /var/lib/kubelet/kubeadm-flags.env && echo "KUBELET_EXTRA_ARGS=--node-ip=10.0.0.9" > /etc/default/kubelet && rm -f /run/record-double.log');
    await ok('systemctl start kubelet');
    let log = '';
    for (let i = 0; i < 50 && !log; i++) {
      log = (await sh('cat /run/record-double.log 2>/dev/null')).stdout;
      if (!log) await new Promise((r) => setTimeout(r, 100));
    }
    const rec = JSON.parse(log.trim().split('\n')[0]) as { version: string; argv: string[] };
    expect(rec.version).to.equal('1.16.3');
    expect(rec.argv).to.deep.equal([
      '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
      '--kubeconfig=/etc/kubernetes/kubelet.conf',
      '--config=/var/lib/kubelet/config.yaml',
      '--cgroup-driver=systemd',
      '--node-ip=10.0.0.9',
    ]);
    expect(await ok('systemctl is-active kubelet')).to.equal('active\n');
    await ok('systemctl stop kubelet');
  });

  it('held packages stay put on upgrade; --allow-change-held-packages upgrades them', async () => {
    const refused = await sh('DEBIAN_FRONTEND=noninteractive apt-get install -y kubeadm=1.17.7-00 2>&1');
    expect(refused.code).to.not.equal(0);
    expect(refused.stdout).to.match(/Held packages were changed and -y was used without --allow-change-held-packages/);
    await ok('DEBIAN_FRONTEND=noninteractive apt-get install -y --allow-change-held-packages kubeadm=1.17.7-00 kubelet=1.17.7-00 kubectl=1.17.7-00 2>&1');
    expect(await versions()).to.deep.equal(['kubeadm 1.17.7-00', 'kubectl 1.17.7-00', 'kubelet 1.17.7-00']);
    expect(JSON.parse(await ok('kubeadm version -o short')).version).to.equal('1.17.7');
    expect(await ok('kubectl version --client --short')).to.equal('Client Version: v1.17.7\n');
  });

  it('the -1.1 naming: the drop-in moves to /usr/lib with kubeadm, kubectl prints the 1.28+ format', async () => {
    await ok('DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Options::=--force-confold --allow-change-held-packages kubeadm=1.35.2-1.1 kubelet=1.35.2-1.1 kubectl=1.35.2-1.1 2>&1');
    expect(await ok('dpkg -S /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf')).to.equal('kubeadm: /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf\n');
    expect(await ok('dpkg -S /usr/lib/systemd/system/kubelet.service')).to.equal('kubelet: /usr/lib/systemd/system/kubelet.service\n');
    expect(await ok('kubectl version --client')).to.equal('Client Version: v1.35.2\nKustomize Version: v5.7.1\n');
    const short = await sh('kubectl version --client --short');
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/^error: unknown flag: --short/);
  });
});
