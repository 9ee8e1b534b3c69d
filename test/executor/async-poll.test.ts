import { expect } from 'chai';
import type { Connection, ExecOptions, ExecResult } from '../../lib/connection/types.js';
import { ModuleFailure, type ModuleContext } from '../../lib/modules/types.js';
import { AsyncTimeout, Detached, asyncConnection, finishedResult, jobResult, readStatus, rememberJob, type JobStatus } from '../../lib/executor/async.js';
import { command } from '../../lib/modules/command.js';
import { rejection } from '../helpers/rejection.js';

// async's controller side (async.ts) against a scripted connection: what each answer of the host
// makes of a job (refusals, the poll loop, a dropped read, the runner's own kill, the clean-up),
// in exact words. The real detached jobs on a real host are async.test.ts's.

interface Call {
  script: string;
  opts: ExecOptions;
}

/** A connection that answers each command from `answer`, recording what it was asked. */
function scripted(answer: (script: string, n: number) => ExecResult | Error, reconnects = true): { conn: Connection; calls: Call[]; retries: number } {
  const calls: Call[] = [];
  const s = {
    calls,
    retries: 0,
    conn: {
      host: 'h1',
      marker: 'kept',
      // a method that needs its `this`: the async connection must call it on the host connection
      whoami(this: { host: string }) {
        return `on ${this.host}`;
      },
      exec: async (script: string, opts: ExecOptions = {}) => {
        calls.push({ script, opts });
        const a = answer(script, calls.length);
        if (a instanceof Error) throw a;
        return a;
      },
      put: async () => undefined,
      get: async () => Buffer.from(''),
      close: async () => undefined,
      ...(reconnects ? { retryConnect: () => void s.retries++ } : {}),
    } as Connection,
  };
  return s;
}

const ok = (stdout: string): ExecResult => ({ rc: 0, stdout, stderr: '' });
const started = ok('{"results_file": "/home/u/.ansible_async/j1.1"}\n');
const status = (s: Partial<JobStatus>): ExecResult => ok(JSON.stringify({ ansible_job_id: 'j', finished: 0, ...s }));

