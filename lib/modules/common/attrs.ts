import { shq } from '../../util/shell.js';
import { formatMode, resolveMode } from './mode.js';
import type { PathState } from './probe.js';

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
    const who = `${changes.owner ? want.owner : ''}${changes.group ? ':' + want.group : ''}`;
    script.push(`chown ${opts.recurse ? '-R ' : ''}${shq(who)} -- ${shq(path)}`);
  }
  return { mode, changes, script };
}

// With recurse, a symbolic mode is applied per file by chmod itself ('u+X' means different
// things for files and directories); an octal mode is the same everywhere.
function recurseMode(spec: string, resolved: string, recurse: boolean | undefined): string {
  return shq(recurse && !/^[0-7]+$/.test(spec.trim()) ? spec.trim() : resolved);
}

/** Lines making a fresh temp file "$t" carry the wanted (or preserved) attributes; `d` is a shell word. */
export function tempAttrLines(d: string, plan: AttrPlan, want: FileAttrArgs): string[] {
  const lines: string[] = [];
  if (plan.mode) lines.push(`chmod ${plan.mode} "$t"`);
  else lines.push(`if [ -e ${d} ]; then chmod "$(stat -L -c %a ${d})" "$t"; else chmod 0644 "$t"; fi`);
  if (want.owner || want.group) lines.push(`chown ${shq(`${want.owner ?? ''}${want.group ? ':' + want.group : ''}`)} "$t"`);
  if (!want.owner || !want.group) {
    // keep what the task did not name, like Ansible's copy
    const keep = !want.owner && !want.group ? '%u:%g' : !want.owner ? '%u' : ':%g';
    lines.push(`if [ -e ${d} ]; then chown "$(stat -L -c ${keep} ${d})" "$t" 2>/dev/null || true; fi`);
  }
  return lines;
}
