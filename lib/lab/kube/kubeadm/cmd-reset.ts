// `kubeadm reset` (cmd/kubeadm/app/cmd/reset.go, phases/reset): remove this node's etcd member
// when it runs stacked etcd, stop the kubelet, delete the contents of the manifests, kubelet and
// certificate directories (and /etc/kubernetes/tmp with --cleanup-tmp-dir) and the kubeconfig
// files. Nothing else: CNI config, iptables and $HOME/.kube/config stay, as with the real one.
import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { boolFlag, parseCmd, type Ctx } from './context.js';
import { CobraError, KubeadmError } from './errors.js';
import { systemctl } from './kubelet.js';
import { DEFAULT_CERT_DIR } from './config.js';
import { exists } from './pki.js';

const FLAGS = ['force', 'cert-dir', 'cleanup-tmp-dir', 'config', 'cri-socket', 'dry-run', 'ignore-preflight-errors', 'kubeconfig', 'skip-phases'];
const KUBECONFIGS = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

async function clearDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const e of entries) await rm(join(dir, e), { recursive: true, force: true });
}

function etcdctl(args: string[]): Promise<{ rc: number; out: string }> {
  return new Promise((resolve) =>
    execFile('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 20000 }, (err, stdout, stderr) => resolve({ rc: err ? 1 : 0, out: String(stdout) + String(stderr) })),
  );
}

/** The flags of the stacked etcd manifest, or null when this node runs none. */
async function etcdFlags(manifests: string): Promise<Record<string, string> | null> {
  const file = join(manifests, 'etcd.yaml');
  if (!(await exists(file))) return null;
  const pod = parse(await readFile(file, 'utf8')) as { spec?: { containers?: { command?: string[] }[] } };
  const out: Record<string, string> = {};
  for (const a of pod.spec?.containers?.[0]?.command ?? []) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

async function removeEtcdMember(ctx: Ctx, certDir: string, f: Record<string, string>): Promise<void> {
  const endpoint = (f['advertise-client-urls'] ?? '').split(',')[0]!;
  const tls = ['--endpoints', endpoint, '--cacert', join(certDir, 'etcd/ca.crt'), '--cert', join(certDir, 'etcd/healthcheck-client.crt'), '--key', join(certDir, 'etcd/healthcheck-client.key')];
  const list = await etcdctl([...tls, 'member', 'list', '-w', 'json']);
  if (list.rc !== 0) {
    ctx.out.err(`[reset] Failed to remove etcd member: ${list.out.trim().split('\n').pop()}`);
    ctx.out.err('Please, manually remove this etcd member using etcdctl');
    return;
  }
  const members = (JSON.parse(list.out) as { members?: { ID: number | string; name: string }[] }).members ?? [];
  const me = members.find((m) => m.name === f.name);
  if (!me) return;
  if (members.length === 1) {
    // the last member: nothing to leave, its data directory goes below
    return;
  }
  const id = BigInt(me.ID).toString(16);
  const r = await etcdctl([...tls, 'member', 'remove', id]);
  if (r.rc !== 0) {
    ctx.out.err(`[reset] Failed to remove etcd member: ${r.out.trim()}`);
    ctx.out.err('Please, manually remove this etcd member using etcdctl');
  }
}

export async function runReset(ctx: Ctx, argv: string[]): Promise<void> {
  const p = parseCmd(argv, { bools: ['force', 'cleanup-tmp-dir', 'dry-run'], short: { f: 'force' } }, FLAGS, 'kubeadm reset [flags]');
  if (p.args.length > 0) throw new CobraError(`unknown command "${p.args[0]}" for "kubeadm reset"`, 'kubeadm reset [flags]');
  if (!boolFlag(p, 'force')) {
    // no terminal to confirm on: the prompt reads EOF, which the real one takes as "no"
    ctx.out.out('[reset] WARNING: Changes made to this host by \'kubeadm init\' or \'kubeadm join\' will be reverted.');
    ctx.out.out('[reset] Are you sure you want to proceed? [y/N]: ');
    throw new KubeadmError('aborted reset operation');
  }
  if (process.getuid?.() !== 0) {
    throw new KubeadmError('[preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as root\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`', 2);
  }
  const certDir = p.flags.get('cert-dir') ?? DEFAULT_CERT_DIR;
  const manifests = '/etc/kubernetes/manifests';
  ctx.out.out('[preflight] Running pre-flight checks');
  const etcd = await etcdFlags(manifests);
  if (etcd) {
    await removeEtcdMember(ctx, certDir, etcd);
    const dataDir = etcd['data-dir'] ?? '/var/lib/etcd';
    ctx.out.out(`[reset] Deleting contents of the etcd data directory: ${dataDir}`);
    await clearDir(dataDir);
  } else {
    ctx.out.out('[reset] No etcd config found. Assuming external etcd');
    ctx.out.out('[reset] Please, manually reset etcd to prevent further issues');
  }
  ctx.out.out('[reset] Stopping the kubelet service');
  await systemctl(['stop', 'kubelet']);
  ctx.out.out('[reset] Unmounting mounted directories in "/var/lib/kubelet"');
  const dirs = [manifests, '/var/lib/kubelet', certDir];
  if (boolFlag(p, 'cleanup-tmp-dir')) dirs.push('/etc/kubernetes/tmp');
  if (certDir !== DEFAULT_CERT_DIR) ctx.out.err(`[reset] WARNING: Cleaning a non-default certificates directory: "${certDir}"`);
  ctx.out.out(`[reset] Deleting contents of directories: [${dirs.join(' ')}]`);
  for (const d of dirs) await clearDir(d);
  const files = KUBECONFIGS.map((f) => `/etc/kubernetes/${f}`);
  ctx.out.out(`[reset] Deleting files: [${files.join(' ')}]`);
  for (const f of files) await rm(f, { force: true });
  ctx.out.out('');
  ctx.out.out('The reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d');
  ctx.out.out('');
  ctx.out.out('The reset process does not reset or clean up iptables rules or IPVS tables.');
  ctx.out.out('If you wish to reset iptables, you must do so manually by using the "iptables" command.');
  ctx.out.out('');
  ctx.out.out('If your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)');
  ctx.out.out('to reset your system\'s IPVS tables.');
  ctx.out.out('');
  ctx.out.out('The reset process does not clean your kubeconfig files and you must remove them manually.');
  ctx.out.out('Please, check the contents of the $HOME/.kube/config file.');
}