describe('async on the controller: starting, polling and reading a job', function () {
  this.timeout(20000);

  it('a runner that cannot start says why: no python3, another error, or no status file', async () => {
    const cases: [ExecResult, string][] = [
      [{ rc: 127, stdout: '', stderr: 'sh: python3: not found' }, 'async: could not start the job: python3 is not installed on the host (async needs it, as Ansible does)'],
      [{ rc: 1, stdout: '', stderr: '  Traceback: boom \n' }, 'async: could not start the job: rc 1: Traceback: boom'],
      [ok(' noise\n{"other": 1} \n'), 'async: the job runner gave no status file: noise\n{"other": 1}'],
    ];
    for (const [answer, msg] of cases) {
      const s = scripted(() => answer);
      const e = await rejection(asyncConnection(s.conn, 10, 1, () => undefined).conn.exec('true'));
      expect(e).to.be.instanceOf(ModuleFailure);
      expect(e.message).to.equal(msg);
    }
  });

  it('the runner gets the command and its stdin in base64 on its own stdin, never on its command line', async () => {
    const s = scripted(() => started);
    const e = await rejection(asyncConnection(s.conn, 30, 0, () => undefined).conn.exec('echo s3cret-cmd', { stdin: 'in-data' }));
    expect(e).to.be.instanceOf(Detached);
    expect((e as Detached).job.resultsFile).to.equal('/home/u/.ansible_async/j1.1');
    expect(s.calls[0].script).to.match(/^python3 -c '[\s\S]+' j\d{12}\.\d+ 30 ~\/\.ansible_async$/);
    expect(s.calls[0].script).to.not.contain('s3cret-cmd');
    const job = JSON.parse(String(s.calls[0].opts.stdin)) as { script: string; stdin: string };
    expect([Buffer.from(job.script, 'base64').toString(), Buffer.from(job.stdin, 'base64').toString()]).to.deep.equal(['echo s3cret-cmd', 'in-data']);
    // no stdin: an empty one
    const t = scripted(() => started);
    await rejection(asyncConnection(t.conn, 30, 0, () => undefined).conn.exec('true'));
    expect((JSON.parse(String(t.calls[0].opts.stdin)) as { stdin: string }).stdin).to.equal('');
  });

  it('polls until the job finished, one log line per unfinished poll; gives its outcome and removes the status file', async () => {
    const answers = [started, status({}), status({ finished: 1, rc: 3, stdout: 'out', stderr: 'err' }), ok('')];
    const s = scripted((_script, n) => answers[n - 1]);
    const logs: string[] = [];
    const run = asyncConnection(s.conn, 10, 1, (m) => logs.push(m));
    const become = { user: 'root' };
    const out = await run.conn.exec('x', { become });
    expect(out).to.deep.equal({ rc: 3, stdout: 'out', stderr: 'err' });
    expect(logs).to.have.length(1);
    expect(logs[0]).to.match(/^ASYNC POLL on h1: jid=j\d{12}\.\d+ started=1 finished=0$/);
    const read = 'cat -- /home/u/.ansible_async/j1.1 2>/dev/null || exit 3';
    expect(s.calls.slice(1).map((c) => c.script)).to.deep.equal([read, read, 'rm -f -- /home/u/.ansible_async/j1.1']);
    // the reads and the removal run as the task's become user
    expect(s.calls.slice(1).map((c) => c.opts.become)).to.deep.equal([become, become, become]);
    expect(run.status?.rc).to.equal(3);
    // a second command through the same async connection is refused
    const again = await rejection(run.conn.exec('y'));
    expect(again.message).to.equal('async: the module ran a second command; async takes modules that run one (command, shell)');
  });

  it('without become the reads and removal are plain', async () => {
    const answers = [started, status({ finished: 1, rc: 0 }), ok('')];
    const s = scripted((_script, n) => answers[n - 1]);
    expect(await asyncConnection(s.conn, 5, 1, () => undefined).conn.exec('x')).to.deep.equal({ rc: 0, stdout: '', stderr: '' });
    expect(s.calls.slice(1).map((c) => c.opts.become)).to.deep.equal([false, false]);
  });

  it('a read that fails mid-job is retried after a reconnect; one that fails at the limit is the error', async () => {
    const answers: (ExecResult | Error)[] = [started, new Error('connection dropped'), status({ finished: 1, rc: 0 }), ok('')];
    const s = scripted((_script, n) => answers[n - 1]);
    expect((await asyncConnection(s.conn, 5, 1, () => undefined).conn.exec('x')).rc).to.equal(0);
    expect(s.retries).to.equal(1);
    const t = scripted((_script, n) => (n === 1 ? started : new Error('still down')));
    const e = await rejection(asyncConnection(t.conn, 2, 1, () => undefined).conn.exec('x'));
    expect(e.message).to.equal('still down');
    expect(t.retries).to.equal(2);
    // a connection that cannot reconnect (local) just reads again
    const u = scripted((_script, n) => [started, new Error('blip'), status({ finished: 1, rc: 0 }), ok('')][n - 1], false);
    expect((await asyncConnection(u.conn, 5, 1, () => undefined).conn.exec('x')).rc).to.equal(0);
  });

  it('no status file yet is not finished: it polls on', async () => {
    const answers = [started, { rc: 3, stdout: '', stderr: '' }, status({ finished: 1, rc: 0, stdout: 'done' }), ok('')];
    const s = scripted((_script, n) => answers[n - 1]);
    const logs: string[] = [];
    expect((await asyncConnection(s.conn, 5, 1, (m) => logs.push(m)).conn.exec('x')).stdout).to.equal('done');
    expect(logs).to.have.length(1);
  });

  it('not finished at the limit, or finished without a return code (the runner killed it): the timeout, with the running state', async () => {
    for (const last of [status({}), status({ finished: 1, failed: 1, msg: 'Timeout exceeded' })]) {
      const s = scripted((_script, n) => (n === 1 ? started : last));
      const e = await rejection(asyncConnection(s.conn, 1, 1, () => undefined).conn.exec('x'));
      // one read per poll within the limit, none after it
      expect(s.calls).to.have.length(2);
      expect(e).to.be.instanceOf(AsyncTimeout);
      expect(e.message).to.equal('async task did not complete within the requested time - 1s');
      expect((e as AsyncTimeout).last).to.deep.include({ started: 1, finished: 0, results_file: '/home/u/.ansible_async/j1.1' });
    }
  });

  it('a status file that never appears is the timeout too', async () => {
    const s = scripted((_script, n) => (n === 1 ? started : { rc: 3, stdout: '', stderr: '' }));
    const e = await rejection(asyncConnection(s.conn, 1, 1, () => undefined).conn.exec('x'));
    expect(e).to.be.instanceOf(AsyncTimeout);
  });

  it('the async connection passes everything but exec through to the host connection', async () => {
    const s = scripted(() => started);
    const c = asyncConnection(s.conn, 5, 1, () => undefined).conn as Connection & { marker: string; whoami(): string };
    expect(c.host).to.equal('h1');
    expect(c.marker).to.equal('kept');
    const { whoami } = c;
    expect(whoami()).to.equal('on h1');
    c.retryConnect?.();
    expect(s.retries).to.equal(1);
  });
});

