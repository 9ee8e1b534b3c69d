// The kubeadm double's pure parts: which config apiVersions each release reads and how it refuses
// the others, config defaulting, tokens, the CA pin against openssl's own pipeline, the
// certificate-key encryption, and the join command's two shapes.
import { expect } from 'chai';
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVersion, type SemVer } from '../../../lib/lab/kube/common/versions.js';
import { parseConfig } from '../../../lib/lab/kube/kubeadm/config.js';
import { KubeadmError } from '../../../lib/lab/kube/kubeadm/errors.js';
import { kubeadmFlags } from '../../../lib/lab/kube/kubeadm/kubelet.js';
import { runInit } from '../../../lib/lab/kube/kubeadm/cmd-init.js';
import { newCtx } from '../../../lib/lab/kube/kubeadm/context.js';
import type { Out } from '../../../lib/lab/kube/kubeadm/output.js';
import { joinCommand, oneLine } from '../../../lib/lab/kube/kubeadm/joincmd.js';
import { memberAddWithBackoff } from '../../../lib/lab/kube/kubeadm/cmd-join.js';
import { tokenSecret, controlPlaneMarks } from '../../../lib/lab/kube/kubeadm/cluster.js';
import { apiServerServiceIP } from '../../../lib/lab/kube/kubeadm/pki.js';
import { caCertHash, decryptBytes, encryptBytes, generateCertificateKey, generateToken, parseDuration, TOKEN_RE } from '../../../lib/lab/kube/kubeadm/tokens.js';

const V = (s: string): SemVer => parseVersion(s)!;
const doc = (apiVersion: string, kind = 'ClusterConfiguration', extra = ''): string => `apiVersion: ${apiVersion}\nkind: ${kind}\n${extra}`;

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KubeadmError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('kubeadm double: config apiVersions per release', () => {
  it('1.16 reads v1beta1 and v1beta2', () => {
    for (const av of ['kubeadm.k8s.io/v1beta1', 'kubeadm.k8s.io/v1beta2']) {
      const c = parseConfig(doc(av, 'ClusterConfiguration', 'kubernetesVersion: v1.16.3\n'), 'f', V('1.16.3'), 'h');
      expect(c.cluster!.kubernetesVersion).to.equal('v1.16.3');
    }
  });

  it('1.16 refuses v1alpha3 as old and v1beta3/v1beta4 as unknown, with kubeadm\'s texts', () => {
    expect(refused(() => parseConfig(doc('kubeadm.k8s.io/v1alpha3'), 'f', V('1.16.3'), 'h'))).to.equal(
      `your configuration file uses an old API spec: "kubeadm.k8s.io/v1alpha3". Please use kubeadm v1.14 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`,
    );
    expect(refused(() => parseConfig(doc('kubeadm.k8s.io/v1beta4', 'InitConfiguration'), 'f', V('1.16.3'), 'h'))).to.equal(
      'no kind "InitConfiguration" is registered for version "kubeadm.k8s.io/v1beta4" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"',
    );
    expect(() => parseConfig(doc('kubeadm.k8s.io/v1beta3'), 'f', V('1.16.3'), 'h')).to.throw(KubeadmError, /no kind "ClusterConfiguration" is registered for version "kubeadm.k8s.io\/v1beta3"/);
  });

  it('1.35 reads v1beta3 and v1beta4 and refuses v1beta2 naming the kind', () => {
    expect(parseConfig(doc('kubeadm.k8s.io/v1beta4', 'UpgradeConfiguration', 'apply:\n  forceUpgrade: true\n'), 'f', V('1.35.2'), 'h').upgrade!.apply.forceUpgrade).to.equal(true);
    expect(parseConfig(doc('kubeadm.k8s.io/v1beta3'), 'f', V('1.35.2'), 'h').cluster).to.not.equal(undefined);
    expect(refused(() => parseConfig(doc('kubeadm.k8s.io/v1beta2', 'InitConfiguration'), 'f', V('1.35.2'), 'h'))).to.equal(
      `your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta2" (kind: "InitConfiguration"). Please use kubeadm v1.22 instead and run 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.`,
    );
  });

  it('UpgradeConfiguration exists only in v1beta4', () => {
    expect(() => parseConfig(doc('kubeadm.k8s.io/v1beta3', 'UpgradeConfiguration'), 'f', V('1.34.3'), 'h')).to.throw(/no kind "UpgradeConfiguration" is registered for version "kubeadm.k8s.io\/v1beta3"/);
  });

  it('reads the documents of a kubespray-style file, with v1beta4 extraArgs lists and v1beta3 maps', () => {
    const text = [
      doc('kubeadm.k8s.io/v1beta4', 'InitConfiguration', 'localAPIEndpoint:\n  advertiseAddress: 10.0.0.5\n  bindPort: 6443\nnodeRegistration:\n  name: M1\n'),
      doc('kubeadm.k8s.io/v1beta4', 'ClusterConfiguration', 'kubernetesVersion: 1.35.2\ncertificatesDir: /etc/kubernetes/ssl\netcd:\n  external:\n    endpoints: [https://10.0.0.5:2379]\n    caFile: /etc/ssl/etcd/ssl/ca.pem\napiServer:\n  extraArgs:\n  - name: bind-address\n    value: 10.0.0.5\n'),
      doc('kubelet.config.k8s.io/v1beta1', 'KubeletConfiguration', 'cgroupDriver: systemd\n'),
    ].join('---\n');
    const c = parseConfig(text, 'f', V('1.35.2'), 'h');
    expect(c.init!.localAPIEndpoint).to.deep.equal({ advertiseAddress: '10.0.0.5', bindPort: 6443 });
    expect(c.init!.nodeRegistration.name).to.equal('m1');
    expect(c.cluster!.kubernetesVersion).to.equal('v1.35.2');
    expect(c.cluster!.etcd.external!.endpoints).to.deep.equal(['https://10.0.0.5:2379']);
    expect(c.cluster!.apiServer.extraArgs).to.deep.equal({ 'bind-address': '10.0.0.5' });
    expect(c.cluster!.imageRepository).to.equal('registry.k8s.io');
    expect(c.kubelet!.cgroupDriver).to.equal('systemd');
    const old = parseConfig(doc('kubeadm.k8s.io/v1beta2', 'ClusterConfiguration', 'apiServer:\n  extraArgs:\n    bind-address: 10.0.0.6\n'), 'f', V('1.16.3'), 'h');
    expect(old.cluster!.apiServer.extraArgs).to.deep.equal({ 'bind-address': '10.0.0.6' });
    expect(old.cluster!.imageRepository).to.equal('k8s.gcr.io');
    expect(old.cluster!.certificatesDir).to.equal('/etc/kubernetes/pki');
  });

  it('refuses InitConfiguration with JoinConfiguration, and YAML errors with the line', () => {
    expect(refused(() => parseConfig(doc('kubeadm.k8s.io/v1beta2', 'InitConfiguration') + '---\n' + doc('kubeadm.k8s.io/v1beta2', 'JoinConfiguration'), 'f', V('1.16.3'), 'h'))).to.match(/mutually exclusive/);
    expect(refused(() => parseConfig('apiVersion: [\n', 'f', V('1.16.3'), 'h'))).to.match(/^error converting YAML to JSON: yaml: line \d+/);
  });
});

