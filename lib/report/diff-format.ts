// --diff output: unified hunks for content, one `name: before -> after` line per attribute.

import type { FileDiff } from '../modules/types.js';
import { unifiedDiff } from '../util/diff.js';
import { palette } from './style.js';
import { jsonStringify } from '../util/json.js';

function showValue(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (typeof v === 'string') return v === '' ? "''" : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return jsonStringify(v);
}

/** Render file changes; '' when nothing would be shown. Always ends with a newline otherwise. */
export function formatDiff(diffs: FileDiff[], opts: { color?: boolean } = {}): string {
  const p = palette(opts.color ?? false);
  const out: string[] = [];
  for (const d of diffs) {
    const attrs = Object.entries(d.attrs ?? {}).filter(([, c]) => showValue(c.before) !== showValue(c.after));
    if (attrs.length > 0) {
      out.push(p.bold(`${d.path}:`));
      for (const [name, c] of attrs) {
        out.push(`  ${name}: ${p.red(showValue(c.before))} -> ${p.green(showValue(c.after))}`);
      }
    }
    if (d.before === undefined && d.after === undefined) continue;
    const text = unifiedDiff(d.before ?? '', d.after ?? '', { path: d.path });
    if (text === '') continue;
    for (const line of text.replace(/\n$/, '').split('\n')) out.push(paintDiffLine(p, line));
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

function paintDiffLine(p: ReturnType<typeof palette>, line: string): string {
  if (line.startsWith('--- ') || line.startsWith('+++ ')) return p.bold(line);
  if (line.startsWith('@@')) return p.cyan(line);
  if (line.startsWith('+')) return p.green(line);
  if (line.startsWith('-')) return p.red(line);
  return line;
}
