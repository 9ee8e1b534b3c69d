import { shq } from '../../util/shell.js';
import type { ModuleContext } from '../types.js';
import { ModuleFailure } from '../types.js';
import type { AttrPlan, FileAttrArgs } from './attrs.js';
import { putViaHelper, sha1Hex, stagedWriteLines } from '../../connection/files.js';
import type { ExecResult } from '../../connection/types.js';

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

function writeScript(spec: WriteSpec): string {
  const lines = ['set -e', `d=${shq(spec.dest)}`];
  if (spec.followLink) lines.push(`if [ -L "$d" ]; then d=$(readlink -f -- "$d"); fi`);
  if (spec.content === undefined) return [...lines, ...spec.plan.script].join('\n');
  lines.push(`case $d in /*) ;; *) d="$PWD/$d";; esac`);
  if (spec.mkdirs) lines.push(`mkdir -p -- "$(dirname -- "$d")"`);
  else lines.push(`[ -d "$(dirname -- "$d")" ] || { echo "directory $(dirname -- "$d") does not exist; create it first" >&2; exit 1; }`);
  lines.push(
    ...stagedWriteLines({
      sha1: sha1Hex(spec.content),
      mode: spec.plan.mode,
      owner: spec.attrs.owner,
      group: spec.attrs.group,
      backup: spec.backup,
      validate: spec.validate ? { command: spec.validate, failed: VALIDATE_FAILED } : undefined,
    }),
  );
  return lines.join('\n');
}

/** Apply `spec` on the host; failures name the path and, for validate, the validator output. */
export async function writeFile(ctx: ModuleContext, spec: WriteSpec): Promise<WriteOutcome> {
  const res = (await viaHelper(ctx, spec)) ?? (await ctx.conn.exec(writeScript(spec), { stdin: spec.content ?? '', become: ctx.become }));
  if (res.rc !== 0) {
    const err = res.stderr.trim();
    if (res.rc === 97 && err.includes(VALIDATE_FAILED)) {
      const out = err.slice(0, err.lastIndexOf(VALIDATE_FAILED)).trim();
      throw new ModuleFailure(
        `${spec.dest}: validate '${spec.validate}' rejected the new content; the file was not changed${out ? `: ${out}` : ''}`,
      );
    }
    throw new ModuleFailure(`${spec.dest}: cannot write: ${err || `rc ${res.rc}`} (check the path and permissions, or use become)`);
  }
  const m = /^B\|(.*)$/m.exec(res.stdout);
  return m ? { backupFile: m[1] } : {};
}

/** The plain case (new content, no validate, no backup) written by the host's helper, if it has one. */
function viaHelper(ctx: ModuleContext, spec: WriteSpec): Promise<ExecResult | undefined> | undefined {
  if (spec.content === undefined || spec.validate || spec.backup) return undefined;
  const { owner, group } = spec.attrs;
  return putViaHelper(ctx.conn, { path: spec.dest, mode: spec.plan.mode, owner, group, mkdirs: spec.mkdirs, followLink: spec.followLink }, spec.content, ctx.become);
}
