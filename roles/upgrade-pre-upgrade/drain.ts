// kubespray's drain command line, run by a module that also says how it is going: while kubectl
// drain runs on the first control plane, every `progress_interval` seconds it counts the pods still
// on the node (the ones drain evicts: no mirror or DaemonSet pods; terminating ones too, drain waits for them) and prints them with the time
// left before --timeout. A long upgrade shows which node drains, how many pods are left, and when
// the drain will give up.
import { defineModule, type ModuleResult } from '../../lib/index.js';
import { evictable, type Pod } from '../upgrade-preflight/pdb.js';

export interface DrainArgs {
  /** kubectl with its kubeconfig */
  kubectl: string;
  node: string;
  grace_period: number;
  /** a Go duration as kubectl takes it: 360s, 6m, 1h30m, 0 (no timeout) */
  timeout: string;
  pod_selector?: string;
  /** kubespray's fallback drain: delete instead of evict (bypasses PDBs) */
  disable_eviction?: boolean;
  /** seconds between progress lines; 0 = none */
  progress_interval?: number;
}

export interface DrainResult extends ModuleResult {
  cmd: string;
  rc: number;
  stdout: string;
  stderr: string;
  /** pods drain would evict, as found before (check mode) or after the drain */
  pods_left: string[];
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['kubectl', 'node', 'grace_period', 'timeout'],
  properties: {
    kubectl: { type: 'string', minLength: 1 },
    node: { type: 'string', minLength: 1 },
    grace_period: { type: 'integer' },
    timeout: { type: 'string', pattern: '^(0|([0-9]+(\\.[0-9]+)?(h|m|s|ms))+)$' },
    pod_selector: { type: 'string' },
    disable_eviction: { type: 'boolean' },
    progress_interval: { type: 'integer', minimum: 0 },
  },
};

/** Seconds of a Go duration (`6m0s`, `360s`, `1h`); 0 for `0`. */
export function durationSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(h|ms|m|s)/g)) total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as 'h' | 'm' | 's' | 'ms'];
  return total;
}

/** A shell word (POSIX single quotes). */
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const clock = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.floor(s)}s`);

/** kubespray's command (roles/upgrade/pre-upgrade/tasks/main.yml, FACTS §1.5), flag for flag. */
export function drainCommand(a: DrainArgs): string {
  return [
    `${a.kubectl} drain --force --ignore-daemonsets --grace-period ${a.grace_period} --timeout ${a.timeout} --delete-emptydir-data ${shq(a.node)}`,
    a.pod_selector ? ` --pod-selector ${shq(a.pod_selector)}` : '',
    a.disable_eviction ? ' --disable-eviction' : '',
  ].join('');
}

export const kube_drain = defineModule<DrainArgs, DrainResult>({
  name: 'kube_drain',
  schema,
  async run(args, ctx) {
    const cmd = drainCommand(args);
    const podsLeft = async (): Promise<string[] | null> => {
      const r = await ctx.conn.exec(`${args.kubectl} get pods --all-namespaces --field-selector spec.nodeName=${shq(args.node)} -o json`, { become: ctx.become });
      if (r.rc !== 0) return null;
      try {
        return (JSON.parse(r.stdout) as { items: Pod[] }).items.filter((p) => evictable(p)).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
      } catch {
        return null;
      }
    };
    if (ctx.check) {
      const pods = (await podsLeft()) ?? [];
      ctx.log(`would cordon and drain ${args.node}: ${pods.length} pod(s) to evict${pods.length ? ` (${pods.join(', ')})` : ''}`);
      return { changed: true, cmd, rc: 0, stdout: '', stderr: '', pods_left: pods, msg: `would drain ${args.node}: ${pods.length} pod(s) to evict${pods.length ? ` (${pods.join(', ')})` : ''}` };
    }
    const limit = durationSeconds(args.timeout);
    const started = Date.now();
    // kubectl drain runs detached on the host (kubespray runs it async for drain_timeout + 120 s),
    // so the polls that count the pods left need no second channel beside it
    const wrapped = limit > 0 ? `timeout -k 10s ${Math.ceil(limit + 120)}s ${cmd}` : cmd;
    const start = await ctx.conn.exec(
      'd=$(mktemp -d /tmp/.tsplay-drain.XXXXXX) && cat > "$d/cmd" && (setsid sh -c \'sh "$1/cmd" > "$1/out" 2> "$1/err"; echo $? > "$1/rc.tmp"; mv "$1/rc.tmp" "$1/rc"\' sh "$d" < /dev/null > /dev/null 2>&1 &) && echo "$d"',
      { become: ctx.become, stdin: `${wrapped}\n` },
    );
    const dir = start.stdout.trim();
    if (start.rc !== 0 || !dir.startsWith('/tmp/.tsplay-drain.')) {
      return { changed: false, failed: true, cmd, rc: start.rc || 1, stdout: start.stdout, stderr: start.stderr, pods_left: [], msg: `could not start the drain of ${args.node}: ${start.stderr.trim()}` };
    }
    const every = (args.progress_interval ?? 15) * 1000;
    let lastLog = Date.now();
    let res: { rc: number; stdout: string; stderr: string } | undefined;
    while (!res) {
      // quick polls first (most drains take seconds), then every 5 s at most
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 + (Date.now() - started) / 4)));
      const poll = await ctx.conn.exec(
        `if [ -f ${dir}/rc ]; then echo DONE; cat ${dir}/rc; echo; echo ---OUT---; cat ${dir}/out; echo ---ERR---; cat ${dir}/err; rm -rf ${dir}; else echo RUNNING; fi`,
        { become: ctx.become },
      );
      if (poll.stdout.startsWith('DONE\n')) {
        const text = poll.stdout;
        const o = text.indexOf('---OUT---\n');
        const e = text.indexOf('---ERR---\n');
        res = { rc: Number(text.slice(5, o).trim() || '1'), stdout: text.slice(o + 10, e), stderr: text.slice(e + 10).replace(/\n$/, '') };
        break;
      }
      if (every <= 0 || Date.now() - lastLog < every) continue;
      lastLog = Date.now();
      const pods = await podsLeft();
      const elapsed = (Date.now() - started) / 1000;
      const left = limit > 0 ? `, ${clock(Math.max(0, limit - elapsed))} until the drain timeout (${args.timeout})` : '';
      ctx.log(`draining ${args.node}: ${pods === null ? 'pods left unknown' : `${pods.length} pod(s) left${pods.length ? ` (${pods.slice(0, 5).join(', ')}${pods.length > 5 ? ', ...' : ''})` : ''}`}, ${clock(elapsed)} elapsed${left}`);
    }
    const result: DrainResult = { changed: res.rc === 0, cmd, rc: res.rc, stdout: res.stdout, stderr: res.stderr, pods_left: [] };
    if (res.rc !== 0) {
      result.pods_left = (await podsLeft()) ?? [];
      const last = res.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
      result.failed = true;
      result.msg = `drain of ${args.node} failed (exit ${res.rc}${res.rc === 124 ? ': killed after drain_timeout + 120 s' : ''}): ${last}${result.pods_left.length ? `; pods still there: ${result.pods_left.join(', ')}` : ''}`;
    }
    return result;
  },
});

