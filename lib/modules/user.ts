import { shJoin, shq } from '../util/shell.js';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// user: a local account, made with the shadow tools (useradd, usermod, userdel) exactly as
// Ansible 2.14's user module drives them on Linux: the same options for the same differences,
// the same group-membership rules (append, groups: [] empties them) and the same result keys.
// One round trip reads the account, its shadow entry (only when a password is managed), the
// groups and whether the home directory exists; one more applies the change and reads the
// account back. Names are checked by the schema (no leading '-') and follow `--` on every command.

/** user and group names as the shadow tools accept them (plus a trailing $ for machine accounts) */
export const ACCOUNT_NAME = {
  type: 'string',
  pattern: '^[A-Za-z0-9_.][A-Za-z0-9_.-]*\\$?$',
  maxLength: 256,
  description: "an account name such as kube or etcd (letters, digits, _ . -, not starting with '-')",
} as const;

export interface UserArgs {
  name: string;
  state?: 'present' | 'absent';
  uid?: number;
  /** primary group (name or gid); must exist */
  group?: string;
  /** supplementary groups (a comma-separated string is a list); [] removes all unless append */
  groups?: string | string[];
  /** add to `groups` and keep the others */
  append?: boolean;
  comment?: string;
  home?: string;
  shell?: string;
  /** default true: make the home directory (from /etc/skel) when it is missing */
  create_home?: boolean;
  move_home?: boolean;
  system?: boolean;
  non_unique?: boolean;
  /** a crypted password (as in /etc/shadow), never plain text */
  password?: string;
  update_password?: 'always' | 'on_create';
  password_lock?: boolean;
  /** state=absent: userdel -f */
  force?: boolean;
  /** state=absent: userdel -r (remove home and mail spool) */
  remove?: boolean;
}

export interface UserResult extends ModuleResult {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  /** the primary group's gid */
  group?: number;
  comment?: string;
  home?: string;
  shell?: string;
  /** the groups argument, comma-joined, when given */
  groups?: string;
  system?: boolean;
  create_home?: boolean;
  append?: boolean;
  move_home?: boolean;
  force?: boolean;
  remove?: boolean;
  password?: 'NOT_LOGGING_PASSWORD';
  stdout?: string;
  stderr?: string;
}

