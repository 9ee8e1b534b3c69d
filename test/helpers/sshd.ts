import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Real OpenSSH daemons for the connection tests: each one its own temp dir, host key, client key,
// authorized_keys and known_hosts, listening on one loopback address. Every process started here
// is stopped by pid (the listener and the per-connection children it forked).

export interface SshdOptions {
  /** loopback address, 127.x.y.z */
  address: string;
  port?: number;
  /** reuse this client key pair (its .pub beside it) instead of generating one */
  clientKeyFile?: string;
  passwordAuth?: boolean;
  allowTcpForwarding?: boolean;
  /** LogLevel; DEBUG1 also logs forwarding requests */
  logLevel?: 'VERBOSE' | 'DEBUG1';
  /** the host key's type (default ed25519) */
  hostKeyType?: 'ed25519' | 'rsa';
  /** more sshd_config lines, e.g. `MACs hmac-sha1` */
  config?: string[];
}

export interface Sshd {
  address: string;
  port: number;
  pid: number;
  dir: string;
  hostKeyFile: string;
  /** `ssh-ed25519 AAAA...` */
  hostPublicKey: string;
  /** `[addr]:port ssh-ed25519 AAAA...` */
  knownHostsLine: string;
  /** a known_hosts file holding knownHostsLine */
  knownHostsFile: string;
  clientKeyFile: string;
  logFile: string;
  log(): string;
  /** TCP connections sshd accepted so far */
  connectionsSeen(): number;
  /** pids of every process below the listener: per-connection sshd processes and their commands */
  sessionPids(): number[];
  /** pids of the per-connection sshd processes only (killing them drops connections, not commands) */
  connectionPids(): number[];
  stop(): Promise<void>;
}

const running = new Set<Sshd>();

export function keygen(file: string, type = 'ed25519'): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'tsplay-test', '-f', file]);
}

export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, address, () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** All descendants of pid, deepest first (so killing in order leaves no orphan running). */
export function descendantPids(pid: number): number[] {
  return childPids(pid).flatMap((k) => [...descendantPids(k), k]);
}

export function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** Processes below pid by depth, children first. */
function levels(pid: number): number[][] {
  const out: number[][] = [];
  for (let cur = childPids(pid); cur.length; cur = cur.flatMap(childPids)) out.push(cur);
  return out;
}

/** Kill everything below pid, deepest level first, letting each parent reap its children before
 * it dies itself (an orphan would be left as a zombie of init). */
export async function killTree(pid: number): Promise<void> {
  for (const level of levels(pid).reverse()) {
    for (const p of level) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await waitFor('killed processes to be reaped', () => level.every((p) => !existsSync(`/proc/${p}`)), 2000).catch(() => undefined);
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return ''; // exited meanwhile
  }
}

