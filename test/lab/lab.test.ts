// The lab brings up real hosts: real sshd, own filesystem, hostname and process table per host.
// This file uses labSubnet(21) = 127.P.21.x (each test file that starts a lab has its own /24).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  LabError,
  labConnectionVars,
  labDown,
  labHostsFromInventory,
  labStatus,
  labUp,
  mountsUnder,
  readState,
  type LabHostSpec,
} from '../../lib/lab/index.js';
import { labSsh, labSubnet, pidsOfHost, tempStateDir, useLab } from '../helpers/lab.js';

const NET = labSubnet(21);
const HOSTS: LabHostSpec[] = [
  { name: 'lt21-a', address: `${NET}.1` },
  { name: 'lt21-b', address: `${NET}.2` },
  { name: 'lt21-c', address: `${NET}.3`, port: 2222 },
];
const re = (s: string): string => s.replace(/\./g, '\\.');
const NAMES = HOSTS.map((h) => h.name);

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

describe('tsplay lab: hosts on one machine', function () {
  this.timeout(60000);
  const lab = useLab('lt21', HOSTS, {
    users: [
      { name: 'ops', password: 'lab-secret', sudo: 'password' },
      { name: 'deploy', sudo: 'nopasswd' },
    ],
  });

  for (const name of NAMES) {
    it(`${name} answers over OpenSSH with strict host-key checking and has its own hostname`, async () => {
      const r = await labSsh(lab(), name, 'hostname; cat /etc/hostname');
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.equal(`${name}\n${name}\n`);
    });
  }

  it('resolves every lab host by name from inside a host', async () => {
    const r = await labSsh(lab(), 'lt21-a', 'getent hosts lt21-b lt21-c');
    expect(r.stdout).to.match(new RegExp(`^${re(NET)}\\.2\\s+lt21-b$`, 'm'));
    expect(r.stdout).to.match(new RegExp(`^${re(NET)}\\.3\\s+lt21-c$`, 'm'));
  });

  it('gives each host its own host keys, and ssh refuses a host presenting another host\'s key', async () => {
    const state = lab();
    const known = (await readFile(state.knownHosts, 'utf8')).trim().split('\n');
    const keyOf = (name: string): string[] =>
      known.filter((l) => l.split(' ')[0]!.split(',')[0]!.replace(/^\[([^\]]+)\].*$/, '$1') === name).map((l) => l.split(' ').slice(1).join(' '));
    const keys = NAMES.map(keyOf);
    for (const k of keys) expect(k).to.have.length(2);
    expect(new Set(keys.flat()).size).to.equal(6);
    // a known_hosts that claims lt21-b has lt21-a's keys: verification must fail
    const dir = await tempStateDir('lt21-forged');
    const forged = path.join(dir, 'known_hosts');
    await writeFile(forged, keys[0]!.map((k) => `lt21-b,${NET}.2 ${k}`).join('\n') + '\n');
    const r = await labSsh(state, 'lt21-b', 'true', { knownHosts: forged });
    await rm(dir, { recursive: true, force: true });
    expect(r.rc).to.equal(255);
    expect(r.stderr).to.match(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('keeps a file written on one host away from the other hosts and from this machine', async () => {
    const file = `/root/lab-marker-${process.pid}-${Date.now()}`;
    const w = await labSsh(lab(), 'lt21-a', `echo written-on-a > ${file} && cat ${file}`);
    expect(w.stdout).to.equal('written-on-a\n');
    for (const other of ['lt21-b', 'lt21-c']) {
      const r = await labSsh(lab(), other, `test -e ${file}; echo $?`);
      expect(r.stdout, other).to.equal('1\n');
    }
    expect(await exists(file)).to.equal(false);
  });

  it('hides the lab state dir (other hosts\' disks, the lab key) from inside a host', async () => {
    const state = lab();
    const r = await labSsh(state, 'lt21-a', `ls -A ${state.stateDir} 2>/dev/null | wc -l`);
    expect(r.stdout.trim()).to.equal('0');
  });

  it('starts a unit with systemctl inside a host (daemonless), visible only on that host', async () => {
    const unit = '[Unit]\nDescription=lab probe\n[Service]\nType=simple\nExecStart=/bin/sleep 7777\n[Install]\nWantedBy=multi-user.target\n';
    const r = await labSsh(
      lab(),
      'lt21-b',
      'cat > /etc/systemd/system/labprobe.service && systemctl start labprobe.service && systemctl status labprobe.service; pgrep -x sleep -a',
      { input: unit },
    );
    expect(r.rc, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Active: active \(running\)/);
    expect(r.stdout).to.match(/sleep 7777/);
    const other = await labSsh(lab(), 'lt21-a', 'pgrep -x sleep -a; echo rc=$?');
    expect(other.stdout).to.equal('rc=1\n');
  });

  it('creates extra users: sudo with a password, and sudo without one', async () => {
    const state = lab();
    const noPw = await labSsh(state, 'lt21-a', 'id -un; sudo -n true', { user: 'ops' });
    expect(noPw.stdout).to.equal('ops\n');
    expect(noPw.rc).to.not.equal(0);
    const withPw = await labSsh(state, 'lt21-a', 'sudo -S -p "" id -u', { user: 'ops', input: 'lab-secret\n' });
    expect(withPw.stdout).to.equal('0\n');
    const wrongPw = await labSsh(state, 'lt21-a', 'sudo -S -p "" id -u', { user: 'ops', input: 'wrong\n' });
    expect(wrongPw.rc).to.not.equal(0);
    const nopasswd = await labSsh(state, 'lt21-c', 'sudo -n id -u', { user: 'deploy' });
    expect(nopasswd.stdout).to.equal('0\n');
  });

  it('gives connection vars (key, known_hosts, strict checking) that OpenSSH accepts', async () => {
    const state = lab();
    const vars = labConnectionVars(state);
    expect(vars.ansible_ssh_private_key_file).to.equal(state.keyFile);
    const args = String(vars.ansible_ssh_common_args);
    expect(args).to.contain(`UserKnownHostsFile=${state.knownHosts}`);
    expect(args).to.contain('StrictHostKeyChecking=yes');
    const h = state.hosts.find((x) => x.name === 'lt21-c')!;
    const r = await new Promise<string>((resolve) =>
      execFile('ssh', [...args.split(' '), '-o', 'BatchMode=yes', '-i', String(vars.ansible_ssh_private_key_file), '-p', String(h.port), `root@${h.address}`, 'hostname'], (_e, out) =>
        resolve(out),
      ),
    );
    expect(r).to.equal('lt21-c\n');
  });

  it('up is idempotent: running hosts are left alone', async () => {
    const state = lab();
    const knownBefore = await readFile(state.knownHosts, 'utf8');
    const again = await labUp(HOSTS, { stateDir: state.stateDir });
    expect(again.hosts.map((h) => [h.name, h.pid, h.startTime])).to.deep.equal(state.hosts.map((h) => [h.name, h.pid, h.startTime]));
    expect(await readFile(state.knownHosts, 'utf8')).to.equal(knownBefore);
    expect((await labSsh(again, 'lt21-a', 'hostname')).stdout).to.equal('lt21-a\n');
  });

  it('status reports every host running and answering', async () => {
    const st = await labStatus(lab().stateDir);
    expect(st.map((s) => [s.name, s.running, s.answers])).to.deep.equal(NAMES.map((n) => [n, true, true]));
  });

  it('a host whose PID 1 died comes back on `up` with its disk and its host keys', async () => {
    const stateDir = lab().stateDir;
    const before = (await readState(stateDir))!;
    const c = before.hosts.find((h) => h.name === 'lt21-c')!;
    const file = `/root/kept-${process.pid}`;
    expect((await labSsh(before, 'lt21-c', `echo kept > ${file}`)).rc).to.equal(0);
    // the keys as the host served them before the crash, and a copy of the known_hosts that
    // trusts them: `up` rewrites known_hosts, so only the old copy can tell new keys from kept ones
    const keysCmd = 'cat /etc/ssh/ssh_host_*_key.pub | cut -d" " -f1,2';
    const keysBefore = (await labSsh(before, 'lt21-c', keysCmd)).stdout;
    expect(keysBefore.trim().split('\n').length).to.be.at.least(1);
    const oldKnown = path.join(stateDir, `known_hosts.before-${process.pid}`);
    const knownBefore = await readFile(before.knownHosts, 'utf8');
    await writeFile(oldKnown, knownBefore);
    process.kill(c.pid, 'SIGKILL'); // a crash, by pid
    let st = await labStatus(stateDir);
    // the kernel first ends every process of the host, then its PID 1: wait for both
    const downYet = (): boolean => st.some((s) => s.name === 'lt21-c' && !s.running && !s.answers);
    for (let i = 0; i < 250 && !downYet(); i++) {
      await new Promise((r) => setTimeout(r, 20));
      st = await labStatus(stateDir);
    }
    expect(st.map((s) => [s.name, s.running, s.answers])).to.deep.equal([
      ['lt21-a', true, true],
      ['lt21-b', true, true],
      ['lt21-c', false, false],
    ]);
    const after = await labUp(HOSTS, { stateDir });
    expect(after.hosts.find((h) => h.name === 'lt21-c')!.pid).to.not.equal(c.pid);
    expect(after.hosts.find((h) => h.name === 'lt21-a')!.pid).to.equal(before.hosts.find((h) => h.name === 'lt21-a')!.pid);
    // verified against the known_hosts from before the crash (StrictHostKeyChecking): a host
    // that came back with new keys is refused here
    const r = await labSsh(after, 'lt21-c', `hostname; cat ${file}; ${keysCmd}`, { knownHosts: oldKnown });
    await rm(oldKnown, { force: true });
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal(`lt21-c\nkept\n${keysBefore}`);
    expect(await readFile(after.knownHosts, 'utf8'), 'known_hosts rewritten with the same keys').to.equal(knownBefore);
  });

  // last: takes the lab down
  it('down kills every process of every host (services included), and leaves no mount and no file', async () => {
    const state = (await readState(lab().stateDir))!;
    // a detached background process, so it is not a child of the ssh session
    await labSsh(state, 'lt21-a', 'setsid sleep 8888 </dev/null >/dev/null 2>&1 &');
    const pids = (await Promise.all(state.hosts.map((h) => pidsOfHost(h.pid)))).flat();
    const cmdlines = await Promise.all(pids.map((p) => readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')));
    expect(cmdlines.some((c) => c.startsWith('/bin/sleep\x007777'))).to.equal(true);
    expect(cmdlines.some((c) => c.startsWith('sleep\x008888'))).to.equal(true);
    expect(await mountsUnder(state.stateDir)).to.deep.equal([]);

    await labDown(state.stateDir);

    const alive = pids.filter((p) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).to.deep.equal([]);
    expect(await mountsUnder(state.stateDir)).to.deep.equal([]);
    expect(await exists(state.stateDir)).to.equal(false);
    const st = await labStatus(state);
    expect(st.map((s) => [s.name, s.running, s.answers])).to.deep.equal(NAMES.map((n) => [n, false, false]));
  });
});

describe('tsplay lab: refusals with clear messages', function () {
  this.timeout(30000);
  const root = () => 0;

  it('refuses to run without root', async () => {
    const stateDir = await tempStateDir('lt21-nonroot');
    const err = await labUp([HOSTS[0]!], { stateDir, getuid: () => 1000 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LabError);
    expect((err as Error).message).to.equal('tsplay lab needs root (it creates mount and PID namespaces); run it with sudo');
    const errDown = await labDown(stateDir, { getuid: () => 1000 }).catch((e: unknown) => e);
    expect((errDown as Error).message).to.equal('tsplay lab needs root (it creates mount and PID namespaces); run it with sudo');
    await rm(stateDir, { recursive: true, force: true });
  });

  const inventoryCases: { ansible_host: string; message: string }[] = [
    { ansible_host: '192.0.2.12', message: 'k1-node01: ansible_host 192.0.2.12 is outside 127.0.0.0/8; the lab only uses loopback addresses' },
    { ansible_host: '10.0.0.1', message: 'k1-node01: ansible_host 10.0.0.1 is outside 127.0.0.0/8; the lab only uses loopback addresses' },
    { ansible_host: '0.0.0.0', message: 'k1-node01: ansible_host 0.0.0.0 is outside 127.0.0.0/8; the lab only uses loopback addresses' },
    { ansible_host: '::1', message: 'k1-node01: ansible_host ::1 is outside 127.0.0.0/8; the lab only uses loopback addresses' },
    { ansible_host: 'k1-node01.example', message: 'k1-node01: ansible_host k1-node01.example is outside 127.0.0.0/8; the lab only uses loopback addresses' },
    { ansible_host: '127.0.300.1', message: 'k1-node01: ansible_host 127.0.300.1 is outside 127.0.0.0/8; the lab only uses loopback addresses' },
  ];
  for (const c of inventoryCases) {
    it(`refuses inventory host with ansible_host=${c.ansible_host}`, () => {
      const inv = { hosts: new Map([['k1-node01', { name: 'k1-node01', vars: { ansible_host: c.ansible_host } }]]) };
      expect(() => labHostsFromInventory(inv)).to.throw(LabError, c.message);
    });
  }

  it('reads lab hosts from inventory vars (ansible_host, ansible_port) and inventory/lab/lab.ini is all loopback', async () => {
    const inv = {
      hosts: new Map([
        ['m1', { name: 'm1', vars: { ansible_host: `${NET}.10` } }],
        ['m2', { name: 'm2', vars: { ansible_host: `${NET}.11`, ansible_port: '2200' } }],
      ]),
    };
    expect(labHostsFromInventory(inv)).to.deep.equal([
      { name: 'm1', address: `${NET}.10` },
      { name: 'm2', address: `${NET}.11`, port: 2200 },
    ]);
    expect(labHostsFromInventory(inv, ['m2']).map((h) => h.name)).to.deep.equal(['m2']);
    // the shipped lab inventory: eight hosts on 127.0.10.1-8
    const ini = await readFile(path.resolve('inventory/lab/lab.ini'), 'utf8');
    const lines = [...ini.matchAll(/^(k1-\S+) ansible_host=(\S+)/gm)];
    const labInv = { hosts: new Map(lines.map((m) => [m[1]!, { name: m[1]!, vars: { ansible_host: m[2]! } }])) };
    expect(labHostsFromInventory(labInv).map((h) => h.address)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `127.0.10.${n}`));
  });

  const upCases: { what: string; hosts: LabHostSpec[]; stateDir?: string; message: RegExp }[] = [
    { what: 'a non-loopback address', hosts: [{ name: 'x1', address: '192.0.2.12' }], message: /^x1: address 192\.0\.2\.12 is outside 127\.0\.0\.0\/8; the lab only uses loopback addresses$/ },
    { what: 'a host listed twice', hosts: [{ name: 'x1', address: `${NET}.20` }, { name: 'x1', address: `${NET}.21` }], message: /^x1: listed twice$/ },
    { what: 'two hosts on one address and port', hosts: [{ name: 'x1', address: `${NET}.20` }, { name: 'x2', address: `${NET}.20` }], message: new RegExp(`^x2: ${re(NET)}\\.20:22 is already used by lab host x1`) },
    { what: 'a bad port', hosts: [{ name: 'x1', address: `${NET}.20`, port: 70000 }], message: /^x1: port 70000 is not a TCP port/ },
    { what: 'a host name with a slash', hosts: [{ name: '../x', address: `${NET}.20` }], message: /^lab host '\.\.\/x': use letters, digits/ },
    { what: 'a state dir with a comma', hosts: [{ name: 'x1', address: `${NET}.20` }], stateDir: '/tmp/tsplay-lab,bad', message: /overlay mount options cannot hold ','/ },
  ];
  for (const c of upCases) {
    it(`refuses ${c.what} before touching anything`, async () => {
      const parent = await tempStateDir('lt21-refuse');
      const stateDir = c.stateDir ?? path.join(parent, 'lab');
      const err = await labUp(c.hosts, { stateDir, getuid: root }).catch((e: unknown) => e);
      await rm(parent, { recursive: true, force: true });
      expect(err).to.be.instanceOf(LabError);
      expect((err as Error).message).to.match(c.message);
      expect(await exists(stateDir)).to.equal(false);
    });
  }

  // the state dir is hidden from every host (a whiteout): a system directory would hide the hosts' own
  for (const stateDir of ['/', '/etc', '/tmp']) {
    it(`refuses the system directory ${stateDir} as a state dir`, async () => {
      const err = await labUp([{ name: 'x1', address: `${NET}.20` }], { stateDir, getuid: root }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(LabError);
      expect((err as Error).message).to.equal(`lab state dir: '${stateDir}' cannot be a state dir; use a directory of its own`);
    });
  }

  it('refuses an address whose port another program already listens on', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(2299, `${NET}.30`, r));
    try {
      const parent = await tempStateDir('lt21-busy');
      const stateDir = path.join(parent, 'lab');
      const err = await labUp([{ name: 'busy', address: `${NET}.30`, port: 2299 }], { stateDir }).catch((e: unknown) => e);
      await rm(parent, { recursive: true, force: true });
      expect((err as Error).message).to.equal(`busy: ${NET}.30:2299 is already in use by another process; stop it or pick another address`);
      expect(await exists(stateDir)).to.equal(false);
    } finally {
      server.close();
    }
  });
});
