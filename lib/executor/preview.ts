import type { Playbook, RoleInstance, Vars } from '../dsl/types.js';
import type { Inventory } from '../inventory/index.js';
import { groupsMap } from '../inventory/index.js';
import { runOptions, type PlayContext, type RunContext } from './context.js';
import { HostState } from './state.js';
import { taskVars } from './vars.js';
import { ROOT_INHERITED } from './task.js';

/**
 * The vars a role's task would see on a host, without connecting anywhere (no facts): what
 * `tsplay template` renders with.
 */
export function previewVars(inv: Inventory, host: string, opts: { extraVars: Vars; role?: RoleInstance; cwd: string }): Vars {
  const pb: Playbook = { kind: 'playbook', name: 'preview', plays: [], dir: opts.cwd };
  const run: RunContext = {
    inv,
    playbook: pb,
    opts: runOptions({ check: true, forks: 1, extraVars: opts.extraVars, cwd: opts.cwd }),
    reporter: { emit: () => undefined, close: async () => undefined },
    connections: {
      get: () => {
        throw new Error('preview does not connect to hosts');
      },
      closeAll: async () => undefined,
    },
    states: new Map([...inv.hosts.keys()].map((h) => [h, new HostState(h)])),
    groups: groupsMap(inv),
  };
  const pc: PlayContext = { run, play: { hosts: host }, playName: 'preview', hosts: [host], batch: [host], handlers: [], options: { hosts: host }, root: ROOT_INHERITED };
  return taskVars(pc, host, { role: opts.role, taskVars: [] });
}
