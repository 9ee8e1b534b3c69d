// The Python methods templates call on values: 'a,b'.split(','), name.startswith('k8s'),
// d.items(), list.append(x). Looked up only when the value has no own key of that name, so
// data such as `result.items` (kubectl JSON) still reads the data.

import { TemplateFault } from './errors.js';
import { splitKw } from './filters/types.js';
import { isDict, pyEqual, pyStr, type Dict } from './pyvalues.js';
import { pySplit, pyStrip, pyFormat } from './pystring.js';

type Method = (self: never, ...args: unknown[]) => unknown;

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new TemplateFault(`${what} must be a string, not ${pyStr(v)}`);
  return v;
}

function tupleOrString(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => str(x, 'prefix')) : [str(v, 'prefix')];
}

const STRING_METHODS: Record<string, (s: string, ...a: unknown[]) => unknown> = {
  split: (s, sep, max) => pySplit(s, sep as string | null | undefined, max as number | undefined),
  rsplit: (s, sep, max) => pySplit(s, sep as string | null | undefined, max as number | undefined, true),
  splitlines: (s) => s.split(/\r\n|\r|\n/).filter((x, i, arr) => !(i === arr.length - 1 && x === '')),
  strip: (s, chars) => pyStrip(s, chars as string | undefined, 'both'),
  lstrip: (s, chars) => pyStrip(s, chars as string | undefined, 'left'),
  rstrip: (s, chars) => pyStrip(s, chars as string | undefined, 'right'),
  startswith: (s, p) => tupleOrString(p).some((x) => s.startsWith(x)),
  endswith: (s, p) => tupleOrString(p).some((x) => s.endsWith(x)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s) => s.replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  replace: (s, a, b, count) => {
    const from = str(a, 'old'); const to = str(b, 'new');
    let n = typeof count === 'number' && count >= 0 ? count : Infinity;
    if (from === '') return s;
    let out = ''; let rest = s;
    while (n-- > 0) {
      const i = rest.indexOf(from);
      if (i < 0) break;
      out += rest.slice(0, i) + to; rest = rest.slice(i + from.length);
    }
    return out + rest;
  },
  find: (s, sub) => s.indexOf(str(sub, 'sub')),
  rfind: (s, sub) => s.lastIndexOf(str(sub, 'sub')),
  index: (s, sub) => {
    const i = s.indexOf(str(sub, 'sub'));
    if (i < 0) throw new TemplateFault('substring not found');
    return i;
  },
  count: (s, sub) => (str(sub, 'sub') === '' ? s.length + 1 : s.split(sub as string).length - 1),
  join: (s, items) => (Array.isArray(items) ? items.map((x) => str(x, 'join item')).join(s) : str(items, 'join arg').split('').join(s)),
  format: (s, ...args) => pyFormat(s, args),
  isdigit: (s) => /^[0-9]+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  isspace: (s) => /^\s+$/.test(s),
  zfill: (s, w) => {
    const width = Number(w);
    const sign = s.startsWith('-') || s.startsWith('+') ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + body.padStart(width - sign.length, '0');
  },
  ljust: (s, w, c) => s.padEnd(Number(w), (c as string | undefined) ?? ' '),
  rjust: (s, w, c) => s.padStart(Number(w), (c as string | undefined) ?? ' '),
};

const LIST_METHODS: Record<string, (l: unknown[], ...a: unknown[]) => unknown> = {
  append: (l, x) => { l.push(x); return null; },
  extend: (l, xs) => { l.push(...(Array.isArray(xs) ? xs : [])); return null; },
  insert: (l, i, x) => { l.splice(Number(i), 0, x); return null; },
  pop: (l, i) => {
    if (l.length === 0) throw new TemplateFault('pop from empty list');
    const idx = i === undefined ? l.length - 1 : Number(i) < 0 ? l.length + Number(i) : Number(i);
    return l.splice(idx, 1)[0];
  },
  remove: (l, x) => {
    const i = l.findIndex((y) => pyEqual(x, y));
    if (i < 0) throw new TemplateFault('list.remove(x): x not in list');
    l.splice(i, 1);
    return null;
  },
  index: (l, x) => {
    const i = l.findIndex((y) => pyEqual(x, y));
    if (i < 0) throw new TemplateFault(`${pyStr(x)} is not in list`);
    return i;
  },
  count: (l, x) => l.filter((y) => pyEqual(x, y)).length,
  copy: (l) => [...l],
};

const DICT_METHODS: Record<string, (d: Dict, ...a: unknown[]) => unknown> = {
  items: (d) => Object.keys(d).map((k) => [k, d[k]]),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  get: (d, k, def) => (Object.prototype.hasOwnProperty.call(d, String(k)) ? d[String(k)] : def ?? null),
  copy: (d) => ({ ...d }),
  update: (d, other) => { if (isDict(other)) Object.assign(d, other); return null; },
  setdefault: (d, k, def) => {
    const key = String(k);
    if (!Object.prototype.hasOwnProperty.call(d, key)) d[key] = def ?? null;
    return d[key];
  },
  pop: (d, k, ...def) => {
    const key = String(k);
    if (Object.prototype.hasOwnProperty.call(d, key)) { const v = d[key]; delete d[key]; return v; }
    if (def.length) return def[0];
    throw new TemplateFault(`KeyError: ${key}`);
  },
};
DICT_METHODS.iteritems = DICT_METHODS.items!;
DICT_METHODS.iterkeys = DICT_METHODS.keys!;
DICT_METHODS.itervalues = DICT_METHODS.values!;

/** The bound Python method `name` of `obj`, or undefined when it has none. */
export function pyMethod(obj: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const table: Record<string, Method> | undefined =
    typeof obj === 'string' ? (STRING_METHODS as Record<string, Method>)
      : Array.isArray(obj) ? (LIST_METHODS as Record<string, Method>)
        : isDict(obj) ? (DICT_METHODS as Record<string, Method>) : undefined;
  if (!table || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const fn = table[name]!;
  return (...args: unknown[]) => fn(obj as never, ...splitKw(args)[0]); // Python methods here take no keyword arguments
}
