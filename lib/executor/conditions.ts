import type { Condition, HostView, ResultCondition, Vars } from '../dsl/types.js';
import { evalCondition } from '../template/index.js';

// `when`, `changedWhen`, `failedWhen` and `until` take a Jinja string (as in Ansible), a boolean
// or a typed function; a list of conditions must all hold.

export function checkWhen(conds: Condition[], view: HostView, vars: Vars, label: string): boolean {
  for (const c of conds) {
    const ok = typeof c === 'function' ? c(view) : evalCondition(c, vars, { name: label, host: view.name });
    if (!ok) return false;
  }
  return true;
}

export function checkResult(cond: ResultCondition<object>, result: Vars, view: HostView, vars: Vars, label: string): boolean {
  if (typeof cond === 'function') return Boolean(cond(result as Parameters<typeof cond>[0], view));
  return evalCondition(cond, vars, { name: label, host: view.name });
}
