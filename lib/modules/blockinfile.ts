import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { fileAttrSchema } from './common/attrs.js';
import type { ContentArgs, FileContentResult } from './common/content.js';
import { contentArgSchema, manageContent } from './common/content.js';
import { bare, readLines } from './common/lines.js';
import { probe } from './common/probe.js';
import { withReplan } from './common/replan.js';
import { compilePyRegex } from './common/regex.js';
import { decodeBytes, encodeText } from '../util/bytetext.js';

// blockinfile: keep a block of lines between two marker lines. The default marker text is
// Ansible's, so files already managed by Ansible stay unchanged after moving to tsplay. The file
// is edited as bytes (util/bytetext.ts), so lines outside the block keep every byte. In a CRLF
// file (first line ends in CRLF) the block is written with CRLF and CRLF markers are found
// (Ansible writes LF and does not see a CRLF marker, so it adds a second block).

export interface BlockinfileArgs extends ContentArgs {
  path: string;
  /** the lines between the markers; '' (or state absent) removes the block */
  block?: string;
  /** marker line template; {mark} becomes marker_begin / marker_end */
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  state?: 'present' | 'absent';
  /** regexp, or 'EOF' (default) */
  insertafter?: string;
  /** regexp, or 'BOF' */
  insertbefore?: string;
  create?: boolean;
}

export type BlockinfileResult = FileContentResult;

export const blockinfileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    block: { type: 'string' },
    marker: { type: 'string', minLength: 1 },
    marker_begin: { type: 'string' },
    marker_end: { type: 'string' },
    state: { enum: ['present', 'absent'] },
    insertafter: { type: 'string', minLength: 1 },
    insertbefore: { type: 'string', minLength: 1 },
    create: { type: 'boolean' },
    ...contentArgSchema,
    ...fileAttrSchema,
  },
  required: ['path'],
  additionalProperties: false,
} as const;

const DEFAULT_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';

function editBlock(original: string, args: BlockinfileArgs): string {
  const lines = readLines(original);
  const eol = lines[0]?.endsWith('\r\n') ? '\r\n' : '\n';
  const marker = args.marker ?? DEFAULT_MARKER;
  const m0 = marker.split('{mark}').join(args.marker_begin ?? 'BEGIN');
  const m1 = marker.split('{mark}').join(args.marker_end ?? 'END');
  const present = (args.state ?? 'present') === 'present';
  const block = args.block ?? '';
  let blockLines: string[] = [];
  if (present && block) {
    const body = readLines(block.endsWith('\n') ? block : block + '\n').map((l) => (eol === '\n' ? l : bare(l) + eol));
    blockLines = [m0 + eol, ...body, m1 + eol];
  }
  const after = args.insertafter ?? (args.insertbefore === undefined ? 'EOF' : undefined);
  const before = args.insertbefore;
  const where = `blockinfile ${args.path}`;
  const insRe =
    after !== undefined && after !== 'EOF'
      ? compilePyRegex(after, `${where}: insertafter`)
      : before !== undefined && before !== 'BOF'
        ? compilePyRegex(before, `${where}: insertbefore`)
        : undefined;
  let n0: number | undefined;
  let n1: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    // a marker is a whole, terminated line (a last line without its newline is not one, as in Ansible)
    if (lines[i].endsWith('\n') && bare(lines[i]) === m0) n0 = i;
    if (lines[i].endsWith('\n') && bare(lines[i]) === m1) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insRe) {
      // the LAST line matching the anchor, like Ansible
      for (let i = 0; i < lines.length; i++) if (insRe.test(lines[i].replace(/\n$/, ''))) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (after !== undefined) n0 += 1;
    } else {
      n0 = before !== undefined ? 0 : lines.length;
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n')) lines[n0 - 1] += eol;
  lines.splice(n0, 0, ...blockLines);
  return lines.join('');
}

async function run(args: BlockinfileArgs, ctx: ModuleContext): Promise<BlockinfileResult> {
  const where = `blockinfile ${args.path}`;
  if (args.insertafter !== undefined && args.insertbefore !== undefined) {
    throw new ModuleFailure(`${where}: give insertafter or insertbefore, not both`);
  }
  // read, plan and apply again when the file changed in between (common/replan.ts)
  return withReplan(where, () => attempt(args, ctx), (m) => ctx.log(m));
}

async function attempt(args: BlockinfileArgs, ctx: ModuleContext): Promise<BlockinfileResult> {
  const [state] = await probe(ctx, [{ path: args.path, follow: true, checksum: true, content: true }]);
  if (state.type === 'directory') throw new ModuleFailure(`blockinfile: ${args.path} is a directory; give the path of a file`);
  const present = (args.state ?? 'present') === 'present';
  if (!state.exists) {
    if (!present) return { changed: false, msg: `File ${args.path} not present`, dest: args.path, checksum: '', size: 0 };
    if (!args.create) throw new ModuleFailure(`blockinfile: ${args.path} does not exist; set create: true to create it`);
  }
  const original = decodeBytes(state.content ?? Buffer.alloc(0));
  const result = editBlock(original, args);
  const changedText = !state.exists || result !== original;
  const msg = !changedText ? '' : !state.exists ? 'File created' : present && args.block ? 'Block inserted' : 'Block removed';
  const res = await manageContent(ctx, {
    dest: args.path,
    state,
    content: encodeText(result),
    args,
    followLink: true,
    mkdirs: true,
    changedMsg: msg,
    planned: true,
  });
  if (!res.msg && res.changed) res.msg = 'ownership, perms or SE linux context changed';
  return res;
}

export const blockinfile = defineModule<BlockinfileArgs, BlockinfileResult>({ name: 'blockinfile', schema: blockinfileSchema, run });
