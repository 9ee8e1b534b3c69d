// A first control plane: the kubelet double runs the kube-apiserver double as a static pod (the
// "image" bundle at the manifest's tag version, over the test's real etcd), registers its Node
// through that API server, publishes its mirror pod, and restarts it at a new version when the
// manifest's image changes (what `kubeadm upgrade apply` does). labSubnet(103): the lab host .1,
// the test's etcd .11 (its own apiserver at .10 only reads the same etcd).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleProgram } from '../../../lib/lab/kube/packages/bundle.js';
import { labSsh, labSubnet } from '../../helpers/lab.js';
import { eventually, installKubelet, put, sh, useKubeletCluster } from './kubelet-helpers.js';

const run = promisify(execFile);
const NET = labSubnet(103);
const H = 'kl103-a';
const ADDR = `${NET}.1`;

const manifest = (tag: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
  labels:
    component: kube-apiserver
    tier: control-plane
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:${tag}
    command:
    - kube-apiserver
    - --advertise-address=${ADDR}
    - --bind-address=${ADDR}
    - --secure-port=6443
    - --allow-privileged=true
    - --authorization-mode=Node,RBAC
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --enable-bootstrap-token-auth=true
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --etcd-servers=https://${NET}.11:2379
    - --service-cluster-ip-range=10.96.0.0/12
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    volumeMounts:
    - name: k8s-certs
      mountPath: /etc/kubernetes/pki
      readOnly: true
  volumes:
  - name: k8s-certs
    hostPath:
      path: /srv/kl103-pki
      type: DirectoryOrCreate
`;

describe('kubelet double: a control plane\'s static kube-apiserver', function () {
  this.timeout(60000);
  const { kube, lab } = useKubeletCluster('kl103', NET, '1.35.2', [{ name: H, address: ADDR }]);

  before(async function () {
    this.timeout(180000);
    const fx = kube();
    const pki = path.join(fx.dir, 'pki');
    await installKubelet(lab(), H, '1.35.2');
    await put(lab(), H, '/usr/lib/kubelet-double/images/kube-apiserver.mjs', await readFile(await bundleProgram('apiserver'), 'utf8'));
    // the host's serving certificate (its own address) from the test's cluster CA
    await writeFile(path.join(pki, 'kl103.ext'), `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:${ADDR}\n`);
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'kl103.key'], { cwd: pki });
    await run('openssl', ['req', '-new', '-key', 'kl103.key', '-out', 'kl103.csr', '-subj', '/CN=kube-apiserver'], { cwd: pki });
    await run('openssl', ['x509', '-req', '-in', 'kl103.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'kl103.crt', '-days', '1', '-extfile', 'kl103.ext'], { cwd: pki });
    const copy = async (from: string, to: string, mode = '0644'): Promise<void> => put(lab(), H, `/srv/kl103-pki/${to}`, await readFile(path.join(pki, from), 'utf8'), mode);
    await copy('ca.crt', 'ca.crt');
    await copy('kl103.crt', 'apiserver.crt');
    await copy('kl103.key', 'apiserver.key', '0600');
    await copy('etcd-ca.crt', 'etcd/ca.crt');
    await copy('apiserver-etcd-client.crt', 'apiserver-etcd-client.crt');
    await copy('apiserver-etcd-client.key', 'apiserver-etcd-client.key', '0600');
    const nodeConf = (await readFile(await fx.userKubeconfig(`system:node:${H}`, ['system:nodes']), 'utf8')).replace(fx.server, `https://${ADDR}:6443`);
    await put(lab(), H, '/etc/kubernetes/kubelet.conf', nodeConf, '0600');
    await put(lab(), H, '/var/lib/kubelet/config.yaml', `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\nhealthzBindAddress: ${ADDR}\nstaticPodPath: /etc/kubernetes/manifests\nnodeStatusUpdateFrequency: 2s\n`);
    await put(lab(), H, '/etc/kubernetes/manifests/kube-apiserver.yaml', manifest('v1.35.2'));
    await sh(lab(), H, 'systemctl start kubelet');
  });


  const version = async (): Promise<string | undefined> => {
    const r = await labSsh(lab(), H, `curl -sS --cacert /srv/kl103-pki/ca.crt https://${ADDR}:6443/version`);
    return r.rc === 0 ? (JSON.parse(r.stdout) as { gitVersion: string }).gitVersion : undefined;
  };

  it('runs the apiserver double from its image at the tag\'s version, and registers through it', async () => {
    expect(await eventually('the static apiserver to answer', 30000, version)).to.equal('v1.35.2');
    const node = await eventually('the node', 30000, async () => (await kube().client.tryGet(`/api/v1/nodes/${H}`)) ?? undefined);
    expect(node.metadata.labels?.['kubernetes.io/hostname']).to.equal(H);
    // no --node-ip: the address the host's name resolves to (the lab's /etc/hosts)
    expect((node['status'] as { addresses: { type: string; address: string }[] }).addresses).to.deep.include({ type: 'InternalIP', address: ADDR });
    const line = await eventually('the mirror pod', 20000, async () => {
      const r = await kube().kubectl(['get', 'pods', '-n', 'kube-system', `kube-apiserver-${H}`, '--no-headers']);
      return /Running/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(line).to.match(new RegExp(`^kube-apiserver-${H}\\s+1/1\\s+Running\\s+0\\s`));
  });

  it('restarts it at the new version when the manifest\'s image changes (kubeadm upgrade apply)', async () => {
    await put(lab(), H, '/etc/kubernetes/manifests/kube-apiserver.yaml', manifest('v1.36.4'));
    expect(await eventually('v1.36.4 to answer', 40000, async () => ((await version()) === 'v1.36.4' ? 'v1.36.4' : undefined))).to.equal('v1.36.4');
    const img = await eventually('the mirror pod at the new image', 30000, async () => {
      const p = await kube().client.tryGet(`/api/v1/namespaces/kube-system/pods/kube-apiserver-${H}`);
      const image = (p?.['spec'] as { containers: { image: string }[] } | undefined)?.containers[0]?.image;
      return image?.endsWith('v1.36.4') ? image : undefined;
    });
    expect(img).to.equal('registry.k8s.io/kube-apiserver:v1.36.4');
  });
});
