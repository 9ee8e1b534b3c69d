// String filters: case, trim, replace, split, quote, base64, regex_*, paths, hashes, indent.

import crypto from 'node:crypto';
import path from 'node:path';
import { TemplateFault } from '../errors.js';
import { pyStr, truthy, typeName } from '../pyvalues.js';
import { pySplit, pyStrip, pyPercent } from '../pystring.js';
import { expandTemplate, pyRegex, pySearch, pySub } from '../pyregex.js';
import { arg, type FilterFn, type Kw } from './types.js';

function s(v: unknown, filter: string): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  if (typeof v === 'number' || typeof v === 'boolean') return pyStr(v);
  throw new TemplateFault(`${filter} needs a string, got ${typeName(v)}`);
}

function reOpts(a: unknown[], kw: Kw, at: number) {
  return {
    ignorecase: truthy(arg(a, kw, at, 'ignorecase', false)),
    multiline: truthy(arg(a, kw, at + 1, 'multiline', false)),
  };
}

/** shlex.quote */
export function shellQuote(v: string): string {
  if (v === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(v)) return v;
  return "'" + v.replace(/'/g, `'"'"'`) + "'";
}

function indentFilter(v: unknown, a: unknown[], kw: Kw): string {
  const text = s(v, 'indent');
  const w = arg<unknown>(a, kw, 0, 'width', 4);
  const pad = typeof w === 'string' ? w : ' '.repeat(Number(w));
  const first = truthy(arg(a, kw, 1, 'first', false));
  const blank = truthy(arg(a, kw, 2, 'blank', false));
  // Jinja appends a newline first, so a trailing newline survives splitlines()
  const lines = (text + '\n').split(/\r\n|\n|\r/);
  lines.pop();
  let out: string;
  if (blank) out = lines.join('\n' + pad);
  else {
    out = lines.shift() ?? '';
    if (lines.length) out += '\n' + lines.map((l) => (l ? pad + l : l)).join('\n');
  }
  return first ? pad + out : out;
}

function hash(v: unknown, algo: string): string {
  const name = algo.toLowerCase();
  try {
    return crypto.createHash(name).update(s(v, 'hash')).digest('hex');
  } catch {
    throw new TemplateFault(`unsupported hash type '${algo}'`);
  }
}

export const STRING_FILTERS: Record<string, FilterFn> = {
  lower: (v) => s(v, 'lower').toLowerCase(),
  upper: (v) => s(v, 'upper').toUpperCase(),
  capitalize: (v) => { const t = s(v, 'capitalize'); return t.charAt(0).toUpperCase() + t.slice(1).toLowerCase(); },
  title: (v) => s(v, 'title').replace(/[A-Za-z0-9]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  trim: (v, a, kw) => pyStrip(s(v, 'trim'), arg<string | undefined>(a, kw, 0, 'chars'), 'both'),
  replace: (v, a, kw) => {
    const text = s(v, 'replace');
    const from = s(arg(a, kw, 0, 'old'), 'replace');
    const to = s(arg(a, kw, 1, 'new'), 'replace');
    const count = arg<number | null>(a, kw, 2, 'count', null);
    if (count === null || count === undefined) return from === '' ? text : text.split(from).join(to);
    let out = ''; let rest = text; let n = Number(count);
    while (n-- > 0 && from !== '') {
      const i = rest.indexOf(from);
      if (i < 0) break;
      out += rest.slice(0, i) + to; rest = rest.slice(i + from.length);
    }
    return out + rest;
  },
  split: (v, a, kw) => pySplit(s(v, 'split'), arg<string | null>(a, kw, 0, 'sep', null), Number(arg(a, kw, 1, 'maxsplit', -1))),
  quote: (v) => shellQuote(v === null ? '' : s(v, 'quote')),
  format: (v, a) => pyPercent(s(v, 'format'), a.length === 1 && !Array.isArray(a[0]) ? a[0] : a),
  center: (v, a, kw) => {
    const t = s(v, 'center'); const w = Number(arg(a, kw, 0, 'width', 80));
    const left = Math.floor((w - t.length) / 2);
    return w <= t.length ? t : ' '.repeat(left) + t + ' '.repeat(w - t.length - left);
  },
  wordcount: (v) => (s(v, 'wordcount').match(/\w+/g) ?? []).length,
  indent: indentFilter,
  b64encode: (v) => Buffer.from(s(v, 'b64encode'), 'utf8').toString('base64'),
  b64decode: (v) => {
    const t = s(v, 'b64decode').trim();
    if (!/^[A-Za-z0-9+/=_-]*$/.test(t)) throw new TemplateFault('invalid base64 input');
    return Buffer.from(t, 'base64').toString('utf8');
  },
  regex_replace: (v, a, kw) => {
    const re = pyRegex(arg(a, kw, 0, 'pattern', ''), reOpts(a, kw, 2));
    return pySub(re, s(arg(a, kw, 1, 'replacement', ''), 'regex_replace'), s(v, 'regex_replace'), Number(kw.count ?? 0));
  },
  regex_search: (v, a, kw) => {
    const [pattern, ...groupRefs] = a;
    const re = pyRegex(pattern, { ignorecase: truthy(kw.ignorecase), multiline: truthy(kw.multiline) });
    const m = pySearch(re, s(v, 'regex_search'));
    if (!m) return null;
    if (!groupRefs.length) return m[0];
    return groupRefs.map((ref) => {
      const r = s(ref, 'regex_search');
      const g = /^\\(?:g<(\w+)>|(\d+))$/.exec(r);
      if (!g) throw new TemplateFault(`unknown argument '${r}' (use '\\\\1' or '\\\\g<name>')`);
      return expandTemplate(r, m, m.groups);
    });
  },
  regex_findall: (v, a, kw) => {
    const re = pyRegex(arg(a, kw, 0, 'regex'), { ignorecase: truthy(arg(a, kw, 2, 'ignorecase', false)), multiline: truthy(arg(a, kw, 1, 'multiline', false)) });
    const g = new RegExp(re.source, re.flags + 'g');
    const out: unknown[] = [];
    for (const m of s(v, 'regex_findall').matchAll(g)) {
      if (m.length === 1) out.push(m[0]);
      else if (m.length === 2) out.push(m[1] ?? '');
      else out.push(m.slice(1).map((x) => x ?? ''));
      if (m[0] === '') g.lastIndex++;
    }
    return out;
  },
  regex_escape: (v) => s(v, 'regex_escape').replace(/[^A-Za-z0-9_]/g, (c) => '\\' + c),
  basename: (v) => path.posix.basename(s(v, 'basename')),
  dirname: (v) => path.posix.dirname(s(v, 'dirname')).replace(/^\.$/, ''),
  splitext: (v) => { const t = s(v, 'splitext'); const e = path.posix.extname(t); return [t.slice(0, t.length - e.length), e]; },
  path_join: (v) => {
    const parts = Array.isArray(v) ? v.map((x) => s(x, 'path_join')) : [s(v, 'path_join')];
    return parts.reduce((acc, p) => (p.startsWith('/') ? p : acc === '' ? p : acc.endsWith('/') ? acc + p : acc + '/' + p), '');
  },
  hash: (v, a, kw) => hash(v, String(arg(a, kw, 0, 'hashtype', 'sha1'))),
  checksum: (v) => hash(v, 'sha1'),
  sha1: (v) => hash(v, 'sha1'),
  md5: (v) => hash(v, 'md5'),
};
