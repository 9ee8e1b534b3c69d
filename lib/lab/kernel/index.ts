// Per-host kernel state (issue 12). Lab hosts share the machine's kernel, yet the node preparation
// of kubespray and of the install guides changes kernel state: sysctls, loaded modules, swap. Each
// host therefore boots with its own copies, mounted over the real paths inside its private mount
// namespace, so the REAL `sysctl -w`, `sysctl -p FILE`, `sysctl --system` and `cat /proc/swaps`
// act on that host only, and the machine's /proc/sys is never written:
// - /proc/sys: a tmpfs holding a snapshot of the machine's /proc/sys taken at `lab up`, with the
//   values of a fresh Debian node for the keys node preparation sets (ip_forward 0, no
//   net.bridge.* until br_netfilter is loaded, ...). A tmpfs, not a bind of a disk directory:
//   procps' `sysctl -a` walks ".." on ext4, whose readdir does not list it first.
//   kernel/random/uuid stays the live kernel file (read-only); boot_id is the host's own.
// - /sys/module: a tmpfs with the machine's module directories, minus the modules a Debian node
//   has as loadable ones (doubles.ts LAB_MODULES): kmod (and tsplay's modprobe module) read
//   /sys/module/NAME/initstate to tell whether a module is loaded.
// - /proc/swaps (and /proc/modules where the kernel has one; a kernel without module support has
//   none and no file can be added to procfs): a bind of a per-host file in the lab's state dir.
// The modprobe/swapon/swapoff doubles (doubles.ts) change these copies. Every mount lives in the
// host's mount namespace and vanishes with it at `lab down`. At each boot the host starts from the
// snapshot again and, as systemd would, loads its /etc/modules-load.d modules, applies its sysctl
// files and turns on the swap areas of its /etc/fstab.
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { shq } from '../../util/shell.js';
import { labPaths } from '../state.js';
import { writeUpper } from '../upper.js';
import { LAB_MODULES, modprobeDouble, SWAPS_HEADER, swaponDouble, swapoffDouble } from './doubles.js';

/** Keys whose machine value is replaced by a fresh Debian node's (kernel defaults). */
export const FRESH_NODE_SYSCTLS: Record<string, string> = {
  'net/ipv4/ip_forward': '0',
  'net/ipv4/conf/all/forwarding': '0',
  'net/ipv4/conf/default/forwarding': '0',
  'net/ipv6/conf/all/forwarding': '0',
  'net/ipv6/conf/default/forwarding': '0',
  'net/ipv4/ip_local_reserved_ports': '',
  'vm/swappiness': '60',
  'vm/overcommit_memory': '0',
  'vm/panic_on_oom': '0',
  'kernel/panic': '0',
  'kernel/panic_on_oops': '0',
  'kernel/keys/root_maxbytes': '25000000',
  'kernel/keys/root_maxkeys': '1000000',
  'fs/inotify/max_user_instances': '128',
  'fs/inotify/max_user_watches': '8192',
};

/** Subtrees of /proc/sys that a fresh node does not have (they come with a module). */
const ABSENT_SUBTREES = ['net/bridge'];

export interface KernelPaths {
  /** the lab's snapshot: sys/ (of /proc/sys), module/ (of /sys/module) */
  template: string;
  /** this host's files: swaps, modules, boot_id */
  host: string;
}

export function kernelPaths(stateDir: string, hostDir: string): KernelPaths {
  // under hosts/ so that `lab down` removes it with the hosts (no host name starts with '.')
  return { template: path.join(labPaths(stateDir).hostsDir, '.kernel'), host: path.join(hostDir, 'kernel') };
}

const snapshots = new Map<string, Promise<void>>();

/**
 * The snapshot, taken once per `lab up` process and state dir (every host shares it), and again
 * when `lab down` removed it since (a test may bring the same state dir up twice).
 */
async function snapshot(template: string): Promise<void> {
  const p = snapshots.get(template);
  if (p) {
    await p.catch(() => undefined);
    const there = await exists(path.join(template, 'module'));
    // another caller replaced it meanwhile: wait for that one (no await between this and set)
    if (snapshots.get(template) !== p) return snapshot(template);
    if (there) return;
  }
  const next = takeSnapshot(template);
  snapshots.set(template, next);
  next.catch(() => snapshots.delete(template));
  return next;
}

