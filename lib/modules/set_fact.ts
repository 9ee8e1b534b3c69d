import type { HostView } from '../dsl/types.js';
import type { ArgsInput, ModuleCall, ModuleResult } from './types.js';
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

const factory = defineModule<SetFactArgs, SetFactResult>({
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

/** A set_fact call; `makes` lists the names its args function sets (see `set_fact`). */
export interface SetFactCall<V> extends ModuleCall<SetFactResult, V> {
  readonly makes?: readonly string[];
}

/**
 * `set_fact({ name: value })`, or `set_fact((h) => ({ ... }), ['name', ...])`: a function's keys
 * are only known when it runs, so the list tells `tsplay check` which names later templates may
 * use, and a run fails when the function sets a name the list does not give.
 */
export const set_fact = Object.assign(
  <V = Record<string, unknown>>(args: ArgsInput<SetFactArgs, V>, makes?: readonly string[]): SetFactCall<V> => {
    if (typeof args !== 'function' || !makes) return factory(args);
    const fn = args as (h: HostView<V>) => SetFactArgs;
    const checked = (h: HostView<V>): SetFactArgs => {
      const facts = fn(h);
      const extra = Object.keys(facts).filter((k) => k !== 'cacheable' && !makes.includes(k));
      if (extra.length) throw new ModuleFailure(`set_fact: the function set ${extra.join(', ')}, which its list of names (${makes.join(', ')}) does not give: add ${extra.length > 1 ? 'them' : 'it'} to the list`);
      return facts;
    };
    return { ...factory(checked), makes };
  },
  { def: factory.def },
);
