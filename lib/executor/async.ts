import { randomInt } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult } from '../connection/types.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../modules/types.js';
import { ModuleFailure } from '../modules/types.js';
import { shq } from '../util/shell.js';

// Ansible's `async`/`poll` for the modules that run one command (command, shell). The module runs
// as usual, but its one command is started detached on the host (setsid, stdio to /dev/null) by a
// small python3 runner, as Ansible's async_wrapper does, which writes the job's status file
// `~/.ansible_async/<jid>` (JSON; `{"started": 1, "finished": 0}` while it runs) and kills the
// command's process group after `async` seconds. With poll > 0 the controller reads the status
// file every `poll` seconds (one log line per poll, Ansible's "ASYNC POLL") and gives the module
// the command's outcome when it finishes, or fails with Ansible's message when `async` seconds
// passed. With poll 0 the task returns the job id at once (fire and forget); `async_status` reads
// the file later and builds the same result the module would have given.

/** Modules whose work is exactly one command on the host: those take `async`. */
export const ASYNC_MODULES: ReadonlySet<string> = new Set(['command', 'shell']);

export const ASYNC_DIR = '~/.ansible_async';

// the runner: argv jid, limit (s), dir; stdin is JSON { script, stdin } (base64). The script goes
// to a private file (0600, removed when the job ends) that sh reads, so the command, which may
// carry secrets, never shows in the host's process list as an argument
const RUNNER = String.raw`
import base64,datetime,json,os,signal,subprocess,sys
jid,limit,d=sys.argv[1],int(sys.argv[2]),os.path.expanduser(sys.argv[3])
job=json.loads(sys.stdin.read())
script=base64.b64decode(job['script'])
data=base64.b64decode(job['stdin'])
os.makedirs(d,0o700,exist_ok=True)
p=os.path.join(d,jid)
def w(o):
    t=p+'.tmp'
    with open(t,'w') as f:
        json.dump(o,f)
    os.rename(t,p)
w({'started':1,'finished':0,'ansible_job_id':jid})
if os.fork():
    print(json.dumps({'results_file':p}))
    sys.exit(0)
os.setsid()
if os.fork():
    os._exit(0)
n=os.open('/dev/null',os.O_RDWR)
for i in (0,1,2):
    os.dup2(n,i)
F='%Y-%m-%d %H:%M:%S.%f'
s=datetime.datetime.now()
sp=p+'.sh'
fd=os.open(sp,os.O_WRONLY|os.O_CREAT|os.O_EXCL,0o600)
os.write(fd,script)
os.close(fd)
c=subprocess.Popen(['/bin/sh',sp],stdin=subprocess.PIPE,stdout=subprocess.PIPE,stderr=subprocess.PIPE,start_new_session=True)
try:
    o,e=c.communicate(data,timeout=limit)
except subprocess.TimeoutExpired:
    os.killpg(c.pid,signal.SIGKILL)
    c.wait()
    os.unlink(sp)
    w({'failed':1,'msg':'Timeout exceeded','child_pid':c.pid,'finished':1,'ansible_job_id':jid})
    sys.exit(0)
os.unlink(sp)
t=datetime.datetime.now()
w({'finished':1,'ansible_job_id':jid,'rc':c.returncode,'stdout':o.decode('utf-8','replace'),'stderr':e.decode('utf-8','replace'),'start':s.strftime(F),'end':t.strftime(F),'delta':str(t-s)})
`;

/** What the status file holds. */
export interface JobStatus {
  ansible_job_id: string;
  started?: number;
  finished: number;
  rc?: number;
  stdout?: string;
  stderr?: string;
  start?: string;
  end?: string;
  delta?: string;
  failed?: number;
  msg?: string;
  child_pid?: number;
}

export interface Job {
  jid: string;
  resultsFile: string;
}

/** A poll-0 task: the module stops at its command; the task's result is the job's handle. */
export class Detached extends Error {
  constructor(readonly job: Job) {
    super(`async job ${job.jid} started`);
  }
}

/** The job did not finish within `async` seconds. */
export class AsyncTimeout extends Error {
  constructor(
    readonly limit: number,
    readonly last: Record<string, unknown>,
  ) {
    super(`async task did not complete within the requested time - ${limit}s`);
  }
}

/** Ansible's job id shape: j<12 digits>.<pid>, unique enough per host. */
function newJid(): string {
  return `j${randomInt(1e11, 1e12)}.${process.pid}`;
}

async function launch(conn: Connection, script: string, opts: ExecOptions, limit: number): Promise<Job> {
  const jid = newJid();
  const line = `python3 -c ${shq(RUNNER)} ${shq(jid)} ${limit} ${ASYNC_DIR}`;
  const job = JSON.stringify({ script: Buffer.from(script).toString('base64'), stdin: Buffer.from(opts.stdin ?? '').toString('base64') });
  const r = await conn.exec(line, { ...opts, stdin: job });
  if (r.rc !== 0) {
    const why = r.rc === 127 ? 'python3 is not installed on the host (async needs it, as Ansible does)' : `rc ${r.rc}: ${r.stderr.trim()}`;
    throw new ModuleFailure(`async: could not start the job: ${why}`);
  }
  const resultsFile = (JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { results_file?: string }).results_file;
  if (!resultsFile) throw new ModuleFailure(`async: the job runner gave no status file: ${r.stdout.trim()}`);
  return { jid, resultsFile };
}

