import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import type { ExecResult } from '../types.js';
import { gateState, type RemoteCommand } from './command.js';
import { killChannel } from './timeout.js';

// A persistent shell on one exec channel that runs command after command. An exec channel per
// command costs the host a forked sshd session, a login shell and /bin/sh before the command's
// own work, which on small tasks is most of their cost (BENCHMARKS.md); here each command costs
// one subshell. Requests and replies are framed on the channel's own streams:
//
//   controller → host:  "<id> <nonce> <count> <stdin bytes>\n" <script> <stdin bytes>
//   host → controller:  <stdout> "\n<nonce> <id> <rc>\n"   and on stderr: <stderr> "\n<nonce> <id>\n"
//
// The request is counted, never delimited: <count> is the script's number of lines for the sh
// loop (dash has no byte-counted read without a fork) and its number of bytes for the Python
// helper. Nothing in a script, however it was quoted or whatever a host's user put into it, can
// end a request early or start another one. The reply's nonce is fresh for every request and only
// ever travels on the channel's stdin, never on a command line or in an environment, so no other
// user of the host can read it in `ps` or /proc, and no output a command prints (a file another
// user wrote, a stray background job of an earlier command) can forge the end of a reply.
//
// The command runs in a subshell (its `exit`, `cd` and exports stay there) with stdin from
// /dev/null, or from exactly the bytes sent with it: `head -c` takes them off the channel and
// `cat` drains what the command left unread, so the next request is never read as payload.

/** The first line either far end prints: HELLO and its pid. */
export const HELLO = 'tsplay-shell';

/** The host side: POSIX sh, so dash, bash and busybox ash all run it. */
export const LOOP = [
  // first the shell's pid, so that an interrupted run can end what it left running (stopScript)
  `printf '${HELLO} %s\\n' "$$"`,
  // a header that is not what the controller sends means the stream is out of step: stop
  `while IFS= read -r _t_h; do`,
  `  case $_t_h in *[!0-9a-f\\ ]*|'') exit 3;; esac`,
  `  set -- $_t_h`,
  `  [ $# -eq 4 ] || exit 3`,
  `  case $1$3$4 in *[!0-9]*) exit 3;; esac`,
  `  _t_s= _t_i=0`,
  `  while [ "$_t_i" -lt "$3" ]; do IFS= read -r _t_l || exit 3; _t_s="$_t_s$_t_l`,
  `"; _t_i=$((_t_i + 1)); done`,
  // the command sees none of the loop's variables (the nonce least of all)
  `  if [ "$4" -gt 0 ]; then head -c "$4" | { ( eval "unset _t_h _t_i _t_l _t_s; $_t_s" ); _t_r=$?; cat >/dev/null; exit $_t_r; }`,
  `  else ( eval "unset _t_h _t_i _t_l _t_s; $_t_s" ) </dev/null; fi`,
  `  _t_r=$?`,
  `  printf '\\n%s %s %s\\n' "$2" "$1" "$_t_r"`,
  `  printf '\\n%s %s\\n' "$2" "$1" >&2`,
  `done`,
].join('\n');

/** How a request's text is counted: lines for the sh loop, bytes for the Python helper. */
export type Framing = 'lines' | 'bytes';

/**
 * Ends everything a shell (pid `pid`) runs, run on another channel as the same user: the
 * command's whole process group gets TERM (write scripts and the helper clean up their temp files
 * on it), then KILL a moment later. The shell's group holds its subshells and their children,
 * not services they started (those leave it). (No `--` before the group: dash's kill refuses it.)
 */
export function stopScript(pid: number): string {
  return [
    `read -r st < /proc/${pid}/stat 2>/dev/null || exit 0`,
    `set -- \${st##*) }`,
    `[ "$3" -gt 1 ] || exit 0`,
    `kill -TERM "-$3" 2>/dev/null || exit 0`,
    `i=0; while [ $i -lt 10 ] && kill -0 "-$3" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done`,
    `kill -KILL "-$3" 2>/dev/null; exit 0`,
  ].join('\n');
}

