import type { FileDiff } from '../modules/types.js';

// Everything the executor tells the outside world goes through these events: the terminal
// (listr2), plain lines and `--json` are three renderings of the same stream.

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored' | 'rescued';

/** a count per status, in recaps */
export type HostStats = Record<HostStatus, number>;

export type RunEvent =
  | { type: 'run_start'; playbook: string; check: boolean; diff: boolean }
  | { type: 'play_start'; play: string; index: number; hosts: string[] }
  | { type: 'play_skipped'; play: string; reason: string }
  | { type: 'batch_start'; play: string; batch: number; batches: number; hosts: string[] }
  | { type: 'task_start'; play: string; task: string; role?: string; hosts: string[]; handler?: boolean }
  | {
      type: 'host_result';
      task: string;
      role?: string;
      host: string;
      /** `delegateTo` target: output shows `host -> delegatedTo` */
      delegatedTo?: string;
      status: HostStatus;
      changed: boolean;
      msg?: string;
      diff?: FileDiff[];
      /** loop item label */
      item?: string;
      /** retry attempt number (until/retries), 1-based */
      attempt?: number;
      durationMs: number;
      /** the module result, already masked when noLog */
      result?: Record<string, unknown>;
    }
  /** attempt `attempt` of `retries` failed its `until`; another follows */
  | { type: 'retry'; task: string; host: string; attempt: number; retries: number; msg?: string }
  | { type: 'task_end'; task: string }
  | { type: 'log'; host?: string; task?: string; message: string }
  | { type: 'warning'; message: string }
  | {
      type: 'recap';
      hosts: Record<string, HostStats>;
      /** set when the run stopped early: why, and hosts never touched */
      stopped?: { reason: string; untouched: string[] };
      retryFile?: string;
      durationMs: number;
    }
  /** after the recap (tsplay run): every task's wall time, slowest first, and the run's elapsed time */
  | { type: 'profile'; tasks: TaskTime[]; elapsedMs: number };

/** One task's wall time (all its batches added up), for the profile after the recap. */
export interface TaskTime {
  play: string;
  task: string;
  role?: string;
  handler?: boolean;
  durationMs: number;
}

export interface Reporter {
  emit(event: RunEvent): void;
  /** flush and release the terminal */
  close(): Promise<void>;
}