export const userSchema = {
  type: 'object',
  properties: {
    name: ACCOUNT_NAME,
    state: { enum: ['present', 'absent'] },
    uid: { type: 'integer', minimum: 0 },
    group: ACCOUNT_NAME,
    groups: { anyOf: [{ type: 'string' }, { type: 'array', items: ACCOUNT_NAME }] },
    append: { type: 'boolean' },
    comment: { type: 'string', pattern: '^[^:\\n]*$', description: 'a comment without : or newline' },
    home: { type: 'string', pattern: '^/[^:\\n]*$', description: 'an absolute path without : or newline' },
    shell: { type: 'string', pattern: '^[^:\\n]*$', description: 'a path without : or newline' },
    create_home: { type: 'boolean' },
    move_home: { type: 'boolean' },
    system: { type: 'boolean' },
    non_unique: { type: 'boolean' },
    password: { type: 'string', pattern: '^[^:\\n]*$', description: 'a crypted password without : or newline' },
    update_password: { enum: ['always', 'on_create'] },
    password_lock: { type: 'boolean' },
    force: { type: 'boolean' },
    remove: { type: 'boolean' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

interface Passwd {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const passwdOf = (line: string): Passwd => {
  const f = line.split(':');
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f[6] };
};

export const groupOf = (line: string): GroupEntry => {
  const f = line.split(':');
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] };
};

interface Seen {
  user?: Passwd;
  /** shadow password field, when asked */
  shadow?: string;
  /** every group (getent group), for membership */
  all: GroupEntry[];
  /** the groups this task names, looked up one by one (getent group NAME) */
  named: Map<string, GroupEntry>;
  homeExists: boolean;
}

/** Ansible's list type: a string is split on commas. */
function groupList(g: string | string[] | undefined): string[] | undefined {
  if (g === undefined) return undefined;
  return (Array.isArray(g) ? g : g.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

function readScript(args: UserArgs, names: string[]): string {
  const n = shq(args.name);
  const lines = [
    `u=$(getent passwd -- ${n}) && printf 'U|%s\\n' "$u"`,
    args.password !== undefined ? `s=$(getent shadow -- ${n}) && printf 'S|%s\\n' "$s"` : ':',
    `getent group | sed 's/^/G|/'`,
    ...names.map((g) => `g=$(getent group -- ${shq(g)}) && printf 'N|%s|%s\\n' ${shq(g)} "$g"`),
    `h=${args.home !== undefined ? shq(args.home) : `$(printf '%s' "$u" | cut -d: -f6)`}`,
    `if [ -n "$h" ] && [ -d "$h" ]; then echo H; fi`,
    'exit 0',
  ];
  return lines.join('\n');
}

function parseSeen(out: string): Seen {
  const seen: Seen = { all: [], named: new Map(), homeExists: false };
  for (const line of out.split('\n')) {
    if (line.startsWith('U|')) seen.user = passwdOf(line.slice(2));
    else if (line.startsWith('S|')) seen.shadow = line.slice(2).split(':')[1] ?? '';
    else if (line.startsWith('G|')) seen.all.push(groupOf(line.slice(2)));
    else if (line.startsWith('N|')) {
      const [, key, ...rest] = line.split('|');
      seen.named.set(key, groupOf(rest.join('|')));
    } else if (line === 'H') seen.homeExists = true;
  }
  return seen;
}

/** Make a missing home directory from /etc/skel and give it to the user (Ansible's create_homedir). */
function homedirLines(home: string, owner: string): string[] {
  const h = shq(home);
  return [
    `mkdir -p -- ${h}`,
    `if [ -d /etc/skel ]; then cp -a /etc/skel/. ${h}/; fi`,
    `chown -R -- ${shq(owner)} ${h}`,
  ];
}

async function run(args: UserArgs, ctx: ModuleContext): Promise<UserResult> {
  const state = args.state ?? 'present';
  const groups = groupList(args.groups);
  // a comma-separated string is split here, so its names are checked here (a list is checked by the schema)
  const badGroup = groups?.find((g) => !new RegExp(ACCOUNT_NAME.pattern).test(g));
  if (badGroup !== undefined) {
    throw new ModuleFailure(`user ${args.name}: groups: '${badGroup}' is not a group name (letters, digits, _ . -, not starting with '-')`);
  }
  const named = [...new Set([args.name, ...(args.group !== undefined ? [args.group] : []), ...(groups ?? [])])];
  const res = await ctx.conn.exec(readScript(args, named), { become: ctx.become });
  if (res.rc !== 0) throw new ModuleFailure(`user ${args.name}: cannot read the accounts on ${ctx.host}: ${res.stderr.trim() || `rc ${res.rc}`}`);
  const seen = parseSeen(res.stdout);
  const base: UserResult = { changed: false, name: args.name, state };

  if (state === 'absent') {
    if (!seen.user) return base;
    if (ctx.check) return { ...base, changed: true, ...diffOf(ctx, args.name, { state: { before: 'present', after: 'absent' } }) };
    const argv = ['userdel', ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), '--', args.name];
    const r = await ctx.conn.exec(shJoin(argv), { become: ctx.become });
    if (r.rc !== 0) throw new ModuleFailure(`user ${args.name}: userdel failed: ${r.stderr.trim()}`, { name: args.name, rc: r.rc });
    return { ...base, changed: true, force: args.force ?? false, remove: args.remove ?? false, ...outputs(r), ...diffOf(ctx, args.name, { state: { before: 'present', after: 'absent' } }) };
  }

  const missingGroup = (g: string): never => {
    throw new ModuleFailure(`Group ${g} does not exist (user ${args.name}); create it first with the group module`, { name: args.name });
  };
  if (args.group !== undefined && !seen.named.has(args.group)) missingGroup(args.group);
  for (const g of groups ?? []) if (!seen.named.has(g)) missingGroup(g);
  const createHome = args.create_home !== false;
  const extra: Partial<UserResult> = {};
  if (groups !== undefined) extra.groups = groups.join(',');
  if (args.password !== undefined) extra.password = 'NOT_LOGGING_PASSWORD';

  let argv: string[] = [];
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  let created = false;
  if (!seen.user) {
    created = true;
    changes.state = { before: 'absent', after: 'present' };
    argv = ['useradd'];
    if (args.uid !== undefined) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
    if (args.group !== undefined) argv.push('-g', args.group);
    // a group named like the user exists: -N, or useradd fails trying to make it (Ansible does the same)
    else if (seen.named.has(args.name)) argv.push('-N');
    if (groups?.length) argv.push('-G', groups.join(','));
    if (args.comment !== undefined) argv.push('-c', args.comment);
    if (args.home !== undefined) argv.push('-d', args.home);
    if (args.shell !== undefined) argv.push('-s', args.shell);
    if (args.password !== undefined) argv.push('-p', args.password_lock ? `!${args.password}` : args.password);
    argv.push(createHome ? '-m' : '-M');
    if (args.system) argv.push('-r');
    if (ctx.check) return { ...base, changed: true, ...extra, ...diffOf(ctx, args.name, changes) };
  } else {
    const u = seen.user;
    const opts: string[] = [];
    if (args.uid !== undefined && u.uid !== args.uid) {
      opts.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
      changes.uid = { before: u.uid, after: args.uid };
    }
    if (args.group !== undefined) {
      const g = seen.named.get(args.group) as GroupEntry;
      if (g.gid !== u.gid) {
        opts.push('-g', String(g.gid));
        changes.group = { before: u.gid, after: g.gid };
      }
    }
    if (groups !== undefined) {
      const current = seen.all.filter((g) => g.members.includes(args.name)).map((g) => g.name);
      const want = new Set(groups);
      const diff = [...current.filter((g) => !want.has(g)), ...groups.filter((g) => !current.includes(g))];
      const need = groups.length === 0 ? current.length > 0 && !args.append : args.append ? groups.some((g) => !current.includes(g)) : diff.length > 0;
      if (need) {
        if (args.append) opts.push('-a');
        opts.push('-G', groups.join(','));
        const after = args.append ? [...new Set([...current, ...groups])] : groups;
        changes.groups = { before: current.join(','), after: after.join(',') };
      }
    }
    if (args.comment !== undefined && u.comment !== args.comment) {
      opts.push('-c', args.comment);
      changes.comment = { before: u.comment, after: args.comment };
    }
    if (args.home !== undefined && u.home !== args.home) {
      opts.push('-d', args.home, ...(args.move_home ? ['-m'] : []));
      changes.home = { before: u.home, after: args.home };
    }
    if (args.shell !== undefined && u.shell !== args.shell) {
      opts.push('-s', args.shell);
      changes.shell = { before: u.shell, after: args.shell };
    }
    const locked = seen.shadow?.startsWith('!') ?? false;
    let lockOpt: string[] = [];
    if (args.password_lock === true && seen.shadow !== undefined && !locked) lockOpt = ['-L'];
    else if (args.password_lock === false && locked) lockOpt = ['-U'];
    const pw = args.password;
    if ((args.update_password ?? 'always') === 'always' && pw !== undefined && seen.shadow?.replace(/^!+/, '') !== pw.replace(/^!+/, '')) {
      lockOpt = [];
      opts.push('-p', args.password_lock ? `!${pw}` : pw);
      changes.password = { before: '(hidden)', after: '(hidden)' };
    }
    if (lockOpt.length) changes.password_lock = { before: locked, after: !locked };
    opts.push(...lockOpt);
    if (opts.length) argv = ['usermod', ...opts];
  }

  // a missing home directory is made for an existing account too (Ansible's create_homedir);
  // useradd -m and usermod -d -m make it themselves
  const home = args.home ?? seen.user?.home;
  const needHome = !created && createHome && !!home && !seen.homeExists && !(changes.home && args.move_home);
  if (needHome) changes.home_directory = { before: 'absent', after: 'directory' };
  const changed = argv.length > 0 || needHome;
  if (ctx.check || !changed) {
    const u = seen.user as Passwd;
    return { ...base, changed, ...extra, append: args.append ?? false, move_home: args.move_home ?? false, ...info(u), ...diffOf(ctx, args.name, changes) };
  }

  const steps = ['set -e'];
  if (created && createHome && args.home !== undefined) steps.push(`mkdir -p -- "$(dirname -- ${shq(args.home)})"`);
  if (argv.length) steps.push(shJoin([...argv, '--', args.name]));
  if (needHome) steps.push(...homedirLines(home as string, args.name));
  steps.push(`getent passwd -- ${shq(args.name)} | sed 's/^/U|/'`);
  const r = await ctx.conn.exec(steps.join('\n'), { become: ctx.become });
  const after = parseSeen(r.stdout).user;
  if (r.rc !== 0 || !after) {
    throw new ModuleFailure(`user ${args.name}: ${argv[0] ?? 'making the home directory'} failed: ${r.stderr.trim() || `rc ${r.rc}`}`, { name: args.name, rc: r.rc });
  }
  const kind: Partial<UserResult> = created ? { system: args.system ?? false, create_home: createHome } : { append: args.append ?? false, move_home: args.move_home ?? false };
  return { ...base, changed: true, ...kind, ...extra, ...info(after), ...outputs(r), ...diffOf(ctx, args.name, changes) };
}

function info(u: Passwd | undefined): Partial<UserResult> {
  return u ? { uid: u.uid, group: u.gid, comment: u.comment, home: u.home, shell: u.shell } : {};
}

function outputs(r: { stdout: string; stderr: string }): Partial<UserResult> {
  const out = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('U|')).join('\n');
  return { ...(out ? { stdout: out } : {}), ...(r.stderr.trim() ? { stderr: r.stderr } : {}) };
}

function diffOf(ctx: ModuleContext, name: string, attrs: FileDiff['attrs'] & object): { diff?: FileDiff[] } {
  return ctx.diff && Object.keys(attrs).length ? { diff: [{ path: `user:${name}`, attrs }] } : {};
}

export const user = defineModule<UserArgs, UserResult>({ name: 'user', schema: userSchema, run });
