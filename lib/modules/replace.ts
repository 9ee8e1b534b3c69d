import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { fileAttrSchema, planAttrs } from './common/attrs.js';
import type { ContentArgs, FileContentResult } from './common/content.js';
import { contentArgSchema, manageContent } from './common/content.js';
import { probe } from './common/probe.js';
import { withReplan } from './common/replan.js';
import { compilePyRegex, expandMatch } from './common/regex.js';
import { decodeBytes, encodeText } from '../util/bytetext.js';

// replace: every match of a multiline regexp in a file is replaced (Python's re.subn with
// MULTILINE), optionally only in the section after `after` and/or before `before` (Ansible
// 2.14 builds `after(?P<subsection>.*?)before` with DOTALL and edits only that group). The file
// is edited as bytes (util/bytetext.ts) and written through symlinks to the real file, as Ansible
// does; like lineinfile it commits only if the file still holds what was read (common/replan.ts).

export interface ReplaceArgs extends ContentArgs {
  path: string;
  /** Python regexp, matched with MULTILINE against the whole file (or the section) */
  regexp: string;
  /** replacement; \1, \g<1>, \g<name> refer to groups (default: '', i.e. delete the matches) */
  replace?: string;
  /** only replace after the first match of this regexp */
  after?: string;
  /** only replace before the last match of this regexp (the first one after `after`, when both are given) */
  before?: string;
}

/** `rc` is always 0 on success, as Ansible's replace returns it */
export type ReplaceResult = FileContentResult & { rc: number };

export const replaceSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    regexp: { type: 'string', minLength: 1 },
    replace: { type: 'string' },
    after: { type: 'string', minLength: 1 },
    before: { type: 'string', minLength: 1 },
    ...contentArgSchema,
    ...fileAttrSchema,
  },
  required: ['path', 'regexp'],
  additionalProperties: false,
} as const;

export interface ReplaceEdit {
  text: string;
  count: number;
  /** the before/after section pattern did not match (Ansible: ok, with this message) */
  noSection?: string;
}

/** Python's re.subn(regexp, replace, text): every match, replacement expanded per match. */
function subn(re: RegExp, replace: string, text: string): { text: string; count: number } {
  let count = 0;
  const out = text.replace(re, (...m: unknown[]) => {
    count++;
    // the callback gets (match, groups..., offset, input[, namedGroups]); expandMatch wants an exec array
    const last = m[m.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string>) : undefined;
    const groups = m.slice(0, named ? -3 : -2) as string[];
    return expandMatch(replace, Object.assign(groups, { index: 0, input: text, groups: named }) as unknown as RegExpExecArray);
  });
  return { text: out, count };
}

/** The whole edit as Ansible 2.14's replace computes it (pure: tested without files). */
export function planReplace(contents: string, args: Pick<ReplaceArgs, 'regexp' | 'replace' | 'after' | 'before' | 'path'>): ReplaceEdit {
  const what = `replace ${args.path}`;
  const base = compilePyRegex(args.regexp, `${what}: regexp`);
  const re = new RegExp(base.source, `${base.flags.replace('m', '')}gm`);
  let pattern: string | undefined;
  if (args.after !== undefined && args.before !== undefined) pattern = `${args.after}(?P<subsection>.*?)${args.before}`;
  else if (args.after !== undefined) pattern = `${args.after}(?P<subsection>.*)`;
  else if (args.before !== undefined) pattern = `(?P<subsection>.*)${args.before}`;
  if (pattern === undefined) return subn(re, args.replace ?? '', contents);
  const sec = compilePyRegex(pattern, `${what}: after/before`);
  const secRe = new RegExp(sec.source, `${sec.flags.replace('s', '')}sd`);
  const span = secRe.exec(contents)?.indices?.groups?.subsection;
  if (!span) return { text: contents, count: 0, noSection: `Pattern for before/after params did not match the given file: ${pattern}` };
  const r = subn(re, args.replace ?? '', contents.slice(span[0], span[1]));
  return { text: contents.slice(0, span[0]) + r.text + contents.slice(span[1]), count: r.count };
}

async function run(args: ReplaceArgs, ctx: ModuleContext): Promise<ReplaceResult> {
  return withReplan(`replace ${args.path}`, () => attempt(args, ctx), (m) => ctx.log(m));
}

async function attempt(args: ReplaceArgs, ctx: ModuleContext): Promise<ReplaceResult> {
  const [state] = await probe(ctx, [{ path: args.path, follow: true, checksum: true, content: true }]);
  if (state.type === 'directory') throw new ModuleFailure(`replace: ${args.path} is a directory; give the path of a file`, { rc: 256 });
  if (!state.exists) {
    throw new ModuleFailure(`replace: ${args.path} does not exist; create it first (copy, template, or lineinfile with create: true)`, { rc: 257 });
  }
  const old = state.content ?? Buffer.alloc(0);
  const contents = decodeBytes(old);
  const edit = planReplace(contents, args);
  if (edit.noSection !== undefined) {
    // Ansible exits here, before it looks at mode/owner/group
    return { changed: false, msg: edit.noSection, dest: args.path, checksum: state.checksum ?? '', size: old.length, rc: 0 };
  }
  // a change only when the text differs (replacing "a" with "a" is no change), as in Ansible
  const contentChanged = edit.count > 0 && edit.text !== contents;
  const msg = contentChanged ? `${edit.count} replacements made` : '';
  const attrsChanged = Object.keys(planAttrs(args.path, state, args, { isDir: false }).changes).length > 0;
  const res = await manageContent(ctx, {
    dest: args.path,
    state,
    content: contentChanged ? encodeText(edit.text) : old,
    args,
    followLink: true,
    planned: true,
  });
  const attrMsg = 'ownership, perms or SE linux context changed';
  res.msg = attrsChanged ? (msg ? `${msg} and ${attrMsg}` : attrMsg) : msg;
  return { ...res, rc: 0 };
}

export const replace = defineModule<ReplaceArgs, ReplaceResult>({ name: 'replace', schema: replaceSchema, run });
