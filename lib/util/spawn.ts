import { spawn } from 'node:child_process';

export interface Collected {
  /** exit status; -1 when a signal ended it */
  rc: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end on the controller, feeding it `input` (or nothing) on stdin, and
 * collects what it printed. Rejects only when it cannot be started at all (ENOENT and the like).
 */
export function collectOutput(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (rc) => resolve({ rc: rc ?? -1, stdout, stderr }));
    // a program that exits without reading stdin (ssh-keygen, umount) must not fail with EPIPE
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