/** The process exists (signal 0 reaches it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startSshd(opts: SshdOptions): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'));
  chmodSync(dir, 0o755); // users other than root read authorized_keys from here
  const port = opts.port ?? (await freePort(opts.address));
  const hostKeyFile = join(dir, `host_${opts.hostKeyType ?? 'ed25519'}`);
  keygen(hostKeyFile, opts.hostKeyType);
  let clientKeyFile = opts.clientKeyFile;
  if (!clientKeyFile) {
    clientKeyFile = join(dir, 'client_ed25519');
    keygen(clientKeyFile);
  }
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${clientKeyFile}.pub`), { mode: 0o644 });
  const hostPublicKey = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsLine = `[${opts.address}]:${port} ${hostPublicKey}`;
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, knownHostsLine + '\n');
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${opts.address}:${port}`,
      `HostKey ${hostKeyFile}`,
      `PidFile none`,
      `AuthorizedKeysFile ${authorized}`,
      `StrictModes no`,
      `UsePAM no`,
      `PermitRootLogin prohibit-password`,
      `PasswordAuthentication ${opts.passwordAuth ? 'yes' : 'no'}`,
      `KbdInteractiveAuthentication no`,
      `AllowTcpForwarding ${opts.allowTcpForwarding ? 'yes' : 'no'}`,
      `AllowAgentForwarding no`,
      `X11Forwarding no`,
      `MaxSessions 10`,
      `MaxStartups 100`,
      `LogLevel ${opts.logLevel ?? 'VERBOSE'}`,
      `Subsystem sftp internal-sftp`,
      ...(opts.config ?? []),
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'sshd.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid!;
  let exited = false;
  child.on('exit', () => (exited = true));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const sshd: Sshd = {
    address: opts.address,
    port,
    pid,
    dir,
    hostKeyFile,
    hostPublicKey,
    knownHostsLine,
    knownHostsFile,
    clientKeyFile,
    logFile,
    log,
    connectionsSeen: () => (log().match(/^Connection from .* port \d+ on /gm) ?? []).length,
    sessionPids: () => descendantPids(pid),
    // the unprivileged per-connection process holds the TCP socket; its [priv] parent reaps it
    connectionPids: () => childPids(pid).flatMap(childPids).filter((p) => comm(p).startsWith('sshd')),
    stop: async () => {
      running.delete(sshd);
      // sshd leaves running sessions alone when its listener stops: end them first, by pid
      if (!exited) await killTree(pid);
      if (!exited) {
        process.kill(pid, 'SIGTERM');
        await waitFor(`sshd ${pid} to stop`, () => exited || !alive(pid), 5000).catch(() => process.kill(pid, 'SIGKILL'));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(sshd);
  try {
    await waitFor(`sshd on ${opts.address}:${port} (log: ${logFile})`, () => {
      if (exited) throw new Error(`sshd exited at start:\n${log()}`);
      return log().includes(`Server listening on ${opts.address} port ${port}`);
    }, 10_000);
  } catch (e) {
    await sshd.stop();
    throw e;
  }
  return sshd;
}

/** Stop every sshd still running (for an after() hook, so a failed test leaves nothing behind). */
export async function stopAllSshd(): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop()));
}

export interface TestUsers {
  /** may sudo, with its password */
  sudoUser: string;
  sudoPassword: string;
  /** may sudo without a password */
  nopwUser: string;
  remove(): void;
}

const SUDO_USER = 'tsplay-test';
const NOPW_USER = 'tsplay-nopw';

function removeUser(name: string): void {
  try {
    execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' });
  } catch {
    /* not there */
  }
  rmSync(`/etc/sudoers.d/${name}`, { force: true });
}

/** Create the two sudo users the become tests log in as (root only). */
export function createTestUsers(): TestUsers {
  const sudoPassword = `pw-${randomBytes(9).toString('base64url')}`;
  for (const name of [SUDO_USER, NOPW_USER]) {
    removeUser(name); // left over from an interrupted run
    execFileSync('useradd', ['-m', '-s', '/bin/bash', name]);
  }
  // the NOPASSWD user gets an unknown password too: an account without one counts as locked
  execFileSync('chpasswd', { input: `${SUDO_USER}:${sudoPassword}\n${NOPW_USER}:${randomBytes(12).toString('hex')}\n` });
  const rules: [string, string][] = [
    [SUDO_USER, `${SUDO_USER} ALL=(ALL:ALL) ALL\n`],
    [NOPW_USER, `${NOPW_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n`],
  ];
  for (const [name, rule] of rules) {
    const f = `/etc/sudoers.d/${name}`;
    writeFileSync(f, rule, { mode: 0o440 });
    execFileSync('visudo', ['-c', '-q', '-f', f]);
  }
  return {
    sudoUser: SUDO_USER,
    sudoPassword,
    nopwUser: NOPW_USER,
    remove: () => {
      removeUser(SUDO_USER);
      removeUser(NOPW_USER);
    },
  };
}

export interface Agent {
  socket: string;
  stop(): void;
}

/** An ssh-agent of our own (foreground, by pid) holding `keyFile`. */
export async function startAgent(keyFile: string): Promise<Agent> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-agent-'));
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const stop = () => {
    try {
      child.kill('SIGTERM');
    } catch {
      /* gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('ssh-agent socket', () => existsSync(socket), 5000);
    execFileSync('ssh-add', ['-q', keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  } catch (e) {
    stop();
    throw e;
  }
  return { socket, stop };
}
