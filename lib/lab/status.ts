// `lab status`: per host, is its PID 1 still the process we started, and does its sshd answer.
import { sshAnswers } from './host.js';
import { isSameProcess } from './proc.js';
import { currentState, type LabState } from './state.js';

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
  const { state } = await currentState(stateDirOrState);
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
