import { evalExpression, TemplateError } from '../template/index.js';
import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { jsonStringify } from '../util/json.js';

// Ansible's debug: print msg (any value, already templated) or the value of var (an expression
// such as `result.stdout`, evaluated here: a raw arg). Skipped when verbosity is above the run's
// (ansible_verbosity). Never changed.

export interface DebugArgs {
  msg?: unknown;
  var?: string;
  /** print only from this -v level; default 0 */
  verbosity?: number;
}

export interface DebugResult extends ModuleResult {
  msg?: string;
  /** with var: the value under the var's name, as Ansible registers it */
  [name: string]: unknown;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    msg: {},
    var: { type: 'string', minLength: 1 },
    verbosity: { type: 'integer', minimum: 0 },
  },
};

const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

function show(v: unknown): string {
  return typeof v === 'string' ? v : jsonStringify(v, 2) ?? String(v);
}

export const debug = defineModule<DebugArgs, DebugResult>({
  name: 'debug',
  schema,
  rawArgs: ['var'],
  async run(args, ctx) {
    if (args.msg !== undefined && args.var !== undefined) throw new ModuleFailure('debug: msg and var are mutually exclusive');
    const level = Number(ctx.vars.ansible_verbosity ?? 0) || 0;
    if ((args.verbosity ?? 0) > level) {
      return { changed: false, skipped: true, msg: `Verbosity threshold not met.` };
    }
    if (args.var !== undefined) {
      let value: unknown;
      try {
        value = evalExpression(args.var, ctx.vars, { name: `debug var ${args.var}`, host: ctx.host });
        if (value === undefined) value = NOT_DEFINED;
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        value = NOT_DEFINED;
      }
      ctx.log(`${args.var}: ${show(value)}`);
      return { changed: false, [args.var]: value };
    }
    const msg = args.msg === undefined ? 'Hello world!' : args.msg;
    ctx.log(show(msg));
    return { changed: false, msg: msg as string };
  },
});
