// JSON the way Python's json.dumps writes it (what Ansible's to_json/to_nice_json produce):
// ", " and ": " separators when compact, non-ASCII escaped as \uXXXX, optional key sorting.

import { TemplateFault } from './errors.js';
import { isDict, typeName } from './pyvalues.js';

export interface PyJsonOpts { indent?: number | string | null; sortKeys?: boolean; ensureAscii?: boolean }

function quote(s: string, ensureAscii: boolean): string {
  let out = JSON.stringify(s);
  if (ensureAscii) out = out.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return out;
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

export function pyJsonDumps(value: unknown, opts: PyJsonOpts = {}): string {
  const ensureAscii = opts.ensureAscii ?? true;
  const ind = opts.indent === undefined || opts.indent === null ? null
    : typeof opts.indent === 'number' ? ' '.repeat(opts.indent) : String(opts.indent);
  const seen = new Set<unknown>();
  const enc = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return num(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string') return quote(v, ensureAscii);
    if (typeof v === 'object' && !Array.isArray(v) && !isDict(v)) return quote(String(v), ensureAscii);
    if (typeof v !== 'object') throw new TemplateFault(`Object of type ${typeName(v)} is not JSON serializable`);
    if (seen.has(v)) throw new TemplateFault('Circular reference detected');
    seen.add(v);
    try {
      const items: string[] = Array.isArray(v)
        ? v.map((x) => enc(x, depth + 1))
        : (opts.sortKeys ? Object.keys(v).sort() : Object.keys(v)).map((k) => `${quote(k, ensureAscii)}: ${enc((v as Record<string, unknown>)[k], depth + 1)}`);
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      if (!items.length) return open + close;
      if (ind === null) return open + items.join(', ') + close;
      const pad = '\n' + ind.repeat(depth + 1);
      return open + pad + items.join(',' + pad) + '\n' + ind.repeat(depth) + close;
    } finally {
      seen.delete(v);
    }
  };
  return enc(value, 0);
}
