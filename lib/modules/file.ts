import { posix } from 'node:path';
import { shq, shqNamed } from '../util/shell.js';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import type { AttrPlan, FileAttrArgs } from './common/attrs.js';
import { fileAttrSchema, planAttrs } from './common/attrs.js';
import { ownerSpec } from '../connection/files.js';
import { isOctal, resolveMode } from './common/mode.js';
import type { PathState, ProbeSpec } from './common/probe.js';
import { parseProbe, runProbe } from './common/probe.js';

// file: the state of a path (file, directory, link, absent, touch) and its mode/owner/group.
// One exec reads the path (and a link's src, and with recurse whether anything below differs);
// one more applies the plan.

export type FileState = 'file' | 'directory' | 'absent' | 'link' | 'touch';

export interface FileArgs extends FileAttrArgs {
  path: string;
  /** default: the current type of path, or 'file' */
  state?: FileState;
  /** target of a link (state=link); relative targets are relative to the link's directory */
  src?: string;
  /** state=directory: apply mode/owner/group to everything below too */
  recurse?: boolean;
  /** state=link: replace an existing file (or empty directory) / link to a missing src */
  force?: boolean;
  /** act on what a symlink points to (default true) */
  follow?: boolean;
}

export interface FileResult extends ModuleResult {
  path: string;
  state: FileState | 'other';
  mode?: string;
  owner?: string;
  group?: string;
  src?: string;
}

export const fileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    state: { enum: ['file', 'directory', 'absent', 'link', 'touch'] },
    src: { type: 'string', minLength: 1 },
    recurse: { type: 'boolean' },
    force: { type: 'boolean' },
    follow: { type: 'boolean' },
    ...fileAttrSchema,
  },
  required: ['path'],
  additionalProperties: false,
} as const;

const RECURSE_MARK = 'R|differs';

/**
 * Probe lines telling whether anything below a directory differs from what recurse asks for:
 * find(1) tests for octal modes and owners; for a symbolic mode ('u+X' means different things
 * per entry) every entry's type and mode is listed and compared on the controller.
 */
function recurseCheck(path: string, a: FileAttrArgs): string | undefined {
  const tests: string[] = [];
  const lines: string[] = [];
  // find(1) takes no --: a path starting with - would be read as an expression (-delete)
  const start = shq(path.startsWith('-') ? `./${path}` : path);
  if (a.mode !== undefined) {
    if (isOctal(a.mode)) tests.push(`! -perm ${shq(a.mode.trim().replace(/^0*(?=[0-7]{3})/, ''))}`);
    else lines.push(`find ${start} -mindepth 1 ! -type l -printf 'M|%y|%m\\n'`);
  }
  if (a.owner !== undefined) tests.push(`! ${/^\d+$/.test(a.owner) ? '-uid' : '-user'} ${shq(a.owner)}`);
  if (a.group !== undefined) tests.push(`! ${/^\d+$/.test(a.group) ? '-gid' : '-group'} ${shq(a.group)}`);
  if (tests.length) {
    lines.push(`if [ -n "$(find ${start} -mindepth 1 \\( ${tests.join(' -o ')} \\) -print -quit)" ]; then echo '${RECURSE_MARK}'; fi`);
  }
  return lines.length ? `if [ -d ${shq(path)} ]; then\n${lines.join('\n')}\nfi` : undefined;
}

function recurseDiffers(stdout: string, a: FileAttrArgs, path: string): boolean {
  if (stdout.includes(RECURSE_MARK)) return true;
  if (a.mode === undefined || isOctal(a.mode)) return false;
  for (const m of stdout.matchAll(/^M\|(\w)\|([0-7]+)$/gm)) {
    const cur = parseInt(m[2], 8);
    if (resolveMode(a.mode, cur, m[1] === 'd', path) !== cur) return true;
  }
  return false;
}

function kind(st: PathState): FileResult['state'] {
  return st.exists ? (st.type ?? 'other') : 'absent';
}

interface Plan {
  before: FileResult['state'];
  after: FileState;
  /** sh lines; empty = nothing to do */
  script: string[];
  attrs: AttrPlan;
  /** always report a change (touch) */
  touched?: boolean;
}

function fail(msg: string): never {
  throw new ModuleFailure(msg);
}

function planFor(args: FileArgs, st: PathState, src: PathState | undefined, recurseDiffers: boolean): Plan {
  const p = shqNamed(args.path, "argument 'path'");
  const before = kind(st);
  const want = args.state ?? (st.exists && (before === 'directory' || before === 'link') ? before : 'file');
  const none: AttrPlan = { changes: {}, script: [] };
  switch (want) {
    case 'absent':
      return { before, after: 'absent', attrs: none, script: st.exists ? [`rm -rf -- ${p}`] : [] };
    case 'file': {
      if (!st.exists) fail(`file ${args.path} is absent, cannot continue: use state=touch to create it, or copy/template to give it content`);
      if (before !== 'file') fail(`${args.path} is a ${before}, not a file: use state=${before === 'directory' ? 'directory' : 'link'} or remove it first`);
      const attrs = planAttrs(args.path, st, args, { isDir: false });
      return { before, after: 'file', attrs, script: attrs.script };
    }
    case 'directory': {
      if (st.exists && before !== 'directory') fail(`${args.path} already exists as a ${before}; remove it first (state=absent) to make a directory there`);
      const attrs = planAttrs(args.path, st.exists ? st : undefined, args, { isDir: true, recurse: args.recurse });
      const script = st.exists ? [...attrs.script] : [`mkdir -p -- ${p}`, ...newAttrLines(args, attrs, p)];
      if (args.recurse && recurseDiffers && !attrs.script.length) {
        // the top matches but something below does not
        attrs.changes.recurse = { before: 'entries below differ', after: 'all entries match' };
        if (args.mode !== undefined) script.push(`chmod -R ${shq(args.mode)} -- ${p}`);
        if (args.owner !== undefined || args.group !== undefined) {
          script.push(`chown -R ${shq(ownerSpec(args.owner, args.group))} -- ${p}`);
        }
      }
      return { before, after: 'directory', attrs, script };
    }
    case 'touch': {
      if (st.exists && before === 'directory') {
        const attrs = planAttrs(args.path, st, args, { isDir: true });
        return { before, after: 'touch', attrs, script: [`touch -c -- ${p}`, ...attrs.script], touched: true };
      }
      const attrs = planAttrs(args.path, st.exists ? st : undefined, args, { isDir: false });
      const script = [`touch -- ${p}`, ...(st.exists ? attrs.script : newAttrLines(args, attrs, p))];
      return { before, after: 'touch', attrs, script, touched: true };
    }
    case 'link':
      return planLink(args, st, src);
  }
}

