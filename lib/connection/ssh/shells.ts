import type { ClientChannel } from 'ssh2';
import type { BecomeSpec, ExecOptions, ExecResult } from '../types.js';
import type { ChannelLimit } from './channel-limit.js';
import { innerScript, remoteCommand } from './command.js';
import type { HelperOp } from '../types.js';
import { helperScript } from './helper.js';
import { LOOP, ShellSession } from './session.js';

// The persistent shells of one SSH connection (session.ts), one set per become user: a become
// shell is started through sudo once, so later become commands pay for no sudo at all. Each shell
// keeps its channel slot while it lives; at most `max` shells exist, fewer than the channel limit,
// so one-off exec channels always have room. A command finding no idle shell and no room for one
// more runs on a one-off channel instead (the caller's fallback). The Python helper (helper.ts)
// is the same kind of session with another program at the far end.

type Kind = 'sh' | 'py';

interface Entry {
  key: string;
  /** the SSH connection the shell lives on; a reconnect starts new shells */
  link: object;
  busy: boolean;
  session?: ShellSession;
  release: () => void;
}

export interface ShellHost {
  loginUser: string;
  /** ansible_python_interpreter; undefined: no helper, file modules use sh */
  python?: string;
  limit: ChannelLimit;
  /** opens an exec channel running `command` on the current connection */
  open(command: string): Promise<ClientChannel>;
  /** the error for a shell that ended under a command (wrong sudo password, lost connection) */
  lost(stray: string, become: BecomeSpec | undefined, link: object): Error;
}

export class Shells {
  private entries: Entry[] = [];
  /** become keys whose helper could not start (no python3): they use sh from then on */
  private readonly noHelper = new Set<string>();

  constructor(
    private readonly host: ShellHost,
    private readonly max: number,
  ) {}

  /** Runs the command in a shell, or returns undefined when none is free (use a one-off channel). */
  async exec(script: string, opts: ExecOptions, become: BecomeSpec | undefined, link: object): Promise<ExecResult | undefined> {
    const payload = opts.stdin === undefined ? undefined : Buffer.isBuffer(opts.stdin) ? opts.stdin : Buffer.from(opts.stdin);
    // innerScript first: a bad env name is the caller's error, before any shell starts
    return this.use('sh', innerScript(script, opts), payload, become, link, opts.timeoutMs);
  }

  /** Runs a helper op, or returns undefined when the host has no helper (use the sh way). */
  async helper(op: HelperOp, payload: Buffer | undefined, become: BecomeSpec | undefined, link: object): Promise<ExecResult | undefined> {
    if (this.host.python === undefined || this.noHelper.has(this.key('py', become))) return undefined;
    return this.use('py', JSON.stringify(op), payload, become, link);
  }

  private key(kind: Kind, become: BecomeSpec | undefined): string {
    return `${kind}:${become && (become.user ?? 'root') !== this.host.loginUser ? (become.user ?? 'root') : ''}`;
  }

  private async use(kind: Kind, text: string, payload: Buffer | undefined, become: BecomeSpec | undefined, link: object, timeoutMs?: number): Promise<ExecResult | undefined> {
    if (this.max < 1) return undefined;
    const key = this.key(kind, become);
    let e = this.entries.find((x) => !x.busy && x.key === key && x.link === link && x.session && !x.session.dead);
    if (e) e.busy = true;
    else {
      this.entries = this.entries.filter((x) => !x.session?.dead);
      if (this.entries.length >= this.max) return undefined;
      e = { key, link, busy: true, release: () => undefined };
      this.entries.push(e);
      if (!(await this.start(e, kind, key.endsWith(':') ? undefined : become))) return undefined;
    }
    try {
      return await this.run(e.session!, text, payload, timeoutMs);
    } finally {
      e.busy = false;
    }
  }

  private async start(e: Entry, kind: Kind, become: BecomeSpec | undefined): Promise<boolean> {
    const drop = (): void => {
      e.release();
      this.entries = this.entries.filter((x) => x !== e);
    };
    e.release = await this.host.limit.hold();
    const rc = remoteCommand(kind === 'sh' ? LOOP : helperScript(this.host.python ?? 'python3'), {}, become, this.host.loginUser);
    let ch: ClientChannel;
    try {
      ch = await this.host.open(rc.command);
    } catch {
      drop(); // no channel now: the one-off path retries or reports it
      return false;
    }
    const s = new ShellSession(ch, rc);
    s.setDeathReport((stray) => this.host.lost(stray, become, e.link));
    ch.on('close', drop);
    e.session = s;
    try {
      await s.ready;
    } catch (err) {
      drop();
      throw err;
    }
    if (kind === 'py' && !(await this.answers(s))) {
      this.noHelper.add(e.key);
      s.end();
      drop();
      return false;
    }
    s.setDeathReport((stray) => this.host.lost(stray, become, e.link));
    return true;
  }

  /** Whether a freshly started helper runs (python3 may be missing or too old). */
  private async answers(s: ShellSession): Promise<boolean> {
    s.setDeathReport(() => new Error('no helper'));
    try {
      const r = await s.run(JSON.stringify({ op: 'ping' } satisfies HelperOp));
      return r.rc === 0;
    } catch {
      return false;
    }
  }

  private async run(s: ShellSession, text: string, payload: Buffer | undefined, timeoutMs?: number): Promise<ExecResult> {
    const opts = { timeoutMs };
    const started = Date.now();
    let forced = false;
    // the host's `timeout` ends the command; this backstop covers a host that stops answering
    const backstop = opts.timeoutMs
      ? setTimeout(() => {
          forced = true;
          s.kill();
        }, opts.timeoutMs + 3000)
      : undefined;
    try {
      const res = await s.run(text, payload);
      const timedOut = !!opts.timeoutMs && (res.rc === 124 || res.rc === 137) && Date.now() - started >= opts.timeoutMs;
      return timedOut ? { ...res, rc: 124, stderr: `${res.stderr}\ncommand timed out after ${opts.timeoutMs} ms` } : res;
    } catch (e) {
      if (forced) return { rc: 124, stdout: '', stderr: `\ncommand timed out after ${opts.timeoutMs} ms` };
      throw e;
    } finally {
      if (backstop) clearTimeout(backstop);
    }
  }

  /** Ends every shell (the connection is closing). */
  closeAll(): void {
    for (const e of this.entries) e.session?.end();
    this.entries = [];
  }
}