/** The status file, or undefined when there is none. */
export async function readStatus(conn: Connection, file: string, become: ModuleContext['become']): Promise<JobStatus | undefined> {
  const r = await conn.exec(`cat -- ${file.startsWith('~/') ? `~/${shq(file.slice(2))}` : shq(file)} 2>/dev/null || exit 3`, { become });
  if (r.rc === 3) return undefined;
  if (r.rc !== 0) throw new ModuleFailure(`async: cannot read ${file}: rc ${r.rc}: ${r.stderr.trim()}`);
  try {
    return JSON.parse(r.stdout) as JobStatus;
  } catch {
    // written by rename, so a partial file means someone else wrote it
    throw new ModuleFailure(`async: ${file} is not a job status file`);
  }
}

/** What a running job's status looks like in a result (async_status's shape, as in Ansible). */
export function runningResult(jid: string, file: string): Record<string, unknown> {
  return { ansible_job_id: jid, started: 1, finished: 0, results_file: file, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An async task's connection, and what became of its job. */
export interface AsyncRun {
  conn: Connection;
  /** the job, once started */
  job?: Job;
  /** its status file when it finished */
  status?: JobStatus;
}

/**
 * The connection an async task's module talks through: its one command becomes a job. With
 * poll > 0 it returns the job's outcome once it finished; with poll 0 it throws Detached.
 */
export function asyncConnection(conn: Connection, limit: number, poll: number, log: (m: string) => void): AsyncRun {
  const run: AsyncRun = { conn };
  const exec = async (script: string, opts: ExecOptions = {}): Promise<ExecResult> => {
    if (run.job) throw new ModuleFailure('async: the module ran a second command; async takes modules that run one (command, shell)');
    const job = await launch(conn, script, opts, limit);
    run.job = job;
    if (poll === 0) throw new Detached(job);
    let left = limit;
    let last: JobStatus | undefined;
    while (left > 0) {
      await sleep(poll * 1000);
      left -= poll;
      try {
        last = await readStatus(conn, job.resultsFile, opts.become ?? false);
      } catch (e) {
        // a dropped connection while polling is not the job's failure (Ansible retries too)
        conn.retryConnect?.();
        if (left <= 0) throw e;
        continue;
      }
      if (last?.finished === 1) break;
      log(`ASYNC POLL on ${conn.host}: jid=${job.jid} started=1 finished=0`);
    }
    // the runner's own kill at the limit counts as the limit reached
    if (last?.finished !== 1 || last.rc === undefined) throw new AsyncTimeout(limit, runningResult(job.jid, job.resultsFile));
    run.status = last;
    await conn.exec(`rm -f -- ${shq(job.resultsFile)}`, { become: opts.become ?? false });
    return outcomeOf(last);
  };
  run.conn = new Proxy(conn, {
    get(target, key) {
      if (key === 'exec') return exec;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return run;
}

/** A finished job as the module's command outcome (the runner's own timeout: killed, rc -9). */
function outcomeOf(s: JobStatus): ExecResult {
  if (s.rc === undefined) return { rc: -9, stdout: '', stderr: s.msg ?? 'the job ended without a return code' };
  return { rc: s.rc, stdout: s.stdout ?? '', stderr: s.stderr ?? '' };
}

/** A connection that answers the module's one command with a finished job's outcome (async_status). */
function replayConnection(conn: Connection, s: JobStatus): Connection {
  return new Proxy(conn, {
    get(target, key) {
      if (key === 'exec') return async () => outcomeOf(s);
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The module's result from a finished job, with the job's own times and ids, as Ansible gives it. */
export function jobResult(result: Record<string, unknown>, s: JobStatus, job: Job): Record<string, unknown> {
  const out: Record<string, unknown> = { ...result, ansible_job_id: job.jid, started: 1, finished: 1, results_file: job.resultsFile };
  for (const k of ['start', 'end', 'delta'] as const) if (s[k] !== undefined && k in result) out[k] = s[k];
  return out;
}

// Jobs started with poll 0 in this run: async_status turns their outcome into the module's result.
interface Pending {
  module: ModuleDef<unknown, ModuleResult>;
  args: unknown;
  ctx: ModuleContext;
}
const pending = new Map<string, Pending>();

export function rememberJob(jid: string, p: Pending): void {
  pending.set(jid, p);
}

/** The module's result for a finished job started by this run; undefined for a job it did not start. */
export async function finishedResult(jid: string, s: JobStatus, file: string): Promise<Record<string, unknown> | undefined> {
  const p = pending.get(jid);
  if (!p) return undefined;
  let result: Record<string, unknown>;
  try {
    result = { ...(await p.module.run(p.args, { ...p.ctx, conn: replayConnection(p.ctx.conn, s) })) };
  } catch (e) {
    if (!(e instanceof ModuleFailure)) throw e;
    result = { ...e.result, changed: false, failed: true, msg: e.message };
  }
  return jobResult(result, s, { jid, resultsFile: file });
}
