import { shJoin, shq } from '../util/shell.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { ACCOUNT_NAME, groupOf } from './user.js';
import type { GroupEntry } from './user.js';

// group: a local group, made with groupadd / groupmod / groupdel as Ansible 2.14's group module
// drives them: a gid that differs is changed (-o with non_unique), `system` only matters when
// the group is made. One round trip reads it; the apply step reads it back for the result.

export interface GroupArgs {
  name: string;
  state?: 'present' | 'absent';
  gid?: number;
  system?: boolean;
  non_unique?: boolean;
}

export interface GroupResult extends ModuleResult {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system?: boolean;
}

export const groupSchema = {
  type: 'object',
  properties: {
    name: ACCOUNT_NAME,
    state: { enum: ['present', 'absent'] },
    gid: { type: 'integer', minimum: 0 },
    system: { type: 'boolean' },
    non_unique: { type: 'boolean' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const read = (name: string): string => `getent group -- ${shq(name)} | sed 's/^/G|/'; exit 0`;

function parse(out: string): GroupEntry | undefined {
  const line = out.split('\n').find((l) => l.startsWith('G|'));
  return line ? groupOf(line.slice(2)) : undefined;
}

async function run(args: GroupArgs, ctx: ModuleContext): Promise<GroupResult> {
  const state = args.state ?? 'present';
  const what = `group ${args.name}`;
  const r0 = await ctx.conn.exec(read(args.name), { become: ctx.become });
  if (r0.rc !== 0) throw new ModuleFailure(`${what}: cannot read the groups on ${ctx.host}: ${r0.stderr.trim() || `rc ${r0.rc}`}`);
  const cur = parse(r0.stdout);
  const base: GroupResult = { changed: false, name: args.name, state };
  const diff = (before: unknown, after: unknown, key = 'state'): Partial<GroupResult> =>
    ctx.diff ? { diff: [{ path: `group:${args.name}`, attrs: { [key]: { before, after } } }] } : {};

  let argv: string[] | undefined;
  let d: Partial<GroupResult> = {};
  if (state === 'absent') {
    if (!cur) return base;
    argv = ['groupdel', '--', args.name];
    d = diff('present', 'absent');
  } else if (!cur) {
    argv = ['groupadd', ...(args.gid !== undefined ? ['-g', String(args.gid), ...(args.non_unique ? ['-o'] : [])] : []), ...(args.system ? ['-r'] : []), '--', args.name];
    d = diff('absent', 'present');
  } else if (args.gid !== undefined && cur.gid !== args.gid) {
    argv = ['groupmod', '-g', String(args.gid), ...(args.non_unique ? ['-o'] : []), '--', args.name];
    d = diff(cur.gid, args.gid, 'gid');
  }
  const present = (g: GroupEntry | undefined): Partial<GroupResult> => (g ? { gid: g.gid, system: args.system ?? false } : {});
  if (!argv) return { ...base, ...present(cur) };
  // Ansible's check mode says only that it would change (and the current gid, for groupmod)
  if (ctx.check) return { ...base, changed: true, ...(state === 'present' ? present(cur) : {}), ...d };
  const r = await ctx.conn.exec(`${shJoin(argv)} || exit $?\n${read(args.name)}`, { become: ctx.become });
  if (r.rc !== 0) throw new ModuleFailure(`${what}: ${argv[0]} failed: ${r.stderr.trim() || `rc ${r.rc}`}`, { name: args.name, rc: r.rc });
  return { ...base, changed: true, ...(state === 'present' ? present(parse(r.stdout)) : {}), ...d };
}

export const group = defineModule<GroupArgs, GroupResult>({ name: 'group', schema: groupSchema, run });
