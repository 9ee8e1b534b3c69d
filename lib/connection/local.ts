import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { BecomeSpec, Connection, ExecOptions, ExecResult, PutOptions } from './types.js';
import { BecomeError } from './types.js';
import { becomeFailure, wrapBecome } from './become.js';
import { atomicWriteScript, readFileScript } from './files.js';

/** Runs everything on the controller itself (ansible_connection=local). */
export class LocalConnection implements Connection {
  private readonly loginUser = userInfo().username;

  constructor(readonly host: string) {}

  exec(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    let stdinPrefix = '';
    if (opts.become) {
      const w = wrapBecome(script, opts.become, this.loginUser);
      if (w) ({ script, stdinPrefix } = w);
    }
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', script], {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
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
      if (stdinPrefix) child.stdin.write(stdinPrefix);
      if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
      child.stdin.end();
    });
  }

  async put(remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
    const res = await this.exec(atomicWriteScript(remotePath, opts), { stdin: content, become: opts.become });
    if (res.rc !== 0) throw new Error(`cannot write ${remotePath}: ${res.stderr.trim()}`);
  }

  async get(remotePath: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer> {
    const res = await this.exec(readFileScript(remotePath), { become: opts.become });
    if (res.rc !== 0) throw new Error(`cannot read ${remotePath}: ${res.stderr.trim()}`);
    return Buffer.from(res.stdout, 'base64');
  }

  async close(): Promise<void> {}
}
