import { shq } from '../util/shell.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// kube: kubespray's `kube` module (plugins/modules/kube.py): kubectl on the host applies, replaces
// and deletes manifests and resources. present, latest and reloaded run `kubectl apply --force`
// (server-side with server_side_apply) on `filename`; absent deletes `filename`'s objects or
// `resource [name] [-l label] [--all]` when they exist; exists says whether they do. Each state
// is one round trip (the existence check and the change run in one script). Unlike kubespray's
// (which always says changed: false), `changed` is what kubectl reports: an object created,
// configured or deleted, not `unchanged`. Under --check, apply runs with --dry-run=server (the
// API server says what would change) and delete only checks that something would be deleted.

export interface KubeArgs {
  /** the resource's name (with `resource`) */
  name?: string;
  /** manifest file(s) on the host, or directories (see recursive) */
  filename?: string | string[];
  namespace?: string;
  /** resource type: pods, deployments, svc, ... (without filename) */
  resource?: string;
  /** label selector (without filename) */
  label?: string;
  /** API server URL (kubectl --server) */
  server?: string;
  /** kubeconfig path on the host */
  kubeconfig?: string;
  /** path of kubectl on the host (default: kubectl in PATH) */
  kubectl?: string;
  /** delete even when the objects do not seem to exist (--ignore-not-found) */
  force?: boolean;
  /** apply --wait */
  wait?: boolean;
  /** delete --all; exists: --all-namespaces */
  all?: boolean;
  /** kubectl --v */
  log_level?: number;
  /** default present */
  state?: 'present' | 'absent' | 'latest' | 'reloaded' | 'exists';
  /** process directories in filename recursively */
  recursive?: boolean;
  /** apply --server-side --force-conflicts */
  server_side_apply?: boolean;
}

export interface KubeResult extends ModuleResult {
  /** 'success: <kubectl's lines>'; for exists, 'True' or 'False' */
  msg: string;
  /** kubectl's output lines */
  stdout_lines?: string[];
}

const str = { type: 'string', minLength: 1 } as const;
export const kubeSchema = {
  type: 'object',
  properties: {
    name: str,
    filename: { anyOf: [str, { type: 'array', items: str, minItems: 1 }] },
    namespace: str,
    resource: str,
    label: str,
    server: str,
    kubeconfig: str,
    kubectl: str,
    force: { type: 'boolean' },
    wait: { type: 'boolean' },
    all: { type: 'boolean' },
    log_level: { type: 'integer', minimum: 0 },
    state: { enum: ['present', 'absent', 'latest', 'reloaded', 'exists'] },
    recursive: { type: 'boolean' },
    server_side_apply: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

const UNCHANGED = / unchanged( \(server dry run\))?$/;
const DELETED = / deleted( \(server dry run\))?$/;

function files(args: KubeArgs): string[] {
  return args.filename === undefined ? [] : (Array.isArray(args.filename) ? args.filename : args.filename.split(',')).map((f) => f.trim()).filter(Boolean);
}

/** kubectl and its global flags, as kubespray builds them. */
function base(args: KubeArgs): string[] {
  const b = [args.kubectl ?? 'kubectl'];
  if (args.server) b.push(`--server=${args.server}`);
  if (args.kubeconfig) b.push(`--kubeconfig=${args.kubeconfig}`);
  if (args.log_level) b.push(`--v=${args.log_level}`);
  if (args.namespace) b.push(`--namespace=${args.namespace}`);
  return b;
}

/** What `get` and `delete` select: the files' objects, or resource [name] [-l label]. */
function target(args: KubeArgs, what: string): string[] {
  const f = files(args);
  if (f.length) return [`--filename=${f.join(',')}`, ...(args.recursive ? ['--recursive=true'] : [])];
  if (!args.resource) throw new ModuleFailure(`kube: resource required ${what} (or give filename)`);
  return [args.resource, ...(args.name ? [args.name] : []), ...(args.label ? [`--selector=${args.label}`] : [])];
}

const line = (argv: string[]): string => argv.map((a) => shq(a)).join(' ');

/** Runs `script`; its kubectl's argv is `shown` in a failure, kubespray's message. */
async function run(ctx: ModuleContext, script: string, shown: string[]): Promise<string[]> {
  const r = await ctx.conn.exec(script, { become: ctx.become });
  if (r.rc !== 0) throw new ModuleFailure(`error running kubectl (${shown.join(' ')}) command (rc=${r.rc}), out='${r.stdout}', err='${r.stderr}'`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

async function runKube(args: KubeArgs, ctx: ModuleContext): Promise<KubeResult> {
  const state = args.state ?? 'present';
  const b = base(args);
  // exit 3 from the script: nothing matched (get found no object)
  const get = [...b, 'get', ...target(args, 'without filename'), ...(args.all && !files(args).length ? ['--all-namespaces'] : []), '--no-headers'];
  const exists = `out=$(${line(get)} 2>/dev/null) && [ -n "$out" ]`;

  if (state === 'exists') {
    const r = await ctx.conn.exec(`if ${exists}; then echo True; else echo False; fi`, { become: ctx.become });
    if (r.rc !== 0) throw new ModuleFailure(`error running kubectl (${get.join(' ')}) command (rc=${r.rc}), err='${r.stderr}'`);
    return { changed: false, msg: r.stdout.trim() };
  }

  if (state === 'absent') {
    const del = [...b, 'delete', ...target(args, 'to delete without filename')];
    if (!files(args).length) {
      if (args.all) del.push('--all');
      if (args.force) del.push('--ignore-not-found');
    }
    // under --check: only whether something would be deleted
    if (ctx.check) {
      const r = await ctx.conn.exec(`if ${exists}; then echo True; else echo False; fi`, { become: ctx.become });
      return { changed: r.stdout.trim() === 'True', msg: 'success: ' };
    }
    const script = args.force ? line(del) : `if ${exists}; then ${line(del)}; else exit 0; fi`;
    const out = await run(ctx, script, del);
    return { changed: out.some((l) => DELETED.test(l)), msg: `success: ${out.join(' ')}`, stdout_lines: out };
  }

  // present, latest, reloaded: kubespray applies in each (create with check=False, replace)
  const f = files(args);
  if (!f.length) throw new ModuleFailure(`kube: filename required to ${state === 'present' ? 'create' : 'reload'}`);
  // kubectl refuses --force with --dry-run (what --force would do is delete and re-create)
  const apply = [...b, 'apply', ...(args.server_side_apply ? ['--server-side', '--force-conflicts'] : ctx.check ? [] : ['--force'])];
  if (args.wait) apply.push('--wait');
  if (args.recursive) apply.push('--recursive=true');
  if (ctx.check) apply.push('--dry-run=server');
  apply.push(`--filename=${f.join(',')}`);
  const out = await run(ctx, line(apply), apply);
  return { changed: out.some((l) => !UNCHANGED.test(l)), msg: `success: ${out.join(' ')}`, stdout_lines: out };
}

export const kube = defineModule<KubeArgs, KubeResult>({ name: 'kube', schema: kubeSchema, run: runKube });
