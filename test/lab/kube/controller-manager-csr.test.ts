// The CSR approver's decision on real certificate requests made by openssl: kubeadm's TLS
// bootstrap (a bootstrap token's groups) and the kubelet's own renewal (system:nodes, username =
// CN) are approved; anything else (other subjects, SANs, server usages, other requesters) is not.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { approvalFor, csrSubject } from '../../../lib/lab/kube/controller-manager/csr.js';
import type { Csr } from '../../../lib/lab/kube/controller-manager/types.js';

const run = promisify(execFile);

describe('controller-manager double: CSR approver', () => {
  let dir = '';
  const make = async (name: string, subj: string, san?: string): Promise<string> => {
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], { cwd: dir });
    await run('openssl', ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subj, ...(san ? ['-addext', `subjectAltName=${san}`] : [])], { cwd: dir });
    return readFile(path.join(dir, `${name}.csr`), 'utf8');
  };
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kcm-csr-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const csr = (pem: string, spec: Partial<Csr['spec']>): Csr => ({
    metadata: { name: 'x' },
    spec: { request: Buffer.from(pem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'key encipherment', 'client auth'], ...spec },
  });

  it('reads the subject and SANs of a request with openssl', async () => {
    const s = await csrSubject(await make('a', '/O=system:nodes/CN=system:node:w1'));
    expect(s).to.deep.equal({ cn: 'system:node:w1', o: ['system:nodes'], hasSans: false });
    expect((await csrSubject(await make('b', '/CN=x', 'DNS:w1,IP:10.0.0.1'))).hasSans).to.equal(true);
  });

  it("approves kubeadm's TLS bootstrap and the kubelet's self renewal, with the real messages", async () => {
    const pem = await make('n', '/O=system:nodes/CN=system:node:w1');
    const s = await csrSubject(pem);
    expect(approvalFor(csr(pem, { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated'] }), s, false)).to.deep.equal({ message: 'Auto approving kubelet client certificate after SubjectAccessReview.' });
    expect(approvalFor(csr(pem, { username: 'system:node:w1', groups: ['system:nodes', 'system:authenticated'] }), s, false)).to.deep.equal({ message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' });
    // v1beta1 (1.14–1.18): no signerName, the legacy signer
    expect(approvalFor(csr(pem, { signerName: undefined, username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }), s, true)).to.not.equal(null);
  });

  it('refuses: another node renewing, an admin, server usages, SANs, a foreign organisation, another signer', async () => {
    const pem = await make('n2', '/O=system:nodes/CN=system:node:w1');
    const s = await csrSubject(pem);
    const boot = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] };
    expect(approvalFor(csr(pem, { username: 'system:node:w2', groups: ['system:nodes'] }), s, false)).to.equal(null);
    expect(approvalFor(csr(pem, { username: 'kubernetes-admin', groups: ['system:masters'] }), s, false)).to.equal(null);
    expect(approvalFor(csr(pem, { ...boot, usages: ['digital signature', 'key encipherment', 'server auth'] }), s, false)).to.equal(null);
    expect(approvalFor(csr(pem, { ...boot, signerName: 'kubernetes.io/kubelet-serving' }), s, false)).to.equal(null);
    expect(approvalFor(csr(pem, { ...boot, signerName: undefined }), s, false)).to.equal(null);
    const withSan = await make('n3', '/O=system:nodes/CN=system:node:w1', 'DNS:w1');
    expect(approvalFor(csr(withSan, boot), await csrSubject(withSan), false)).to.equal(null);
    const foreign = await make('n4', '/O=evil/CN=system:node:w1');
    expect(approvalFor(csr(foreign, boot), await csrSubject(foreign), false)).to.equal(null);
    const notNode = await make('n5', '/O=system:nodes/CN=admin');
    expect(approvalFor(csr(notNode, boot), await csrSubject(notNode), false)).to.equal(null);
  });
});
