// One lab host: prepare its upper dir, boot it in its own PID/mount/UTS namespaces, stop it.
//
// Boot (DESIGN.md §5): `setsid unshare --pid --mount --uts --fork --kill-child sh boot.sh`;
// boot.sh (PID 1 of the new PID namespace) mounts the overlay (lower `/`, per-host upper/work),
// a fresh /proc (its sys read-only), a fresh read-only /sys and a small /dev, tmpfs on /tmp and
// /run, sets the hostname, runs the users script in the new root, pivots into it, then execs
// `setpriv <fewer capabilities> tini -- python3 supervise.py -- sshd -D -f <the lab's config>`
// (isolation.ts says what is hidden and why; supervisor.ts gives services Restart=). tini stays
// PID 1 and reaps orphans; killing it makes the kernel end every
// process of the host (services included), and the host's mounts vanish with its private mount
// namespace.
import { spawn } from 'node:child_process';
import { access, chmod, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { shq } from '../util/shell.js';
import { LabError } from './errors.js';
import { dropCapabilities, freshAccounts, hiddenPaths, kernelMounts, pivotInto, prepareIsolation, SSHD_CONFIG } from './isolation.js';
import { ensureHostKeys } from './keys.js';
import { childrenOf, isSameProcess, LAB_ENV, procStat, run, sleep, waitGone } from './proc.js';
import { hostPaths, type LabHostState } from './state.js';
import { supervised, writeSupervisor } from './supervisor.js';
import { copyIntoUpper, ensureUpperDir, writeUpper } from './upper.js';
import { prepareKubeHost } from './kube/packages/host.js';
import { kernelBootConfig, kernelBootLines, prepareKernel } from './kernel/index.js';
import type { KubeRepo } from './kube/packages/repo.js';

export interface LabHostSpec {
  name: string;
  /** must be in 127.0.0.0/8 */
  address: string;
  /** default 22 */
  port?: number;
}

export interface HostContext {
  stateDir: string;
  labPublicKey: string;
  systemctl: string;
  /** /etc/hosts for every host: the machine's plus one line per lab host */
  etcHosts: string;
  /** users script (run in the chroot), if any users were asked for */
  usersScript?: string;
  /** the Kubernetes package repository to give the host (apt source and key) */
  kubeRepo?: KubeRepo;
}

export const TINI = '/usr/bin/tini';
export const LAB_ADDRESS_FILE = '/etc/tsplay-lab/address';
export const SSHD = '/usr/sbin/sshd';

/** Writes everything the host needs into its upper dir; returns its public host keys. */
export async function prepareHost(spec: Required<LabHostSpec>, ctx: HostContext): Promise<string[]> {
  const p = hostPaths(ctx.stateDir, spec.name);
  await mkdir(p.dir, { recursive: true, mode: 0o700 });
  await Promise.all([p.upper, p.work, p.merged].map((d) => mkdir(d, { recursive: true })));
  await chmod(p.upper, 0o755); // the upper dir's root is the host's `/`
  await prepareIsolation(p.upper, hiddenPaths(ctx.stateDir), spec);
  await freshAccounts(p.upper);
  const keys = await ensureHostKeys(p.upper, spec.name);
  await freshRootHome(p.upper);
  // the daemonless systemctl must win over the machine's real one however PATH is ordered
  await Promise.all([
    writeUpper(p.upper, '/root/.ssh/authorized_keys', ctx.labPublicKey + '\n', { mode: 0o600 }),
    writeUpper(p.upper, '/etc/hostname', spec.name + '\n', { mode: 0o644 }),
    writeUpper(p.upper, '/etc/hosts', ctx.etcHosts, { mode: 0o644 }),
    // the host's own address: the Kubernetes doubles' stand-in for a network namespace (kube/common/labnet.ts)
    writeUpper(p.upper, LAB_ADDRESS_FILE, spec.address + '\n', { mode: 0o644 }),
    copyIntoUpper(p.upper, '/usr/local/bin/systemctl', ctx.systemctl, 0o755),
    copyIntoUpper(p.upper, '/usr/bin/systemctl', ctx.systemctl, 0o755),
    writeSupervisor(p.upper),
  ]);
  if (ctx.kubeRepo) await prepareKubeHost(p.upper, ctx.kubeRepo);
  await prepareKernel(ctx.stateDir, p.dir, p.upper);
  if (ctx.usersScript) await writeFile(p.setup, ctx.usersScript, { mode: 0o600 });
  await writeFile(p.boot, bootScript(spec, ctx), { mode: 0o700 });
  return keys;
}

/**
 * The host's /root starts empty like a fresh install (Debian's root dotfiles), not with this
 * machine's root home: its keys, tokens and shell setup stay out of the lab. The directory is
 * made opaque in the upper dir (overlayfs xattr), which hides the lower /root entirely.
 */
async function freshRootHome(upper: string): Promise<void> {
  const home = path.join(upper, 'root');
  try {
    await access(path.join(home, '.bashrc'));
    return; // prepared before (a restarted host keeps its /root)
  } catch {
    /* first boot */
  }
  await ensureUpperDir(upper, '/root');
  await mkdir(path.join(home, '.ssh'), { mode: 0o700 }).catch(() => undefined);
  await run('/usr/bin/python3', ['-c', "import os,sys; os.setxattr(sys.argv[1], 'trusted.overlay.opaque', b'y')", home]);
  for (const [src, name] of [['dot.bashrc', '.bashrc'], ['dot.profile', '.profile']]) {
    const from = (await readFile(`/usr/share/base-files/${src}`).catch(() => undefined)) ?? (await readFile(`/etc/skel/${name}`));
    await writeUpper(upper, `/root/${name}`, from, { mode: 0o644 });
  }
}

function bootScript(spec: Required<LabHostSpec>, ctx: HostContext): string {
  const p = hostPaths(ctx.stateDir, spec.name);
  const M = shq(p.merged);
  // sshd's settings are all in the lab's own config (isolation.ts), none from the machine's
  // sshd under the Restart= supervisor (supervisor.ts), which tini reaps and signals as before
  const sshd = [...dropCapabilities(), TINI, '--', ...supervised([SSHD, '-D', '-e', '-f', SSHD_CONFIG])];
  return [
    '#!/bin/sh',
    `# tsplay lab host ${spec.name}: PID 1 of its own PID, mount and UTS namespaces`,
    'set -eu',
    // the lab state dir and the tsplay checkout are whiteouts in the upper dir (prepareHost)
    `mount -t overlay ${shq(`tsplay-lab-${spec.name}`)} -o ${shq(`lowerdir=/,upperdir=${p.upper},workdir=${p.work}`)} ${M}`,
    ...kernelMounts(M),
    `mount -t tmpfs -o mode=1777 tmpfs ${M}/tmp`,
    `mount -t tmpfs -o mode=755 tmpfs ${M}/run`,
    `mkdir -m 755 ${M}/run/sshd`,
    `mkdir -m 1777 ${M}/run/lock`,
    ...kernelBootLines(M, ctx.stateDir, p.dir),
    `hostname ${shq(spec.name)}`,
    ctx.usersScript ? `chroot ${M} /bin/sh -s < ${shq(p.setup)}` : '',
    ...kernelBootConfig(M),
    ...pivotInto(M),
    `exec ${sshd.map(shq).join(' ')}`,
    '',
  ].join('\n');
}

/** Boots a prepared host; resolves once its sshd answers. */
export async function startHost(spec: Required<LabHostSpec>, stateDir: string, timeoutMs = 15000): Promise<LabHostState> {
  const p = hostPaths(stateDir, spec.name);
  const log = await open(p.log, 'w', 0o600);
  let child;
  try {
    // detached: the child calls setsid() before exec (what `setsid` does), so the host leaves
    // the caller's session and terminal and survives the CLI that started it
    child = spawn('unshare', ['--pid', '--mount', '--uts', '--fork', '--kill-child', '/bin/sh', p.boot], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: LAB_ENV,
    });
  } finally {
    await log.close();
  }
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new LabError(e.code === 'ENOENT' ? 'unshare is not installed (util-linux)' : `unshare: ${e.message}`)),
    ),
  );
  spawnError.catch(() => undefined);
  child.unref();
  const unsharePid = child.pid;
  if (!unsharePid) return spawnError;
  const unshareStat = await procStat(unsharePid);

  const deadline = Date.now() + timeoutMs;
  let init;
  while (!init) {
    init = (await childrenOf(unsharePid))[0];
    if (init) break;
    if (Date.now() > deadline || !unshareStat || !(await isSameProcess(unsharePid, unshareStat.startTime)))
      throw new LabError(`${spec.name}: the host did not start: ${await logTail(p.log)}`);
    await sleep(5);
  }
  const host: LabHostState = {
    name: spec.name,
    address: spec.address,
    port: spec.port,
    pid: init.pid,
    startTime: init.startTime,
    unsharePid,
    unshareStartTime: unshareStat!.startTime,
    upper: p.upper,
  };
  for (;;) {
    if (!(await isSameProcess(host.pid, host.startTime))) {
      const tail = await logTail(p.log);
      await stopHost(host);
      throw new LabError(`${spec.name}: the host stopped while starting: ${tail}`);
    }
    if (await sshAnswers(spec.address, spec.port, 500)) return host;
    if (Date.now() > deadline) {
      await stopHost(host);
      throw new LabError(`${spec.name}: sshd did not answer on ${spec.address}:${spec.port} within ${timeoutMs} ms: ${await logTail(p.log)}`);
    }
    await sleep(10);
  }
}

