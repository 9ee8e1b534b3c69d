import type { Inventory } from '../inventory/index.js';
import type { HandlerNode, Playbook, PlaySpec, Vars } from '../dsl/types.js';
import type { Reporter } from '../report/events.js';
import type { Connection } from '../connection/types.js';
import type { TagFilter } from './tags.js';
import type { HostState } from './state.js';
import type { PlayOptions } from './playopts.js';
import type { Inherited } from './task.js';

export interface ConnectionProvider {
  get(host: string, vars: Vars): Connection;
  closeAll(): Promise<void>;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  limit?: string;
  extraVars: Vars;
  tags: TagFilter;
  startAtTask?: string;
  /** ask before each task (terminal only) */
  step?: (task: string) => Promise<'yes' | 'no' | 'continue'>;
  forceHandlers: boolean;
  /** -v count (debug's verbosity) */
  verbosity?: number;
  /** -b / --become-user from the command line: the default for every play */
  become?: boolean;
  becomeUser?: string;
  cwd: string;
  /** where to write <playbook>.retry; false disables */
  retryFile: string | false;
  /** the playbook file, for the retry file name */
  playbookFile?: string;
}

/** ansible-playbook's defaults (forks 20, no check, no tags, no retry file), with some set. */
export function runOptions(set: Partial<RunOptions> = {}): RunOptions {
  return { check: false, diff: false, forks: 20, extraVars: {}, tags: { tags: [], skipTags: [] }, forceHandlers: false, cwd: process.cwd(), retryFile: false, ...set };
}

/** Shared by every play of one run. */
export interface RunContext {
  readonly inv: Inventory;
  readonly opts: RunOptions;
  readonly playbook: Playbook;
  readonly reporter: Reporter;
  readonly connections: ConnectionProvider;
  readonly states: Map<string, HostState>;
  readonly groups: Record<string, string[]>;
  /** a start-at-task glob not reached yet */
  startAt?: RegExp;
  /** set when the whole run must stop: why */
  stopped?: string;
  /** a play was ended by anyErrorsFatal or maxFailPercentage (ansible-playbook then exits 2) */
  brokePlay?: boolean;
  /** step mode answered 'continue' */
  stepContinue?: boolean;
}

/** One play (and one batch of it) in progress. */
export interface PlayContext {
  readonly run: RunContext;
  readonly play: PlaySpec;
  readonly playName: string;
  /** every host of the play after --limit, in play order */
  readonly hosts: string[];
  batch: string[];
  readonly handlers: HandlerNode[];
  /** hosts, serial, maxFailPercentage, anyErrorsFatal as rendered from the play's vars and -e */
  readonly options: PlayOptions;
  /** what every task of the play inherits (the play's environment) */
  readonly root: Inherited;
  /** the play ends for everyone (any_errors_fatal, max_fail_percentage, failed run_once) */
  aborted?: string;
  /** play hosts still in the play, computed once per task (every host's vars share it) */
  activeHosts?: string[];
}

export function state(run: RunContext, host: string): HostState {
  const s = run.states.get(host);
  if (!s) throw new Error(`internal: no state for host ${host}`);
  return s;
}
