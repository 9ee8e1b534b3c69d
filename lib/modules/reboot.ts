import type { ExecResult } from '../connection/types.js';
import { UnreachableError } from '../connection/types.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { shq } from '../util/shell.js';

// reboot: as Ansible's reboot action (ansible-core 2.14, plugins/action/reboot.py). Read the boot
// id, run `shutdown -r <pre_reboot_delay in whole minutes> "<msg>"` (found in search_paths) or
// reboot_command, wait post_reboot_delay, then ask for the boot id until it differs from the one
// before, then run test_command until it succeeds; both waits are bounded by reboot_timeout and
// back off exponentially (1, 2, 4, 8 s, at most 12 s, plus up to 1 s of jitter) as Ansible's do.
// A connection that drops under the reboot command counts as the command having run. Under
// --check nothing runs and the result says it would reboot (changed, rebooted), as in Ansible.

export interface RebootArgs {
  /** seconds to wait for the machine to come back and answer test_command (default 600) */
  reboot_timeout?: number;
  /** seconds one attempt to reach the host may take (default: 10) */
  connect_timeout?: number;
  /** message shutdown broadcasts (default 'Reboot initiated by Ansible') */
  msg?: string;
  /** seconds before the reboot, given to shutdown in whole minutes (below 60: now), as Ansible does */
  pre_reboot_delay?: number;
  /** seconds to wait after the reboot command before the first check (default 0) */
  post_reboot_delay?: number;
  /** must succeed on the host once it is back (default 'whoami') */
  test_command?: string;
  /** prints something that changes at every boot (default 'cat /proc/sys/kernel/random/boot_id') */
  boot_time_command?: string;
  /** the whole command that reboots (its first word is looked up in search_paths unless absolute) */
  reboot_command?: string;
  /** where to look for the shutdown command (default /sbin /bin /usr/sbin /usr/bin /usr/local/sbin) */
  search_paths?: string | string[];
}

export interface RebootResult extends ModuleResult {
  rebooted: boolean;
  /** whole seconds from the reboot command to the end of the checks */
  elapsed: number;
}

export const rebootSchema = {
  type: 'object',
  properties: {
    reboot_timeout: { type: 'integer', minimum: 0 },
    connect_timeout: { type: 'number', exclusiveMinimum: 0 },
    msg: { type: 'string' },
    pre_reboot_delay: { type: 'integer' },
    post_reboot_delay: { type: 'integer' },
    test_command: { type: 'string', minLength: 1 },
    boot_time_command: { type: 'string', minLength: 1 },
    reboot_command: { type: 'string', minLength: 1 },
    search_paths: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', minLength: 1 } }] },
  },
  additionalProperties: false,
} as const;

const DEFAULT_SEARCH_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];
const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class TimedOut extends Error {}

