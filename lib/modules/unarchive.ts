import { shq } from '../util/shell.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { fileAttrSchema } from './common/attrs.js';
import type { FileAttrArgs } from './common/attrs.js';
import { isOctal } from './common/mode.js';

// unarchive with remote_src: a tar archive (plain, gz, bz2, xz, zstd: GNU tar picks the filter)
// already on the host is unpacked into an existing directory, as Ansible 2.14's unarchive does
// for tar: `tar --diff` against dest decides whether anything differs (one round trip, which also
// lists the members and checks owner/group/mode when asked), so an unpacked archive is no change.
// Unpacking goes into a private temp directory inside dest first; its entries are then renamed
// into place one by one (a directory that dest lacks moves whole), so a failed or cut-off unpack
// leaves dest as it was, and no file is ever half-written at its final name.

export interface UnarchiveArgs extends FileAttrArgs {
  /** the archive: an absolute path on the host (remote_src must be true) */
  src: string;
  /** an existing directory */
  dest: string;
  /** src is on the host; the only form supported (copy a controller archive there first) */
  remote_src: boolean;
  /** a path that, when it exists, means the archive was unpacked already */
  creates?: string;
  /** more tar options, e.g. ['--strip-components=1'] (used for --diff too) */
  extra_opts?: string[];
  /** return the member names as `files` */
  list_files?: boolean;
  /** member names (or patterns) to leave out */
  exclude?: string[];
}

export interface UnarchiveResult extends ModuleResult {
  dest: string;
  src: string;
  handler: 'TgzArchive';
  files?: string[];
  extract_results?: { cmd: string[]; rc: number; out: string; err: string };
}

export const unarchiveSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', pattern: '^/', description: 'an absolute path on the host' },
    dest: { type: 'string', pattern: '^/', description: 'an absolute path of an existing directory on the host' },
    remote_src: { type: 'boolean' },
    creates: { type: 'string', minLength: 1 },
    extra_opts: { type: 'array', items: { type: 'string', pattern: '^-', description: "a tar option such as --strip-components=1 (starting with '-')" } },
    list_files: { type: 'boolean' },
    exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
    ...fileAttrSchema,
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

/** the tar options both --diff and --extract get (archive by -f, so a name can never be an option) */
function tarOpts(args: UnarchiveArgs): string {
  const ex = (args.exclude ?? []).map((e) => shq(`--exclude=${e}`));
  return [...(args.extra_opts ?? []).map((o) => shq(o)), ...ex].join(' ');
}

function readScript(args: UnarchiveArgs): string {
  const attrCheck: string[] = [];
  if (args.owner !== undefined || args.group !== undefined || args.mode !== undefined) {
    // members whose owner, group or mode differ from what the task asks (after --strip-components
    // the names differ: then every member is checked by its stripped name when it exists)
    attrCheck.push(
      `tar -t -f "$s" ${tarOpts(args)} --show-transformed-names 2>/dev/null | while IFS= read -r m; do`,
      `  case $m in ""|/) continue;; esac; p="$d/$m"; [ -e "$p" ] || [ -L "$p" ] || continue`,
      `  printf 'A|%s\\n' "$(stat -c '%U|%G|%u|%g|%a' -- "$p")"`,
      'done',
    );
  }
  return [
    `s=${shq(args.src)}; d=${shq(args.dest)}`,
    args.creates !== undefined ? `if [ -e ${shq(args.creates)} ]; then echo CREATES; exit 0; fi` : ':',
    `if [ ! -f "$s" ]; then echo NOSRC; exit 0; fi`,
    `if [ ! -d "$d" ]; then echo NODEST; exit 0; fi`,
    `l=$(tar -t -f "$s" ${tarOpts(args)} --show-transformed-names 2>&1) || { printf 'BAD|%s\\n' "$(printf %s "$l" | tail -n 3 | tr '\\n' ' ')"; exit 0; }`,
    `printf '%s\\n' "$l" | sed 's/^/M|/'`,
    `tar -d -f "$s" -C "$d" ${tarOpts(args)} 2>&1 | sed 's/^/D|/'`,
    ...attrCheck,
  ].join('\n');
}

