import type { RoleInstance } from '../dsl/types.js';
import { TemplateError } from '../template/errors.js';
import type { HostState } from './state.js';
import { validateRoleVar } from './validate.js';

// A role's declared variables are validated when something first reads them on a host, not all
// at the role's first task: a default no task reads (`main_ip: "{{ ansible_default_ipv4.address
// }}"` in a play without facts) is then no error. Checked once per host, role and variable.

/**
 * A declared variable with a bad value. A TemplateError so that it passes through a render that
 * read the variable untouched; its message is the located one, nothing prefixed.
 */
export class RoleVarError extends TemplateError {
  constructor(text: string, host: string) {
    super(text, 'role variable', undefined, host);
    this.message = text;
  }
}

/** The read hook lazyVars calls for each top-level variable a task reads on `host`. */
export function roleVarCheck(role: RoleInstance, host: string, st: HostState): (key: string, value: unknown) => void {
  let done = st.validatedRoleVars.get(role);
  if (!done) st.validatedRoleVars.set(role, (done = new Set()));
  const seen = done;
  return (key, value) => {
    if (seen.has(key)) return;
    const errors = validateRoleVar(role, key, value);
    if (errors === undefined) return; // not a declared variable of this role
    if (errors.length) throw new RoleVarError(`host ${host}, role ${role.name}: ${errors.join('; ')} (set it in the role's defaults, inventory, role params or -e)`, host);
    seen.add(key);
  };
}
