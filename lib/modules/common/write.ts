import { shq } from '../../util/shell.js';
import type { ModuleContext } from '../types.js';
import { ModuleFailure } from '../types.js';
import type { AttrPlan, FileAttrArgs } from './attrs.js';
import { putViaHelper, sha1Hex, stagedWriteLines } from '../../connection/files.js';
import type { BasedOn, ExecResult } from '../../connection/types.js';
import { ChangedMeanwhile, isChangedMeanwhile } from './replan.js';

// The apply step of every content-managing module, in one exec: content arrives on stdin into a
// private temp directory beside the destination, is checked against its checksum, validated, the
// old file is backed up, and a rename puts the new one in place (connection/files.ts). The trap
// removes the temp directory on every failure path, so a failed validate or a cut-off transfer
// leaves the directory as it was.

export interface WriteSpec {
  dest: string;
  /** new content; undefined = content unchanged, only attributes are applied */
  content?: Buffer | string;
  attrs: FileAttrArgs;
  plan: AttrPlan;
  /** command with %s for the temp file, e.g. 'visudo -cf %s' */
  validate?: string;
  backup?: boolean;
  /** create missing parent directories (lineinfile/blockinfile create=true) */
  mkdirs?: boolean;
  /** write through a symlink to its target (lineinfile/blockinfile), instead of replacing it */
  followLink?: boolean;
  /** commit only if dest still holds what the content was planned from (read-modify-write modules) */
  basedOn?: BasedOn;
  /**
   * the new content is a file on the host (copy remote_src): it is copied into the private temp
   * directory there and committed only if it still has this sha1; `content` is then undefined
   */
  fromHost?: { path: string; sha1: string };
}

export interface WriteOutcome {
  backupFile?: string;
}

const VALIDATE_FAILED = 'tsplay: validation failed with rc';

export function checkValidate(validate: string | undefined, dest: string): void {
  if (validate !== undefined && !validate.includes('%s')) {
    throw new ModuleFailure(`${dest}: validate must contain %s (the file to check), e.g. 'visudo -cf %s'`);
  }
}

/**
 * Lines that make sure the directory of `$d` exists (creating it when `mkdirs`), naming what is
 * wrong where: mkdir alone would say "File exists" or "Not a directory" when an ancestor is a file.
 */
function parentDirLines(mkdirs: boolean): string[] {
  return [
    `p=$(dirname -- "$d")`,
    `if [ ! -d "$p" ]; then`,
    `  a=$p; while [ ! -e "$a" ] && [ ! -L "$a" ]; do a=$(dirname -- "$a"); done`,
    `  [ -d "$a" ] || { echo "$a is not a directory, so $d cannot be written under it; remove it or choose another path" >&2; exit 1; }`,
    mkdirs ? `  mkdir -p -- "$p"` : `  echo "directory $p does not exist; create it first" >&2; exit 1`,
    `fi`,
  ];
}

function writeScript(spec: WriteSpec): string {
  const lines = ['set -e', `d=${shq(spec.dest)}`];
  if (spec.followLink) lines.push(`if [ -L "$d" ]; then d=$(readlink -f -- "$d"); fi`);
  if (spec.content === undefined && !spec.fromHost) return [...lines, ...spec.plan.script].join('\n');
  lines.push(`case $d in /*) ;; *) d="$PWD/$d";; esac`);
  lines.push(...parentDirLines(spec.mkdirs === true));
  // the staged write reads its content from stdin: for a host file, that file
  if (spec.fromHost) lines.push(`exec < ${shq(spec.fromHost.path)}`);
  lines.push(
    ...stagedWriteLines({
      sha1: spec.fromHost ? spec.fromHost.sha1 : sha1Hex(spec.content ?? ''),
      mode: spec.plan.mode,
      owner: spec.attrs.owner,
      group: spec.attrs.group,
      backup: spec.backup,
      validate: spec.validate ? { command: spec.validate, failed: VALIDATE_FAILED } : undefined,
      basedOn: spec.basedOn,
    }),
  );
  return lines.join('\n');
}

/** Apply `spec` on the host; failures name the path and, for validate, the validator output. */
export async function writeFile(ctx: ModuleContext, spec: WriteSpec): Promise<WriteOutcome> {
  const res = (await viaHelper(ctx, spec)) ?? (await ctx.conn.exec(writeScript(spec), { stdin: spec.content ?? '', become: ctx.become }));
  if (res.rc !== 0) {
    const err = res.stderr.trim();
    if (isChangedMeanwhile(res)) throw new ChangedMeanwhile(spec.dest);
    if (res.rc === 97 && err.includes(VALIDATE_FAILED)) {
      const out = err.slice(0, err.lastIndexOf(VALIDATE_FAILED)).trim();
      throw new ModuleFailure(
        `${spec.dest}: validate '${spec.validate}' rejected the new content; the file was not changed${out ? `: ${out}` : ''}`,
      );
    }
    throw new ModuleFailure(writeError(spec.dest, err || `rc ${res.rc}`));
  }
  const m = /^B\|(.*)$/m.exec(res.stdout);
  return m ? { backupFile: m[1] } : {};
}

/** What a failed write says: what went wrong, where, and what to do when we know. */
function writeError(dest: string, err: string): string {
  if (/No space left on device|Disk quota exceeded/i.test(err)) {
    const why = /quota/i.test(err) ? 'the disk quota is exhausted' : 'the filesystem is full';
    return `${dest}: cannot write: ${why} (${err}); free some space there and run again; the file was not changed`;
  }
  if (/Permission denied|Operation not permitted|Read-only file system/i.test(err)) {
    return `${dest}: cannot write: ${err} (check the path and permissions, or use become)`;
  }
  return `${dest}: cannot write: ${err}`;
}

/** The plain case (new content, no validate, no backup) written by the host's helper, if it has one. */
function viaHelper(ctx: ModuleContext, spec: WriteSpec): Promise<ExecResult | undefined> | undefined {
  if (spec.content === undefined || spec.validate || spec.backup) return undefined;
  const { owner, group } = spec.attrs;
  const put = { path: spec.dest, mode: spec.plan.mode, owner, group, mkdirs: spec.mkdirs, followLink: spec.followLink, basedOn: spec.basedOn };
  return putViaHelper(ctx.conn, put, spec.content, ctx.become);
}
