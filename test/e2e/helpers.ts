// End-to-end helpers: a kubespray-shaped inventory over lab hosts, and tsplay driven the way a
// user drives it (a child process running bin/tsplay.js, its exit code, output and --json events).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labConnectionVars, type LabHostSpec, type LabState } from '../../lib/lab/index.js';
import type { HostStats, RunEvent } from '../../lib/report/events.js';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(REPO, 'test/fixtures/e2e');

/** Vars the etcd role needs for Debian's etcd inside lab hosts (same as inventory/lab/lab.ini's [etcd:vars]). */
export const LAB_ETCD_VARS = ['etcd_tls=False', 'etcd_listen_loopback=False', 'etcd_bin=/usr/bin/etcd', 'etcdctl_bin=/usr/bin/etcdctl'];

/** k1-master01..0M on subnet.1..M, then k1-node01..0N on the next addresses. */
export function clusterHosts(subnet: string, masters: number, nodes: number): LabHostSpec[] {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return [
    ...Array.from({ length: masters }, (_, i) => ({ name: `k1-master${pad(i + 1)}`, address: `${subnet}.${i + 1}` })),
    ...Array.from({ length: nodes }, (_, i) => ({ name: `k1-node${pad(i + 1)}`, address: `${subnet}.${masters + i + 1}` })),
  ];
}

export interface InventoryOptions {
  /** extra inline vars per host name, e.g. { 'k1-node01': 'ansible_user=ops' } */
  hostVars?: Record<string, string>;
  /** hosts that are not lab hosts (e.g. an address where nothing listens) */
  extraHosts?: { name: string; address: string; group: 'kube-master' | 'kube-node' }[];
  /** replaces the lab's ansible_ssh_common_args (e.g. to use another known_hosts) */
  sshCommonArgs?: string;
  /** more INI text appended at the end */
  extra?: string;
  /** etcd with its TLS PKI (the role's default) instead of the quicker plain http */
  etcdTls?: boolean;
}

/**
 * Writes an INI inventory with kubespray's groups over the lab's hosts (masters are [etcd] and
 * [kube-master], nodes are [kube-node]) and the lab's connection vars; returns its path.
 */
export async function writeLabInventory(state: LabState, file: string, opts: InventoryOptions = {}): Promise<string> {
  const hosts = [
    ...state.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port })),
    ...(opts.extraHosts ?? []).map((h) => ({ ...h, port: 22 })),
  ];
  const line = (h: { name: string; address: string; port: number }): string =>
    [
      h.name,
      `ansible_host=${h.address}`,
      h.port === 22 ? '' : `ansible_port=${h.port}`,
      /\bansible_user=/.test(opts.hostVars?.[h.name] ?? '') ? '' : 'ansible_user=root',
      `ip=${h.address}`,
      opts.hostVars?.[h.name] ?? '',
    ]
      .filter(Boolean)
      .join(' ');
  const isMaster = (n: string): boolean => n.includes('master') || opts.extraHosts?.find((h) => h.name === n)?.group === 'kube-master';
  const masters = hosts.filter((h) => isMaster(h.name)).map((h) => h.name);
  const nodes = hosts.filter((h) => !isMaster(h.name)).map((h) => h.name);
  const conn = labConnectionVars(state);
  const text = [
    '[all]',
    ...hosts.map(line),
    '',
    '[etcd]',
    ...masters,
    '',
    '[kube-master]',
    ...masters,
    '',
    '[kube-node]',
    ...nodes,
    '',
    '[k8s-cluster:children]',
    'kube-master',
    'kube-node',
    '',
    '[etcd:vars]',
    ...LAB_ETCD_VARS.filter((v) => !(opts.etcdTls && v.startsWith('etcd_tls='))),
    '',
    '[all:vars]',
    `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
    `ansible_ssh_common_args='${opts.sshCommonArgs ?? String(conn.ansible_ssh_common_args)}'`,
    '',
    opts.extra ?? '',
  ].join('\n');
  await writeFile(file, text);
  return file;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** --json events (empty in plain mode) */
  events: RunEvent[];
}

/**
 * `node bin/tsplay.js ARGS` from the repository root, asynchronously (the event loop keeps
 * running, so a test can watch lab hosts meanwhile). Never writes a .retry file next to a fixture.
 */
export function tsplay(args: string[]): Promise<CliRun> {
  const argv = [path.join(REPO, 'bin/tsplay.js'), ...args];
  if (args[0] === 'run' && !args.includes('--no-retry-file')) argv.push('--no-retry-file');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO, env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, events: args.includes('--json') ? parseEvents(stdout) : [] }));
  });
}

/** One RunEvent per line; a line that is not JSON is an error naming it. */
export function parseEvents(stdout: string): RunEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as RunEvent;
      } catch {
        throw new Error(`--json printed a line that is not JSON: ${l}`);
      }
    });
}

/** The recap's per-host stats (throws if the run printed no recap). */
export function recap(run: CliRun): Record<string, HostStats> {
  const r = run.events.find((e) => e.type === 'recap');
  if (!r || r.type !== 'recap') throw new Error(`no recap event; exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return r.hosts;
}

export type HostResult = Extract<RunEvent, { type: 'host_result' }>;

export function hostResults(run: CliRun, task?: string): HostResult[] {
  return run.events.filter((e): e is HostResult => e.type === 'host_result' && (task === undefined || e.task === task));
}

/** The tasks a --json run reported changed, in order (a task per host that changed). */
export function changedTasks(run: CliRun): string[] {
  return hostResults(run).filter((e) => e.status === 'changed').map((e) => e.task);
}

/** A readable summary for assertion messages. */
export function describeRun(run: CliRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout.slice(-4000)}\nstderr:\n${run.stderr.slice(-2000)}`;
}
