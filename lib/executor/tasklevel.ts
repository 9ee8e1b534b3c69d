import type { TaskNode, TaskOptions } from '../dsl/types.js';
import type { PlayContext } from './context.js';
import { makeHostView } from './hostview.js';
import { flag, wholeNumber } from './optionvalues.js';
import { label, type Inherited } from './task.js';
import { optionValue } from './taskopts.js';
import { taskVars } from './vars.js';

// runOnce and throttle shape how a task is run over the batch, so they have one value per task:
// as in Ansible's linear strategy, the one they have on the first host it runs on.

export function taskLevelOptions(
  pc: PlayContext,
  node: TaskNode,
  first: string,
  inh: Inherited,
  opts: TaskOptions,
): { runOnce: boolean; throttle?: number } | { error: string } {
  const literal = (v: unknown) => v === undefined || typeof v === 'boolean' || typeof v === 'number';
  if (literal(opts.runOnce) && literal(opts.throttle)) {
    try {
      return { runOnce: opts.runOnce === true, throttle: opts.throttle === undefined ? undefined : wholeNumber(opts.throttle) };
    } catch (e) {
      return { error: `${label(node)}: option throttle: ${(e as Error).message}` };
    }
  }
  try {
    const vars = taskVars(pc, first, { role: node.role, taskVars: inh.vars });
    const s = { view: makeHostView(pc, first, vars), vars, where: label(node), host: first };
    return { runOnce: optionValue('runOnce', opts.runOnce, flag, s) ?? false, throttle: optionValue('throttle', opts.throttle, wholeNumber, s) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