async function logTail(file: string): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n').filter(Boolean);
    return lines.slice(-5).join(' | ') || '(no output)';
  } catch {
    return '(no log)';
  }
}

/** Stops a host by pid: SIGKILL to its PID 1 ends every process in its PID namespace. */
export async function stopHost(h: LabHostState, timeoutMs = 10000): Promise<void> {
  const init = { pid: h.pid, startTime: h.startTime };
  const unshare = { pid: h.unsharePid, startTime: h.unshareStartTime };
  if (await isSameProcess(init.pid, init.startTime)) process.kill(init.pid, 'SIGKILL');
  // unshare exits as soon as its child (the host's PID 1) is gone
  if (await waitGone([init, unshare], timeoutMs / 2)) return;
  if (await isSameProcess(unshare.pid, unshare.startTime)) process.kill(unshare.pid, 'SIGKILL');
  if (!(await waitGone([init, unshare], timeoutMs / 2)))
    throw new LabError(`${h.name}: processes ${h.pid}/${h.unsharePid} did not exit after SIGKILL`);
}

/** True when something at address:port sends an SSH banner. */
export function sshAnswers(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: address, port });
    let buf = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) done(buf.startsWith('SSH-'));
    });
    sock.on('error', () => done(false));
    sock.on('end', () => done(false));
  });
}
