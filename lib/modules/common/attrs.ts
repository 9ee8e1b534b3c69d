import { shq } from '../../util/shell.js';
import { formatMode, isOctal, resolveMode } from './mode.js';
import type { PathState } from './probe.js';
import { ownerSpec } from '../../connection/files.js';

// Planning of mode/owner/group: compare what the probe saw with what the task asks for, and
// produce both the diff entries and the shell lines that make it so.

export interface FileAttrArgs {
  /** octal ('0644') or symbolic ('u=rw,g=r,o=r') */
  mode?: string;
  /** user name (or numeric uid) */
  owner?: string;
  /** group name (or numeric gid) */
  group?: string;
}

export type AttrChanges = Record<string, { before: unknown; after: unknown }>;

export interface AttrPlan {
  /** resolved target mode ('0644'), when a mode was asked for */
  mode?: string;
  changes: AttrChanges;
  /** sh lines applying the changes to the existing path */
  script: string[];
}

export const fileAttrSchema = {
  mode: { type: 'string', minLength: 1 },
  owner: { type: 'string', minLength: 1 },
  group: { type: 'string', minLength: 1 },
} as const;

function sameId(want: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/**
 * Attribute changes for `path` whose current state is `st` (absent: the file is about to be
 * created with `defaultMode`). `recurse` makes the script apply to everything below a directory.
 */
export function planAttrs(
  path: string,
  st: PathState | undefined,
  want: FileAttrArgs,
  opts: { isDir: boolean; defaultMode?: number; recurse?: boolean },
): AttrPlan {
  const changes: AttrChanges = {};
  const script: string[] = [];
  const exists = st?.exists === true;
  const current = exists && st?.mode ? parseInt(st.mode, 8) : (opts.defaultMode ?? (opts.isDir ? 0o755 : 0o644));
  let mode: string | undefined;
  if (want.mode !== undefined) {
    mode = formatMode(resolveMode(want.mode, current, opts.isDir, path));
    if (!exists || st?.mode !== mode) {
      changes.mode = { before: exists ? st?.mode : undefined, after: mode };
      if (exists) script.push(`chmod ${opts.recurse ? '-R ' : ''}${recurseMode(want.mode, mode, opts.recurse)} -- ${shq(path)}`);
    }
  }
  if (want.owner !== undefined && !(exists && sameId(want.owner, st?.owner, st?.uid))) {
    changes.owner = { before: exists ? st?.owner : undefined, after: want.owner };
  }
  if (want.group !== undefined && !(exists && sameId(want.group, st?.group, st?.gid))) {
    changes.group = { before: exists ? st?.group : undefined, after: want.group };
  }
  if (exists && (changes.owner || changes.group)) {
    const who = ownerSpec(changes.owner ? want.owner : undefined, changes.group ? want.group : undefined);
    script.push(`chown ${opts.recurse ? '-R ' : ''}${shq(who)} -- ${shq(path)}`);
  }
  return { mode, changes, script };
}

// With recurse, a symbolic mode is applied per file by chmod itself ('u+X' means different
// things for files and directories); an octal mode is the same everywhere.
function recurseMode(spec: string, resolved: string, recurse: boolean | undefined): string {
  return shq(recurse && !isOctal(spec) ? spec.trim() : resolved);
}
