import { rmSync } from 'node:fs';
import type { Playbook } from '../dsl/types.js';
import type { Inventory } from '../inventory/index.js';
import { groupsMap, selectHosts } from '../inventory/index.js';
import type { HostStats, Reporter } from '../report/events.js';
import type { ConnectionProvider, RunContext, RunOptions } from './context.js';
import { HostState } from './state.js';
import { playHosts, runPlay } from './play.js';
import { globToRegExp } from './nodes.js';
import { validatePlaybook } from './preflight.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface RunSummary {
  exitCode: 0 | 2 | 4;
  stats: Record<string, HostStats>;
  stopped?: { reason: string; untouched: string[] };
  retryFile?: string;
}

/** Raised before anything runs: the playbook or the command line is wrong (exit 1). */
export class UsageError extends UserError {}

export async function runPlaybook(pb: Playbook, inv: Inventory, opts: RunOptions, reporter: Reporter, connections: ConnectionProvider): Promise<RunSummary> {
  const started = Date.now();
  const states = new Map<string, HostState>([...inv.hosts.keys()].map((h) => [h, new HostState(h)]));
  const run: RunContext = {
    inv,
    opts,
    playbook: pb,
    reporter,
    connections,
    states,
    groups: groupsMap(inv),
    startAt: opts.startAtTask ? globToRegExp(opts.startAtTask) : undefined,
  };
  validatePlaybook(pb, run);
  if (opts.limit && selectHosts(inv, 'all', { limit: opts.limit, cwd: opts.cwd }).length === 0) {
    throw new UsageError(`--limit '${opts.limit}' matches no host of the inventory; check the names (tsplay inventory -i INV --list-hosts all)`);
  }
  // the implicit localhost has no inventory entry: it gets its state when a play names it
  for (const play of pb.plays) for (const h of playHosts(run, play)) if (!states.has(h)) states.set(h, new HostState(h));
  const inPlays = new Set<string>();
  reporter.emit({ type: 'run_start', playbook: pb.name, check: opts.check, diff: opts.diff });
  try {
    for (const [i, play] of pb.plays.entries()) {
      if (run.stopped) break;
      playHosts(run, play).forEach((h) => inPlays.add(h));
      await runPlay(run, play, i);
    }
    if (run.stopped) for (const play of pb.plays) playHosts(run, play).forEach((h) => inPlays.add(h));
  } finally {
    await connections.closeAll();
  }
  const stats: Record<string, HostStats> = {};
  for (const h of inPlays) if (states.get(h)!.touched || !run.stopped) stats[h] = states.get(h)!.stats;
  const down = [...inPlays].filter((h) => states.get(h)!.failed || states.get(h)!.unreachable).sort();
  const stopped = run.stopped ? { reason: run.stopped, untouched: [...inPlays].filter((h) => !states.get(h)!.touched) } : undefined;
  let retryFile: string | undefined;
  if (opts.retryFile) {
    if (down.length) {
      // beside the playbook, maybe in a shared directory: a symlink planted there is replaced
      // (temp file created exclusively, then rename), never written through
      writeFileAtomic(opts.retryFile, down.join('\n') + '\n', 0o644);
      retryFile = opts.retryFile;
    } else rmSync(opts.retryFile, { force: true });
  }
  reporter.emit({ type: 'recap', hosts: stats, stopped, retryFile, durationMs: Date.now() - started });
  const unreachable = [...inPlays].some((h) => states.get(h)!.unreachable);
  const failed = [...inPlays].some((h) => states.get(h)!.failed);
  // as ansible-playbook: a play ended by anyErrorsFatal / maxFailPercentage exits 2 (failed hosts)
  // even when some host was also unreachable
  return { exitCode: run.brokePlay ? 2 : unreachable ? 4 : failed ? 2 : 0, stats, stopped, retryFile };
}
