import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's fail: always fails the task with msg.

export interface FailArgs {
  msg?: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { msg: { type: 'string' } },
};

export const fail = defineModule<FailArgs, ModuleResult>({
  name: 'fail',
  schema,
  async run(args) {
    throw new ModuleFailure(args.msg ?? 'Failed as requested from task');
  },
});
