import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's set_fact: every key (except cacheable) becomes a host fact for later tasks. Values
// arrive templated. cacheable is accepted for compatibility; tsplay has no fact cache.

export type SetFactArgs = Record<string, unknown> & { cacheable?: boolean };

export interface SetFactResult extends ModuleResult {
  ansible_facts: Record<string, unknown>;
}

const schema = {
  type: 'object',
  additionalProperties: true,
  properties: { cacheable: { type: 'boolean' } },
};

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const set_fact = defineModule<SetFactArgs, SetFactResult>({
  name: 'set_fact',
  schema,
  async run(args, ctx) {
    const { cacheable: _c, ...facts } = args;
    const bad = Object.keys(facts).filter((k) => !NAME.test(k));
    if (bad.length) throw new ModuleFailure(`set_fact: invalid variable name(s) ${bad.map((b) => JSON.stringify(b)).join(', ')}: use letters, digits and _ (not starting with a digit)`);
    if (!Object.keys(facts).length) throw new ModuleFailure('set_fact: give at least one key: value');
    ctx.setFacts(facts);
    return { changed: false, ansible_facts: facts };
  },
});
