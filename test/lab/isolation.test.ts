// Issue 18: root inside a lab host must not reach the machine running the lab. Each test is an
// attack run as root over SSH inside a host; each must fail. This file uses labSubnet(48).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabHostSpec, LabState } from '../../lib/lab/index.js';
import { labPaths } from '../../lib/lab/state.js';
import { labSshArgs } from '../../lib/lab/ssh.js';
import { collectOutput } from '../../lib/util/spawn.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';

const NET = labSubnet(48);
const HOSTS: LabHostSpec[] = [
  { name: 'lt48-a', address: `${NET}.1` },
  { name: 'lt48-b', address: `${NET}.2` },
];
const PROJECT = path.resolve(new URL('../..', import.meta.url).pathname);

/** Runs `script` as root on lt48-a; returns stdout+stderr and the exit code. */
async function asRoot(state: LabState, script: string): Promise<{ out: string; rc: number }> {
  const r = await labSsh(state, 'lt48-a', script);
  return { out: r.stdout + r.stderr, rc: r.rc };
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('tsplay lab: a host\'s root cannot reach the machine', function () {
  this.timeout(60000);
  // a user of this machine with a password, so there is a hash to look for (before the lab's before())
  const PROBE_USER = 'tsplay-iso48';
  before(() => {
    spawnSync('userdel', ['-r', '-f', PROBE_USER], { stdio: 'ignore' });
    spawnSync('useradd', ['-m', PROBE_USER], { stdio: 'ignore' });
    spawnSync('chpasswd', { input: `${PROBE_USER}:probe-${Date.now()}\n` });
  });
  after(() => void spawnSync('userdel', ['-r', '-f', PROBE_USER], { stdio: 'ignore' }));
  const lab = useLab('lt48', HOSTS, { users: [{ name: 'ops', password: 'lab-secret', sudo: 'password' }] });

  // /dev and /sys are left mounted here: unmounting them on the old lab broke sshd for every later test
  it('cannot unmount anything (the hiding, /proc/sys, /tmp), then read the lab\'s root key', async () => {
    const state = lab();
    const key = labPaths(state.stateDir).keyFile;
    const r = await asRoot(state, `for m in ${state.stateDir} /proc/sys /tmp /run; do umount -l "$m" && echo "UNMOUNTED $m"; done; cat ${key}; ls -A ${state.stateDir}`);
    expect(r.out).to.not.match(/UNMOUNTED/);
    expect(r.out).to.not.include('PRIVATE KEY');
    expect(r.out).to.match(/No such file or directory/);
    expect(sha256(await readFile(key))).to.not.equal(''); // the key exists on this machine
  });

  it('cannot read another host\'s host key, nor reach it by leaving a chroot', async () => {
    const state = lab();
    const other = path.join(state.stateDir, 'hosts', 'lt48-b', 'upper', 'etc', 'ssh', 'ssh_host_ed25519_key');
    const direct = await asRoot(state, `cat ${other}`);
    // the classic escape: chroot into a subdirectory, climb out with .., chroot to what is there
    const escape = [
      'import os',
      "os.makedirs('/tmp/jail', exist_ok=True)",
      "fd = os.open('/', os.O_RDONLY)",
      "os.chroot('/tmp/jail')",
      'os.fchdir(fd)',
      "for _ in range(64): os.chdir('..')",
      "os.chroot('.')",
      `print(open(${JSON.stringify(other)}).read())`,
      '',
    ].join('\n');
    const escaped = await labSsh(state, 'lt48-a', 'python3 -', { input: escape });
    for (const r of [direct.out, escaped.stdout + escaped.stderr]) {
      expect(r).to.not.include('PRIVATE KEY');
      expect(r).to.match(/No such file or directory/);
    }
  });

  it('sees none of this machine\'s SSH host keys or sshd config, only its own', async () => {
    const state = lab();
    const ls = await asRoot(state, 'ls -A /etc/ssh');
    const expected = ['ssh_config.d', 'ssh_host_ecdsa_key', 'ssh_host_ecdsa_key.pub', 'ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub', 'sshd_config'];
    for (const f of ['moduli', 'ssh_config']) if ((await readFile(`/etc/ssh/${f}`).catch(() => undefined)) !== undefined) expected.push(f);
    expect(ls.out.trim().split('\n').sort()).to.deep.equal(expected.sort());
    const key = await asRoot(state, 'cat /etc/ssh/ssh_host_ed25519_key /etc/ssh/sshd_config');
    expect(key.out).to.include('PRIVATE KEY'); // its own key
    expect(key.out).to.include('# tsplay lab host'); // its own config
    const machines = await readFile('/etc/ssh/ssh_host_ed25519_key', 'utf8').catch(() => '');
    if (machines) expect(key.out).to.not.include(machines.trim());
  });

  it('sees none of this machine\'s password hashes or home directories', async () => {
    const state = lab();
    const mine = (await readFile('/etc/shadow', 'utf8')).split('\n').map((l) => l.split(':')[1]).filter((h) => h && !/^[!*]/.test(h));
    expect(mine.length).to.be.greaterThan(0);
    const theirs = (await asRoot(state, 'cat /etc/shadow /etc/gshadow')).out;
    for (const hash of mine) expect(theirs).to.not.include(hash);
    // the lab's own user still has its password (sudo asks for it)
    expect(theirs).to.match(/^ops:\$6\$/m);
    expect((await asRoot(state, 'ls -A /home')).out.trim()).to.equal('ops');
  });

  it('cannot see the tsplay checkout', async () => {
    const state = lab();
    const r = await asRoot(state, `ls -A ${PROJECT}; cat ${PROJECT}/package.json`);
    expect(r.out).to.not.include('"name"');
    expect(r.out).to.match(/ls: cannot access .*: No such file or directory/);
  });

  it('cannot remount /sys or /proc/sys read-write; a kernel setting it writes is its own copy (lib/lab/kernel)', async () => {
    const state = lab();
    const fwd = (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim();
    const other = fwd === '1' ? '0' : '1';
    const r = await asRoot(state, `mount -o remount,rw /sys && echo SYS-RW; mount -o remount,rw /proc/sys && echo PROC-RW; echo ${other} > /proc/sys/net/ipv4/ip_forward && echo WROTE; cat /proc/sys/net/ipv4/ip_forward; grep -E ' /sys | /proc/sys ' /proc/mounts`);
    expect(r.out).to.not.match(/SYS-RW|PROC-RW/);
    expect(r.out).to.match(new RegExp(`WROTE\n${other}\n`));
    expect((await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim(), "the machine's value").to.equal(fwd);
    expect(r.out).to.match(/ \/sys sysfs ro,/);
    expect(r.out).to.match(/ \/proc\/sys proc ro,/);
    expect(r.out).to.match(/ \/proc\/sys tmpfs rw,/);
  });

  it('has no disk or memory device and cannot make one', async () => {
    const state = lab();
    const ls = await asRoot(state, 'ls -A /dev');
    expect(ls.out.trim().split('\n')).to.deep.equal(['fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']);
    const r = await asRoot(state, 'mknod /tmp/vda b 253 0 && echo MADE; mknod /tmp/mem c 1 1 && echo MADE');
    expect(r.out).to.not.include('MADE');
    expect(r.out).to.match(/Operation not permitted/);
  });

  it('cannot change the machine\'s network (no CAP_NET_ADMIN) or sniff it (no CAP_NET_RAW)', async () => {
    const state = lab();
    const mtu = (await readFile('/sys/class/net/lo/mtu', 'utf8')).trim(); // the same MTU: no change even if it worked
    const r = await asRoot(state, `ip link set lo mtu ${mtu} && echo CHANGED; python3 -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)" && echo RAW; grep CapBnd /proc/self/status`);
    expect(r.out).to.not.match(/CHANGED|RAW\n/);
    const bnd = BigInt(`0x${/CapBnd:\s*([0-9a-f]+)/.exec(r.out)![1]}`);
    for (const [name, bit] of [['CAP_SYS_ADMIN', 21n], ['CAP_NET_ADMIN', 12n], ['CAP_NET_RAW', 13n], ['CAP_MKNOD', 27n], ['CAP_SYS_MODULE', 16n], ['CAP_SYS_RAWIO', 17n], ['CAP_SYS_TIME', 25n], ['CAP_SYS_BOOT', 22n]] as const) {
      expect((bnd >> bit) & 1n, `${name} in the bounding set`).to.equal(0n);
    }
  });

  it('still has what the lab\'s features need: sudo with a password, apt and dpkg, systemctl, useradd', async () => {
    const state = lab();
    const sudo = await labSsh(state, 'lt48-a', 'sudo -S -p "" id -u', { user: 'ops', input: 'lab-secret\n' });
    expect(sudo.stdout).to.equal('0\n');
    const r = await asRoot(state, "dpkg-query -W -f='${Status}' dpkg && apt-cache policy dpkg >/dev/null && systemctl list-unit-files >/dev/null && useradd -m probe48 && id -u probe48 >/dev/null && echo ALL-OK");
    expect(r.out).to.include('ALL-OK');
  });

  describe('its sshd (the lab\'s own config)', () => {
    const ssh = (state: LabState, extra: string[], command = 'true') => {
      const h = state.hosts.find((x) => x.name === 'lt48-a')!;
      return collectOutput('ssh', [...extra, ...labSshArgs(state, h), command]);
    };

    it('offers public keys only, no password', async () => {
      const r = await ssh(lab(), ['-v', '-o', 'PreferredAuthentications=password,keyboard-interactive', '-o', 'PubkeyAuthentication=no']);
      expect(r.rc).to.equal(255);
      expect(r.stderr).to.match(/Authentications that can continue: publickey\r?\n/);
    });

    it('refuses TCP forwarding', async () => {
      const r = await ssh(lab(), ['-o', 'ExitOnForwardFailure=yes', '-R', `${NET}.1:0:127.0.0.1:9`], 'sleep 1');
      expect(r.rc).to.equal(255);
      expect(r.stderr).to.match(/remote port forwarding failed/i);
    });

    it('runs with no forwarding, no hmac-sha1 and no ssh-rsa (sshd -T)', async () => {
      const r = await asRoot(lab(), 'sshd -T -f /etc/ssh/sshd_config -C user=root,host=x,addr=127.0.0.1');
      const conf = r.out.toLowerCase();
      for (const line of ['passwordauthentication no', 'kbdinteractiveauthentication no', 'allowagentforwarding no', 'allowtcpforwarding no', 'x11forwarding no', 'permittunnel no']) {
        expect(conf).to.match(new RegExp(`^${line}$`, 'm'));
      }
      expect(/^macs (.*)$/m.exec(conf)?.[1]).to.not.match(/hmac-sha1|md5/);
      expect(/^hostkeyalgorithms (.*)$/m.exec(conf)?.[1]).to.not.match(/(^|,)ssh-rsa(,|$)/);
      expect(/^kexalgorithms (.*)$/m.exec(conf)?.[1]).to.not.match(/sha1/);
    });
  });
});
