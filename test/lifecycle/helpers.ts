// Helpers of the lifecycle tests (scale.ts, remove-node.ts, reset.ts): an etcd-only kubespray
// inventory over lab hosts, and tsplay run under a terminal so that a test answers its prompt.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { labConnectionVars, type LabState } from '../../lib/lab/index.js';
import { labSsh } from '../helpers/lab.js';
import { REPO, type CliRun } from '../e2e/helpers.js';

/** etcd over TLS with Debian's etcd inside lab hosts; reset leaves the machine's iptables and network alone */
export const LAB_LIFECYCLE_VARS = ['etcd_listen_loopback=False', 'etcd_bin=/usr/bin/etcd', 'etcdctl_bin=/usr/bin/etcdctl', 'flush_iptables=False', 'reset_restart_network=False'];

/** An INI inventory: every lab host in [all], `etcd` hosts in [etcd], optional more INI text. */
export async function writeEtcdInventory(state: LabState, file: string, etcd: string[], extra = ''): Promise<string> {
  const conn = labConnectionVars(state);
  const text = [
    '[all]',
    ...state.hosts.map((h) => `${h.name} ansible_host=${h.address} ${h.port === 22 ? '' : `ansible_port=${h.port} `}ansible_user=root ip=${h.address}`),
    '',
    '[etcd]',
    ...etcd,
    '',
    // kubespray's other groups, empty: no Kubernetes here
    '[kube_control_plane]',
    '[kube_node]',
    '[calico_rr]',
    '[k8s_cluster:children]',
    'kube_control_plane',
    'kube_node',
    '',
    '[all:vars]',
    ...LAB_LIFECYCLE_VARS,
    `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
    `ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'`,
    '',
    extra,
  ].join('\n');
  await writeFile(file, text);
  return file;
}

/**
 * `tsplay ARGS` under a pseudo-terminal (util-linux `script`), as a user at a terminal runs it:
 * once `prompt` appears in the output, `answer` is typed. Returns the exit code and the output.
 */
export function tsplayAnswering(args: string[], prompt: string, answer: string): Promise<CliRun> {
  const cmd = [process.execPath, `${REPO}/bin/tsplay.js`, ...args, '--no-retry-file'].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!answered && stdout.includes(prompt)) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, events: [] }));
  });
}

/** The pid of etcd on a lab host (its own PID namespace) and its start time in clock ticks since boot. */
export async function etcdProcess(state: LabState, host: string): Promise<string> {
  const r = await labSsh(state, host, 'p=$(pidof etcd) && echo "$p $(cut -d" " -f22 /proc/$p/stat)"');
  return r.rc === 0 ? r.stdout.trim() : `no etcd (${r.rc})`;
}
