import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';
import type { BecomeSpec, Connection, ExecOptions, ExecResult, HelperOp, PutOptions } from './types.js';
import { BecomeError, UnreachableError } from './types.js';
import { becomeFailure } from './become.js';
import { getByExec, putByExec } from './files.js';
import { ChannelLimit } from './ssh/channel-limit.js';
import { ConnectFailure, openClient, type ClientTarget } from './ssh/client.js';
import { gateState, remoteCommand, stdinBytes, type RemoteCommand } from './ssh/command.js';
import { forward, JumpHosts, type HopSettings } from './ssh/jump.js';
import { OutputLimitError, outputLimitMessage } from './ssh/session.js';
import { Shells } from './ssh/shells.js';
import { backstop, endedByTimeout, killChannel, timeoutNote } from './ssh/timeout.js';
import type { SshOptions } from './ssh/options.js';

export { sshOptionsFromVars, type SshOptions, type SshCliOptions } from './ssh/options.js';
export { KnownHosts, fingerprint, type HostKeyPolicy } from './ssh/knownhosts.js';
export { JumpHosts } from './ssh/jump.js';

// One ssh2 Client per host, opened on first use and kept for the run. Commands run in persistent
// shells on it (ssh/shells.ts), or as one-off exec channels when none is free; at most
// `maxChannels` channels at once. A connection that drops is reopened once per
// drop; a command is re-sent only when its channel never opened, because one that may have run
// must not run twice.

interface Link {
  promise: Promise<Client>;
  dead: boolean;
}

// ssh2 error texts meaning the channel was never opened, so the command cannot have run
const NEVER_OPENED = /^(Not connected|No response from server|\(SSH\) Channel open failure)/;

class ChannelNotOpened extends Error {}

const OPEN_RETRIES = 10;

export class SshConnection implements Connection {
  readonly host: string;
  private readonly limit: ChannelLimit;
  private readonly shells: Shells;
  private readonly jumps: JumpHosts;
  private readonly ownsJumps: boolean;
  private link?: Link;
  private unreachable?: UnreachableError;
  private closed = false;
  /** one-off exec channels with a command running: Ctrl-C signals them */
  private readonly oneOff = new Set<ClientChannel>();
  /** SSH connections opened to the host so far (1 for a whole run unless one dropped) */
  connectCount = 0;

  constructor(
    readonly options: SshOptions,
    shared: { jumps?: JumpHosts } = {},
  ) {
    this.host = options.host;
    this.limit = new ChannelLimit(options.maxChannels);
    this.shells = new Shells(
      {
        loginUser: options.user,
        python: options.python,
        maxOutput: options.maxOutput,
        limit: this.limit,
        open: async (command) => this.openChannel((await this.client()).c, command),
        lost: (stray, become, link) => this.shellLost(stray, become, link as Link),
      },
      options.persistentShells ? Math.min(4, Math.floor(options.maxChannels / 2)) : 0,
    );
    this.ownsJumps = !shared.jumps;
    this.jumps = shared.jumps ?? new JumpHosts();
  }

  private get label(): string {
    const o = this.options;
    const via = o.jumps.length ? ` via ${o.jumps.map((j) => `${j.user ?? o.user}@${j.address}:${j.port}`).join(',')}` : '';
    return `${o.host} (${o.address}:${o.port}${via})`;
  }

  private async open(): Promise<Client> {
    const o = this.options;
    const common = {
      knownHostsFile: o.knownHostsFile,
      hostKeyChecking: o.hostKeyChecking,
      connectTimeoutMs: o.connectTimeoutMs,
      keepaliveIntervalMs: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      agentSocket: o.agentSocket,
      privateKeyPassphrase: o.privateKeyPassphrase,
    };
    const target: ClientTarget = { ...common, label: this.label, address: o.address, port: o.port, user: o.user, privateKeyFile: o.privateKeyFile, password: o.password };
    if (o.jumps.length) {
      const hop: HopSettings = { ...common, user: o.user, privateKeyFile: o.privateKeyFile };
      const via = await this.jumps.client(o.jumps, hop);
      target.sock = await forward(via, o.address, o.port, `bastion ${o.jumps[o.jumps.length - 1].address}`);
    }
    this.connectCount++;
    return openClient(target);
  }

