import type { BecomeSpec } from '../connection/types.js';
import type { TaskOptions, Vars } from '../dsl/types.js';
import { toBool } from '../vars/merge.js';
import type { PlayContext } from './context.js';

/**
 * Whether and as whom a task's commands run. As in Ansible, connection variables
 * (ansible_become, ansible_become_user: inventory, play, role or task vars, -e) override the
 * keywords, which go task, then play, then the command line (-b, --become-user). Fact gathering
 * uses the play's (Ansible's implicit setup task inherits the play's become, so facts are root's
 * view under `become: true`).
 */
export function becomeFor(pc: PlayContext, opts: Pick<TaskOptions, 'become' | 'becomeUser'>, connVars: Vars): BecomeSpec | false {
  const run = pc.run;
  const byVar = connVars.ansible_become;
  const on = byVar !== undefined ? toBool(byVar) : (opts.become ?? pc.play.become ?? run.opts.become ?? false);
  if (!on) return false;
  return {
    user: String(connVars.ansible_become_user ?? opts.becomeUser ?? pc.play.becomeUser ?? run.opts.becomeUser ?? 'root'),
    password: (connVars.ansible_become_password ?? connVars.ansible_become_pass) as string | undefined,
  };
}
