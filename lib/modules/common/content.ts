import type { FileDiff, ModuleContext, ModuleResult } from '../types.js';
import { ModuleFailure } from '../types.js';
import type { FileAttrArgs } from './attrs.js';
import { planAttrs } from './attrs.js';
import type { PathState } from './probe.js';
import { diffText, fileDiffs, sha1 } from './result.js';
import { checkValidate, writeFile } from './write.js';
import type { BasedOn } from '../../connection/types.js';

// Plan + apply for "this path should hold exactly these bytes" (copy, template, lineinfile,
// blockinfile): content compared by sha1 so unchanged content is never uploaded, attributes
// planned separately, and everything applied in one exec (or nothing, under --check).

export interface ContentArgs extends FileAttrArgs {
  backup?: boolean;
  validate?: string;
}

export const contentArgSchema = {
  backup: { type: 'boolean' },
  validate: { type: 'string', minLength: 1 },
} as const;

export interface FileContentResult extends ModuleResult {
  dest: string;
  /** sha1 of the content the file holds (or would hold, under --check) */
  checksum: string;
  size: number;
  mode?: string;
  owner?: string;
  group?: string;
  /** the backup made before the change (backup: true) */
  backup_file?: string;
}

export interface ManageSpec {
  dest: string;
  /** state of dest as probed (checksum, and content when a diff is wanted) */
  state: PathState;
  content: Buffer;
  args: ContentArgs;
  /**
   * the content is a file on the host (copy remote_src), known by its sha1 and size (and its bytes
   * when a diff is wanted); `content` is then ignored
   */
  fromHost?: { path: string; sha1: string; size: number; content?: Buffer };
  followLink?: boolean;
  mkdirs?: boolean;
  /** message when the content changes */
  changedMsg?: string;
  /**
   * content was planned from state.content (read-modify-write): commit only if dest still holds
   * exactly that (or is still absent); otherwise writeFile throws ChangedMeanwhile (replan.ts)
   */
  planned?: boolean;
}

/** What the content was planned from: the bytes read (their sha1, computed here) or absence. */
function basedOn(state: PathState): BasedOn | undefined {
  if (!state.exists) return { absent: true };
  if (state.content) return { sha1: sha1(state.content) };
  return state.checksum ? { sha1: state.checksum } : undefined;
}

export async function manageContent(ctx: ModuleContext, spec: ManageSpec): Promise<FileContentResult> {
  const { dest, state, content, args } = spec;
  checkValidate(args.validate, dest);
  if (state.exists && state.type === 'directory') {
    throw new ModuleFailure(`${dest} is a directory: give a file path as dest, or end it with / to copy into it`);
  }
  if (state.exists && state.type === 'other') throw new ModuleFailure(`${dest} exists and is not a regular file`);
  const host = spec.fromHost;
  const sum = host ? host.sha1 : sha1(content);
  const contentChanged = !state.exists || state.checksum !== sum;
  const plan = planAttrs(dest, state.exists ? state : undefined, args, { isDir: false });
  const attrChanges = { ...plan.changes };
  if (!state.exists) attrChanges.state = { before: 'absent', after: 'file' };
  const changed = contentChanged || Object.keys(plan.changes).length > 0;
  const result: FileContentResult = {
    changed,
    dest,
    checksum: sum,
    size: host ? host.size : content.length,
    mode: plan.mode ?? state.mode ?? (state.exists ? undefined : '0644'),
    owner: args.owner ?? state.owner,
    group: args.group ?? state.group,
  };
  if (contentChanged && spec.changedMsg) result.msg = spec.changedMsg;
  // a symlink at dest that the write replaces (copy, template): "before" is the link, not its
  // target's content, which this write does not touch
  const replacesLink = !spec.followLink && state.linkTarget !== undefined;
  if (replacesLink && contentChanged) attrChanges.state = { before: `link to ${state.linkTarget}`, after: 'file' };
  if (ctx.diff && changed) {
    const before = replacesLink ? '' : diffText(state.content);
    const diff: FileDiff[] = fileDiffs(dest, contentChanged ? { before, after: diffText(host ? host.content : content) } : undefined, attrChanges);
    if (diff.length) result.diff = diff;
  }
  if (!changed || ctx.check) return result;
  const out = await writeFile(ctx, {
    dest,
    content: contentChanged && !host ? content : undefined,
    fromHost: contentChanged && host ? { path: host.path, sha1: host.sha1 } : undefined,
    attrs: args,
    plan,
    validate: args.validate,
    backup: args.backup,
    mkdirs: spec.mkdirs,
    followLink: spec.followLink,
    basedOn: spec.planned ? basedOn(state) : undefined,
  });
  if (out.backupFile) result.backup_file = out.backupFile;
  return result;
}
