import { evalCondition, TemplateError } from '../template/index.js';
import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's assert. `that` holds Jinja expressions (without {{ }}), evaluated here against the
// host's vars, so it is a raw arg the executor does not pre-render. The first false expression
// fails the task with fail_msg (or msg).

export interface AssertArgs {
  that: string | boolean | (string | boolean)[];
  fail_msg?: string;
  /** alias of fail_msg */
  msg?: string;
  success_msg?: string;
  /** do not print success_msg */
  quiet?: boolean;
}

export interface AssertResult extends ModuleResult {
  msg: string;
  /** the expression that decided the outcome (the last one when all passed) */
  assertion?: string | boolean;
  evaluated_to: boolean;
}

const cond = { type: ['string', 'boolean'] };
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['that'],
  properties: {
    that: { oneOf: [cond, { type: 'array', items: cond, minItems: 1 }] },
    fail_msg: { type: 'string' },
    msg: { type: 'string' },
    success_msg: { type: 'string' },
    quiet: { type: 'boolean' },
  },
};

export const assert = defineModule<AssertArgs, AssertResult>({
  name: 'assert',
  schema,
  rawArgs: ['that'],
  async run(args, ctx) {
    const list = Array.isArray(args.that) ? args.that : [args.that];
    let last: string | boolean | undefined;
    for (const [i, expr] of list.entries()) {
      last = expr;
      let ok: boolean;
      try {
        ok = evalCondition(expr, ctx.vars, { name: `assert that[${i}]`, host: ctx.host });
      } catch (e) {
        if (e instanceof TemplateError) throw new ModuleFailure(`assert: cannot evaluate ${JSON.stringify(expr)}: ${e.message}`, { assertion: expr });
        throw e;
      }
      if (!ok) {
        throw new ModuleFailure(args.fail_msg ?? args.msg ?? 'Assertion failed', { assertion: expr, evaluated_to: false });
      }
    }
    const msg = args.success_msg ?? 'All assertions passed';
    if (!args.quiet) ctx.log(msg);
    return { changed: false, msg, assertion: last, evaluated_to: true };
  },
});