/** Attribute lines for a path the script has just created. */
function newAttrLines(args: FileAttrArgs, attrs: AttrPlan, p: string): string[] {
  const lines: string[] = [];
  if (attrs.mode) lines.push(`chmod ${attrs.mode} -- ${p}`);
  if (args.owner !== undefined || args.group !== undefined) {
    lines.push(`chown ${shq(ownerSpec(args.owner, args.group))} -- ${p}`);
  }
  return lines;
}

function planLink(args: FileArgs, st: PathState, src: PathState | undefined): Plan {
  const p = shqNamed(args.path, "argument 'path'");
  const before = kind(st);
  const target = args.src ?? (before === 'link' ? st.linkTarget : undefined);
  if (target === undefined) fail(`file ${args.path}: state=link needs src (the path the link points to)`);
  if (src && !src.exists && !args.force) {
    fail(`file ${args.path}: link src ${target} does not exist; set force: true to create a dangling link`);
  }
  const script: string[] = [];
  if (before === 'link') {
    if (st.linkTarget !== target) script.push(`ln -sfn -- ${shq(target)} ${p}`);
  } else if (before === 'absent') {
    script.push(`ln -s -- ${shq(target)} ${p}`);
  } else if (!args.force) {
    fail(`file ${args.path}: refusing to replace the existing ${before} with a symlink; set force: true to replace it`);
  } else if (before === 'directory') {
    script.push(`rmdir -- ${p} || { echo "${args.path} is a non-empty directory; remove it first" >&2; exit 1; }`, `ln -s -- ${shq(target)} ${p}`);
  } else {
    script.push(`ln -sf -- ${shq(target)} ${p}`);
  }
  // a link has no mode of its own on Linux; owner/group apply to the link itself (chown -h)
  const linkState = before === 'link' && script.length === 0 ? st : undefined;
  const attrs = planAttrs(args.path, linkState, { owner: args.owner, group: args.group }, { isDir: false });
  if (attrs.changes.owner || attrs.changes.group) {
    script.push(`chown -h ${shq(ownerSpec(args.owner, args.group))} -- ${p}`);
  }
  if (script.length && before !== 'link') attrs.changes.src = { before: undefined, after: target };
  else if (before === 'link' && st.linkTarget !== target) attrs.changes.src = { before: st.linkTarget, after: target };
  return { before, after: 'link', attrs, script };
}

async function run(args: FileArgs, ctx: ModuleContext): Promise<FileResult> {
  const wantLink = args.state === 'link';
  const follow = args.follow !== false && args.state !== 'absent' && !wantLink;
  const specs: ProbeSpec[] = [{ path: args.path, follow }];
  if (wantLink && args.src !== undefined) {
    specs.push({ path: posix.resolve(posix.dirname(args.path), args.src), follow: true });
  }
  const extra = args.recurse && args.state === 'directory' ? recurseCheck(args.path, args) : undefined;
  const res = await runProbe(ctx, specs, extra);
  if (res.rc !== 0) throw new ModuleFailure(`file: cannot inspect ${args.path}: ${res.stderr.trim() || `rc ${res.rc}`} (check permissions, or use become)`);
  const [st, src] = parseProbe(res.stdout, specs);
  const plan = planFor(args, st, src, extra !== undefined && recurseDiffers(res.stdout, args, args.path));
  const changes = { ...plan.attrs.changes };
  const stateAfter = plan.after === 'touch' ? (plan.before === 'directory' ? 'directory' : 'file') : plan.after;
  if (plan.before !== stateAfter) changes.state = { before: plan.before, after: stateAfter };
  const changed = plan.touched === true || plan.script.length > 0;
  const result: FileResult = {
    changed,
    path: args.path,
    state: stateAfter,
  };
  if (stateAfter !== 'absent') {
    result.mode = plan.attrs.mode ?? (stateAfter === 'link' ? undefined : st.mode);
    result.owner = args.owner ?? st.owner;
    result.group = args.group ?? st.group;
  }
  if (stateAfter === 'link') result.src = args.src ?? st.linkTarget;
  if (ctx.diff && Object.keys(changes).length) result.diff = [{ path: args.path, attrs: changes } satisfies FileDiff];
  if (!changed || ctx.check) return result;
  const out = await ctx.conn.exec(['set -e', ...plan.script].join('\n'), { become: ctx.become });
  if (out.rc !== 0) {
    throw new ModuleFailure(`file ${args.path}: could not reach state=${plan.after}: ${out.stderr.trim() || `rc ${out.rc}`}`);
  }
  return result;
}

export const file = defineModule<FileArgs, FileResult>({ name: 'file', schema: fileSchema, run });
