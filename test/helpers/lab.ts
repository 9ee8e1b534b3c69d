// Test helpers for the lab: bring a lab up for one describe() and always take it down, and run
// commands on lab hosts with the plain OpenSSH client (strict host-key checking on).
//
// Every test file that starts a lab must use its own /24, labSubnet(21), labSubnet(22), ..., so
// test files running in parallel never clash. The second octet comes from the process id, so two
// people running the whole suite at once on one machine (almost always) do not clash either.
// inventory/lab/lab.ini's 127.0.10.x is left to users.
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExecResult } from '../../lib/connection/types.js';
import { labDown, labExec, labUp, type LabHostSpec, type LabOptions, type LabState } from '../../lib/lab/index.js';

/** `127.<per-process>.<fileOctet>`: append `.N` for a host address. */
export function labSubnet(fileOctet: number): string {
  return `127.${100 + (process.pid % 150)}.${fileOctet}`;
}

/** A fresh state dir under the OS temp dir (inside lab hosts /tmp is their own tmpfs). */
export async function tempStateDir(tag: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `tsplay-lab-${tag}-`));
}

/**
 * Starts `hosts` in before() and stops them in after() (also when a test or before() failed).
 * Returns a getter for the state, valid inside tests.
 */
export function useLab(tag: string, hosts: LabHostSpec[], opts: Omit<LabOptions, 'stateDir'> = {}): () => LabState {
  let state: LabState | undefined;
  let stateDir: string | undefined;
  before(async function () {
    this.timeout(60000);
    stateDir = await tempStateDir(tag);
    state = await labUp(hosts, { ...opts, stateDir });
  });
  after(async function () {
    this.timeout(60000);
    if (!stateDir) return;
    await labDown(stateDir);
    // labDown removed the lab's own files; the temp dir may still hold a test's leftovers
    await rm(stateDir, { recursive: true, force: true });
  });
  return () => {
    if (!state) throw new Error('lab is not up (before() failed)');
    return state;
  };
}

export interface SshOptions {
  user?: string;
  input?: string;
  /** known_hosts to verify against; default the lab's */
  knownHosts?: string;
}

/** Runs `command` on lab host `name` with `ssh` (BatchMode, StrictHostKeyChecking=yes, lab key). */
export function labSsh(state: LabState, name: string, command: string, opts: SshOptions = {}): Promise<ExecResult> {
  const h = state.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return labExec(state, h, command, opts);
}

/** Every pid (as seen from this machine) in the PID namespace of the lab host whose PID 1 is `hostPid`. */
export async function pidsOfHost(hostPid: number): Promise<number[]> {
  const ns = await readlink(`/proc/${hostPid}/ns/pid`);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/ns/pid`)) === ns) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}
