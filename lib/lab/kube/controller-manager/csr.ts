// The CSR approver and signer (pkg/controller/certificates/{approver,signer}). The approver
// auto-approves kubelet client certificate requests (subject O=system:nodes, CN=system:node:<n>,
// client usages, no SANs) made by a bootstrap token (a `system:bootstrappers*` group: kubeadm's
// kubeadm:node-autoapprove-bootstrap binding) or renewed by that node itself (system:nodes and
// username = CN: kubeadm:node-autoapprove-certificate-rotation). The signer signs approved
// requests of the signers it serves with --cluster-signing-cert-file/--cluster-signing-key-file,
// using openssl, for --cluster-signing-duration (1 year; spec.expirationSeconds when shorter).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../common/client.js';
import { errText, type ControllerContext } from './context.js';
import { nowTime, type Csr } from './types.js';

export interface SignerConfig {
  certFile: string;
  keyFile: string;
  durationMs: number;
}

const KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const SIGNERS = new Set([KUBELET_CLIENT, 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown']);

function openssl(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { timeout: 30000 }, (err, out, stderr) => (err ? reject(new Error(`openssl ${args[0]}: ${String(stderr).trim() || err.message}`)) : resolve(String(out))));
    if (input !== undefined) child.stdin?.end(input);
  });
}

export interface CsrSubject {
  cn?: string;
  o: string[];
  hasSans: boolean;
}

/** Subject and SAN presence of a PEM certificate request, read by openssl. */
export async function csrSubject(pem: string): Promise<CsrSubject> {
  const subj = await openssl(['req', '-noout', '-subject', '-nameopt', 'RFC2253'], pem);
  const text = await openssl(['req', '-noout', '-text'], pem);
  const parts = subj.replace(/^subject=\s*/, '').trim().split(/(?<!\\),/);
  const out: CsrSubject = { o: [], hasSans: /Subject Alternative Name/.test(text) };
  for (const p of parts) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(p.trim());
    if (!m) continue;
    if (m[1] === 'CN') out.cn = m[2];
    if (m[1] === 'O') out.o.push(m[2]!);
  }
  return out;
}

function isApproved(c: Csr): boolean {
  const conds = c.status?.conditions ?? [];
  return conds.some((x) => x.type === 'Approved' && x.status !== 'False') && !conds.some((x) => x.type === 'Denied' || x.type === 'Failed');
}

