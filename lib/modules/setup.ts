import { factVars, filterFacts, gatherRawFacts } from '../facts/index.js';
import { isDict } from '../template/pyvalues.js';
import type { ModuleResult } from './types.js';
import { defineModule } from './types.js';

// Ansible's setup: gathers the host's facts again mid-play (after a change that alters them,
// e.g. an address or hostname) and makes them the host's facts. tsplay gathers one small set in
// one round trip, so gather_subset is accepted but always yields that set; `filter` narrows
// what is returned and updated.

export interface SetupArgs {
  gather_subset?: string | string[];
  /** shell-style patterns on fact names (`ansible_distribution*`) */
  filter?: string | string[];
  /** accepted for Ansible playbooks; gathering is one command */
  gather_timeout?: number;
}

export interface SetupResult extends ModuleResult {
  /** ansible_<name> -> value, as Ansible's setup returns them */
  ansible_facts: Record<string, unknown>;
}

const strings = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

export const setup = defineModule<SetupArgs, SetupResult>({
  name: 'setup',
  schema: {
    type: 'object',
    properties: { gather_subset: strings, filter: strings, gather_timeout: { type: 'integer', minimum: 1 } },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : v.split(',').map((x) => x.trim()).filter(Boolean));
    const facts = filterFacts(await gatherRawFacts(ctx.conn, ctx.become), list(args.filter));
    const vars = factVars(facts);
    // a filtered refresh updates those facts and keeps the others in ansible_facts
    const before = ctx.vars.ansible_facts;
    vars.ansible_facts = { ...(isDict(before) ? before : {}), ...facts };
    ctx.setFacts(vars);
    const { ansible_facts: _dict, ...prefixed } = vars;
    return { changed: false, ansible_facts: prefixed };
  },
});