describe('readStatus: the job status file', () => {
  it('none yet is undefined; a read error and a damaged file say so', async () => {
    expect(await readStatus(scripted(() => ({ rc: 3, stdout: '', stderr: '' })).conn, '/f', false)).to.equal(undefined);
    expect((await rejection(readStatus(scripted(() => ({ rc: 1, stdout: '', stderr: ' denied \n' })).conn, '/f', false))).message).to.equal('async: cannot read /f: rc 1: denied');
    expect((await rejection(readStatus(scripted(() => ok('{"finished": 1')).conn, '/f', false))).message).to.equal('async: /f is not a job status file');
    expect(await readStatus(scripted(() => status({ finished: 1, rc: 0 })).conn, '/f', false)).to.deep.equal({ ansible_job_id: 'j', finished: 1, rc: 0 });
  });

  it('a path under ~ keeps the ~ unquoted (so the shell expands it); others are quoted whole', async () => {
    const s = scripted(() => ({ rc: 3, stdout: '', stderr: '' }));
    await readStatus(s.conn, "~/.ansible_async/it's", false);
    await readStatus(s.conn, '/abs path/f', { user: 'root' });
    expect(s.calls.map((c) => c.script)).to.deep.equal([`cat -- ~/'.ansible_async/it'\\''s' 2>/dev/null || exit 3`, `cat -- '/abs path/f' 2>/dev/null || exit 3`]);
    expect(s.calls[1].opts.become).to.deep.equal({ user: 'root' });
  });
});

