import type { HostView, TaskRef, Vars } from '../dsl/types.js';
import type { ModuleResult } from '../modules/types.js';
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
    result<R extends ModuleResult>(ref: TaskRef<R>) {
      const r = state(run, host).results.get(ref.id);
      if (!r) throw new Error(`task '${ref.name}' has not run on ${host}; read its result only after it ran (or guard with a condition)`);
      return r as unknown as ReturnType<HostView['result']> & R;
    },
    hostvars: (name: string) => hostLevelVars(run, name),
  };
}
