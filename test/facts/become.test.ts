import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import { gatherFacts } from '../../lib/executor/facts.js';
import { debug, type TaskBuilder } from '../../lib/index.js';
import { labConnectionVars, type LabState } from '../../lib/lab/index.js';
import { labSubnet, useLab } from '../helpers/lab.js';
import { runPlays } from '../helpers/run.js';

// Facts gathered under become are root's view, as Ansible's (its implicit setup task runs with
// the play's become): user_id, user_uid, user_gid, user_dir, user_shell and env. Checked side by
// side with `ansible -m setup --become` for a non-root login with sudo, and through a play.
// This file uses labSubnet(91).

const USER_FACTS = ['ansible_user_id', 'ansible_user_uid', 'ansible_user_gid', 'ansible_user_dir', 'ansible_user_shell'];
// the env entries that are about the session (ports, the command sudo ran, Ansible's pty)
const SESSION_ENV = ['SSH_CLIENT', 'SSH_CONNECTION', 'SSH_TTY', 'TERM', 'LC_CTYPE', 'SUDO_COMMAND', 'LANG', 'LC_ALL', 'LC_MESSAGES', 'PWD', 'OLDPWD', 'SHLVL', '_'];

describe('facts under become (real lab host, sudo)', function () {
  this.timeout(180_000);
  const lab = useLab('becomefacts', [{ name: 'bf1', address: `${labSubnet(91)}.1` }], { users: [{ name: 'ops', sudo: 'nopasswd' }] });

  const connVars = (): Record<string, unknown> => {
    const h = lab().hosts[0];
    return { ansible_host: h.address, ansible_port: h.port, ...labConnectionVars(lab()), ansible_user: 'ops' };
  };

  it('gathering with become gives the values ansible -m setup --become gives; without, the login user\'s', async () => {
    const conn = new SshConnection({ ...sshOptionsFromVars('bf1', connVars(), {}), agentSocket: undefined });
    let root: Record<string, unknown>;
    let ops: Record<string, unknown>;
    try {
      root = await gatherFacts(conn, { user: 'root' });
      ops = await gatherFacts(conn, false);
    } finally {
      await conn.close();
    }
    const theirs = await ansibleSetup(lab(), ['--become']);
    const plain = await ansibleSetup(lab(), []);
    for (const k of USER_FACTS) {
      expect(root[k], `${k} under become`).to.deep.equal(theirs[k]);
      expect(ops[k], `${k} without become`).to.deep.equal(plain[k]);
    }
    expect(root.ansible_user_id).to.equal('root');
    expect(root.ansible_user_dir).to.equal('/root');
    expect(ops.ansible_user_id).to.equal('ops');
    const env = (e: unknown): Record<string, unknown> => Object.fromEntries(Object.entries(e as Record<string, unknown>).filter(([n]) => !SESSION_ENV.includes(n)));
    expect(env(root.ansible_env)).to.deep.equal(env(theirs.ansible_env));
    expect((root.ansible_env as Record<string, string>).HOME).to.equal('/root');
    expect((root.ansible_env as Record<string, string>).SUDO_USER).to.equal('ops');
  });

  it('a play with become gathers root\'s facts; a play without, the login user\'s', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-becomefacts-'));
    try {
      const inv = path.join(dir, 'hosts.ini');
      const line = Object.entries(connVars()).map(([k, v]) => `${k}=${String(v).includes(' ') ? `'${String(v)}'` : String(v)}`).join(' ');
      await writeFile(inv, `bf1 ${line}\n`);
      const say = (t: TaskBuilder) => void t.task('who', debug({ msg: '{{ ansible_user_id }} {{ ansible_user_dir }} {{ ansible_env.HOME }}' }));
      const asRoot = await runPlays(inv, [{ name: 'as root', hosts: 'all', become: true, tasks: say }]);
      const asOps = await runPlays(inv, [{ name: 'as ops', hosts: 'all', tasks: say }]);
      const msgs = (run: typeof asRoot) => run.events.flatMap((e) => (e.type === 'log' && e.task === 'who' ? [e.message] : []));
      expect(asRoot.exitCode).to.equal(0);
      expect(msgs(asRoot)).to.deep.equal(['root /root /root']);
      expect(msgs(asOps)).to.deep.equal(['ops /home/ops /home/ops']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** `ansible bf1 -m setup` as ops (ARGS such as --become): its ansible_facts. */
async function ansibleSetup(state: LabState, args: string[]): Promise<Record<string, unknown>> {
  const h = state.hosts[0];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-ansible-bf-'));
  const conn = labConnectionVars(state);
  const inv = path.join(dir, 'hosts.ini');
  await writeFile(inv, `bf1 ansible_host=${h.address} ansible_port=${h.port} ansible_user=ops ansible_python_interpreter=/usr/bin/python3 ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)} ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'\n`);
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: path.join(dir, 'none.cfg'), ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'), ANSIBLE_REMOTE_TMP: '/tmp/.ansible-ops' };
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('ansible', ['-i', inv, 'bf1', '-m', 'setup', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    p.stdout.on('data', (d: Buffer) => (o += d.toString()));
    p.stderr.on('data', (d: Buffer) => (o += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(o) : reject(new Error(`ansible setup ${args.join(' ')} exited ${code}: ${o.slice(0, 2000)}`))));
  });
  await rm(dir, { recursive: true, force: true });
  return (JSON.parse(out.slice(out.indexOf('{'))) as { ansible_facts: Record<string, unknown> }).ansible_facts;
}