describe('kubeadm double: kubeadm-flags.env per release and criSocket', () => {
  const cluster = (v: string): NonNullable<ReturnType<typeof parseConfig>['cluster']> =>
    parseConfig(doc(v === '1.16.3' ? 'kubeadm.k8s.io/v1beta2' : 'kubeadm.k8s.io/v1beta3', 'ClusterConfiguration', `kubernetesVersion: v${v}\n`), 'f', V(v), 'h').cluster!;
  const reg = (criSocket?: string): Parameters<typeof kubeadmFlags>[2] => ({ name: 'h', kubeletExtraArgs: {}, ignorePreflightErrors: [], ...(criSocket ? { criSocket } : {}) });

  it('before 1.24: dockershim flags for the default socket, --container-runtime=remote and the endpoint for containerd', () => {
    expect(kubeadmFlags(cluster('1.16.3'), V('1.16.3'), reg(), 'h')).to.equal('KUBELET_KUBEADM_ARGS="--network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.1"\n');
    expect(kubeadmFlags(cluster('1.16.3'), V('1.16.3'), reg('unix:///var/run/containerd/containerd.sock'), 'h')).to.equal(
      'KUBELET_KUBEADM_ARGS="--container-runtime=remote --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"\n',
    );
  });

  it('from 1.24: only the CRI endpoint, never --container-runtime', () => {
    const flags = kubeadmFlags(cluster('1.34.3'), V('1.34.3'), reg('unix:///var/run/containerd/containerd.sock'), 'h');
    expect(flags).to.include('--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock');
    expect(flags).to.not.include('--container-runtime=');
  });
});

