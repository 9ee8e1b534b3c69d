import type { ExecResult } from '../connection/types.js';
import { collectOutput } from '../util/spawn.js';
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
  return collectOutput('ssh', [...labSshArgs(state, target, opts), command], { input: opts.input });
}
