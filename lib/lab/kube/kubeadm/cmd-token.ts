// `kubeadm token create|list|delete|generate` (cmd/kubeadm/app/cmd/token.go), against the API with
// --kubeconfig (default /etc/kubernetes/admin.conf).
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ApiError, KubeClient, type KubeObject } from '../common/client.js';
import { createToken, NODE_BOOTSTRAP_GROUP } from './cluster.js';
import { parseCmd, listFlag, type Ctx } from './context.js';
import { CobraError, KubeadmError } from './errors.js';
import { joinCommand, oneLine } from './joincmd.js';
import { caCertHash, generateToken, parseToken, TOKEN_RE } from './tokens.js';

const FLAGS = ['kubeconfig', 'dry-run', 'ttl', 'print-join-command', 'description', 'usages', 'groups', 'certificate-key', 'config', 'output', 'allow-missing-template-keys', 'show-managed-fields'];

async function client(kubeconfig: string): Promise<KubeClient> {
  try {
    return await KubeClient.fromKubeconfig(kubeconfig);
  } catch (e) {
    throw new KubeadmError(`failed to load admin kubeconfig: open ${kubeconfig}: ${(e as Error).message.includes('ENOENT') ? 'no such file or directory' : (e as Error).message}`);
  }
}

/** host:port and CA hash of a kubeconfig's current cluster, as GetJoinWorkerCommand reads them. */
export async function joinTarget(kubeconfig: string): Promise<{ hostPort: string; hash: string }> {
  const kc = parse(await readFile(kubeconfig, 'utf8')) as { clusters?: { cluster: Record<string, string> }[]; contexts?: { name: string; context: { cluster: string } }[]; 'current-context'?: string };
  const cluster = kc.clusters?.[0]?.cluster ?? {};
  const ca = Buffer.from(cluster['certificate-authority-data'] ?? '', 'base64').toString('utf8');
  return { hostPort: (cluster.server ?? '').replace(/^https:\/\//, ''), hash: caCertHash(ca) };
}

export async function runToken(ctx: Ctx, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const p = parseCmd(rest, { bools: ['print-join-command', 'dry-run'], short: { o: 'output' } }, FLAGS, `kubeadm token ${sub ?? ''} [flags]`);
  const kubeconfig = p.flags.get('kubeconfig') ?? '/etc/kubernetes/admin.conf';
  if (sub === 'generate') {
    ctx.out.out(generateToken());
    return;
  }
  if (sub === 'create') {
    const token = p.args[0] ?? generateToken();
    if (!TOKEN_RE.test(token)) parseToken(token);
    const ttl = p.flags.get('ttl') ?? '24h0m0s';
    const usages = p.flags.has('usages') ? listFlag(p, 'usages') : ['signing', 'authentication'];
    const groups = p.flags.has('groups') ? listFlag(p, 'groups') : [NODE_BOOTSTRAP_GROUP];
    const c = await client(kubeconfig);
    try {
      await createToken(c, token, { ttl, usages, groups, description: p.flags.get('description') }, false).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 409) throw new KubeadmError(`a token with id "${parseToken(token).id}" already exists`);
        throw e;
      });
    } finally {
      c.close();
    }
    if (p.flags.get('print-join-command') === 'true') {
      const t = await joinTarget(kubeconfig);
      const key = p.flags.get('certificate-key');
      ctx.out.out(oneLine(joinCommand({ hostPort: t.hostPort, token, caHashes: [t.hash], controlPlane: !!key, certificateKey: key })));
    } else {
      ctx.out.out(token);
    }
    return;
  }
  if (sub === 'list') {
    const c = await client(kubeconfig);
    let items: KubeObject[];
    try {
      items = (await c.list('/api/v1/namespaces/kube-system/secrets', { fieldSelector: 'type=bootstrap.kubernetes.io/token' })).items;
    } finally {
      c.close();
    }
    const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
    for (const s of items) {
      if (s.type !== 'bootstrap.kubernetes.io/token') continue;
      const d = Object.fromEntries(Object.entries((s.data ?? {}) as Record<string, string>).map(([k, x]) => [k, Buffer.from(x, 'base64').toString('utf8')]));
      const exp = d.expiration ? new Date(d.expiration) : null;
      const usages = Object.keys(d)
        .filter((k) => k.startsWith('usage-bootstrap-') && d[k] === 'true')
        .map((k) => k.slice('usage-bootstrap-'.length))
        .sort();
      rows.push([`${d['token-id']}.${d['token-secret']}`, exp ? shortHuman(exp.getTime() - Date.now()) : '<forever>', exp ? d.expiration! : '<never>', usages.join(',') || '<none>', d.description || '<none>', d['auth-extra-groups'] || '']);
    }
    const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) ctx.out.out(r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(w[i]! + 3))).join('').trimEnd());
    return;
  }
  if (sub === 'delete') {
    if (p.args.length === 0) throw new KubeadmError('missing subcommand; "token delete" is missing token of form "[a-z0-9]{6}" or "[a-z0-9]{6}\\.[a-z0-9]{16}"');
    const c = await client(kubeconfig);
    try {
      for (const t of p.args) {
        const id = /^[a-z0-9]{6}$/.test(t) ? t : parseToken(t).id;
        try {
          await c.delete(`/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}`);
        } catch (e) {
          if (e instanceof ApiError && e.code === 404) throw new KubeadmError(`failed to delete bootstrap token with id "${id}": secrets "bootstrap-token-${id}" not found`);
          throw e;
        }
        ctx.out.out(`bootstrap token "${id}" deleted`);
      }
    } finally {
      c.close();
    }
    return;
  }
  throw new CobraError(sub ? `unknown command "${sub}" for "kubeadm token"` : 'missing subcommand; "token" is not meant to be run on its own', 'kubeadm token [command]');
}

/** duration.ShortHumanDuration: 23h, 59m, 45s, 2d */
function shortHuman(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 0) return '<invalid>';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
