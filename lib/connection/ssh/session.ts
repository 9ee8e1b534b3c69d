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
//   controller → host:  "<id> <stdin bytes>\n" <script lines> "<MARK>\n" <stdin bytes>
//   host → controller:  <stdout> "\n<MARK> <id> <rc>\n"   and on stderr: <stderr> "\n<MARK> <id>\n"
//
// The command runs in a subshell (its `exit`, `cd` and exports stay there) with stdin from
// /dev/null, or from exactly the bytes sent with it: `head -c` takes them off the channel and
// `cat` drains what the command left unread, so the next request is never read as payload.

export const MARK = `tsplay-frame-${randomBytes(8).toString('hex')}`;

/** The host side: POSIX sh, so dash, bash and busybox ash all run it. */
export const LOOP = [
  `M=${MARK}`,
  `while IFS= read -r h; do`,
  `  set -- $h`,
  `  s=`,
  `  while IFS= read -r l; do [ "$l" = "$M" ] && break; s="$s$l`,
  `"; done`,
  `  if [ "$2" -gt 0 ]; then head -c "$2" | { ( eval "$s" ); r=$?; cat >/dev/null; exit $r; }`,
  `  else ( eval "$s" ) </dev/null; fi`,
  `  r=$?`,
  `  printf '\\n%s %s %s\\n' "$M" "$1" "$r"`,
  `  printf '\\n%s %s\\n' "$M" "$1" >&2`,
  `done`,
].join('\n');

interface Pending {
  id: number;
  out: Buffer[];
  err: Buffer[];
  rc?: number;
  errDone: boolean;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

/** Finds "\n<MARK> <id>[ <rc>]\n" at the end of a stream, across chunk boundaries. */
class Tail {
  private tail = '';
  constructor(private readonly withRc: boolean) {}
  /** the frame's rc (or 0 for stderr) when `chunk` completes the frame, else undefined */
  push(chunk: Buffer, id: number): number | undefined {
    this.tail = (this.tail + chunk.toString('latin1')).slice(-(MARK.length + 32));
    const m = this.withRc ? /\n(\S+) (\d+) (\d+)\n$/.exec(this.tail) : /\n(\S+) (\d+)\n$/.exec(this.tail);
    if (!m || m[1] !== MARK || Number(m[2]) !== id) return undefined;
    this.tail = '';
    return this.withRc ? Number(m[3]) : 0;
  }
  static suffix(id: number, rc?: number): number {
    return `\n${MARK} ${id}${rc === undefined ? '' : ` ${rc}`}\n`.length;
  }
}

export class ShellSession {
  private pending?: Pending;
  private nextId = 1;
  private readonly outTail = new Tail(true);
  private readonly errTail = new Tail(false);
  /** set once the channel closed or a command was cut off: the session takes no more work */
  dead = false;
  /** stderr the channel printed outside any command (sudo's refusal when the shell never started) */
  private stray: Buffer[] = [];
  private onDeath?: (stray: string) => Error;
  /** while sudo's password gate is open: what stderr said so far */
  private gateText?: string;
  private gateDone?: (e?: Error) => void;
  /** settles once the shell runs (at once, unless sudo must take a password first) */
  readonly ready: Promise<void>;

  /** `rc` is the channel's command (the loop, wrapped in sudo for a become session). */
  constructor(
    private readonly ch: ClientChannel,
    private readonly rc: RemoteCommand,
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
    return new Promise<ExecResult>((resolve, reject) => {
      this.pending = { id, out: [], err: [], errDone: false, resolve, reject };
      const body = script.endsWith('\n') ? script : `${script}\n`;
      const head = Buffer.from(`${id} ${stdin?.length ?? 0}\n${body}${MARK}\n`);
      this.ch.write(stdin?.length ? Buffer.concat([head, stdin]) : head);
    });
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
    const p = this.pending;
    if (!p) return;
    p.out.push(d);
    const rc = this.outTail.push(d, p.id);
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
    p.err.push(d);
    if (this.errTail.push(d, p.id) !== undefined) {
      p.errDone = true;
      this.finish();
    }
  }

  private finish(): void {
    const p = this.pending;
    if (!p || p.rc === undefined || !p.errDone) return;
    this.pending = undefined;
    const out = Buffer.concat(p.out);
    const err = Buffer.concat(p.err);
    p.resolve({
      rc: p.rc,
      stdout: out.subarray(0, out.length - Tail.suffix(p.id, p.rc)).toString('utf8'),
      stderr: err.subarray(0, err.length - Tail.suffix(p.id)).toString('utf8'),
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
