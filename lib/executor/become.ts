import type { BecomeSpec } from '../connection/types.js';
import type { TaskOptions, Vars } from '../dsl/types.js';
import { toBool } from '../vars/merge.js';
import type { PlayContext } from './context.js';

/**
 * Whether and as whom a task's commands run: task, then play, then the command line, then the
 * host's ansible_become vars, as in Ansible. Fact gathering uses the play's (Ansible's implicit
 * setup task inherits the play's become, so facts are root's view under `become: true`).
 */
export function becomeFor(pc: PlayContext, opts: Pick<TaskOptions, 'become' | 'becomeUser'>, connVars: Vars): BecomeSpec | false {
  const run = pc.run;
  const on = opts.become ?? pc.play.become ?? run.opts.become ?? toBool(connVars.ansible_become ?? false);
  if (!on) return false;
  return {
    user: String(opts.becomeUser ?? pc.play.becomeUser ?? run.opts.becomeUser ?? connVars.ansible_become_user ?? 'root'),
    password: (connVars.ansible_become_password ?? connVars.ansible_become_pass) as string | undefined,
  };
}
