import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// wait_for_connection: wait until the host answers a command again (after a reboot, or while it
// comes up), as Ansible's wait_for_connection does: `delay` first, then a command every `sleep`
// seconds, each attempt allowed `connect_timeout`, until `timeout`. An unreachable host is tried
// again (Connection.retryConnect) instead of failing the attempts that follow. Skipped under
// --check, as in Ansible.

export interface WaitForConnectionArgs {
  /** seconds before the first attempt (default 0) */
  delay?: number;
  /** seconds between attempts (default 1) */
  sleep?: number;
  /** seconds one attempt may take (default 5) */
  connect_timeout?: number;
  /** seconds in all (default 600) */
  timeout?: number;
}

export interface WaitForConnectionResult extends ModuleResult {
  /** seconds waited */
  elapsed: number;
}

export const waitForConnectionSchema = {
  type: 'object',
  properties: {
    delay: { type: 'number', minimum: 0 },
    sleep: { type: 'number', minimum: 0 },
    connect_timeout: { type: 'number', exclusiveMinimum: 0 },
    timeout: { type: 'number', minimum: 0 },
  },
  additionalProperties: false,
} as const;

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One attempt: a trivial command answered within `ms`; the reason when not. */
async function attempt(ctx: ModuleContext, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const res = await Promise.race([
      ctx.conn.exec('echo ping', { timeoutMs: ms }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms))),
    ]);
    return res.rc === 0 && res.stdout.trim() === 'ping' ? undefined : `the test command failed (rc ${res.rc}): ${res.stderr.trim()}`;
  } catch (e) {
    return (e as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

async function run(args: WaitForConnectionArgs, ctx: ModuleContext): Promise<WaitForConnectionResult> {
  if (ctx.check) return { changed: false, skipped: true, elapsed: 0, msg: 'wait_for_connection does not run under --check (as in Ansible)' };
  const start = Date.now();
  const timeoutMs = (args.timeout ?? 600) * 1000;
  const connectMs = (args.connect_timeout ?? 5) * 1000;
  if (args.delay) await sleepMs(args.delay * 1000);
  let last = '';
  for (;;) {
    const why = await attempt(ctx, connectMs);
    if (why === undefined) return { changed: false, elapsed: Math.floor((Date.now() - start) / 1000) };
    last = why;
    ctx.conn.retryConnect?.();
    if (Date.now() - start + (args.sleep ?? 1) * 1000 >= timeoutMs) break;
    await sleepMs((args.sleep ?? 1) * 1000);
  }
  const elapsed = Math.floor((Date.now() - start) / 1000);
  throw new ModuleFailure(`timed out waiting for connection to ${ctx.host} after ${elapsed} seconds: ${last} (is the host up and its sshd running? raise timeout if it needs longer)`, { elapsed });
}

export const wait_for_connection = defineModule<WaitForConnectionArgs, WaitForConnectionResult>({
  name: 'wait_for_connection',
  schema: waitForConnectionSchema,
  run,
});
