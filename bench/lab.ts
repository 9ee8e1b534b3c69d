// The benchmark's hosts: lab hosts (lib/lab) on their own loopback subnet, an INI inventory that
// both tsplay and ansible-playbook read, and for scale mode many more inventory addresses served
// by extra sshd processes started inside a few lab hosts.
import { readFile, writeFile } from 'node:fs/promises';
import { labConnectionVars, labExec, type LabState } from '../lib/lab/index.js';
import { SSHD } from '../lib/lab/host.js';
import { HOST_KEY_TYPES, hostKeyPath } from '../lib/lab/keys.js';

export interface BenchHost {
  name: string;
  address: string;
  port: number;
}

/**
 * An INI inventory of `hosts` with the lab's key and a known_hosts (the lab's, or another one for
 * scale mode). The Python interpreter is named so Ansible skips its discovery round trip.
 */
export async function writeInventory(file: string, state: LabState, hosts: BenchHost[], knownHosts = state.knownHosts): Promise<void> {
  const vars = labConnectionVars(state, knownHosts);
  const lines = [
    '[all]',
    ...hosts.map((h) => `${h.name} ansible_host=${h.address}${h.port === 22 ? '' : ` ansible_port=${h.port}`}`),
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${String(vars.ansible_ssh_private_key_file)}`,
    `ansible_ssh_common_args='${String(vars.ansible_ssh_common_args)}'`,
    'ansible_python_interpreter=/usr/bin/python3',
    '',
  ];
  await writeFile(file, lines.join('\n'));
}

/** OpenSSH's sshd accepts at most 16 listen sockets per process (MAX_LISTEN_SOCKS). */
const ADDRESSES_PER_SSHD = 16;

/** Scale host i (0-based): 127.0.<92 + i/250>.<i%250 + 1>, so 500 hosts span 127.0.92-93.x. */
export function scaleHosts(n: number): BenchHost[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `scale${String(i + 1).padStart(4, '0')}`,
    address: `127.0.${92 + Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 22,
  }));
}

/**
 * Serves every scale host from the lab hosts, round robin: inside each lab host, extra sshd
 * processes (16 addresses each) with that host's own host keys. They live in the lab host's PID
 * namespace, so `lab down` ends them with it. Writes a known_hosts naming every scale address with
 * the keys of the lab host behind it (host-key checking stays on) and returns its path.
 */
export async function serveScaleHosts(state: LabState, hosts: BenchHost[], knownHostsFile: string): Promise<{ knownHosts: string; sshds: number }> {
  const labKeys = (await readFile(state.knownHosts, 'utf8')).split('\n').filter(Boolean);
  const known: string[] = [];
  const perLab = state.hosts.map(() => [] as string[]);
  let sshds = 0;
  hosts.forEach((h, i) => perLab[i % state.hosts.length]!.push(h.address));
  await Promise.all(
    state.hosts.map(async (lab, li) => {
      const keys = labKeys.filter((l) => l.split(' ')[0]!.split(',').includes(lab.address)).map((l) => l.split(' ').slice(1).join(' '));
      if (!keys.length) throw new Error(`no host key of lab host ${lab.name} in ${state.knownHosts}`);
      for (const a of perLab[li]!) for (const k of keys) known.push(`${a} ${k}`);
      const cmds: string[] = [];
      for (let c = 0; c * ADDRESSES_PER_SSHD < perLab[li]!.length; c++) {
        const chunk = perLab[li]!.slice(c * ADDRESSES_PER_SSHD, (c + 1) * ADDRESSES_PER_SSHD);
        cmds.push(
          [SSHD, ...chunk.flatMap((a) => ['-o', `ListenAddress=${a}`]), ...HOST_KEY_TYPES.flatMap((t) => ['-o', `HostKey=${hostKeyPath(t)}`]),
            '-o', `PidFile=/run/sshd-scale-${c}.pid`, '-o', 'MaxStartups=200', '-o', 'UseDNS=no'].join(' '),
        );
      }
      sshds += cmds.length;
      const r = await labExec(state, lab, cmds.join(' && '));
      if (r.rc !== 0) throw new Error(`${lab.name}: starting scale sshd failed: ${r.stderr.trim()}`);
    }),
  );
  await writeFile(knownHostsFile, known.join('\n') + '\n');
  return { knownHosts: knownHostsFile, sshds };
}
