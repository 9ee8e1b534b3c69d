import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's group_by: puts the host in a group named by `key` (created under `parents`, default
// all), so later plays can target it (`hosts: 'zone_a'`). Spaces in names become '-', as there.

export interface GroupByArgs {
  key: string;
  parents?: string | string[];
}

export interface GroupByResult extends ModuleResult {
  add_group: string;
  parent_groups: string[];
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { type: 'string' },
    parents: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  },
};

export const group_by = defineModule<GroupByArgs, GroupByResult>({
  name: 'group_by',
  schema,
  async run(args, ctx) {
    if (!ctx.inventory) throw new ModuleFailure('group_by changes the run\'s inventory and only works inside a playbook run');
    const group = args.key.trim().replace(/ /g, '-');
    if (!group) throw new ModuleFailure('group_by: key rendered to an empty group name; check the variables it reads');
    const parents = [args.parents ?? 'all'].flat().map((p) => p.trim().replace(/ /g, '-'));
    if (parents.some((p) => !p)) throw new ModuleFailure('group_by: a parent group name is empty');
    const changed = ctx.inventory.group(ctx.host, group, parents);
    return { changed, add_group: group, parent_groups: parents };
  },
});
