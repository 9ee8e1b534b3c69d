import { randomBytes } from 'node:crypto';
import type { BecomeSpec, ExecOptions } from '../types.js';
import { wrapBecome } from '../become.js';
import { shq } from '../../util/shell.js';

// Builds the one command line an exec channel runs. env travels as `export` lines inside the
// script (the `env` channel request is refused by sshd's default AcceptEnv), cwd as a `cd` that
// stops the script when it fails, and a timeout as coreutils `timeout`, which kills the
// command's whole process group on the host — also under sudo, where a channel signal from the
// unprivileged session cannot reach.

export interface RemoteCommand {
  command: string;
  /** bytes to send before the caller's stdin (the sudo password line) */
  stdinPrefix: string;
  /** set when sudo gets a password: see BecomeGate */
  gate?: BecomeGate;
}

/**
 * sudo -S reads retries of a wrong password from the same stdin as the payload, and a sudo that
 * needs no password (NOPASSWD, cached) leaves the password line in the payload's stdin. So the
 * password goes first alone; once sudo has let the command start, the command prints `marker`
 * on stderr and discards stdin up to the `sync` line, and only then is the payload sent after
 * `sync`. A wrong password shows as sudo's retry prompt instead, and stdin is closed at once.
 * Neither string is a secret (both are on sudo's command line, for anyone's `ps`): only sudo and
 * the command itself write the channel's stderr, and only the controller writes its stdin. They
 * are random only so that no password can ever equal `sync`.
 */
export interface BecomeGate {
  marker: string;
  sync: string;
}

/** Where a gated sudo stands, from the stderr seen so far. */
export function gateState(stderr: string, gate: BecomeGate): 'open' | 'refused' | 'waiting' {
  if (stderr.includes(gate.marker)) return 'open';
  // sudo asks again (or says it needs one): EOF ends it instead of feeding it the payload
  if (/Sorry, try again|incorrect password|password is required/.test(stderr)) return 'refused';
  return 'waiting';
}

const GATE: BecomeGate = {
  marker: `tsplay-become-ok-${randomBytes(6).toString('hex')}`,
  sync: `tsplay-become-sync-${randomBytes(6).toString('hex')}`,
};

export function stdinBytes(stdin: string | Buffer | undefined): Buffer | undefined {
  return stdin === undefined || Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The script with its env, cwd and timeout applied, as /bin/sh runs it (no become). */
export function innerScript(script: string, opts: Pick<ExecOptions, 'env' | 'cwd' | 'timeoutMs'>): string {
  // a shell cannot carry a NUL: it would cut or drop it, and the command would change meaning
  if (script.includes('\0')) throw new Error('refusing to run a command that contains a NUL byte');
  const lines: string[] = [];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!ENV_NAME.test(k)) throw new Error(`environment variable name '${k}' is not valid (letters, digits, _; not starting with a digit)`);
    lines.push(`export ${k}=${shq(v)}`);
  }
  if (opts.cwd) lines.push(`cd ${shq(opts.cwd)} || exit 1`);
  const inner = lines.length ? `${lines.join('\n')}\n${script}` : script;
  if (!opts.timeoutMs || opts.timeoutMs <= 0) return inner;
  const secs = Math.max(0.001, opts.timeoutMs / 1000).toFixed(3);
  return `exec timeout -k 2 ${secs} /bin/sh -c ${shq(inner)}`;
}

export function remoteCommand(script: string, opts: Pick<ExecOptions, 'env' | 'cwd' | 'timeoutMs'>, become: BecomeSpec | undefined, loginUser: string): RemoteCommand {
  let inner = innerScript(script, opts);
  if (become) {
    const gated = become.password !== undefined;
    if (gated) inner = `printf '%s\\n' ${GATE.marker} >&2\nwhile IFS= read -r l; do [ "$l" = ${GATE.sync} ] && break; done\n${inner}`;
    const w = wrapBecome(inner, become, loginUser);
    if (w) return { command: w.script, stdinPrefix: w.stdinPrefix, gate: gated ? GATE : undefined };
  }
  return { command: `/bin/sh -c ${shq(inner)}`, stdinPrefix: '' };
}
