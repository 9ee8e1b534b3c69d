import type { HostView, TaskRef, Vars } from '../dsl/types.js';
import type { PlayContext } from './context.js';
import { state } from './context.js';
import { hostConstants, hostLevelVars } from './vars.js';

/** The typed view of a host given to `when`, args and default functions. */
export function makeHostView(pc: PlayContext, host: string, vars: Vars): HostView {
  const run = pc.run;
  return {
    name: host,
    vars,
    allVars: vars,
    groups: run.groups,
    groupNames: hostConstants(run, host).magic.group_names as string[],
    result<T>(ref: TaskRef<T>, on: string = host): T {
      if (!run.states.has(on)) throw new Error(`h.result('${ref.name}', '${on}'): '${on}' is not a host of this run`);
      const r = state(run, on).results.get(ref.id);
      if (!r) throw new Error(`task '${ref.name}' has not run on ${on}; read its result only after it ran (or guard with a condition)`);
      return r as T;
    },
    hostvars: (name: string) => hostLevelVars(run, name),
  };
}