/** A request's header and text; refuses what the far end could not take whole. */
export function frameRequest(framing: Framing, id: number, nonce: string, text: string, stdinLength: number): Buffer {
  if (text.includes('\0')) throw new Error('refusing to run a command that contains a NUL byte (a shell cannot pass it on; the command would change meaning)');
  const body = Buffer.from(framing === 'lines' && !text.endsWith('\n') ? `${text}\n` : text);
  const count = framing === 'lines' ? body.toString('latin1').split('\n').length - 1 : body.length;
  return Buffer.concat([Buffer.from(`${id} ${nonce} ${count} ${stdinLength}\n`), body]);
}

interface Pending {
  id: number;
  nonce: string;
  out: Buffer[];
  err: Buffer[];
  /** bytes of out and err together, against the session's output cap */
  size: number;
  rc?: number;
  errDone: boolean;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

/** The error of a command whose output passed the cap; its shell was killed with it. */
export class OutputLimitError extends Error {}

export function outputLimitMessage(limit: number): string {
  return `the command printed more than ${limit} bytes: tsplay ended it (raise tsplay_max_output, or write the output to a file on the host)`;
}

/** Finds "\n<nonce> <id>[ <rc>]\n" at the end of a stream, across chunk boundaries. */
class Tail {
  private tail = '';
  constructor(private readonly withRc: boolean) {}
  /** the frame's rc (or 0 for stderr) when `chunk` completes the frame, else undefined */
  push(chunk: Buffer, p: Pending): number | undefined {
    this.tail = (this.tail + chunk.toString('latin1')).slice(-(p.nonce.length + 32));
    const m = this.withRc ? /\n([0-9a-f]+) (\d+) (\d+)\n$/.exec(this.tail) : /\n([0-9a-f]+) (\d+)\n$/.exec(this.tail);
    if (!m || m[1] !== p.nonce || Number(m[2]) !== p.id) return undefined;
    this.tail = '';
    return this.withRc ? Number(m[3]) : 0;
  }
  reset(): void {
    this.tail = '';
  }
  static suffix(p: Pending, rc?: number): number {
    return `\n${p.nonce} ${p.id}${rc === undefined ? '' : ` ${rc}`}\n`.length;
  }
}

export class ShellSession {
  private pending?: Pending;
  private nextId = 1;
  private readonly outTail = new Tail(true);
  private readonly errTail = new Tail(false);
  /** set once the channel closed or a command was cut off: the session takes no more work */
  dead = false;
  /** the far end's pid on the host, from its first line (undefined until it arrives) */
  pid?: number;
  private hello: Buffer | undefined = Buffer.alloc(0);
  /** stderr the channel printed outside any command (sudo's refusal when the shell never started) */
  private stray: Buffer[] = [];
  private onDeath?: (stray: string) => Error;
  /** while sudo's password gate is open: what stderr said so far */
  private gateText?: string;
  private gateDone?: (e?: Error) => void;
  /** settles once the shell runs (at once, unless sudo must take a password first) */
  readonly ready: Promise<void>;

  /**
   * `rc` is the channel's command (the loop, wrapped in sudo for a become session); `framing`
   * how its far end counts a request; `maxOutput` the bytes of stdout and stderr one command may
   * print before it is ended (the controller keeps them all in memory).
   */
  constructor(
    private readonly ch: ClientChannel,
    private readonly rc: RemoteCommand,
    private readonly framing: Framing,
    private readonly maxOutput: number,
  ) {
    ch.on('data', (d: Buffer) => this.onOut(d));
    ch.stderr.on('data', (d: Buffer) => this.onErr(d));
    ch.on('error', () => undefined);
    ch.on('close', () => this.die());
    if (!rc.gate) {
      this.ready = Promise.resolve();
      return;
    }
    // the password goes alone; once sudo has started the shell it says so, and only then does
    // the first request follow (see BecomeGate)
    this.gateText = '';
    this.ready = new Promise<void>((resolve, reject) => (this.gateDone = (e) => (e ? reject(e) : resolve())));
    ch.write(rc.stdinPrefix);
  }

