import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { playbook } from '../../lib/dsl/playbook.js';
import { loadInventory } from '../../lib/inventory/index.js';
import { runPlaybook, type RunSummary } from '../../lib/executor/run.js';
import { runOptions, type RunOptions } from '../../lib/executor/context.js';
import { ConnectionPool } from '../../lib/connection/factory.js';
import type { Reporter, RunEvent } from '../../lib/report/events.js';

/** A scratch dir for a test; every local "host" writes under it. */
export function scratch(prefix = 'tsplay-exec-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An INI inventory of N local hosts (ansible_connection=local), each with its own root dir. */
export function localInventory(dir: string, names: string[], extra = ''): string {
  const lines = names.map((n) => `${n} ansible_connection=local root=${join(dir, n)}`);
  const file = join(dir, 'hosts.ini');
  writeFileSync(file, `[all]\n${lines.join('\n')}\n${extra}`);
  return file;
}

/** A scratch dir with an inventory of local hosts, each with its root dir made. */
export function localRun(names: string[], extra = ''): { dir: string; inv: string; cleanup: () => void } {
  const { dir, cleanup } = scratch();
  const inv = localInventory(dir, names, extra);
  for (const n of names) mkdirSync(join(dir, n));
  return { dir, inv, cleanup };
}

/** One host's line for a task. */
export type HostResult = Extract<RunEvent, { type: 'host_result' }>;

export interface TestRun extends RunSummary {
  events: RunEvent[];
  /** the events of one type, in order */
  of<T extends RunEvent['type']>(type: T): Extract<RunEvent, { type: T }>[];
  /** a task's host lines (loop items and summary lines included), in order */
  lines(task: string): HostResult[];
  /** host_result events as `host:status` for a task */
  results(task: string): string[];
  batches(): string[][];
}

export async function runPlays(inventoryFile: string, plays: PlaySpec[], opts: Partial<RunOptions> = {}): Promise<TestRun> {
  const inv = await loadInventory([inventoryFile]);
  const events: RunEvent[] = [];
  const reporter: Reporter = { emit: (e) => void events.push(e), close: async () => undefined };
  const pb = playbook('test', plays);
  const full = runOptions(opts);
  const summary = await runPlaybook(pb, inv, full, reporter, new ConnectionPool());
  const of = <T extends RunEvent['type']>(type: T) => events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  const lines = (task: string) => of('host_result').filter((e) => e.task === task);
  return {
    ...summary,
    events,
    of,
    lines,
    results: (task) => lines(task).map((e) => `${e.host}:${e.status}`),
    batches: () => of('batch_start').map((e) => e.hosts),
  };
}
