import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { shq } from '../util/shell.js';

// stat: Ansible's stat fields for a path, read with one sh exec (GNU stat, readlink, the
// checksum tool, `file` for mime). Never changes anything. Not returned: attributes/version
// (lsattr), which kubespray does not read.

export interface StatArgs {
  path: string;
  /** checksum of a regular file (default true, like Ansible) */
  get_checksum?: boolean;
  /** default sha1, as Ansible */
  checksum_algorithm?: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  /** mimetype and charset from `file` (default true; 'unknown' without `file`) */
  get_mime?: boolean;
  /** accepted for Ansible playbooks; tsplay does not report attributes */
  get_attributes?: boolean;
  /** describe what a symlink points to instead of the link (default false) */
  follow?: boolean;
}

export interface StatInfo {
  exists: boolean;
  path: string;
  isdir?: boolean;
  isreg?: boolean;
  islnk?: boolean;
  ischr?: boolean;
  isblk?: boolean;
  isfifo?: boolean;
  issock?: boolean;
  /** absolute path the link resolves to (realpath), only for a link */
  lnk_source?: string;
  /** the link's text as stored (may be relative), only for a link */
  lnk_target?: string;
  /** '0644' */
  mode?: string;
  uid?: number;
  gid?: number;
  pw_name?: string;
  gr_name?: string;
  size?: number;
  inode?: number;
  dev?: number;
  nlink?: number;
  device_type?: number;
  block_size?: number;
  blocks?: number;
  /** seconds since the epoch, with fractions (Python's float st_*time) */
  atime?: number;
  mtime?: number;
  ctime?: number;
  rusr?: boolean; wusr?: boolean; xusr?: boolean;
  rgrp?: boolean; wgrp?: boolean; xgrp?: boolean;
  roth?: boolean; woth?: boolean; xoth?: boolean;
  isuid?: boolean;
  isgid?: boolean;
  /** access(2) for the user the task runs as */
  readable?: boolean;
  writeable?: boolean;
  executable?: boolean;
  checksum?: string;
  mimetype?: string;
  charset?: string;
}

export interface StatResult extends ModuleResult {
  stat: StatInfo;
}

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

export const statSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    get_checksum: { type: 'boolean' },
    checksum_algorithm: { enum: ALGOS },
    get_mime: { type: 'boolean' },
    get_attributes: { type: 'boolean' },
    follow: { type: 'boolean' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

/** Lines: `S|0` (absent) or `S|1|<stat fields>`, then A|r|w|x, L|target|source (base64), C|sum, M|mime. */
export function statScript(path: string, follow: boolean, algo: string | undefined, mime: boolean): string {
  return [
    `P=${shq(path)}`,
    follow
      ? `[ -e "$P" ] || { echo 'S|0'; exit 0; }; o=-L`
      : `{ [ -e "$P" ] || [ -L "$P" ]; } || { echo 'S|0'; exit 0; }; o=`,
    `stat $o -c 'S|1|%f|%u|%g|%U|%G|%s|%i|%d|%h|%r|%o|%b|%X|%Y|%Z|%x|%y|%z' -- "$P" || exit 1`,
    `a=; [ -r "$P" ] && a=r; [ -w "$P" ] && a="$a"w; [ -x "$P" ] && a="$a"x; echo "A|$a"`,
    follow ? '' : `if [ -L "$P" ]; then t=$(readlink -- "$P"); r=$(readlink -m -- "$P"); echo "L|$(printf %s "$t" | base64 -w0)|$(printf %s "$r" | base64 -w0)"; fi`,
    algo ? `if [ -f "$P" ] && [ -r "$P" ] && { [ -n "$o" ] || [ ! -L "$P" ]; }; then c=$(${algo}sum < "$P") && echo "C|$c"; fi` : '',
    mime ? `if command -v file >/dev/null 2>&1; then echo "M|$(file --mime-type --mime-encoding -- "$P" 2>/dev/null)"; fi` : '',
  ].filter(Boolean).join('\n');
}

/** `2026-12-02 03:57:27.095792290 +0000` + whole seconds -> the float Python's st_mtime is. */
function seconds(whole: string, human: string): number {
  const frac = /\.(\d+)/.exec(human)?.[1] ?? '0';
  return Number(`${whole}.${frac}`);
}

export function parseStat(out: string, path: string, mime: boolean): StatInfo {
  const lines = out.split('\n');
  const s = lines.find((l) => l.startsWith('S|'))?.split('|');
  if (!s || s[1] !== '1') return { exists: false, path };
  const [, , rawMode, uid, gid, user, group, size, inode, dev, nlink, rdev, blksize, blocks, at, mt, ct, atH, mtH, ctH] = s;
  const m = parseInt(rawMode, 16);
  const fmt = m & 0o170000;
  const bit = (b: number): boolean => (m & b) !== 0;
  const info: StatInfo = {
    exists: true,
    path,
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: fmt === 0o040000,
    ischr: fmt === 0o020000,
    isblk: fmt === 0o060000,
    isreg: fmt === 0o100000,
    isfifo: fmt === 0o010000,
    islnk: fmt === 0o120000,
    issock: fmt === 0o140000,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    atime: seconds(at, atH),
    mtime: seconds(mt, mtH),
    ctime: seconds(ct, ctH),
    wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100),
    wgrp: bit(0o020), rgrp: bit(0o040), xgrp: bit(0o010),
    woth: bit(0o002), roth: bit(0o004), xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: Number(blocks),
    block_size: Number(blksize),
    device_type: Number(rdev),
  };
  const access = lines.find((l) => l.startsWith('A|'))?.slice(2) ?? '';
  info.readable = access.includes('r');
  info.writeable = access.includes('w');
  info.executable = access.includes('x');
  const link = lines.find((l) => l.startsWith('L|'))?.split('|');
  if (info.islnk && link) {
    info.lnk_source = Buffer.from(link[2] ?? '', 'base64').toString('utf8');
    info.lnk_target = Buffer.from(link[1] ?? '', 'base64').toString('utf8');
  }
  // GNU stat prints UNKNOWN for an id with no name; Ansible then leaves the name out
  if (user !== 'UNKNOWN') info.pw_name = user;
  if (group !== 'UNKNOWN') info.gr_name = group;
  const sum = lines.find((l) => l.startsWith('C|'));
  if (sum) info.checksum = sum.slice(2).split(/\s/)[0];
  if (mime) {
    info.mimetype = info.charset = 'unknown';
    const mm = /:\s*([^;:]+);\s*charset=(\S+)\s*$/.exec(lines.find((l) => l.startsWith('M|')) ?? '');
    if (mm) {
      info.mimetype = mm[1].trim();
      info.charset = mm[2];
    }
  }
  return info;
}

async function run(args: StatArgs, ctx: ModuleContext): Promise<StatResult> {
  const mime = args.get_mime !== false;
  const algo = args.get_checksum === false ? undefined : (args.checksum_algorithm ?? 'sha1');
  const res = await ctx.conn.exec(statScript(args.path, args.follow === true, algo, mime), { become: ctx.become });
  if (res.rc !== 0) throw new ModuleFailure(`stat ${args.path}: ${res.stderr.trim() || `rc ${res.rc}`} (check the path and permissions, or use become)`);
  return { changed: false, stat: parseStat(res.stdout, args.path, mime) };
}

export const stat = defineModule<StatArgs, StatResult>({ name: 'stat', schema: statSchema, run });
