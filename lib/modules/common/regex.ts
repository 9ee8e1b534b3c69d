import { ModuleFailure } from '../types.js';

// Users bring regular expressions written for Ansible (Python `re`). The common Python-only
// spellings are translated so those expressions keep working: named groups (?P<n>...), (?P=n),
// \A and \Z anchors, and leading inline flags such as (?i).

export function compilePyRegex(source: string, what: string): RegExp {
  let src = source;
  let flags = '';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    for (const f of lead[1]) if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
  }
  src = src
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new ModuleFailure(`${what}: invalid regular expression '${source}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** Python's match.expand(): \1, \g<1>, \g<name>, and the usual character escapes. */
export function expandMatch(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/g, (_all, name: string | undefined, num: string | undefined, ch: string | undefined) => {
    if (name !== undefined) return (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? '';
    if (num !== undefined) return m[Number(num)] ?? '';
    const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };
    return esc[ch as string] ?? `\\${ch}`;
  });
}
