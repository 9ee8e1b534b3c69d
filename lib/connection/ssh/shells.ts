import type { ClientChannel } from 'ssh2';
import type { BecomeSpec, ExecOptions, ExecResult, HelperOp } from '../types.js';
import type { ChannelLimit } from './channel-limit.js';
import { innerScript, remoteCommand, stdinBytes } from './command.js';
import { helperScript } from './helper.js';
import { shqNamed } from '../../util/shell.js';
import { LOOP, ShellSession, stopScript } from './session.js';
import { backstop, endedByTimeout, timeoutNote } from './timeout.js';

// The persistent shells of one SSH connection (session.ts), one set per become user: a become
// shell is started through sudo once, so later become commands pay for no sudo at all. Each shell
// keeps its channel slot while it lives; at most `max` shells exist, fewer than the channel limit,
// so one-off exec channels always have room. A command finding no idle shell and no room for one
// more runs on a one-off channel instead (the caller's fallback). The Python helper (helper.ts)
// is the same kind of session with another program at the far end.

type Kind = 'sh' | 'py';
type RunAs = BecomeSpec & { user: string };

const keyOf = (kind: Kind, as: RunAs | undefined): string => `${kind}:${as?.user ?? ''}`;

interface Entry {
  /** kind and the user the shell runs as ('sh:' is the login user) */
  key: string;
  /** the become the shell was started with (undefined: the login user) */
  as?: RunAs;
  /** the SSH connection the shell lives on; a reconnect starts new shells */
  link: object;
  busy: boolean;
  session?: ShellSession;
  /** settles once the shell answers (false: it could not start; use the fallback) */
  starting?: Promise<boolean>;
  release: () => void;
}

export interface ShellHost {
  loginUser: string;
  /** ansible_python_interpreter, for the helper */
  python: string;
  /** bytes of output one command may print (session.ts) */
  maxOutput: number;
  limit: ChannelLimit;
  /** opens an exec channel running `command` on the current connection */
  open(command: string): Promise<ClientChannel>;
  /** the error for a shell that ended under a command (wrong sudo password, lost connection) */
  lost(stray: string, become: BecomeSpec | undefined, link: object): Error;
}

/** Throws shq's error for the first string inside `v` that holds a NUL (a helper op's paths). */
function refuseNul(v: unknown): void {
  if (typeof v === 'string') shqNamed(v, "argument 'path'");
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) refuseNul(x);
}

export class Shells {
  private entries: Entry[] = [];
  /** become keys whose helper could not start (no python3): they use sh from then on */
  private readonly noHelper = new Set<string>();

  constructor(
    private readonly host: ShellHost,
    private readonly max: number,
  ) {}

  /** false when the host is set to one channel per command (tsplay_persistent_shell=false) */
  get enabled(): boolean {
    return this.max > 0;
  }

  /** Runs the command in a shell, or returns undefined when none is free (use a one-off channel). */
  async exec(script: string, opts: ExecOptions, become: BecomeSpec | undefined, link: object): Promise<ExecResult | undefined> {
    // innerScript first: a bad env name is the caller's error, before any shell starts
    return this.use('sh', innerScript(script, opts), stdinBytes(opts.stdin), this.runAs(become), link, opts.timeoutMs);
  }

  /** Runs a helper op, or returns undefined when the host has no helper (use the sh way). */
  async helper(op: HelperOp, payload: Buffer | undefined, become: BecomeSpec | undefined, link: object): Promise<ExecResult | undefined> {
    const as = this.runAs(become);
    if (this.noHelper.has(keyOf('py', as))) return undefined;
    const text = JSON.stringify(op);
    // the same refusal as the sh path's (util/shell.ts): a NUL can reach no file name on the host
    if (text.includes('\\u0000')) refuseNul(op);
    return this.use('py', text, payload, as, link);
  }