/** The apply step: unpack into a private temp dir in dest, then rename entries into place. */
function extractScript(args: UnarchiveArgs): string {
  const chown = args.owner !== undefined || args.group !== undefined ? `${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}` : undefined;
  return [
    'set -e',
    `s=${shq(args.src)}; d=${shq(args.dest)}`,
    `w= && trap 'cd / && [ -n "$w" ] && rm -rf -- "$w"' EXIT && trap 'exit 143' TERM HUP INT`,
    `w=$(mktemp -d -- "$d/.tsplay.XXXXXX")`,
    `mkdir -- "$w/t"`,
    `tar -x -f "$s" -C "$w/t" ${tarOpts(args)}`,
    // attributes are set in the temp tree, before anything appears at its final name
    chown !== undefined ? `chown -R -h -- ${shq(chown)} "$w/t"` : ':',
    args.mode !== undefined ? `find "$w/t" -mindepth 1 ! -type l -exec chmod ${shq(args.mode)} -- {} +` : ':',
    'merge() {',
    '  local e r',
    '  for e in "$w/t/$1"/* "$w/t/$1"/.[!.]* "$w/t/$1"/..?*; do',
    '    [ -e "$e" ] || [ -L "$e" ] || continue',
    '    r=${e#"$w/t/"}',
    '    if [ -d "$e" ] && [ ! -L "$e" ] && [ -d "$d/$r" ] && [ ! -L "$d/$r" ]; then merge "$r"; else mv -fT -- "$e" "$d/$r"; fi',
    '  done',
    '}',
    'merge .',
  ].join('\n');
}

async function run(args: UnarchiveArgs, ctx: ModuleContext): Promise<UnarchiveResult> {
  const what = `unarchive ${args.src}`;
  if (args.remote_src !== true) {
    throw new ModuleFailure(`${what}: only remote_src: true is supported (the archive already on the host); copy it there first with copy or get_url`);
  }
  const base: UnarchiveResult = { changed: false, dest: args.dest, src: args.src, handler: 'TgzArchive' };
  const r = await ctx.conn.exec(readScript(args), { become: ctx.become });
  if (r.rc !== 0) throw new ModuleFailure(`${what}: cannot inspect it on ${ctx.host}: ${r.stderr.trim() || `rc ${r.rc}`}`);
  const lines = r.stdout.split('\n');
  if (lines.includes('CREATES')) return { ...base, msg: `skipped, since ${args.creates} exists` };
  if (lines.includes('NOSRC')) throw new ModuleFailure(`Source '${args.src}' does not exist on ${ctx.host} (unarchive with remote_src reads the host)`);
  if (lines.includes('NODEST')) throw new ModuleFailure(`Destination '${args.dest}' is not a directory; create it first (file state=directory)`);
  const bad = lines.find((l) => l.startsWith('BAD|'));
  if (bad) throw new ModuleFailure(`Failed to find handler for "${args.src}": tar cannot read it (${bad.slice(4).trim()}); only tar archives (gz, bz2, xz, zstd) are supported`);
  const files = lines.filter((l) => l.startsWith('M|')).map((l) => l.slice(2)).filter((l) => l !== '' && l !== '/');
  // differences tar --diff reports; owner and mode are judged by what the task asks, not the archive
  const ignore = [args.owner !== undefined || args.group !== undefined ? /: (Uid|Gid) differs$/ : undefined, args.mode !== undefined ? /: Mode differs$/ : undefined];
  const diffs = lines
    .filter((l) => l.startsWith('D|'))
    .map((l) => l.slice(2))
    // a member stripped to nothing (--strip-components of the top directory) is "Cannot stat: ''"
    .filter((l) => l !== '' && !l.startsWith('tar: : ') && !ignore.some((re) => re?.test(l)));
  const attrsOff = lines
    .filter((l) => l.startsWith('A|'))
    .some((l) => {
      const [u, g, uid, gid, mode] = l.slice(2).split('|');
      const same = (want: string | undefined, name: string, id: string) => want === undefined || want === name || want === id;
      const modeOk = args.mode === undefined || !isOctal(args.mode) || parseInt(args.mode, 8) === parseInt(mode, 8);
      return !same(args.owner, u, uid) || !same(args.group, g, gid) || !modeOk;
    });
  const changed = diffs.length > 0 || attrsOff;
  const out: UnarchiveResult = { ...base, changed, ...(args.list_files ? { files } : {}) };
  if (ctx.diff && changed) out.diff = [{ path: args.dest, attrs: { unarchived: { before: diffs.slice(0, 20).join('; ') || 'owner/group/mode differ', after: `${files.length} entries of ${args.src}` } } }];
  if (!changed || ctx.check) return out;
  const x = await ctx.conn.exec(extractScript(args), { become: ctx.become });
  const cmd = ['tar', '-x', '-f', args.src, '-C', args.dest, ...(args.extra_opts ?? [])];
  if (x.rc !== 0) {
    throw new ModuleFailure(`${what}: unpacking into ${args.dest} failed, and dest was left as it was: ${x.stderr.trim() || `rc ${x.rc}`}`, {
      ...base,
      extract_results: { cmd, rc: x.rc, out: x.stdout, err: x.stderr },
    });
  }
  return { ...out, extract_results: { cmd, rc: 0, out: x.stdout, err: x.stderr } };
}

export const unarchive = defineModule<UnarchiveArgs, UnarchiveResult>({ name: 'unarchive', schema: unarchiveSchema, run });
