// `lab status`: per host, is its PID 1 still the process we started, and does its sshd answer.
import path from 'node:path';
import { sshAnswers } from './host.js';
import { isSameProcess } from './proc.js';
import { readState, type LabState } from './state.js';

export interface LabHostStatus {
  name: string;
  address: string;
  port: number;
  pid: number;
  /** the host's PID 1 is alive (checked by pid and start time, so a reused pid does not count) */
  running: boolean;
  /** something at address:port accepted a TCP connection and sent an SSH banner */
  answers: boolean;
}

/** Status of every host recorded in the state dir (or in the given state); [] when there is no lab. */
export async function labStatus(stateDirOrState: string | LabState): Promise<LabHostStatus[]> {
  const stateDir = path.resolve(typeof stateDirOrState === 'string' ? stateDirOrState : stateDirOrState.stateDir);
  // after `lab down` the file is gone; a state object passed in still names hosts to check
  const state = (await readState(stateDir)) ?? (typeof stateDirOrState === 'string' ? undefined : stateDirOrState);
  return Promise.all(
    (state?.hosts ?? []).map(async (h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      pid: h.pid,
      running: await isSameProcess(h.pid, h.startTime),
      answers: await sshAnswers(h.address, h.port, 1000),
    })),
  );
}
