import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's add_host: adds a host (or updates one) with groups and inventory vars, for later plays.
// It runs once for the batch, not once per host (use a loop for several hosts), as in Ansible.

export type AddHostArgs = {
  name: string;
  /** a list, or names separated by commas */
  groups?: string | string[];
} & Record<string, unknown>;

export interface AddHostResult extends ModuleResult {
  add_host: { host_name: string; groups: string[]; host_vars: Record<string, unknown> };
}

const schema = {
  type: 'object',
  additionalProperties: true,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    groups: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  },
};

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const add_host = defineModule<AddHostArgs, AddHostResult>({
  name: 'add_host',
  schema,
  once: true,
  async run(args, ctx) {
    if (!ctx.inventory) throw new ModuleFailure('add_host changes the run\'s inventory and only works inside a playbook run');
    const { name: given, groups: g, ...vars } = args;
    const bad = Object.keys(vars).filter((k) => !VAR_NAME.test(k));
    if (bad.length) throw new ModuleFailure(`add_host: invalid variable name(s) ${bad.map((b) => JSON.stringify(b)).join(', ')}: use letters, digits and _`);
    // `name: host:2222` gives the port, as Ansible reads it (not for IPv6 addresses without brackets)
    const m = /^([^:]+):(\d+)$/.exec(given.trim());
    const name = m ? m[1] : given.trim();
    const hostVars: Record<string, unknown> = m ? { ...vars, ansible_port: Number(m[2]) } : vars;
    const groups = [...new Set((typeof g === 'string' ? g.split(',') : (g ?? [])).map((x) => x.trim()).filter(Boolean))];
    let changed: boolean;
    try {
      changed = ctx.inventory.host(name, groups, hostVars);
    } catch (e) {
      throw new ModuleFailure(`add_host: ${(e as Error).message}`);
    }
    return { changed, add_host: { host_name: name, groups, host_vars: hostVars } };
  },
});