async function takeSnapshot(template: string): Promise<void> {
  await rm(template, { recursive: true, force: true });
  await mkdir(template, { recursive: true, mode: 0o700 });
  await copyTree('/proc/sys', path.join(template, 'sys'), '');
  for (const [key, value] of Object.entries(FRESH_NODE_SYSCTLS)) {
    const f = path.join(template, 'sys', key);
    if (await exists(f)) await writeFile(f, value + '\n');
  }
  const mods = path.join(template, 'module');
  await mkdir(mods, { mode: 0o755 });
  for (const name of await readdir('/sys/module').catch(() => [] as string[])) {
    if (name in LAB_MODULES) continue;
    await mkdir(path.join(mods, name), { mode: 0o755 });
    for (const f of ['initstate', 'refcnt', 'version']) {
      const text = await readFile(path.join('/sys/module', name, f), 'utf8').catch(() => undefined);
      if (text !== undefined) await writeFile(path.join(mods, name, f), text, { mode: 0o444 });
    }
  }
}

const exists = (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

/** Copies a /proc/sys tree: readable files with their value, write-only ones empty; modes kept. */
async function copyTree(from: string, to: string, rel: string): Promise<void> {
  if (ABSENT_SUBTREES.includes(rel)) return;
  const st = await lstat(from);
  await mkdir(to, { mode: st.mode & 0o777 });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      await copyTree(src, dst, r);
    } else if (e.isFile()) {
      const mode = (await lstat(src)).mode & 0o777;
      const text = await readFile(src).catch(() => Buffer.alloc(0));
      await writeFile(dst, text, { mode });
    }
  }
}

/** Writes the host's kernel files and its doubles (before its overlay is mounted). */
export async function prepareKernel(stateDir: string, hostDir: string, upper: string): Promise<void> {
  const k = kernelPaths(stateDir, hostDir);
  await snapshot(k.template);
  await mkdir(k.host, { recursive: true, mode: 0o700 });
  // a fresh boot: no swap area on, no module loaded yet (boot lines below turn on what is configured)
  await writeFile(path.join(k.host, 'swaps'), SWAPS_HEADER, { mode: 0o644 });
  await writeFile(path.join(k.host, 'modules'), '', { mode: 0o644 });
  await writeFile(path.join(k.host, 'boot_id'), randomUUID() + '\n', { mode: 0o444 });
  await Promise.all([
    writeUpper(upper, '/usr/sbin/modprobe', modprobeDouble(), { mode: 0o755 }),
    writeUpper(upper, '/usr/sbin/swapon', swaponDouble(), { mode: 0o755 }),
    writeUpper(upper, '/usr/sbin/swapoff', swapoffDouble(), { mode: 0o755 }),
  ]);
}

/** Boot-script lines (after the host's /proc and /sys are mounted at `m`, quoted) for its kernel copies. */
export function kernelBootLines(m: string, stateDir: string, hostDir: string): string[] {
  const k = kernelPaths(stateDir, hostDir);
  const T = shq(k.template);
  const H = shq(k.host);
  return [
    "# this host's own kernel state (lib/lab/kernel): copies over the machine's, in this namespace only",
    `mount -t tmpfs -o mode=555,nosuid,nodev,noexec,size=16m tsplay-sysctl ${m}/proc/sys`,
    `cp -a ${T}/sys/. ${m}/proc/sys/`,
    `cat ${H}/boot_id > ${m}/proc/sys/kernel/random/boot_id`,
    `if [ -e /proc/sys/kernel/random/uuid ]; then mount --bind /proc/sys/kernel/random/uuid ${m}/proc/sys/kernel/random/uuid && mount -o remount,bind,ro ${m}/proc/sys/kernel/random/uuid; fi`,
    `mount --bind ${H}/swaps ${m}/proc/swaps`,
    `if [ -e ${m}/proc/modules ]; then mount --bind ${H}/modules ${m}/proc/modules; fi`,
    `mount -t tmpfs -o mode=755,nosuid,nodev,noexec,size=1m tsplay-modules ${m}/sys/module`,
    `cp -a ${T}/module/. ${m}/sys/module/`,
  ];
}

/**
 * Boot-script lines run in the host's root (`m`, quoted) before sshd: what systemd does at boot
 * with the host's configuration (systemd-modules-load, systemd-sysctl, swap units). Failures are
 * logged to the boot log, as a real boot goes on.
 */
export function kernelBootConfig(m: string): string[] {
  return [
    `chroot ${m} /bin/sh -c 'cat /etc/modules-load.d/*.conf /etc/modules 2>/dev/null | sed -e "s/[#;].*//" | xargs -r -n 1 /usr/sbin/modprobe' || true`,
    `chroot ${m} /usr/sbin/sysctl -q --system >/dev/null 2>&1 || true`,
    `chroot ${m} /usr/sbin/swapon -a || true`,
  ];
}
