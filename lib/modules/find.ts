import { posix } from 'node:path';
import { shq } from '../util/shell.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { probe } from './common/probe.js';
import { compilePyRegex } from './common/regex.js';
import { decodeBytes } from '../util/bytetext.js';

// find: the files below some directories that match names, age, size and content, as Ansible
// 2.14's find selects them. One round trip lists every entry with its lstat fields (GNU find
// -printf, NUL-separated, so any name survives); the filters run here. `contains` and
// `get_checksum` need the files' bytes, so they take a second round trip for the candidates only.
// Results come in os.walk's order (per directory: files, then directories; then each directory
// below), which is the order Ansible returns. Never changes anything; runs under --check too.

export type FindFileType = 'file' | 'directory' | 'link' | 'any';

export interface FindArgs {
  /** directories to search (a comma-separated string is a list, as in Ansible) */
  paths: string | string[];
  /** shell globs (or Python regexps with use_regex) matched against the base name; default all */
  patterns?: string | string[];
  /** names matching these are left out */
  excludes?: string | string[];
  /** Python regexp a line must match from its start (the whole file is searched with read_whole_file) */
  contains?: string;
  read_whole_file?: boolean;
  /** default 'file' */
  file_type?: FindFileType;
  /** '2d', '-1w', '30m', seconds without a unit; negative: younger than */
  age?: string;
  age_stamp?: 'atime' | 'ctime' | 'mtime';
  /** '10m', '-1k', bytes without a unit; negative: at most */
  size?: string;
  recurse?: boolean;
  hidden?: boolean;
  /** descend into symlinked directories */
  follow?: boolean;
  get_checksum?: boolean;
  use_regex?: boolean;
  /** deepest level to report with recurse (1: the entries of the path itself) */
  depth?: number;
}

export interface FoundFile {
  path: string;
  mode: string;
  isdir: boolean;
  ischr: boolean;
  isblk: boolean;
  isreg: boolean;
  isfifo: boolean;
  islnk: boolean;
  issock: boolean;
  uid: number;
  gid: number;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  gr_name: string;
  pw_name: string;
  wusr: boolean;
  rusr: boolean;
  xusr: boolean;
  wgrp: boolean;
  rgrp: boolean;
  xgrp: boolean;
  woth: boolean;
  roth: boolean;
  xoth: boolean;
  isuid: boolean;
  isgid: boolean;
  checksum?: string;
}

export interface FindResult extends ModuleResult {
  files: FoundFile[];
  matched: number;
  examined: number;
  skipped_paths: Record<string, string>;
  msg: string;
}

const list = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

export const findSchema = {
  type: 'object',
  properties: {
    paths: list,
    patterns: list,
    excludes: list,
    contains: { type: 'string' },
    read_whole_file: { type: 'boolean' },
    file_type: { enum: ['file', 'directory', 'link', 'any'] },
    age: { type: 'string', minLength: 1 },
    age_stamp: { enum: ['atime', 'ctime', 'mtime'] },
    size: { type: 'string', minLength: 1 },
    recurse: { type: 'boolean' },
    hidden: { type: 'boolean' },
    follow: { type: 'boolean' },
    get_checksum: { type: 'boolean' },
    use_regex: { type: 'boolean' },
    depth: { type: 'integer' },
  },
  required: ['paths'],
  additionalProperties: false,
} as const;

