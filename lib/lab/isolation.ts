// What keeps a lab host's root away from the machine that runs it (issue 18). A host's `/` is an
// overlay over the machine's `/`, so without this it would see and reach the machine itself.
//
// - Hidden paths (the lab's state dir, holding every host's disk and the lab's root key, and the
//   tsplay checkout) are overlay whiteouts in the host's upper dir: part of the host's file
//   system, not mounts a root inside could unmount.
// - /etc/ssh is an opaque directory holding only the host's own keys and sshd config: the
//   machine's host keys and sshd_config stay out.
// - The boot pivots into the overlay and detaches the machine's root (a chroot can be left by a
//   root with CAP_SYS_CHROOT, which sshd's privilege separation needs); /dev is a small tmpfs
//   with a few harmless nodes, /sys a fresh read-only sysfs, /proc/sys read-only.
// - sshd and everything below it run without the capabilities that could undo any of this or
//   touch the machine (mounts, modules, raw devices and I/O, the clock, reboot, the shared
//   network's configuration and raw packets, ptrace, file handles).
//
// Not isolated: the network namespace. Hosts must reach each other and be reached on their
// loopback addresses, so they share the machine's; without CAP_NET_ADMIN and CAP_NET_RAW a
// host's root cannot reconfigure it or sniff it, but can connect to anything listening on
// loopback (and to abstract unix sockets) as any local process can.
import { access, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from '../util/cachedir.js';
import { shq } from '../util/shell.js';
import { HOST_KEY_TYPES, hostKeyPath } from './keys.js';
import { run } from './proc.js';
import { ensureUpperDir, writeUpper } from './upper.js';

/** Removed from the bounding, inheritable and ambient sets of sshd and all it starts. */
export const DROPPED_CAPABILITIES = [
  'sys_admin', // mount, umount, pivot_root, setns: would undo every hiding mount
  'sys_module',
  'sys_rawio',
  'mknod', // a block device node would read the machine's disk
  'sys_time',
  'sys_boot',
  'net_admin', // the network namespace is the machine's
  'net_raw', // no sniffing the machine's loopback traffic
  'sys_ptrace',
  'dac_read_search', // open_by_handle_at reaches files by inode, past any hiding
  'sys_pacct',
  'syslog',
  'mac_admin',
  'mac_override',
  'audit_control',
  'wake_alarm',
  'block_suspend',
  'bpf',
  'perfmon',
  'lease',
  'sys_tty_config',
] as const;

/** The lab's own sshd config, written to the host's /etc/ssh/sshd_config and given with -f. */
export const SSHD_CONFIG = '/etc/ssh/sshd_config';

export function sshdConfig(address: string, port: number): string {
  return [
    '# tsplay lab host: keys only, no forwarding, SHA-2 algorithms only',
    `ListenAddress ${address}`,
    `Port ${port}`,
    ...HOST_KEY_TYPES.map((t) => `HostKey ${hostKeyPath(t)}`),
    'PidFile /run/sshd.pid',
    // no PAM session per channel: keys still work, each exec costs far less
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitEmptyPasswords no',
    'AllowAgentForwarding no',
    'AllowTcpForwarding no',
    'AllowStreamLocalForwarding no',
    'X11Forwarding no',
    'PermitTunnel no',
    'GatewayPorts no',
    'PermitUserEnvironment no',
    'KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256',
    'Ciphers chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr',
    'MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512',
    'HostKeyAlgorithms ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521',
    'PubkeyAcceptedAlgorithms ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256',
    'MaxStartups 100',
    'PrintMotd no',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/** The tsplay checkout (or install) this process runs from: <root>/node_modules/.cache/tsplay. */
export function packageRoot(): string {
  return path.resolve(cacheDir(), '..', '..', '..');
}

/** Directories a host needs to run: never hidden, and never a lab state dir (validate.ts). */
export const SYSTEM_DIRS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/tmp']);

/** Paths to hide in every host: the state dir, the tsplay checkout and the working dir (outermost only). */
export function hiddenPaths(stateDir: string, extra: string[] = [packageRoot(), process.cwd()]): string[] {
  const all = [stateDir, ...extra.map((p) => path.resolve(p)).filter((p) => !SYSTEM_DIRS.has(p))];
  const inside = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
  return [...new Set(all)].filter((p, _, list) => !list.some((q) => q !== p && inside(p, q))).sort();
}

// One python3 run per host (node has no mknod or setxattr): /etc/ssh made opaque, then an
// overlay whiteout (a 0/0 character device: the host sees no such path) at each hidden path.
// Whatever a host left at a hidden path (a directory made over the whiteout) is removed first.
const ISOLATE_PY = `
import os, shutil, stat, sys
opaque, *hidden = sys.argv[1:]
os.setxattr(opaque, 'trusted.overlay.opaque', b'y')
for p in hidden:
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    if st and stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
        continue
    if st:
        shutil.rmtree(p) if stat.S_ISDIR(st.st_mode) else os.unlink(p)
    os.mknod(p, stat.S_IFCHR, os.makedev(0, 0))
`;

/**
 * Writes the hiding into a host's upper dir (before its overlay is mounted): whiteouts for
 * `hidden`, an opaque /etc/ssh with the lab's sshd config, the machine's client config and
 * moduli (public), and no machine host key. The host's own keys are generated there afterwards.
 */
export async function prepareIsolation(upper: string, hidden: string[], sshd: { address: string; port: number }): Promise<void> {
  await ensureUpperDir(upper, '/etc/ssh');
  await Promise.all(hidden.map((p) => ensureUpperDir(upper, path.posix.dirname(p))));
  await run('/usr/bin/python3', ['-c', ISOLATE_PY, path.join(upper, 'etc/ssh'), ...hidden.map((p) => path.join(upper, p))]);
  for (const name of ['moduli', 'ssh_config']) {
    const text = await readFile(path.join('/etc/ssh', name)).catch(() => undefined);
    if (text) await writeUpper(upper, `/etc/ssh/${name}`, text, { mode: 0o644 });
  }
  await mkdir(path.join(upper, 'etc/ssh/ssh_config.d'), { recursive: true });
  await writeUpper(upper, SSHD_CONFIG, sshdConfig(sshd.address, sshd.port), { mode: 0o644 });
}

/**
 * A host's first boot: its /etc/shadow and /etc/gshadow keep the machine's accounts (the lower
 * /etc/passwd names them) but none of their password hashes, which root on a host could otherwise
 * read and crack; and /home starts empty (opaque), so the machine's users' homes stay out. Later
 * boots keep what the host made of them (lab users, accounts a play added).
 */
export async function freshAccounts(upper: string): Promise<void> {
  for (const name of ['shadow', 'gshadow']) {
    const rel = `/etc/${name}`;
    if (await access(path.join(upper, rel)).then(() => true, () => false)) continue;
    const text = await readFile(rel, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const locked = text.split('\n').map((line) => line.replace(/^([^:]*):([^:!*][^:]*)/, '$1:*'));
    const st = await stat(rel);
    await writeUpper(upper, rel, locked.join('\n'), { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
  }
  if (!(await access(path.join(upper, 'home')).then(() => true, () => false))) {
    await ensureUpperDir(upper, '/home');
    await run('/usr/bin/python3', ['-c', "import os,sys; os.setxattr(sys.argv[1], 'trusted.overlay.opaque', b'y')", path.join(upper, 'home')]);
  }
}

/** Boot-script lines that give the host (mounted at `m`, quoted) its own /proc, /sys and /dev. */
export function kernelMounts(m: string): string[] {
  const nodes = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
  return [
    `mount -t proc -o nosuid,nodev,noexec proc ${m}/proc`,
    '# the machine\'s kernel settings: read-only (net.* too: the network namespace is shared)',
    `mount --bind ${m}/proc/sys ${m}/proc/sys`,
    `mount -o remount,bind,ro ${m}/proc/sys`,
    // (a kernel without magic SysRq has no such file)
    `if [ -e ${m}/proc/sysrq-trigger ]; then mount --bind ${m}/proc/sysrq-trigger ${m}/proc/sysrq-trigger && mount -o remount,bind,ro ${m}/proc/sysrq-trigger; fi`,
    `mount -t sysfs -o ro,nosuid,nodev,noexec sysfs ${m}/sys`,
    '# a small /dev: no disks, no memory, no other consoles',
    `mount -t tmpfs -o mode=755,nosuid,noexec,size=64k tsplay-dev ${m}/dev`,
    ...nodes.map((n) => `touch ${m}/dev/${n} && mount --bind /dev/${n} ${m}/dev/${n}`),
    `mkdir -m 755 ${m}/dev/pts && mkdir -m 1777 ${m}/dev/shm`,
    `mount -t devpts -o newinstance,ptmxmode=0666,mode=620,nosuid,noexec devpts ${m}/dev/pts`,
    `mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs ${m}/dev/shm`,
    `ln -s pts/ptmx ${m}/dev/ptmx`,
    `ln -s /proc/self/fd ${m}/dev/fd`,
    ...['stdin', 'stdout', 'stderr'].map((s, i) => `ln -s /proc/self/fd/${i} ${m}/dev/${s}`),
  ];
}

/** Boot-script lines that make the overlay (quoted `m`) the root and detach the machine's. */
export function pivotInto(m: string): string[] {
  return [`cd ${m}`, '# the old root lands on top of the new one; detaching it leaves only the host', 'pivot_root . .', 'umount -l .', 'cd /'];
}

/** The command prefix that starts sshd without the dropped capabilities. */
export function dropCapabilities(): string[] {
  const list = DROPPED_CAPABILITIES.map((c) => `-${c}`).join(',');
  return ['/usr/bin/setpriv', '--bounding-set', list, '--inh-caps', '-all', '--ambient-caps', '-all', '--'];
}

export const quoteAll = (argv: string[]): string => argv.map(shq).join(' ');