/** Python's repr of a list of strings, as Ansible's messages print search_paths. */
function pyList(xs: readonly string[]): string {
  return `[${xs.map((x) => `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

/** One command, given at most `ms`: a host that does not answer in time is an error like a dropped one. */
async function execWithin(ctx: ModuleContext, cmd: string, ms: number): Promise<ExecResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      ctx.conn.exec(cmd, { become: ctx.become, timeoutMs: ms }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ansible's do_until_success_or_timeout: exponential backoff, at most 12 s (+ jitter) between tries. */
async function untilSuccess(ctx: ModuleContext, what: string, timeoutS: number, action: () => Promise<void>): Promise<void> {
  const end = Date.now() + timeoutS * 1000;
  for (let fails = 0; Date.now() < end; fails++) {
    try {
      await action();
      return;
    } catch {
      // the host went away (or is not back yet): let the next command connect again
      ctx.conn.retryConnect?.();
      const jitter = Math.random();
      await sleepMs(Math.min(2 ** fails, 12) * 1000 + jitter * 1000);
    }
  }
  throw new TimedOut(`Timed out waiting for ${what} (timeout=${timeoutS})`);
}

async function bootId(ctx: ModuleContext, cmd: string, ms: number): Promise<string> {
  const r = await execWithin(ctx, cmd, ms);
  if (r.rc !== 0) throw new ModuleFailure(`reboot: failed to get host boot time info, rc: ${r.rc}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  return r.stdout.trim();
}

/** The reboot command line: reboot_command, or shutdown found in search_paths with Ansible's Linux arguments. */
async function rebootCommand(args: RebootArgs, ctx: ModuleContext, ms: number): Promise<string> {
  const given = args.reboot_command;
  const bin = given !== undefined ? given.split(' ', 1)[0] : 'shutdown';
  const rest = given !== undefined ? (given.includes(' ') ? given.slice(given.indexOf(' ') + 1) : '') : `-r ${Math.floor(Math.max(0, args.pre_reboot_delay ?? 0) / 60)} "${args.msg ?? 'Reboot initiated by Ansible'}"`;
  if (bin.startsWith('/')) return `${bin} ${rest}`;
  const paths = args.search_paths === undefined ? DEFAULT_SEARCH_PATHS : typeof args.search_paths === 'string' ? args.search_paths.split(',').map((s) => s.trim()) : args.search_paths;
  // the first directory (in order) that holds the name, file or link, as Ansible's find does
  const probe = paths.map((d) => `if [ -e ${shq(`${d}/${bin}`)} ] || [ -L ${shq(`${d}/${bin}`)} ]; then printf '%s\\n' ${shq(`${d}/${bin}`)}; exit 0; fi`).join('; ');
  const r = await execWithin(ctx, `${probe}; exit 1`, ms);
  const found = r.stdout.trim();
  if (r.rc !== 0 || !found) throw new ModuleFailure(`Unable to find command "${bin}" in search paths: ${pyList(paths)}`, { rebooted: false, elapsed: 0 });
  return `${found} ${rest}`;
}

async function run(args: RebootArgs, ctx: ModuleContext): Promise<RebootResult> {
  if (ctx.vars.ansible_connection === 'local') {
    throw new ModuleFailure('Running reboot with local connection would reboot the control node.', { rebooted: false, elapsed: 0 });
  }
  if (ctx.check) return { changed: true, elapsed: 0, rebooted: true };
  const ms = (args.connect_timeout ?? 10) * 1000;
  const bootCmd = args.boot_time_command ?? 'cat /proc/sys/kernel/random/boot_id';
  let before: string;
  try {
    before = await bootId(ctx, bootCmd, ms);
  } catch (e) {
    if (e instanceof UnreachableError || e instanceof ModuleFailure) throw e;
    throw new ModuleFailure(`reboot: failed to get host boot time info: ${(e as Error).message}`, { rebooted: false });
  }
  const cmd = await rebootCommand(args, ctx, ms);
  let res: ExecResult;
  try {
    res = await ctx.conn.exec(cmd, { become: ctx.become });
  } catch (e) {
    // the host went down under the command (sshd killed first): it ran
    if (!(e instanceof UnreachableError)) throw e;
    res = { rc: 0, stdout: '', stderr: '' };
  }
  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  if (res.rc !== 0) {
    throw new ModuleFailure(`Reboot command failed. Error was: '${res.stdout.trim()}, ${res.stderr.trim()}'`, { rebooted: false, elapsed: elapsed() });
  }
  if ((args.post_reboot_delay ?? 0) > 0) await sleepMs(args.post_reboot_delay! * 1000);
  const timeout = args.reboot_timeout ?? 600;
  try {
    await untilSuccess(ctx, 'last boot time check', timeout, async () => {
      const now = await bootId(ctx, bootCmd, ms);
      if (now.length === 0 || now === before) throw new Error('boot time has not changed');
    });
    await untilSuccess(ctx, 'post-reboot test command', timeout, async () => {
      const r = await execWithin(ctx, args.test_command ?? 'whoami', ms);
      if (r.rc !== 0) throw new Error(`Test command failed: ${r.stderr} ${r.stdout}`);
    });
  } catch (e) {
    if (e instanceof TimedOut) throw new ModuleFailure(e.message, { rebooted: true, elapsed: elapsed() });
    throw e;
  }
  return { changed: true, rebooted: true, elapsed: elapsed() };
}

export const reboot = defineModule<RebootArgs, RebootResult>({
  name: 'reboot',
  schema: rebootSchema,
  run,
});
