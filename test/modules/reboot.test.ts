import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { labConnectionVars, labStatus, labUp, type LabState } from '../../lib/lab/index.js';
import { reboot, type RebootArgs } from '../../lib/modules/reboot.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { runModule, testContext } from '../helpers/sandbox.js';

// reboot on a real lab host over real SSH. A lab host cannot restart its kernel: its "reboot" is
// the host's PID 1 ending (sshd and every process go, the connection drops) and the lab starting
// it again on the same disk (what `tsplay lab up` does after a crash), done here by a watcher
// that plays the power button. The kernel's boot_id does not change in a lab, so these tests give
// boot_time_command the start time of the host's PID 1 (changes at every lab boot). The shutdown
// the module finds in search_paths is a script that records its arguments and ends PID 1.
// This file uses labSubnet(90).

const HOSTS = [{ name: 'rb1', address: `${labSubnet(90)}.1` }];
const BOOT_ID = "cut -d' ' -f22 /proc/1/stat";
const FAKE_SHUTDOWN = '#!/bin/sh\nprintf "%s\\n" "$@" > /root/shutdown-args\n# end the host a moment later, as shutdown does after answering\n(sleep 0.3; kill -TERM 1) >/dev/null 2>&1 &\n';

describe('reboot module (real lab host, real SSH)', function () {
  this.timeout(180_000);
  const lab = useLab('reboot', HOSTS);
  let conn: SshConnection | undefined;
  after(async () => conn?.close());

  const connect = (): SshConnection => {
    const h = lab().hosts[0];
    conn ??= new SshConnection({ ...sshOptionsFromVars('rb1', { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ansible_ssh_timeout: 2, ...labConnectionVars(lab()) }, {}), agentSocket: undefined });
    return conn;
  };
  const run = (args: RebootArgs, check = false) => runModule(reboot, args, testContext(connect(), { check }));
  const bootId = async (state: LabState): Promise<string> => (await labSsh(state, 'rb1', BOOT_ID)).stdout.trim();

  /** The power button: once the host is down, start it again; resolves with the time it was down. */
  const powerCycle = async (): Promise<{ downAt: number; upAt: number }> => {
    const stateDir = lab().stateDir;
    const deadline = Date.now() + 30_000;
    while ((await labStatus(stateDir)).some((s) => s.running)) {
      if (Date.now() > deadline) throw new Error('the host never went down');
      await new Promise((r) => setTimeout(r, 100));
    }
    const downAt = Date.now();
    // stay down a little, as a machine does, so the module sees the host unreachable
    await new Promise((r) => setTimeout(r, 1500));
    await labUp(HOSTS, { stateDir });
    return { downAt, upAt: Date.now() };
  };

  before(async () => {
    const r = await labSsh(lab(), 'rb1', `mkdir -p /opt/rbfake && cat > /opt/rbfake/shutdown && chmod 755 /opt/rbfake/shutdown`, { input: FAKE_SHUTDOWN });
    expect(r.rc, r.stderr).to.equal(0);
  });

  it('--check changes nothing and says it would reboot, as Ansible does', async () => {
    const before = await bootId(lab());
    const r = await run({ search_paths: ['/opt/rbfake'], boot_time_command: BOOT_ID }, true);
    expect(r).to.deep.equal({ changed: true, elapsed: 0, rebooted: true });
    expect(await bootId(lab())).to.equal(before);
    expect((await labSsh(lab(), 'rb1', 'test -e /root/shutdown-args; echo $?')).stdout).to.equal('1\n');
  });

  it('runs shutdown -r <minutes> "<msg>" found in search_paths, waits for the new boot and the test command', async () => {
    const before = await bootId(lab());
    const cycle = powerCycle();
    const started = Date.now();
    const r = await run({ search_paths: ['/nonexistent', '/opt/rbfake'], boot_time_command: BOOT_ID, pre_reboot_delay: 130, msg: 'kernel upgrade', connect_timeout: 3, reboot_timeout: 120 });
    const { downAt, upAt } = await cycle;
    expect(r.failed, r.msg).to.equal(undefined);
    expect(r).to.deep.include({ changed: true, rebooted: true });
    // it returned only after the host came back, and elapsed counts the wait
    expect(Date.now()).to.be.at.least(upAt);
    expect(r.elapsed).to.be.within(Math.floor((upAt - downAt) / 1000), Math.ceil((Date.now() - started) / 1000));
    const state = lab();
    expect(await bootId(state)).to.not.equal(before);
    // Ansible's Linux arguments: pre_reboot_delay in whole minutes (130 s -> 2), the message quoted
    expect((await labSsh(state, 'rb1', 'cat /root/shutdown-args')).stdout).to.equal('-r\n2\nkernel upgrade\n');
  });

  it('reboot_command runs as given (its first word looked up), and a failing test_command is retried until the host passes it', async () => {
    const before = await bootId(lab());
    // the test command passes only once a marker exists: written 3 s after the host is back
    await labSsh(lab(), 'rb1', 'rm -f /root/ready /root/shutdown-args');
    const cycle = powerCycle().then(async (t) => {
      await new Promise((r) => setTimeout(r, 3000));
      await labSsh(lab(), 'rb1', 'touch /root/ready');
      return t;
    });
    const r = await run({ reboot_command: 'shutdown now please', search_paths: '/opt/rbfake', boot_time_command: BOOT_ID, test_command: 'test -e /root/ready', connect_timeout: 3, reboot_timeout: 120 });
    await cycle;
    expect(r.failed, r.msg).to.equal(undefined);
    expect(r).to.deep.include({ changed: true, rebooted: true });
    expect(await bootId(lab())).to.not.equal(before);
    expect((await labSsh(lab(), 'rb1', 'cat /root/shutdown-args; test -e /root/ready && echo ready')).stdout).to.equal('now\nplease\nready\n');
  });

  it('a reboot command that fails: Ansible\'s message, rebooted false, nothing waited for', async () => {
    const r = await run({ reboot_command: '/bin/sh -c "echo out; echo err >&2; exit 3"', boot_time_command: BOOT_ID });
    expect(r).to.deep.include({ failed: true, changed: false, rebooted: false, msg: "Reboot command failed. Error was: 'out, err'" });
  });

  it('a host that never reboots times out with Ansible\'s message', async () => {
    const started = Date.now();
    const r = await run({ reboot_command: '/bin/true', boot_time_command: BOOT_ID, reboot_timeout: 3 });
    expect(r).to.deep.include({ failed: true, rebooted: true, msg: 'Timed out waiting for last boot time check (timeout=3)' });
    expect(Date.now() - started).to.be.within(3000, 20_000);
  });

  it('a shutdown command missing from search_paths is named with the paths, as Ansible does', async () => {
    const r = await run({ search_paths: ['/nonexistent', '/opt/none'], boot_time_command: BOOT_ID });
    expect(r).to.deep.include({ failed: true, msg: `Unable to find command "shutdown" in search paths: ['/nonexistent', '/opt/none']` });
  });

  it('a boot_time_command that fails stops before any reboot, with the rc and output', async () => {
    await labSsh(lab(), 'rb1', 'rm -f /root/shutdown-args');
    const r = await run({ search_paths: ['/opt/rbfake'], boot_time_command: 'echo nope; exit 7' });
    expect(r).to.deep.include({ failed: true, msg: 'reboot: failed to get host boot time info, rc: 7, stdout: nope\n, stderr: ' });
    expect((await labSsh(lab(), 'rb1', 'test -e /root/shutdown-args; echo $?')).stdout).to.equal('1\n');
  });

  it('refuses to reboot the controller over a local connection (Ansible\'s message)', async () => {
    const ctx = testContext(new LocalConnection('localhost'), { vars: { ansible_connection: 'local' } });
    const r = await runModule(reboot, {}, ctx);
    expect(r).to.deep.include({ failed: true, rebooted: false, msg: 'Running reboot with local connection would reboot the control node.' });
  });

  it('Ansible reports the same failure messages (its pty aside) for the same arguments (side by side)', async () => {
    const theirs = await ansibleReboot(lab(), 'reboot_command="/bin/sh -c \'echo out; echo err >&2; exit 3\'"');
    // Ansible runs it on a pty (stderr joins stdout, ssh adds its own line); tsplay keeps them apart
    expect(theirs).to.deep.include({ changed: false, rebooted: false });
    expect(theirs.msg).to.match(/^Reboot command failed\. Error was: 'out\r\nerr, Shared connection to .* closed\.'$/);
    const missing = await ansibleReboot(lab(), 'search_paths=/nonexistent,/opt/none');
    expect(missing.msg).to.equal(`Unable to find command "shutdown" in search paths: ['/nonexistent', '/opt/none']`);
  });
});

/** `ansible rb1 -m reboot -a ARGS` against the lab host: the JSON it printed (a failure too). */
async function ansibleReboot(state: LabState, args: string): Promise<Record<string, unknown>> {
  const h = state.hosts[0];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-ansible-reboot-'));
  const conn = labConnectionVars(state);
  const inv = path.join(dir, 'hosts.ini');
  await writeFile(inv, `rb1 ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_python_interpreter=/usr/bin/python3 ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)} ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'\n`);
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: path.join(dir, 'none.cfg'), ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp') };
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('ansible', ['-i', inv, 'rb1', '-m', 'reboot', '-a', args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    p.stdout.on('data', (d: Buffer) => (o += d.toString()));
    p.stderr.on('data', (d: Buffer) => (o += d.toString()));
    p.on('error', reject);
    p.on('close', () => resolve(o));
  });
  return JSON.parse(out.slice(out.indexOf('{'))) as Record<string, unknown>;
}