/** Which kubeadm autoapprove rule lets the requester have a node client certificate, if any. */
export function approvalFor(csr: Csr, subject: CsrSubject, legacyApi: boolean): { message: string } | null {
  const signer = csr.spec.signerName ?? (legacyApi ? 'kubernetes.io/legacy-unknown' : '');
  if (signer !== KUBELET_CLIENT && !(legacyApi && signer === 'kubernetes.io/legacy-unknown')) return null;
  if (subject.o.length !== 1 || subject.o[0] !== 'system:nodes' || !subject.cn?.startsWith('system:node:') || subject.hasSans) return null;
  const usages = new Set(csr.spec.usages ?? []);
  if (!usages.has('client auth') || !usages.has('digital signature') || [...usages].some((u) => !['client auth', 'digital signature', 'key encipherment'].includes(u))) return null;
  const groups = csr.spec.groups ?? [];
  if (groups.some((g) => g === 'system:bootstrappers' || g.startsWith('system:bootstrappers:'))) return { message: 'Auto approving kubelet client certificate after SubjectAccessReview.' };
  if (groups.includes('system:nodes') && csr.spec.username === subject.cn) return { message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' };
  return null;
}

export class CsrController {
  private readonly failed = new Set<string>();
  private warnedNoCa = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly signer: SignerConfig,
  ) {}

  private path(name: string, sub?: string): string {
    return `/apis/${this.ctx.certificatesVersion}/certificatesigningrequests/${name}${sub ? `/${sub}` : ''}`;
  }

  async sync(): Promise<void> {
    const legacy = this.ctx.certificatesVersion.endsWith('v1beta1');
    for (const csr of this.ctx.caches.csrs.list()) {
      const key = `${csr.metadata.uid}/${csr.metadata.resourceVersion}`;
      if (this.failed.has(key) || csr.status?.certificate) continue;
      try {
        if (!isApproved(csr)) {
          if ((csr.status?.conditions ?? []).some((c) => c.type === 'Denied' || c.type === 'Failed')) continue;
          const subject = await csrSubject(Buffer.from(csr.spec.request, 'base64').toString('utf8'));
          const ok = approvalFor(csr, subject, legacy);
          if (!ok) {
            this.failed.add(key); // not ours to approve; look again only when it changes
            continue;
          }
          const conditions = [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message: ok.message, lastUpdateTime: nowTime(), lastTransitionTime: nowTime() }];
          await this.ctx.client.update(this.path(String(csr.metadata.name), 'approval'), { ...csr, status: { ...csr.status, conditions } });
          this.ctx.log.info('sarapprove.go:100', `"CSR approved" csr="${csr.metadata.name}"`);
          continue; // the watch brings the approved object; signing happens on that pass
        }
        await this.sign(csr, legacy);
      } catch (e) {
        if (e instanceof ApiError && (e.code === 409 || e.code === 404)) continue;
        this.failed.add(key);
        this.ctx.log.error('certificate_controller.go:150', `"Unhandled Error" err="error syncing CSR ${csr.metadata.name}: ${errText(e)}"`);
      }
    }
  }

  private async sign(csr: Csr, legacy: boolean): Promise<void> {
    const signerName = csr.spec.signerName ?? (legacy ? 'kubernetes.io/legacy-unknown' : '');
    if (!SIGNERS.has(signerName)) return;
    try {
      await access(this.signer.certFile);
      await access(this.signer.keyFile);
    } catch {
      if (!this.warnedNoCa) this.ctx.log.info('certificates.go:60', `"Skipping CSR signer controller because no csr cert/key was specified"`);
      this.warnedNoCa = true;
      return;
    }
    let ms = this.signer.durationMs;
    if (csr.spec.expirationSeconds) ms = Math.min(ms, Math.max(600, csr.spec.expirationSeconds) * 1000);
    const days = Math.max(1, Math.ceil(ms / 86400000));
    const eku = (csr.spec.usages ?? []).map((u) => ({ 'client auth': 'clientAuth', 'server auth': 'serverAuth' })[u as 'client auth' | 'server auth']).filter(Boolean);
    const ku = (csr.spec.usages ?? []).map((u) => ({ 'digital signature': 'digitalSignature', 'key encipherment': 'keyEncipherment' })[u as 'digital signature' | 'key encipherment']).filter(Boolean);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcm-csr-'));
    try {
      const req = path.join(dir, 'req.pem');
      const ext = path.join(dir, 'ext.cnf');
      await writeFile(req, Buffer.from(csr.spec.request, 'base64'));
      const lines = ['[v3]', 'basicConstraints = critical, CA:FALSE'];
      if (ku.length) lines.push(`keyUsage = critical, ${ku.join(', ')}`);
      if (eku.length) lines.push(`extendedKeyUsage = ${eku.join(', ')}`);
      lines.push('authorityKeyIdentifier = keyid');
      await writeFile(ext, lines.join('\n') + '\n');
      const args = ['x509', '-req', '-in', req, '-CA', this.signer.certFile, '-CAkey', this.signer.keyFile, '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', String(days), '-extfile', ext, '-extensions', 'v3'];
      // serving certificates keep the SANs the kubelet asked for
      if (signerName === 'kubernetes.io/kubelet-serving') args.push('-copy_extensions', 'copy');
      const pem = await openssl(args);
      await this.ctx.client.update(this.path(String(csr.metadata.name), 'status'), { ...csr, status: { ...csr.status, certificate: Buffer.from(pem).toString('base64') } });
      this.ctx.log.info('signer.go:120', `"Signed certificate" csr="${csr.metadata.name}" signerName="${signerName}"`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