  /** become as it applies to a shell: none when it names the login user (no sudo needed) */
  private runAs(become: BecomeSpec | undefined): RunAs | undefined {
    const user = become && (become.user ?? 'root');
    return become && user !== this.host.loginUser ? { ...become, user: user! } : undefined;
  }

  /**
   * Starts the shells the first commands will want (the login user's sh and, where Python runs,
   * the helper; as the host's become user when it has one) while the controller is still busy
   * elsewhere, so the first task does not wait for two process starts one after the other.
   */
  prewarm(become: BecomeSpec | undefined, link: object): void {
    if (!this.enabled) return;
    const as = this.runAs(become);
    for (const kind of ['sh', 'py'] as const) {
      const key = keyOf(kind, as);
      if (this.noHelper.has(key) || this.entries.length >= this.max || this.entries.some((x) => x.key === key && x.link === link)) continue;
      // nobody may ever wait on it; a command that does sees the failure itself
      this.spawn(kind, as, link, false).starting!.catch(() => undefined);
    }
  }

  /** A new shell entry, starting; `busy` when the caller runs a command on it at once. */
  private spawn(kind: Kind, as: RunAs | undefined, link: object, busy: boolean): Entry {
    const e: Entry = { key: keyOf(kind, as), as, link, busy, release: () => undefined };
    this.entries.push(e);
    e.starting = this.start(e, kind, as);
    return e;
  }

  /** Callers check `enabled` first (SshConnection skips the shells when they are off). */
  private async use(kind: Kind, text: string, payload: Buffer | undefined, become: RunAs | undefined, link: object, timeoutMs?: number): Promise<ExecResult | undefined> {
    const key = keyOf(kind, become);
    let e = this.entries.find((x) => !x.busy && x.key === key && x.link === link && !x.session?.dead);
    if (e) e.busy = true;
    else {
      this.entries = this.entries.filter((x) => !x.session?.dead);
      if (this.entries.length >= this.max) return undefined;
      e = this.spawn(kind, become, link, true);
    }
    try {
      if (!(await e.starting)) return undefined;
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
    const rc = remoteCommand(kind === 'sh' ? LOOP : helperScript(this.host.python), {}, become, this.host.loginUser);
    let ch: ClientChannel;
    try {
      ch = await this.host.open(rc.command);
    } catch {
      drop(); // no channel now: the one-off path retries or reports it
      return false;
    }
    const s = new ShellSession(ch, rc, kind === 'sh' ? 'lines' : 'bytes', this.host.maxOutput);
    const lost = (stray: string): Error => this.host.lost(stray, become, e.link);
    s.setDeathReport(lost);
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
    s.setDeathReport(lost); // answers() reported a missing helper as just that
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
    const started = Date.now();
    const stop = backstop(timeoutMs, () => s.kill());
    try {
      const res = await s.run(text, payload);
      return endedByTimeout(res.rc, timeoutMs, started) ? { ...res, rc: 124, stderr: res.stderr + timeoutNote(timeoutMs) } : res;
    } catch (e) {
      if (stop.fired) return { rc: 124, stdout: '', stderr: timeoutNote(timeoutMs) };
      throw e;
    } finally {
      stop.clear();
    }
  }

  /**
   * Ends what the shells are running now (an interrupted run: Ctrl-C): `run` executes the stop
   * script on another channel as the shell's user. The shells' own channels closing would not do
   * it: a command that reads and writes nothing (a sleep) outlives its channel.
   */
  async stopRunning(run: (script: string, become: BecomeSpec | undefined) => Promise<unknown>): Promise<void> {
    const running = this.entries.filter((e) => e.session?.busy && e.session.pid !== undefined && !e.session.dead);
    await Promise.allSettled(running.map((e) => run(stopScript(e.session!.pid!), e.as)));
  }

  /** Ends every shell (the connection is closing). */
  closeAll(): void {
    for (const e of this.entries) e.session?.end();
    this.entries = [];
  }
}