/** Ansible's list type: a string is split on commas. */
function toList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Python's fnmatch.translate: *, ?, [seq], [!seq]; everything else literal; the whole name. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) out += '\\[';
      else {
        let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        else if (body.startsWith('^')) body = `\\${body}`;
        out += `[${body}]`;
        i = j;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

function parseAmount(value: string, units: Record<string, number>, what: string): number {
  const m = /^(-?\d+)([a-z])?$/.exec(value.toLowerCase());
  if (!m || (m[2] !== undefined && units[m[2]] === undefined)) {
    throw new ModuleFailure(`find: failed to process ${what} '${value}'; give a number with an optional unit (${Object.keys(units).join(', ')})`, {
      [what]: value,
    });
  }
  return Number(m[1]) * (m[2] ? units[m[2]] : 1);
}

/** A name filter with Ansible's pfilter rules (a name must match a pattern and no exclude). */
function nameFilter(args: FindArgs): (name: string) => boolean {
  const compile = (p: string): RegExp => {
    if (!args.use_regex) return globToRegExp(p);
    const re = compilePyRegex(p, `find: pattern`);
    return new RegExp(re.source, `${re.flags}y`); // re.match: anchored at the start only
  };
  const pats = toList(args.patterns);
  const patterns = (pats.length ? pats : [args.use_regex ? '.*' : '*']).map(compile);
  const excludes = toList(args.excludes).map(compile);
  const test = (re: RegExp, s: string): boolean => {
    re.lastIndex = 0;
    return re.test(s);
  };
  return (name) => patterns.some((p) => test(p, name)) && !excludes.some((e) => test(e, name));
}

interface Entry {
  path: string;
  name: string;
  parent: string;
  /** find's %y (lstat) and %Y (what a link points to) */
  type: string;
  target: string;
  info: FoundFile;
}

const FIELDS = 16;
// type, target type, mode, uid, gid, user, group, size, inode, dev, nlink, atime, mtime, ctime, depth, path
const PRINTF = '%y\\0%Y\\0%m\\0%U\\0%G\\0%u\\0%g\\0%s\\0%i\\0%D\\0%n\\0%A@\\0%T@\\0%C@\\0%d\\0%p\\0';

/** The listing script: per path a P (directory) or N (not a directory) record, then its entries. */
function listScript(paths: string[], maxdepth: number, follow: boolean): string {
  const lines = [`set +e`];
  paths.forEach((p, i) => {
    // (indexes go through %s: after \0 in a format, printf would read the digits as octal)
    // `~` as the host's home (Ansible expands it on the host); a relative path gets ./ so a
    // leading - can never be read by find as an expression
    const q = p === '~' ? '"$HOME"' : p.startsWith('~/') ? `"$HOME"/${shq(p.slice(2))}` : p.startsWith('/') ? shq(p) : shq(`./${p}`);
    lines.push(
      `if [ -d ${q} ]; then printf 'P\\0%s\\0' ${i}; find ${follow ? '-L' : '-H'} ${q} -mindepth 1 -maxdepth ${maxdepth} -printf '${PRINTF}' 2>&1 >&3 3>&- | tr '\\n\\0' '  ' | sed 's/^/E${i} /' >&2; printf 'Q\\0%s\\0' ${i}; else printf 'N\\0%s\\0' ${i}; fi`,
    );
  });
  return `{\n${lines.join('\n')}\n} 3>&1`;
}

function toInfo(f: string[]): FoundFile {
  const modeBits = parseInt(f[2], 8);
  const t = f[0];
  const bit = (b: number): boolean => (modeBits & b) !== 0;
  const uid = Number(f[3]);
  const gid = Number(f[4]);
  return {
    path: '',
    mode: (modeBits & 0o7777).toString(8).padStart(4, '0'),
    isdir: t === 'd',
    ischr: t === 'c',
    isblk: t === 'b',
    isreg: t === 'f',
    isfifo: t === 'p',
    islnk: t === 'l',
    issock: t === 's',
    uid,
    gid,
    size: Number(f[7]),
    inode: Number(f[8]),
    dev: Number(f[9]),
    nlink: Number(f[10]),
    atime: Number(f[11]),
    mtime: Number(f[12]),
    ctime: Number(f[13]),
    // find prints the number when there is no name; Ansible gives '' then
    gr_name: f[6] === String(gid) ? '' : f[6],
    pw_name: f[5] === String(uid) ? '' : f[5],
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
  };
}

/** Entries of one searched path in os.walk's order: a directory's files, its directories, then below. */
function walkOrder(root: string, entries: Entry[], follow: boolean): Entry[] {
  const byParent = new Map<string, Entry[]>();
  for (const e of entries) {
    const l = byParent.get(e.parent) ?? [];
    l.push(e);
    byParent.set(e.parent, l);
  }
  const out: Entry[] = [];
  const visit = (dir: string): void => {
    const here = byParent.get(dir) ?? [];
    // os.walk sorts with is_dir(), which follows links: a link to a directory is a "directory"
    const isDirLike = (e: Entry): boolean => e.type === 'd' || (e.type === 'l' && e.target === 'd');
    const files = here.filter((e) => !isDirLike(e));
    const dirs = here.filter(isDirLike);
    out.push(...files, ...dirs);
    for (const d of dirs) if (d.type === 'd' || follow) visit(d.path);
  };
  visit(root);
  return out;
}

async function run(args: FindArgs, ctx: ModuleContext): Promise<FindResult> {
  const paths = toList(args.paths);
  if (paths.length === 0) throw new ModuleFailure('find: paths is empty; give at least one directory to search');
  const fileType = args.file_type ?? 'file';
  const age = args.age === undefined ? undefined : parseAmount(args.age, { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }, 'age');
  const size = args.size === undefined ? undefined : parseAmount(args.size, { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }, 'size');
  const nameOk = nameFilter(args);
  const contains = args.contains === undefined ? undefined : compilePyRegex(args.contains, 'find: contains');
  // Ansible lists one level deeper than `depth` (it counts those entries as examined)
  const depth = args.depth !== undefined && args.depth > 0 ? args.depth : undefined;
  const maxdepth = args.recurse ? (depth !== undefined ? depth + 1 : 2 ** 31 - 1) : 1;
  const follow = args.follow === true;

  const res = await ctx.conn.exec(listScript(paths, maxdepth, follow), { become: ctx.become });
  const skipped: Record<string, string> = {};
  const errs = new Map<number, string>();
  for (const line of res.stderr.split('\n')) {
    const m = /^E(\d+) (.*)$/.exec(line);
    if (m && m[2].trim()) errs.set(Number(m[1]), `${errs.get(Number(m[1])) ?? ''}${m[2].trim()}`);
  }
  const tok = res.stdout.split('\0');
  const perPath = new Map<number, Entry[]>();
  let cur = -1;
  for (let i = 0; i < tok.length - 1; ) {
    const tag = tok[i];
    if (tag === 'P' || tag === 'N' || tag === 'Q') {
      const idx = Number(tok[i + 1]);
      if (tag === 'N') skipped[paths[idx]] = `'${paths[idx]}' is not a directory`;
      cur = tag === 'P' ? idx : -1;
      if (tag === 'P') perPath.set(idx, []);
      i += 2;
      continue;
    }
    if (cur < 0 || i + FIELDS > tok.length) throw new ModuleFailure(`find on ${ctx.host}: unexpected output from find; is GNU find installed there?`);
    const f = tok.slice(i, i + FIELDS);
    i += FIELDS;
    const path = posix.normalize(f[15]);
    const info = toInfo(f);
    info.path = path;
    perPath.get(cur)?.push({ path, name: posix.basename(path), parent: posix.dirname(path), type: f[0], target: f[1], info });
  }
  if (res.rc !== 0 && perPath.size === 0 && Object.keys(skipped).length === 0) {
    throw new ModuleFailure(`find on ${ctx.host}: cannot list ${paths.join(', ')}: ${res.stderr.trim() || `rc ${res.rc}`}`);
  }
  for (const [idx, msg] of errs) skipped[paths[idx]] = msg;

  const now = Date.now() / 1000;
  const stamp = args.age_stamp ?? 'mtime';
  const ageOk = (e: Entry): boolean => age === undefined || (age >= 0 ? now - e.info[stamp] >= age : now - e.info[stamp] <= -age);
  const sizeOk = (e: Entry): boolean => size === undefined || (size >= 0 ? e.info.size >= size : e.info.size <= -size);
  let examined = 0;
  const found: Entry[] = [];
  for (const [idx, entries] of perPath) {
    examined += entries.length;
    if (entries.length === 0) continue;
    const top = minParent(entries);
    const base = top === '/' ? 1 : top.split('/').length;
    for (const e of walkOrder(top, entries, follow)) {
      const level = e.info.path.split('/').length - base;
      if (depth !== undefined && level > depth) continue;
      if (e.name.startsWith('.') && !args.hidden) continue;
      if (!nameOk(e.name) || !ageOk(e)) continue;
      if (fileType === 'any') {
        if (e.type !== 'f' || sizeOk(e)) found.push(e);
      } else if (fileType === 'directory' && e.type === 'd') found.push(e);
      else if (fileType === 'link' && e.type === 'l') found.push(e);
      else if (fileType === 'file' && e.type === 'f' && sizeOk(e)) found.push(e);
    }
  }

  let files = found;
  const wantSum = args.get_checksum === true && (fileType === 'file' || fileType === 'any');
  const needContent = contains !== undefined && fileType === 'file';
  if (wantSum || needContent) {
    const regular = files.filter((e) => e.type === 'f');
    const states = regular.length
      ? await probe(ctx, regular.map((e) => ({ path: e.path, checksum: wantSum, content: needContent })))
      : [];
    const byPath = new Map(states.map((s) => [s.path, s]));
    files = files.filter((e) => {
      const st = byPath.get(e.path);
      if (e.type === 'f' && wantSum && st?.checksum) e.info.checksum = st.checksum;
      return !needContent || (e.type === 'f' && st?.content !== undefined && containsMatch(contains, st.content, args.read_whole_file === true));
    });
  }
  const list = files.map((e) => e.info);
  const msg = Object.keys(skipped).length ? 'Not all paths examined, check warnings for details' : 'All paths examined';
  return { changed: false, files: list, matched: list.length, examined, skipped_paths: skipped, msg };
}

/** The searched directory as find printed it: the shortest parent among its entries. */
function minParent(entries: Entry[]): string {
  let best = entries[0].parent;
  for (const e of entries) if (e.parent.length < best.length) best = e.parent;
  return best;
}

/** Ansible's contentfilter: a line matching from its start, or a search of the whole file. */
function containsMatch(re: RegExp | undefined, data: Buffer, whole: boolean): boolean {
  if (!re) return true;
  const text = decodeBytes(data);
  if (whole) return new RegExp(re.source, re.flags).test(text);
  const sticky = new RegExp(re.source, `${re.flags}y`);
  for (const line of text.split(/(?<=\n)/)) {
    sticky.lastIndex = 0;
    if (sticky.test(line)) return true;
  }
  return false;
}

export const find = defineModule<FindArgs, FindResult>({ name: 'find', schema: findSchema, run });
