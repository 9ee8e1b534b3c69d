import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { fileAttrSchema } from './common/attrs.js';
import type { ContentArgs, FileContentResult } from './common/content.js';
import { contentArgSchema, manageContent } from './common/content.js';
import { bare, readLines } from './common/lines.js';
import { probe } from './common/probe.js';
import { withReplan } from './common/replan.js';
import { compilePyRegex, expandMatch } from './common/regex.js';
import { decodeBytes, encodeText } from '../util/bytetext.js';

// lineinfile: make sure one line is (or is not) in a file, with Ansible's exact rules:
// regexp replaces the LAST matching line (the first with firstmatch); with no match the line
// goes after insertafter / before insertbefore (last match of those, or first with firstmatch),
// else at EOF; backrefs with no match changes nothing; an exact copy of the line already present
// counts as a match. Deliberate differences from Ansible, where it is plainly wrong: a line
// inserted after an anchor on a last line without a newline gets its own line (Ansible glues it
// on); in a CRLF file (its first line ends in CRLF) added lines end in CRLF and a replaced line
// keeps its own ending, and a CRLF line equal to the wanted line is left alone (Ansible writes LF).
// The file is edited as bytes (util/bytetext.ts): lines it does not touch keep every byte, and
// regexps match the UTF-8 text (Ansible matches bytes, where `.` is one byte of "é").

export interface LineinfileArgs extends ContentArgs {
  path: string;
  line?: string;
  regexp?: string;
  /** literal substring to look for instead of a regexp */
  search_string?: string;
  state?: 'present' | 'absent';
  /** regexp, or 'EOF' */
  insertafter?: string;
  /** regexp, or 'BOF' */
  insertbefore?: string;
  create?: boolean;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export type LineinfileResult = FileContentResult & { found?: number };

export const lineinfileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    line: { type: 'string' },
    regexp: { type: 'string' },
    search_string: { type: 'string' },
    state: { enum: ['present', 'absent'] },
    insertafter: { type: 'string', minLength: 1 },
    insertbefore: { type: 'string', minLength: 1 },
    create: { type: 'boolean' },
    backrefs: { type: 'boolean' },
    firstmatch: { type: 'boolean' },
    ...contentArgSchema,
    ...fileAttrSchema,
  },
  required: ['path'],
  additionalProperties: false,
} as const;

interface Edit {
  lines: string[];
  changed: boolean;
  msg: string;
  found?: number;
}

type Matcher = (bareLine: string) => RegExpExecArray | boolean | null;

function matcherOf(args: LineinfileArgs): Matcher | undefined {
  if (args.regexp !== undefined) {
    const re = compilePyRegex(args.regexp, `lineinfile ${args.path}: regexp`);
    return (l) => re.exec(l);
  }
  if (args.search_string !== undefined) {
    const s = args.search_string;
    return (l) => l.includes(s);
  }
  return undefined;
}

/** The line ending of a file: CRLF when its first line ends so, else LF (also for a new file). */
function eolOf(lines: readonly string[]): string {
  return lines[0]?.endsWith('\r\n') ? '\r\n' : '\n';
}

