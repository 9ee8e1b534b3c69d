// Python `re` patterns and replacement templates, translated to JS RegExp.
// Covers what templates use: (?P<name>...), (?P=name), \A, \Z, leading (?i)/(?m)/(?s) flags,
// \1 / \g<1> / \g<name> in replacements, and re.match's anchoring at the start only.

import { TemplateFault } from './errors.js';

export interface PyReOpts { ignorecase?: boolean; multiline?: boolean; dotall?: boolean }

export function pyRegex(pattern: unknown, opts: PyReOpts = {}, extraFlags = ''): RegExp {
  if (typeof pattern !== 'string') throw new TemplateFault(`regular expression must be a string, not ${String(pattern)}`);
  let src = pattern;
  let flags = extraFlags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1]!.includes('i')) opts = { ...opts, ignorecase: true };
    if (inline[1]!.includes('m')) opts = { ...opts, multiline: true };
    if (inline[1]!.includes('s')) opts = { ...opts, dotall: true };
  }
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  if (opts.ignorecase) flags += 'i';
  if (opts.multiline) flags += 'm';
  if (opts.dotall) flags += 's';
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new TemplateFault(`invalid regular expression '${pattern}': ${(e as Error).message}`);
  }
}

/** re.match: anchored at the start of the string (not of each line). */
export function pyMatch(re: RegExp, s: string): RegExpExecArray | null {
  const sticky = new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'y');
  sticky.lastIndex = 0;
  return sticky.exec(s);
}

/** re.search */
export function pySearch(re: RegExp, s: string): RegExpExecArray | null {
  return new RegExp(re.source, re.flags.replace(/[gy]/g, '')).exec(s);
}

/** Expands a Python replacement template (\1, \g<1>, \g<name>, \n) for one match. */
export function expandTemplate(tpl: string, m: RegExpExecArray | string[], groups?: Record<string, string | undefined>): string {
  return tpl.replace(/\\g<(\w+)>|\\(\d{1,2})|\\([\\ntr])/g, (_all, g: string | undefined, d: string | undefined, esc: string | undefined) => {
    if (esc) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : '\\';
    const key = g ?? d!;
    if (/^\d+$/.test(key)) {
      const i = Number(key);
      if (i >= m.length) throw new TemplateFault(`invalid group reference ${i}`);
      return m[i] ?? '';
    }
    if (!groups || !(key in groups)) throw new TemplateFault(`unknown group name '${key}'`);
    return groups[key] ?? '';
  });
}

export function pySub(re: RegExp, tpl: string, s: string, count = 0): string {
  const g = new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'g');
  let n = 0;
  return s.replace(g, (...args: unknown[]) => {
    if (count > 0 && n >= count) return args[0] as string;
    n++;
    const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const end = hasGroups ? args.length - 3 : args.length - 2;
    const m = args.slice(0, end) as string[];
    return expandTemplate(tpl, m, groups);
  });
}
