// x509_certificate_info equals community.crypto's (Debian's ansible collections, run with
// `ansible -c local`) field by field for real openssl certificates: an RSA CA with IPv4/IPv6
// SANs and an EC leaf; and the CA's public key sha256 is what kubeadm's
// --discovery-token-ca-cert-hash takes (the SubjectPublicKeyInfo DER digest, from openssl).
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509_certificate_info, type X509CertificateInfoArgs } from '../../lib/modules/x509_certificate_info.js';
import { makeContext } from '../helpers/module-context.js';
import { parseJsonExact } from '../../lib/template/pyint.js';
import { scratch } from '../helpers/run.js';

const COMPARED = ['subject', 'subject_ordered', 'issuer', 'issuer_ordered', 'subject_alt_name', 'not_before', 'not_after', 'expired',
  'serial_number', 'version', 'signature_algorithm', 'public_key', 'public_key_type', 'public_key_fingerprints', 'fingerprints', 'valid_at'];

function ansibleInfo(dir: string, args: string): Record<string, unknown> {
  const p = spawnSync('ansible', ['-i', 'localhost,', '-c', 'local', 'localhost', '-m', 'community.crypto.x509_certificate_info', '-a', args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: join(dir, 'none.cfg'), ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'), ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' },
  });
  if (p.status !== 0) throw new Error(`ansible failed: ${p.stdout}${p.stderr}`);
  // serial numbers are beyond 2^53: parsed exactly
  return parseJsonExact(p.stdout.slice(p.stdout.indexOf('{'))) as Record<string, unknown>;
}

describe('x509_certificate_info: tsplay equals community.crypto', function () {
  this.timeout(60_000);
  const { dir, cleanup } = scratch('tsplay-x509-');
  const ca = join(dir, 'ca.crt');
  const leaf = join(dir, 'leaf.crt');
  const ours = (args: X509CertificateInfoArgs) => x509_certificate_info.def.run(args, makeContext()) as unknown as Promise<Record<string, unknown>>;

  before(() => {
    const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/O=kubernetes/OU=tsplay/CN=kubernetes-ca',
      '-addext', 'subjectAltName=DNS:kubernetes,DNS:kubernetes.default.svc.cluster.local,IP:10.233.0.1,IP:fd00::13,email:ops@example.com');
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/C=DE/ST=Berlin/L=Berlin/O=system:nodes/CN=system:node:k1');
    ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '0x0123456789abcdef0123', '-days', '1', '-out', 'leaf.crt');
  });
  after(() => cleanup());

  for (const [name, file] of [['an RSA CA with SANs', 'ca.crt'], ['an EC leaf without SANs', 'leaf.crt']] as const) {
    it(`${name}: every compared field is the same`, async () => {
      const path = join(dir, file);
      const valid = { now: '+0s', later: '+2d', past: '20000101000000Z' };
      const theirs = ansibleInfo(dir, `path=${path} valid_at={"now":"+0s","later":"+2d","past":"20000101000000Z"}`);
      const mine = await ours({ path, valid_at: valid });
      for (const k of COMPARED) expect(mine[k], k).to.deep.equal(theirs[k]);
    });
  }

  it('content= reads the PEM text itself', async () => {
    const r = await ours({ content: readFileSync(leaf, 'utf8') });
    expect(r.subject).to.deep.include({ commonName: 'system:node:k1', organizationName: 'system:nodes' });
  });

  it("the CA's public key sha256 is kubeadm's discovery hash (openssl's SPKI digest)", async () => {
    const der = execFileSync('sh', ['-c', `openssl x509 -in ${ca} -pubkey -noout | openssl pkey -pubin -outform der | sha256sum`], { encoding: 'utf8' }).split(' ')[0];
    const r = await ours({ path: ca });
    expect(String((r.public_key_fingerprints as Record<string, string>).sha256).replace(/:/g, '')).to.equal(der);
  });

  it('errors name the file and the reason', async () => {
    let err: unknown;
    try { await ours({ path: join(dir, 'nope.crt') }); } catch (e) { err = e; }
    expect(String(err)).to.match(/x509_certificate_info: the file .*nope\.crt does not exist/);
    err = undefined;
    try { await ours({ path: join(dir, 'ca.key') }); } catch (e) { err = e; }
    expect(String(err)).to.match(/x509_certificate_info: .*ca\.key is not a certificate/);
    err = undefined;
    try { await ours({}); } catch (e) { err = e; }
    expect(String(err)).to.match(/give one of path or content/);
  });
});