  /** How to report a command lost with the session (the caller knows the host and link). */
  setDeathReport(fn: (stray: string) => Error): void {
    this.onDeath = fn;
  }

  run(script: string, stdin?: Buffer): Promise<ExecResult> {
    if (this.dead || this.pending) return Promise.reject(new Error('shell session is not available'));
    const id = this.nextId++;
    const nonce = randomBytes(16).toString('hex');
    let request: Buffer;
    try {
      request = frameRequest(this.framing, id, nonce, script, stdin?.length ?? 0);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<ExecResult>((resolve, reject) => {
      this.pending = { id, nonce, out: [], err: [], size: 0, errDone: false, resolve, reject };
      this.outTail.reset();
      this.errTail.reset();
      this.ch.write(stdin?.length ? Buffer.concat([request, stdin]) : request);
    });
  }

  /** whether a command is running on it now */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** EOF on the shell's input: it exits after the command it runs (if any). */
  end(): void {
    this.ch.end();
  }

  /** Ends the shell (and whatever it runs); a pending command is reported lost. */
  kill(): void {
    killChannel(this.ch);
    this.die();
  }

  private onOut(d: Buffer): void {
    if (this.hello) {
      // the far end's first line, before any reply (a request may already be on its way)
      const all = Buffer.concat([this.hello, d]);
      const nl = all.indexOf(10);
      if (nl < 0 && all.length < 64) return void (this.hello = all);
      this.hello = undefined;
      const m = new RegExp(`^${HELLO} (\\d+)$`).exec(all.subarray(0, Math.max(nl, 0)).toString('latin1'));
      if (m) this.pid = Number(m[1]);
      d = m ? all.subarray(nl + 1) : all;
      if (!d.length) return;
    }
    const p = this.pending;
    if (!p || this.overflowed(p, d)) return;
    p.out.push(d);
    const rc = this.outTail.push(d, p);
    if (rc !== undefined) {
      p.rc = rc;
      this.finish();
    }
  }

  private onErr(d: Buffer): void {
    if (this.gateText !== undefined && this.rc.gate) {
      this.gateText += d.toString('latin1');
      const state = gateState(this.gateText, this.rc.gate);
      if (state === 'open') {
        this.gateText = undefined;
        this.ch.write(`${this.rc.gate.sync}\n`);
        this.gateDone?.();
      } else if (state === 'refused') {
        this.stray.push(Buffer.from(this.gateText, 'latin1'));
        this.gateText = undefined;
        this.ch.end();
      }
      return;
    }
    const p = this.pending;
    if (!p) {
      this.stray.push(d);
      return;
    }
    if (this.overflowed(p, d)) return;
    p.err.push(d);
    if (this.errTail.push(d, p) !== undefined) {
      p.errDone = true;
      this.finish();
    }
  }

  /** Counts `d` against the cap; past it, the command and its shell are ended and it fails. */
  private overflowed(p: Pending, d: Buffer): boolean {
    p.size += d.length;
    if (p.size <= this.maxOutput) return false;
    this.pending = undefined;
    p.reject(new OutputLimitError(outputLimitMessage(this.maxOutput)));
    this.kill();
    return true;
  }

  private finish(): void {
    const p = this.pending;
    if (!p || p.rc === undefined || !p.errDone) return;
    this.pending = undefined;
    const out = Buffer.concat(p.out);
    const err = Buffer.concat(p.err);
    p.resolve({
      rc: p.rc,
      stdout: out.subarray(0, out.length - Tail.suffix(p, p.rc)).toString('utf8'),
      stderr: err.subarray(0, err.length - Tail.suffix(p)).toString('utf8'),
    });
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.gateText !== undefined) this.stray.push(Buffer.from(this.gateText, 'latin1'));
    this.gateText = undefined;
    this.gateDone?.(this.onDeath?.(Buffer.concat(this.stray).toString('utf8')) ?? new Error('the shell did not start'));
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      const stray = Buffer.concat([...this.stray, ...p.err]).toString('utf8');
      p.reject(this.onDeath?.(stray) ?? new Error('shell session closed while a command was running'));
    }
  }
}
