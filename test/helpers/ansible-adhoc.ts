// Runs Debian's `ansible` ad hoc (one module, one host) against a lab host and returns the JSON
// it printed: the side-by-side reference for facts and stat.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labConnectionVars, type LabState } from '../../lib/lab/index.js';

export async function ansibleAdhoc(state: LabState, host: string, module: string, args = '', extraEnv: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const h = state.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no lab host ${host}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-ansible-'));
  const conn = labConnectionVars(state);
  const inv = path.join(dir, 'hosts.ini');
  await writeFile(inv, [
    `${host} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_python_interpreter=/usr/bin/python3`,
    '[all:vars]',
    `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
    `ansible_ssh_common_args=${String(conn.ansible_ssh_common_args)}`,
    '',
  ].join('\n'));
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: path.join(dir, 'none.cfg'), ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'), ANSIBLE_LOAD_CALLBACK_PLUGINS: '0', ...extraEnv };
  const argv = ['-i', inv, host, '-m', module, ...(args ? ['-a', args] : [])];
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('ansible', argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    p.stdout.on('data', (d: Buffer) => (o += d.toString()));
    p.stderr.on('data', (d: Buffer) => (o += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(o) : reject(new Error(`ansible ${argv.join(' ')} exited ${code}:\n${o}`))));
  });
  return JSON.parse(out.slice(out.indexOf('{'))) as Record<string, unknown>;
}