  /** The live connection, opening (or reopening, once per drop) it when needed. */
  private async client(): Promise<{ link: Link; c: Client }> {
    if (this.unreachable) throw this.unreachable;
    if (this.closed) throw new Error(`${this.label}: connection already closed`);
    if (this.link && !this.link.dead) {
      const link = this.link;
      return { link, c: await link.promise.catch(() => Promise.reject(this.unreachable)) };
    }
    const reconnect = this.link !== undefined;
    const link: Link = { promise: this.open(), dead: false };
    this.link = link;
    link.promise.then(
      (c) => {
        c.on('close', () => (link.dead = true));
        c.on('error', () => undefined); // 'close' follows; the next exec reconnects
        this.shells.prewarm(this.options.become, link);
      },
      (e: Error) => {
        const msg = e instanceof ConnectFailure ? e.message : `${this.label}: ${e.message}`;
        // a host that cannot be reached stays unreachable for the run: later tasks fail fast
        this.unreachable = new UnreachableError(this.host, reconnect ? `${msg} (reconnecting after the connection dropped)` : msg);
      },
    );
    return { link, c: await link.promise.catch(() => Promise.reject(this.unreachable)) };
  }

  private openChannel(c: Client, command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        c.exec(command, (err, ch) => {
          if (!err) resolve(ch);
          else reject(NEVER_OPENED.test(err.message) ? new ChannelNotOpened(err.message) : err);
        });
      } catch (e) {
        const m = (e as Error).message;
        reject(NEVER_OPENED.test(m) ? new ChannelNotOpened(m) : e);
      }
    });
  }

  private resolveBecome(b: BecomeSpec | false | undefined): BecomeSpec | undefined {
    if (b === false) return undefined;
    if (b === undefined) return this.options.become;
    return { user: b.user ?? 'root', password: b.password ?? this.options.becomePassword };
  }

  /** A shell that ended under a command: sudo refused it, or the connection went away. */
  private shellLost(stray: string, become: BecomeSpec | undefined, link: Link): Error {
    const bf = become ? becomeFailure({ rc: 1, stdout: '', stderr: stray }) : null;
    return bf ? new BecomeError(this.host, `${this.label}: ${bf}`) : this.lostMidCommand(link);
  }

  /** The connection died under a running command: drop it, and never send that command again. */
  private lostMidCommand(link: Link): UnreachableError {
    link.dead = true;
    void link.promise.then((c) => c.end(), () => undefined);
    return new UnreachableError(this.host, `${this.label}: connection lost while a command was running; it may have run, so it is not sent again`);
  }

  /** wait_for_connection: an unreachable host is tried again by the next command. */
  retryConnect(): void {
    if (!this.unreachable) return;
    this.unreachable = undefined;
    if (this.link) this.link.dead = true; // its promise failed: the next client() opens a new one
  }

  async helper(op: HelperOp, opts: { stdin?: Buffer; become?: BecomeSpec | false } = {}): Promise<ExecResult | undefined> {
    if (!this.shells.enabled) return undefined;
    const { link } = await this.client();
    return this.shells.helper(op, opts.stdin, this.resolveBecome(opts.become), link);
  }

  async exec(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const become = this.resolveBecome(opts.become);
    if (this.shells.enabled) {
      const { link } = await this.client();
      const res = await this.shells.exec(script, opts, become, link);
      if (res) return res;
    }
    const rc = remoteCommand(script, opts, become, this.options.user);
    const { command } = rc;
    return this.limit.run(async () => {
      let reconnected = false;
      for (let refused = 0; ; ) {
        const { link, c } = await this.client();
        let ch: ClientChannel;
        try {
          ch = await this.openChannel(c, command);
        } catch (e) {
          if (!(e instanceof ChannelNotOpened)) throw new Error(`${this.label}: cannot run a command: ${(e as Error).message}`);
          if (!link.dead && !/Not connected|No response/.test(e.message)) {
            // sshd frees a finished session a moment after its close, so a new channel can briefly
            // exceed MaxSessions: the command never started, so wait and ask again
            if (++refused <= OPEN_RETRIES) {
              await new Promise((r) => setTimeout(r, 20 * refused));
              continue;
            }
            throw new Error(`${this.label}: the host refused a new session (${e.message}); tsplay opens up to ${this.options.maxChannels} channels per host, so its sshd needs MaxSessions of at least that`);
          }
          link.dead = true;
          c.end();
          if (!reconnected) {
            reconnected = true; // the command never started: safe to send it again on a new connection
            continue;
          }
          throw new UnreachableError(this.host, `${this.label}: connection lost and could not be reopened (${e.message})`);
        }
        const res = await this.run(ch, link, opts, rc);
        const bf = become ? becomeFailure(res) : null;
        if (bf) throw new BecomeError(this.host, `${this.label}: ${bf}`);
        return res;
      }
    });
  }

  private run(ch: ClientChannel, link: Link, opts: ExecOptions, { stdinPrefix, gate }: RemoteCommand): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const started = Date.now();
      const stop = backstop(opts.timeoutMs, () => killChannel(ch));
      this.oneOff.add(ch);
      let size = 0;
      let overflow = false;
      // past the cap the command is ended: its output would otherwise grow the controller unbounded
      const fits = (d: Buffer): boolean => {
        if (overflow) return false;
        size += d.length;
        if (size <= this.options.maxOutput) return true;
        overflow = true;
        killChannel(ch);
        reject(new OutputLimitError(outputLimitMessage(this.options.maxOutput)));
        return false;
      };
      ch.on('data', (d: Buffer) => {
        if (fits(d)) out.push(d);
      });
      const payload = stdinBytes(opts.stdin);
      let gateText = gate ? '' : undefined; // stderr seen while waiting for sudo
      ch.stderr.on('data', (d: Buffer) => {
        if (!fits(d)) return;
        err.push(d);
        if (!gate || gateText === undefined) return;
        gateText += d.toString('latin1');
        const state = gateState(gateText, gate);
        if (state === 'waiting') return;
        gateText = undefined;
        if (state === 'open') ch.end(payload ? Buffer.concat([Buffer.from(`${gate.sync}\n`), payload]) : `${gate.sync}\n`);
        else ch.end();
      });
      ch.on('error', () => undefined);
      ch.on('close', (code: number | null, signal?: string) => {
        stop.clear();
        this.oneOff.delete(ch);
        if (overflow) return;
        const timedOut = stop.fired || endedByTimeout(code, opts.timeoutMs, started);
        if (!timedOut && (code === null || code === undefined) && !signal) {
          // sshd always reports how a command ended; no report means the connection went away
          reject(this.lostMidCommand(link));
          return;
        }
        let rc: number;
        if (timedOut) rc = 124;
        else if (code !== null && code !== undefined) rc = code;
        else if (signal) rc = 128 + (constants.signals[`SIG${signal}` as keyof typeof constants.signals] ?? 0);
        else rc = 255; // closed without an exit status (like ssh's 255)
        let stderr = Buffer.concat(err).toString('utf8');
        if (gate) stderr = stderr.replace(`${gate.marker}\n`, '');
        resolve({ rc, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr + (timedOut ? timeoutNote(opts.timeoutMs) : '') });
      });
      // always send EOF, so a command never waits on input; a gated sudo gets it in the handler above
      if (gate) ch.write(stdinPrefix);
      else ch.end(stdinPrefix ? Buffer.concat([Buffer.from(stdinPrefix), payload ?? Buffer.alloc(0)]) : payload);
    });
  }

  put(remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
    return putByExec(this, remotePath, content, opts);
  }

  get(remotePath: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer> {
    return getByExec(this, remotePath, opts);
  }

  /**
   * Ends every command this connection is running on the host, then closes it (Ctrl-C). Bounded:
   * a host that does not answer is simply closed.
   */
  async interrupt(): Promise<void> {
    if (this.link && !this.link.dead && !this.closed) {
      for (const ch of this.oneOff) killChannel(ch);
      const stop = this.shells.stopRunning((script, become) => this.exec(script, { become: become ?? false, timeoutMs: 3000 }));
      await Promise.race([stop, new Promise((r) => setTimeout(r, 4000).unref())]);
    }
    await this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.shells.closeAll();
    const link = this.link;
    this.link = undefined;
    if (link) {
      const c = await link.promise.catch(() => undefined);
      if (c && !link.dead) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, 2000);
          c.once('close', () => {
            clearTimeout(t);
            r();
          });
          c.end();
        });
      }
    }
    if (this.ownsJumps) await this.jumps.closeAll();
  }
}