describe("async_status's result of a finished job", () => {
  const ctxOn = (conn: Connection) => ({ host: 'h1', conn, check: false, diff: false, become: false, vars: {}, render: (t: string) => t, findFile: () => '', setFacts: () => undefined, log: () => undefined }) as unknown as ModuleContext;

  it('a job this run did not start has none', async () => {
    expect(await finishedResult('j-unknown', { ansible_job_id: 'j', finished: 1, rc: 0 }, '/f')).to.equal(undefined);
  });

  it("the module's own result from the job's outcome, with the job's times and ids", async () => {
    const s = scripted(() => {
      throw new Error('the module must not reach the host again');
    });
    rememberJob('j-ok', { module: command.def as never, args: { cmd: 'echo hi' }, ctx: ctxOn(s.conn) });
    const r = await finishedResult('j-ok', { ansible_job_id: 'j-ok', finished: 1, rc: 0, stdout: 'hi\n', stderr: '', start: 'S', end: 'E', delta: 'D' }, '/f');
    expect(r).to.include({ ansible_job_id: 'j-ok', started: 1, finished: 1, results_file: '/f', rc: 0, stdout: 'hi', start: 'S', end: 'E', delta: 'D', changed: true });
    expect(s.calls).to.have.length(0);
  });

  it('a failed command is the module failure, with its keys; a job killed by the runner reads rc -9 and its message', async () => {
    const s = scripted(() => ok(''));
    rememberJob('j-bad', { module: command.def as never, args: { cmd: 'false' }, ctx: ctxOn(s.conn) });
    const bad = await finishedResult('j-bad', { ansible_job_id: 'j-bad', finished: 1, rc: 2, stdout: '', stderr: 'nope' }, '/f');
    // as the command module reports a non-zero rc: failed, and changed (Ansible's command does too)
    expect(bad).to.include({ failed: true, changed: true, rc: 2, stderr: 'nope', ansible_job_id: 'j-bad', finished: 1 });
    rememberJob('j-killed', { module: command.def as never, args: { cmd: 'sleep 99' }, ctx: ctxOn(s.conn) });
    const killed = await finishedResult('j-killed', { ansible_job_id: 'j-killed', finished: 1, failed: 1, msg: 'Timeout exceeded' }, '/f');
    expect(killed).to.include({ failed: true, rc: -9, stdout: '', stderr: 'Timeout exceeded' });
    rememberJob('j-killed2', { module: command.def as never, args: { cmd: 'sleep 99' }, ctx: ctxOn(s.conn) });
    const bare = await finishedResult('j-killed2', { ansible_job_id: 'j-killed2', finished: 1 }, '/f');
    expect(bare).to.include({ rc: -9, stderr: 'the job ended without a return code' });
  });

  it("the replayed connection answers the module's one command and passes the rest through", async () => {
    const s = scripted(() => ok(''));
    const seen: string[] = [];
    const probing = {
      name: 'probing',
      schema: {},
      run: async (_a: unknown, ctx: ModuleContext) => {
        const conn = ctx.conn as Connection & { whoami(): string };
        const { whoami } = conn;
        seen.push(conn.host, whoami());
        const r = await conn.exec('anything');
        return { changed: false, out: r.stdout, rc: r.rc };
      },
    };
    rememberJob('j-probing', { module: probing as never, args: {}, ctx: ctxOn(s.conn) });
    const r = await finishedResult('j-probing', { ansible_job_id: 'j-probing', finished: 1, rc: 4, stdout: 'from the job' }, '/f');
    expect(r).to.include({ out: 'from the job', rc: 4 });
    expect(seen).to.deep.equal(['h1', 'on h1']);
    expect(s.calls).to.have.length(0);
  });

  it("a module's ModuleFailure becomes a failed result with its keys", async () => {
    const s = scripted(() => ok(''));
    const refusing = { name: 'refusing', schema: {}, run: async () => { throw new ModuleFailure('cannot use that output', { rc: 5, changed: true }); } };
    rememberJob('j-refused', { module: refusing as never, args: {}, ctx: ctxOn(s.conn) });
    const r = await finishedResult('j-refused', { ansible_job_id: 'j-refused', finished: 1, rc: 0 }, '/f');
    expect(r).to.deep.equal({ rc: 5, changed: false, failed: true, msg: 'cannot use that output', ansible_job_id: 'j-refused', started: 1, finished: 1, results_file: '/f' });
  });

  it('a module that breaks (not a failure it reports) is not turned into a result', async () => {
    const s = scripted(() => ok(''));
    const broken = { name: 'broken', schema: {}, run: async () => { throw new TypeError('bug'); } };
    rememberJob('j-broken', { module: broken as never, args: {}, ctx: ctxOn(s.conn) });
    const e = await rejection(finishedResult('j-broken', { ansible_job_id: 'j-broken', finished: 1, rc: 0 }, '/f'));
    expect(e).to.be.instanceOf(TypeError);
  });

  it('jobResult takes start, end and delta from the job only where the module gave them', () => {
    const job = { jid: 'j9', resultsFile: '/f' };
    const s: JobStatus = { ansible_job_id: 'j9', finished: 1, rc: 0, start: 'S', end: 'E', delta: 'D' };
    expect(jobResult({ changed: true, start: 'x', delta: 'y' }, s, job)).to.deep.equal({ changed: true, start: 'S', delta: 'D', ansible_job_id: 'j9', started: 1, finished: 1, results_file: '/f' });
    expect(jobResult({ changed: true }, { ansible_job_id: 'j9', finished: 1 }, job)).to.deep.equal({ changed: true, ansible_job_id: 'j9', started: 1, finished: 1, results_file: '/f' });
    // a job without times keeps the module's own
    expect(jobResult({ changed: true, start: 'mine' }, { ansible_job_id: 'j9', finished: 1 }, job)).to.include({ start: 'mine' });
  });
});
