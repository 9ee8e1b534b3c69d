import type { RoleRef, Vars } from './dsl/types.js';
import { playbook } from './dsl/playbook.js';
import { loadInventory } from './inventory/index.js';
import { runPlaybook, type RunSummary } from './executor/run.js';
import { runOptions } from './executor/context.js';
import { ConnectionPool } from './connection/factory.js';
import type { Reporter, RunEvent } from './report/events.js';

export interface LocalRunResult extends RunSummary {
  events: RunEvent[];
}

/**
 * Run roles against this machine (ansible_connection=local) and collect the events: the way a
 * role's own tests drive it. Point the role's paths at a temporary directory through `vars`.
 */
export async function runRolesLocally(roles: RoleRef[], opts: { vars?: Vars; check?: boolean; diff?: boolean } = {}): Promise<LocalRunResult> {
  const inv = await loadInventory(['localhost,']);
  const events: RunEvent[] = [];
  const reporter: Reporter = { emit: (e) => void events.push(e), close: async () => undefined };
  const pb = playbook('local', [{ hosts: 'localhost', gatherFacts: false, roles }]);
  const summary = await runPlaybook(
    pb,
    inv,
    runOptions({ check: Boolean(opts.check), diff: Boolean(opts.diff), forks: 1, extraVars: { ansible_connection: 'local', ...(opts.vars ?? {}) } }),
    reporter,
    new ConnectionPool(),
  );
  return { ...summary, events };
}
