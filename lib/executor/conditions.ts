import type { Condition, HostView, ResultCondition, Vars } from '../dsl/types.js';
import { evalCondition } from '../template/index.js';
import { overlay } from './overlay.js';

// `when`, `changedWhen`, `failedWhen` and `until` take a Jinja string (as in Ansible), a boolean
// or a typed function; a list of conditions must all hold.

export function checkWhen(conds: Condition[], view: HostView, vars: Vars, label: string): boolean {
  for (const c of conds) {
    const ok = typeof c === 'function' ? c(view) : evalCondition(c, vars, { name: label, host: view.name });
    if (!ok) return false;
  }
  return true;
}

/** One result condition, or a list of them that must all hold (as Ansible's list form). */
export function checkResult(cond: ResultCondition<object> | readonly ResultCondition<object>[], result: Vars, view: HostView, vars: Vars, label: string): boolean {
  for (const c of Array.isArray(cond) ? cond : [cond as ResultCondition<object>]) {
    const ok = typeof c === 'function' ? Boolean(c(result as Parameters<typeof c>[0], view)) : evalCondition(c, vars, { name: label, host: view.name });
    if (!ok) return false;
  }
  return true;
}

interface ResultConditionOpts {
  changedWhen?: ResultCondition<never> | readonly ResultCondition<never>[];
  failedWhen?: ResultCondition<never> | readonly ResultCondition<never>[];
  register?: string;
}

/**
 * changedWhen, then failedWhen, on a module's result, failed or not (Ansible 2.14's
 * TaskExecutor): failedWhen sets `failed` and `failed_when_result`; a condition that cannot be
 * evaluated fails the task and its error goes to `changed_when_result`/`failed_when_result`
 * (the module's own `msg` stays). A skipped result is left as it is.
 */
export function applyResultConditions(opts: ResultConditionOpts, result: Vars, view: HostView, vars: Vars, where: string): void {
  if (result.skipped) return;
  const ev = opts.register ? overlay(vars, { [opts.register]: result }) : vars;
  let name: 'changed' | 'failed' = 'changed';
  let cond: unknown;
  try {
    if (opts.changedWhen !== undefined) {
      cond = opts.changedWhen;
      result.changed = checkResult(opts.changedWhen as ResultCondition<object>, result, view, ev, `changedWhen of ${where}`);
    }
    name = 'failed';
    if (opts.failedWhen !== undefined) {
      cond = opts.failedWhen;
      const failed = checkResult(opts.failedWhen as ResultCondition<object>, result, view, ev, `failedWhen of ${where}`);
      result.failed = failed;
      result.failed_when_result = failed;
    }
  } catch (e) {
    result.failed = true;
    result[`${name}_when_result`] = `The conditional check ${describe(cond)} failed. The error was: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function describe(cond: unknown): string {
  const one = (c: unknown) => (typeof c === 'function' ? '(a function)' : `'${String(c)}'`);
  return Array.isArray(cond) ? cond.map(one).join(', ') : one(cond);
}
