// The lab's state directory: what `lab up` started and where it lives, so `lab down` and
// `lab status` can find every process and file again (possibly from another process).
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic.js';
import path from 'node:path';
import { LabError } from './errors.js';

export interface LabHostState {
  name: string;
  address: string;
  port: number;
  /** the host's PID 1 (tini) as seen from this machine's PID namespace */
  pid: number;
  /** start time of `pid` (clock ticks since boot, /proc/PID/stat field 22): guards against pid reuse */
  startTime: number;
  /** the `unshare` process that owns the host's namespaces (parent of `pid`) */
  unsharePid: number;
  unshareStartTime: number;
  /** overlay upper dir: everything the host wrote to its root filesystem */
  upper: string;
}

export interface LabState {
  stateDir: string;
  hosts: LabHostState[];
  /** the lab's client private key (ed25519); public key next to it with `.pub` */
  keyFile: string;
  /** known_hosts holding every lab host's own host keys */
  knownHosts: string;
  /** an ssh_config with one `Host` block per lab host (`ssh -F <it> k1-node01`) */
  sshConfig?: string;
  /** user the lab key logs in as */
  user: string;
}

export interface LabPaths {
  stateFile: string;
  keyFile: string;
  knownHosts: string;
  sshConfig: string;
  hostsDir: string;
}

export function labPaths(stateDir: string): LabPaths {
  return {
    stateFile: path.join(stateDir, 'state.json'),
    keyFile: path.join(stateDir, 'id_ed25519'),
    knownHosts: path.join(stateDir, 'known_hosts'),
    sshConfig: path.join(stateDir, 'ssh_config'),
    hostsDir: path.join(stateDir, 'hosts'),
  };
}

export interface HostPaths {
  dir: string;
  upper: string;
  work: string;
  merged: string;
  boot: string;
  setup: string;
  log: string;
}

export function hostPaths(stateDir: string, name: string): HostPaths {
  const dir = path.join(labPaths(stateDir).hostsDir, name);
  return {
    dir,
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    merged: path.join(dir, 'merged'),
    boot: path.join(dir, 'boot.sh'),
    setup: path.join(dir, 'setup.sh'),
    log: path.join(dir, 'boot.log'),
  };
}

/**
 * Default state dir: `.tsplay/lab/<inventory file name without extension>` beside the inventory
 * file, so `inventory/lab/lab.ini` keeps its lab in `inventory/lab/.tsplay/lab/lab/`, two inventories never
 * share hosts, and a lab inventory finds its key from any directory (its vars say
 * `{{ inventory_dir }}/.tsplay/lab/<name>/`, which Ansible reads the same way).
 */
export function defaultStateDir(inventoryPath: string, cwd: string = process.cwd()): string {
  const file = path.resolve(cwd, inventoryPath);
  const base = path.basename(file).replace(/\.[^.]*$/, '');
  return path.join(path.dirname(file), '.tsplay', 'lab', base || 'lab');
}

export async function readState(stateDir: string): Promise<LabState | undefined> {
  const file = labPaths(stateDir).stateFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const state = JSON.parse(text) as LabState;
    if (!Array.isArray(state.hosts)) throw new Error('no hosts');
    return state;
  } catch {
    throw new LabError(`${file}: lab state file is damaged; stop the lab's processes by hand and remove ${stateDir}`);
  }
}

/**
 * The state dir, and the lab recorded there: the state file is the freshest record (another `up`
 * may have added hosts since); after `down` it is gone, and a state object passed in still names
 * the hosts.
 */
export async function currentState(stateDirOrState: string | LabState): Promise<{ stateDir: string; state?: LabState }> {
  const stateDir = path.resolve(typeof stateDirOrState === 'string' ? stateDirOrState : stateDirOrState.stateDir);
  const state = (await readState(stateDir)) ?? (typeof stateDirOrState === 'string' ? undefined : stateDirOrState);
  return { stateDir, state };
}

export async function writeState(state: LabState): Promise<void> {
  const file = labPaths(state.stateDir).stateFile;
  await mkdir(state.stateDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n', 0o600);
}
