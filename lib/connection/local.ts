import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { BecomeSpec, Connection, ExecOptions, ExecResult, PutOptions } from './types.js';
import { BecomeError } from './types.js';
import { becomeFailure, wrapBecomeAskpass } from './become.js';
import { askpassHelper } from './askpass.js';
import { innerScript } from './ssh/command.js';
import { getByExec, putByExec } from './files.js';

/** The process a command runs as: subclasses run it elsewhere (a test sandbox's namespaces). */
export interface SpawnSpec {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs everything on the controller itself (ansible_connection=local). */
export class LocalConnection implements Connection {
  protected loginUser = userInfo().username;
  /** commands still running: close() ends them (an interrupted run leaves nothing behind) */
  private readonly running = new Set<number>();

  constructor(readonly host: string) {}

  protected spawnSpec(script: string, opts: ExecOptions, becomeEnv: Record<string, string>): SpawnSpec {
    return {
      file: '/bin/sh',
      args: ['-c', script],
      cwd: opts.cwd,
      env: opts.env || opts.become ? { ...process.env, ...opts.env, ...becomeEnv } : process.env,
    };
  }

  exec(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    let becomeEnv: Record<string, string> = {};
    if (opts.become) {
      // sudo resets the environment: the command's own variables travel inside its script
      if (opts.env && Object.keys(opts.env).length) script = innerScript(script, { env: opts.env });
      const w = wrapBecomeAskpass(script, opts.become, this.loginUser, askpassHelper());
      if (w) ({ script, env: becomeEnv } = w);
    }
    const spec = this.spawnSpec(script, opts, becomeEnv);
    return new Promise((resolve, reject) => {
      const child = spawn(spec.file, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // own process group: a timeout kills the command's children too, not just the shell
        detached: true,
      });
      if (child.pid) this.running.add(child.pid);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-(child.pid ?? 0), 'SIGKILL');
            } catch {
              child.kill('SIGKILL');
            }
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (child.pid) this.running.delete(child.pid);
        const res: ExecResult = {
          rc: timedOut ? 124 : (code ?? (signal ? 128 : 1)),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8') + (timedOut ? `\ncommand timed out after ${opts.timeoutMs} ms` : ''),
        };
        const bf = opts.become ? becomeFailure(res) : null;
        if (bf) reject(new BecomeError(this.host, bf));
        else resolve(res);
      });
      child.stdin.on('error', () => undefined); // a command that ignores stdin closes it early
      if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
      child.stdin.end();
    });
  }

  put(remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
    return putByExec(this, remotePath, content, opts);
  }

  get(remotePath: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer> {
    return getByExec(this, remotePath, opts);
  }

  async close(): Promise<void> {
    for (const pid of this.running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.running.clear();
  }
}
