import { ASYNC_DIR, finishedResult, readStatus, runningResult } from '../executor/async.js';
import { shq } from '../util/shell.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { splitLines } from './common/result.js';

// async_status: the state of a job a task started with `async` and `poll: 0`, as Ansible's
// async_status reports it: running ({started: 1, finished: 0}), or finished with the result the
// task's module would have given (rc, stdout, ... for command and shell) and the job's ids.
// `mode: cleanup` removes the status file. Loop it with `until: 'job.finished'` to wait.

export interface AsyncStatusArgs {
  /** the job id: the async task's registered `ansible_job_id` */
  jid: string;
  /** status (default) or cleanup */
  mode?: 'status' | 'cleanup';
}

export interface AsyncStatusResult extends ModuleResult {
  ansible_job_id: string;
  /** 1 once the job's command ended */
  finished?: 0 | 1;
  started?: 0 | 1;
  results_file?: string;
  /** cleanup: the status file removed */
  erased?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  stdout_lines?: string[];
  stderr_lines?: string[];
}

export const asyncStatusSchema = {
  type: 'object',
  properties: {
    // a path segment of the async dir: no slash, no leading dot
    jid: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' },
    mode: { enum: ['status', 'cleanup'] },
  },
  required: ['jid'],
  additionalProperties: false,
} as const;

async function run(args: AsyncStatusArgs, ctx: ModuleContext): Promise<AsyncStatusResult> {
  const jid = args.jid;
  const path = `${ASYNC_DIR}/${jid}`;
  const where = `~/${shq(ASYNC_DIR.slice(2) + '/' + jid)}`;
  if (args.mode === 'cleanup') {
    const r = await ctx.conn.exec(`f=${where}; [ -e "$f" ] || exit 3; rm -f -- "$f" && printf '%s' "$f"`, { become: ctx.become });
    if (r.rc === 3) throw new ModuleFailure('could not find job', { ansible_job_id: jid, started: 1, finished: 1 });
    if (r.rc !== 0) throw new ModuleFailure(`async_status: cannot remove ${path}: ${r.stderr.trim()}`, { ansible_job_id: jid });
    return { changed: false, ansible_job_id: jid, erased: r.stdout };
  }
  const st = await readStatus(ctx.conn, path, ctx.become);
  // the absolute path, as Ansible reports it
  const file = (await ctx.conn.exec(`printf '%s' ${where}`, { become: ctx.become })).stdout;
  const empty = { stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };
  if (st === undefined) throw new ModuleFailure('could not find job', { ansible_job_id: jid, started: 1, finished: 1, results_file: file, ...empty });
  if (st.finished !== 1) return { changed: false, ...(runningResult(jid, file) as Omit<AsyncStatusResult, 'changed'>) };
  if (st.rc === undefined) {
    throw new ModuleFailure(st.msg ?? 'the job ended without a result', { ansible_job_id: jid, started: 1, finished: 1, results_file: file, ...(st.child_pid === undefined ? {} : { child_pid: st.child_pid }), ...empty });
  }
  const mine = await finishedResult(jid, st, file);
  // a failed outcome is returned, not thrown: it keeps the module's `changed`, as Ansible's does
  if (mine) return mine as unknown as AsyncStatusResult;
  // a job this run did not start: its command's outcome as the command module reports it
  const stdout = (st.stdout ?? '').replace(/[\r\n]+$/, '');
  const stderr = (st.stderr ?? '').replace(/[\r\n]+$/, '');
  const res = { changed: true, ansible_job_id: jid, started: 1 as const, finished: 1 as const, results_file: file, rc: st.rc, stdout, stderr, stdout_lines: splitLines(stdout), stderr_lines: splitLines(stderr), start: st.start, end: st.end, delta: st.delta };
  return st.rc === 0 ? res : { ...res, failed: true, msg: 'non-zero return code' };
}

export const async_status = defineModule<AsyncStatusArgs, AsyncStatusResult>({
  name: 'async_status',
  schema: asyncStatusSchema,
  run,
});
