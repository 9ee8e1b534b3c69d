import type { Environment, HostView, TaskOptions, Vars } from '../dsl/types.js';
import { templateValue } from '../template/index.js';
import { environment, flag, OptionValueError, wholeNumber } from './optionvalues.js';

// Task options that may come from variables (`retries: '{{ drain_retries }}'`, `(h) => ...`),
// given their values on one host. As in Ansible they are rendered with that host's task vars.

/** A bad option value: the message already says task, file:line, host and option. */
export class TaskOptionError extends Error {}

export interface OptionScope {
  view: HostView;
  vars: Vars;
  /** `task 'x' (role r) at file:line` */
  where: string;
  host: string;
}

function describe(given: unknown): string {
  return typeof given === 'function' ? 'its function' : typeof given === 'string' ? `'${given}'` : JSON.stringify(given);
}

/** One option's value on a host, validated by `check`. */
export function optionValue<T>(name: string, given: unknown, check: (v: unknown) => T, s: OptionScope): T | undefined {
  if (given === undefined) return undefined;
  let value: unknown;
  try {
    value = typeof given === 'function' ? (given as (h: HostView) => unknown)(s.view) : templateValue(given, s.vars, { name: `${name} of ${s.where}`, host: s.host });
  } catch (e) {
    if (e instanceof OptionValueError || typeof given !== 'function') throw e; // template errors already say where
    throw new TaskOptionError(`${s.where}, host ${s.host}: option ${name}: its function threw: ${(e as Error).message}`);
  }
  try {
    return check(value);
  } catch (e) {
    if (!(e instanceof OptionValueError)) throw e;
    const from = typeof given === 'string' || typeof given === 'function' ? ` (from ${describe(given)})` : '';
    throw new TaskOptionError(`${s.where}, host ${s.host}: option ${name}${from}: ${e.message}; fix the option or the variables it reads`);
  }
}

/** The options whose values are read per host, resolved; the others are passed through. */
export function hostOptions(opts: TaskOptions, s: OptionScope): TaskOptions {
  return {
    ...opts,
    ignoreErrors: optionValue('ignoreErrors', opts.ignoreErrors, flag, s),
    ignoreUnreachable: optionValue('ignoreUnreachable', opts.ignoreUnreachable, flag, s),
    retries: optionValue('retries', opts.retries, wholeNumber, s),
    delay: optionValue('delay', opts.delay, wholeNumber, s),
    async: optionValue('async', opts.async, wholeNumber, s),
    poll: optionValue('poll', opts.poll, wholeNumber, s),
  };
}

/** noLog on a host; a value that cannot be read masks the output (never shows a secret by mistake). */
export function noLogOn(opts: TaskOptions, s: OptionScope): { noLog: boolean; error?: Error } {
  try {
    return { noLog: optionValue('noLog', opts.noLog, flag, s) ?? false };
  } catch (e) {
    return { noLog: true, error: e as Error };
  }
}

/**
 * The environment a task's commands get: each layer (play, role, blocks, task: outermost first)
 * rendered on the host, later layers overriding earlier ones key by key, as Ansible merges them.
 */
export function environmentOn(layers: readonly Environment[], s: OptionScope): Record<string, string> {
  const out: Record<string, string> = {};
  // rendering a map renders each of its values (`http_proxy: '{{ http_proxy | default("") }}'`),
  // once, as Ansible does
  for (const layer of layers) Object.assign(out, optionValue('environment', layer, environment, s));
  return out;
}