describe('kubeadm double: init --upload-certs per release', () => {
  // argv parsing stops at the first flag the release does not know, before anything runs; a
  // --no-such-flag after it keeps a release that accepts --upload-certs from running init here
  const refusedFlag = async (version: string, argv: string[]): Promise<string> => {
    const out: Out = { out: () => {}, err: () => {} };
    try {
      await runInit(newCtx(V(version), out), argv);
      return '(accepted)';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('1.14 knows only --experimental-upload-certs; 1.15 and 1.16 take --upload-certs (init and the upload-certs phase)', async () => {
    expect(await refusedFlag('1.14.3', ['--upload-certs', '--no-such-flag'])).to.equal('unknown flag: --upload-certs');
    expect(await refusedFlag('1.14.3', ['phase', 'upload-certs', '--upload-certs', '--no-such-flag'])).to.equal('unknown flag: --upload-certs');
    expect(await refusedFlag('1.14.3', ['--experimental-upload-certs', '--no-such-flag'])).to.equal('unknown flag: --no-such-flag');
    for (const v of ['1.15.6', '1.16.3']) expect(await refusedFlag(v, ['--upload-certs', '--no-such-flag']), v).to.equal('unknown flag: --no-such-flag');
  });
});

describe('kubeadm double: tokens, CA pin, certificate key', () => {
  it('makes tokens of the bootstrap-token form and a Secret with kubeadm\'s fields', () => {
    const t = generateToken();
    expect(t).to.match(TOKEN_RE);
    const s = tokenSecret('abcdef.0123456789abcdef', { ttl: '24h0m0s', usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] }, Date.UTC(2026, 0, 1));
    const data = Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(s.metadata.name).to.equal('bootstrap-token-abcdef');
    expect(s.type).to.equal('bootstrap.kubernetes.io/token');
    expect(data).to.deep.equal({
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      expiration: '2026-01-02T00:00:00Z',
      'usage-bootstrap-signing': 'true',
      'usage-bootstrap-authentication': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    });
    expect(() => tokenSecret('ABCDEF.0123456789abcdef', { ttl: '1h', usages: [], groups: [] })).to.throw(KubeadmError, /was not of the form/);
  });

  it('pins the CA as openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kadm-ca-'));
    try {
      execSync(`openssl req -x509 -newkey rsa:2048 -nodes -keyout ${dir}/ca.key -out ${dir}/ca.crt -subj /CN=kubernetes -days 1 2>/dev/null`);
      const want = execSync(`openssl x509 -pubkey -noout -in ${dir}/ca.crt | openssl pkey -pubin -outform der | sha256sum`).toString().split(' ')[0];
      expect(caCertHash(readFileSync(`${dir}/ca.crt`, 'utf8'))).to.equal(`sha256:${want}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('encrypts with the 32-byte hex key (nonce first) and refuses a wrong key with Go\'s message', () => {
    const key = generateCertificateKey();
    expect(key).to.match(/^[0-9a-f]{64}$/);
    const sealed = encryptBytes(Buffer.from('secret pem'), key);
    expect(sealed.length).to.equal(12 + 10 + 16);
    expect(decryptBytes(sealed, key).toString()).to.equal('secret pem');
    expect(() => decryptBytes(sealed, generateCertificateKey())).to.throw(KubeadmError, 'cipher: message authentication failed');
    expect(() => decryptBytes(sealed, 'abcd')).to.throw(KubeadmError, 'crypto/aes: invalid key size 2');
  });

  it('reads Go durations', () => {
    expect(parseDuration('24h0m0s')).to.equal(86400000);
    expect(parseDuration('2h')).to.equal(7200000);
    expect(parseDuration('1m30s')).to.equal(90000);
    expect(() => parseDuration('3 days')).to.throw(/invalid duration "3 days"/);
  });

  it('prints the join command over lines for init and on one line for --print-join-command', () => {
    const h = 'sha256:' + 'a'.repeat(64);
    const w = joinCommand({ hostPort: '10.0.0.1:6443', token: 'abcdef.0123456789abcdef', caHashes: [h], controlPlane: false });
    expect(w).to.equal(`kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n\t--discovery-token-ca-cert-hash ${h} `);
    expect(oneLine(w)).to.equal(`kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${h} `);
    const cp = joinCommand({ hostPort: 'lb:6443', token: 'abcdef.0123456789abcdef', caHashes: [h], controlPlane: true, certificateKey: 'k'.repeat(64) });
    expect(oneLine(cp)).to.equal(`kubeadm join lb:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${h} --control-plane --certificate-key ${'k'.repeat(64)}`);
  });

  it('labels and taints control planes per release', () => {
    expect(controlPlaneMarks(V('1.16.3'))).to.deep.equal({ labels: { 'node-role.kubernetes.io/master': '' }, taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] });
    expect(controlPlaneMarks(V('1.35.2'))).to.deep.equal({
      labels: { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
  });

  it('takes the first service address as the API server\'s ClusterIP', () => {
    expect(apiServerServiceIP('10.96.0.0/12')).to.equal('10.96.0.1');
    expect(apiServerServiceIP('10.233.0.0/18')).to.equal('10.233.0.1');
  });
});

describe('kubeadm double: stacked etcd member add', () => {
  const unhealthy = { rc: 1, out: 'Error: etcdserver: unhealthy cluster' };
  it('1.15 and later retry an "unhealthy cluster" refusal with kubeadm\'s backoff (50 ms doubling, 11 tries)', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const ok = await memberAddWithBackoff(true, async () => (++calls < 4 ? unhealthy : { rc: 0, out: 'added' }), async (ms) => void sleeps.push(ms));
    expect(ok).to.deep.equal({ rc: 0, out: 'added' });
    expect(calls).to.equal(4);
    expect(sleeps).to.have.length(3);
    [50, 100, 200].forEach((base, i) => expect(sleeps[i]).to.be.within(base, base * 1.1)); // jitter 0.1
    calls = 0;
    const failed = await memberAddWithBackoff(true, async () => (calls++, unhealthy), async () => undefined);
    expect(failed).to.deep.equal(unhealthy);
    expect(calls).to.equal(11);
  });
  it('1.14 tries once, as kubeadm 1.14 did', async () => {
    let calls = 0;
    const r = await memberAddWithBackoff(false, async () => (calls++, unhealthy), async () => undefined);
    expect(r.rc).to.equal(1);
    expect(calls).to.equal(1);
  });
});