function present(input: string[], args: LineinfileArgs): Edit {
  const lines = [...input];
  const line = args.line as string;
  const eol = eolOf(lines);
  const ins = args.insertafter ?? (args.insertbefore === undefined ? 'EOF' : undefined);
  const before = args.insertbefore;
  const what = `lineinfile ${args.path}`;
  const insRe =
    ins !== undefined && ins !== 'BOF' && ins !== 'EOF'
      ? compilePyRegex(ins, `${what}: insertafter`)
      : before !== undefined && before !== 'BOF'
        ? compilePyRegex(before, `${what}: insertbefore`)
        : undefined;
  const matcher = matcherOf(args);
  let idxMatch = -1;
  let idxIns = -1;
  let match: RegExpExecArray | boolean | null = null;
  if (matcher) {
    for (let i = 0; i < lines.length; i++) {
      const m = matcher(bare(lines[i]));
      if (m) {
        idxMatch = i;
        match = m;
        if (args.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      if (bare(lines[i]) === line) {
        idxMatch = i;
      } else if (insRe && insRe.test(bare(lines[i]))) {
        idxIns = ins !== undefined ? i + 1 : i;
        if (args.firstmatch) break;
      }
    }
  }
  const ensureEol = (): void => {
    const last = lines.length - 1;
    if (last >= 0 && !/[\r\n]$/.test(lines[last])) lines[last] += eol;
  };
  const added = (): Edit => ({ lines, changed: true, msg: 'line added' });
  const same = (): Edit => ({ lines, changed: false, msg: '' });

  if (idxMatch !== -1) {
    let newLine = args.backrefs && match && typeof match !== 'boolean' ? expandMatch(line, match) : line;
    // the replaced line keeps its own ending (a last line without one gets the file's)
    const old = lines[idxMatch];
    if (!newLine.endsWith('\n')) newLine += old.endsWith('\r\n') ? '\r\n' : old.endsWith('\n') ? '\n' : eol;
    // a CRLF line equal to the wanted one stays as it is (Ansible rewrites it to LF, mixing endings)
    const keep = old.endsWith('\n') && bare(old) === bare(newLine);
    if (!keep && lines[idxMatch] !== newLine) {
      lines[idxMatch] = newLine;
      return { lines, changed: true, msg: 'line replaced' };
    }
    return same();
  }
  if (args.backrefs) return same(); // the line cannot be built without a match
  if (before === 'BOF' || ins === 'BOF') {
    lines.unshift(line + eol);
    return added();
  }
  if (ins === 'EOF' || idxIns === -1) {
    ensureEol();
    lines.push(line + eol);
    return added();
  }
  if (ins !== undefined) {
    // do not insert when the line is already right after the anchor
    if (idxIns === lines.length) {
      if (bare(lines[idxIns - 1]) !== line) {
        ensureEol();
        lines.push(line + eol);
        return added();
      }
      return same();
    }
    if (bare(lines[idxIns]) !== line) {
      lines.splice(idxIns, 0, line + eol);
      return added();
    }
    return same();
  }
  lines.splice(idxIns, 0, line + eol);
  return added();
}

function absent(input: string[], args: LineinfileArgs): Edit {
  const matcher = matcherOf(args) ?? ((l: string) => l === args.line);
  const kept = input.filter((l) => !matcher(bare(l)));
  const found = input.length - kept.length;
  return { lines: kept, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}

function checkArgs(args: LineinfileArgs): void {
  const where = `lineinfile ${args.path}`;
  if (args.insertafter !== undefined && args.insertbefore !== undefined) {
    throw new ModuleFailure(`${where}: give insertafter or insertbefore, not both`);
  }
  if (args.regexp !== undefined && args.search_string !== undefined) {
    throw new ModuleFailure(`${where}: give regexp or search_string, not both`);
  }
  if ((args.state ?? 'present') === 'present') {
    if (args.backrefs && args.regexp === undefined) throw new ModuleFailure(`${where}: regexp is required with backrefs=true`);
    if (args.line === undefined) throw new ModuleFailure(`${where}: line is required with state=present`);
  } else if (args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
    throw new ModuleFailure(`${where}: one of line, search_string or regexp is required with state=absent`);
  }
}

async function run(args: LineinfileArgs, ctx: ModuleContext): Promise<LineinfileResult> {
  checkArgs(args);
  // read, plan and apply again when the file changed in between (common/replan.ts)
  return withReplan(`lineinfile ${args.path}`, () => attempt(args, ctx), (m) => ctx.log(m));
}

async function attempt(args: LineinfileArgs, ctx: ModuleContext): Promise<LineinfileResult> {
  const [state] = await probe(ctx, [{ path: args.path, follow: true, checksum: true, content: true }]);
  if (state.type === 'directory') throw new ModuleFailure(`lineinfile: ${args.path} is a directory; give the path of a file`);
  const isPresent = (args.state ?? 'present') === 'present';
  if (!state.exists) {
    if (!isPresent) return { changed: false, msg: 'file not present', dest: args.path, checksum: '', size: 0, found: 0 };
    if (!args.create) {
      throw new ModuleFailure(`lineinfile: ${args.path} does not exist; set create: true to create it`);
    }
  }
  const lines = readLines(decodeBytes(state.content ?? Buffer.alloc(0)));
  const edit = isPresent ? present(lines, args) : absent(lines, args);
  if (!state.exists && !edit.changed) return { changed: false, msg: edit.msg, dest: args.path, checksum: '', size: 0 };
  const content = edit.changed ? encodeText(edit.lines.join('')) : (state.content ?? Buffer.alloc(0));
  const res = await manageContent(ctx, {
    dest: args.path,
    state,
    content,
    args,
    followLink: true,
    mkdirs: true,
    changedMsg: edit.msg,
    planned: true,
  });
  if (!res.msg && res.changed) res.msg = 'ownership, perms or SE linux context changed';
  return edit.found !== undefined ? { ...res, found: edit.found } : res;
}

export const lineinfile = defineModule<LineinfileArgs, LineinfileResult>({ name: 'lineinfile', schema: lineinfileSchema, run });
