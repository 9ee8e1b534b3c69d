import { spawn } from 'node:child_process';
import type { ExecResult } from '../connection/types.js';
import type { LabState } from './state.js';

/**
 * OpenSSH client arguments that reach a lab host the strict way: the lab key only, the lab's
 * known_hosts only, host-key checking on, no prompts. Append the command to run.
 */
export function labSshArgs(state: LabState, target: { address: string; port: number }, opts: { user?: string; knownHosts?: string } = {}): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${opts.knownHosts ?? state.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'ConnectTimeout=5',
    '-i', state.keyFile,
    '-p', String(target.port),
    '-l', opts.user ?? state.user,
    target.address,
  ];
}

/** Runs `command` on a lab host with OpenSSH (labSshArgs), feeding it `input` on stdin. */
export function labExec(
  state: LabState,
  target: { address: string; port: number },
  command: string,
  opts: { user?: string; knownHosts?: string; input?: string } = {},
): Promise<ExecResult> {
  const args = [...labSshArgs(state, target, opts), command];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (rc) => resolve({ rc: rc ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
