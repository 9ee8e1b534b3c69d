import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { BecomeSpec } from '../types.js';
import type { HostKeyPolicy } from './knownhosts.js';
import { parseSshArgs, type JumpSpec } from './args.js';

/** Command-line settings that apply to every host (inventory vars win where Ansible's do). */
export interface SshCliOptions {
  knownHostsFile?: string;
  hostKeyChecking?: HostKeyPolicy;
  privateKeyFile?: string;
  user?: string;
  connectTimeoutMs?: number;
  maxChannels?: number;
}

export interface SshOptions {
  /** inventory name (messages) */
  host: string;
  /** what to connect to (ansible_host) */
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  privateKeyPassphrase?: string;
  password?: string;
  /** ssh-agent socket; default SSH_AUTH_SOCK */
  agentSocket?: string;
  /** host-level become default (ansible_become*); undefined: no become unless a task asks */
  become?: BecomeSpec;
  /** become password for tasks that ask for become without giving one */
  becomePassword?: string;
  /** bastions, first hop first */
  jumps: JumpSpec[];
  knownHostsFile: string;
  hostKeyChecking: HostKeyPolicy;
  connectTimeoutMs: number;
  maxChannels: number;
  /** run commands in persistent shells (ssh/session.ts); `tsplay_persistent_shell=false` turns it off */
  persistentShells: boolean;
  /** python on the host for the helper (ansible_python_interpreter, default python3) */
  python: string;
  /** bytes of stdout+stderr one command may print before it is ended (tsplay_max_output) */
  maxOutput: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

export const DEFAULT_MAX_CHANNELS = 8; // below OpenSSH's MaxSessions 10
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** The controller keeps a command's output in memory: 64 MiB per command by default. */
export const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/** Files are read in 4 MiB pieces (connection/files.ts), 5.6 MB as base64: the cap must let one through. */
const MIN_MAX_OUTPUT = 8 * 1024 * 1024;

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A byte count such as 1048576, 512k, 64M or 1G (binary units, like ansible's human_to_bytes). */
export function byteSize(host: string, name: string, v: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(v);
  const n = m ? Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()] : NaN;
  if (!Number.isSafeInteger(n) || n < MIN_MAX_OUTPUT) throw new Error(`${host}: ${name}='${v}' is not a size of at least 8M (e.g. 67108864, 64M, 1G)`);
  return n;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function first(vars: Record<string, unknown>, names: string[]): [string, string] | undefined {
  for (const n of names) {
    const s = str(vars[n]);
    if (s !== undefined) return [n, s];
  }
  return undefined;
}

function bool(host: string, name: string, s: string): boolean {
  if (/^(true|yes|on|1)$/i.test(s)) return true;
  if (/^(false|no|off|0)$/i.test(s)) return false;
  throw new Error(`${host}: ${name} '${s}' is not a boolean (use true or false)`);
}

function num(host: string, name: string, s: string, min: number, max: number): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${host}: ${name} '${s}' must be a number from ${min} to ${max}`);
  return n;
}

/** Ansible's `auto*` values mean discovery; the helper just tries python3 (and falls back to sh). */
function pythonFor(v: string | undefined): string {
  return !v || v.startsWith('auto') ? 'python3' : v;
}

export function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

function policyFromSsh(host: string, v: string): HostKeyPolicy {
  if (v === 'no' || v === 'off') return 'off';
  if (v === 'accept-new') return 'accept-new';
  if (v === 'yes' || v === 'ask') return 'strict';
  throw new Error(`${host}: StrictHostKeyChecking=${v} is not understood (yes, accept-new or no)`);
}

/**
 * SSH settings for one host from its Ansible connection vars. Throws an Error naming the host
 * and the variable when a value is unusable. Secrets (passwords) are carried, never printed.
 */
export function sshOptionsFromVars(host: string, vars: Record<string, unknown>, cli: SshCliOptions): SshOptions {
  const get = (...names: string[]) => first(vars, names)?.[1];
  // ansible_ssh_args: Ansible's ssh_args (ansible.cfg [ssh_connection]), before the other two
  const argsText = [get('ansible_ssh_args'), get('ansible_ssh_common_args'), get('ansible_ssh_extra_args')].filter(Boolean).join(' ');
  let args;
  try {
    args = parseSshArgs(argsText);
  } catch (e) {
    throw new Error(`${host}: ansible_ssh_common_args: ${(e as Error).message}`);
  }

  const portVar = first(vars, ['ansible_port', 'ansible_ssh_port']);
  const port = portVar ? num(host, portVar[0], portVar[1], 1, 65535) : (args.port ?? 22);
  if (!Number.isInteger(port)) throw new Error(`${host}: port '${port}' is not a whole number`);

  const timeoutVar = first(vars, ['ansible_ssh_timeout', 'ansible_timeout']);
  const connectTimeoutMs = timeoutVar
    ? num(host, timeoutVar[0], timeoutVar[1], 0.1, 3600) * 1000
    : (cli.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);

  const method = get('ansible_become_method');
  if (method && method !== 'sudo') throw new Error(`${host}: ansible_become_method '${method}' is not supported (only sudo)`);
  const becomeVar = first(vars, ['ansible_become']);
  const becomeUser = get('ansible_become_user');
  const becomePassword = get('ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass', 'ansible_sudo_password');
  const become = becomeVar && bool(host, becomeVar[0], becomeVar[1]) ? { user: becomeUser ?? 'root', password: becomePassword } : undefined;

  let hostKeyChecking: HostKeyPolicy = 'strict';
  const hkc = first(vars, ['ansible_host_key_checking', 'ansible_ssh_host_key_checking']);
  if (cli.hostKeyChecking) hostKeyChecking = cli.hostKeyChecking;
  else if (hkc) hostKeyChecking = bool(host, hkc[0], hkc[1]) ? 'strict' : 'off';
  else if (args.strictHostKeyChecking) hostKeyChecking = policyFromSsh(host, args.strictHostKeyChecking);

  const keyFile = get('ansible_ssh_private_key_file', 'ansible_private_key_file') ?? cli.privateKeyFile ?? args.identityFile;
  const maxChannels = cli.maxChannels ?? DEFAULT_MAX_CHANNELS;
  if (!Number.isInteger(maxChannels) || maxChannels < 1) throw new Error(`maxChannels must be a whole number >= 1 (got ${maxChannels})`);

  const shellVar = first(vars, ['tsplay_persistent_shell']);
  const maxOutputVar = first(vars, ['tsplay_max_output']);
  return {
    host,
    address: get('ansible_host', 'ansible_ssh_host') ?? host,
    port,
    user: get('ansible_user', 'ansible_ssh_user') ?? cli.user ?? args.user ?? userInfo().username,
    privateKeyFile: keyFile ? expandHome(keyFile) : undefined,
    password: get('ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'),
    agentSocket: process.env.SSH_AUTH_SOCK || undefined,
    become,
    becomePassword,
    jumps: args.jumps.map((j) => ({ ...j, privateKeyFile: j.privateKeyFile ? expandHome(j.privateKeyFile) : undefined })),
    knownHostsFile: expandHome(cli.knownHostsFile ?? args.userKnownHostsFile ?? '~/.ssh/known_hosts'),
    hostKeyChecking,
    connectTimeoutMs,
    maxChannels,
    persistentShells: shellVar ? bool(host, shellVar[0], shellVar[1]) : true,
    python: pythonFor(get('ansible_python_interpreter')),
    maxOutput: maxOutputVar ? byteSize(host, maxOutputVar[0], maxOutputVar[1]) : DEFAULT_MAX_OUTPUT,
    keepaliveIntervalMs: 5000,
    keepaliveCountMax: 3,
  };
}
