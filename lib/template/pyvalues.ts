// Python semantics for plain JS data (what YAML/JSON vars hold): truthiness, str(), repr(),
// equality and ordering. Jinja templates are written against these, not JS's.

import { TemplateFault } from './errors.js';
import { isNum } from './pyint.js';

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python bool(): None, False, 0, '', [] and {} are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python type names, for error messages and the type_debug filter. */
export function typeName(v: unknown): string {
  if (v === undefined) return 'AnsibleUndefined';
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (typeof v === 'function') return 'function';
  return (v as object).constructor?.name ?? 'object';
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Python repr() of a string: single quotes unless the text holds ' and no ". */
export function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else out += ch;
  }
  return q + out + q;
}

/** Python repr(), used for values inside lists/dicts and for repr-ish messages. */
export function pyRepr(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return '[' + v.map(pyRepr).join(', ') + ']';
  if (isDict(v)) return '{' + Object.keys(v).map((k) => `${pyStrRepr(k)}: ${pyRepr(v[k])}`).join(', ') + '}';
  return String(v);
}

/** Python str(): strings as they are, everything else as repr. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isDict(v)) return String(v); // SafeString etc.
  return pyRepr(v);
}

/** Python ==: by value, 1 == 1.0 == True as in Python. */
export function pyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  // number vs BigInt: JS's loose == compares them by exact value
  if (isNum(na) && isNum(nb)) return na == nb; // eslint-disable-line eqeqeq
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEqual(a[k], b[k]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    return String(a) === String(b) && !(isDict(a) || isDict(b) || Array.isArray(a) || Array.isArray(b));
  }
  return false;
}

/** Python ordering (<): numbers with numbers, strings with strings, lists element-wise. */
export function pyCompare(a: unknown, b: unknown): number {
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (isNum(na) && isNum(nb)) return na < nb ? -1 : na > nb ? 1 : 0;
  const sa = a !== null && typeof a === 'object' && !Array.isArray(a) && !isDict(a) ? String(a) : a;
  const sb = b !== null && typeof b === 'object' && !Array.isArray(b) && !isDict(b) ? String(b) : b;
  if (typeof sa === 'string' && typeof sb === 'string') return sa < sb ? -1 : sa > sb ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TemplateFault(`cannot compare ${typeName(a)} ${pyRepr(a)} with ${typeName(b)} ${pyRepr(b)}`);
}

/** Python `x in container`. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateFault(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEqual(x, item));
  if (isDict(container)) return typeof item === 'string' || isNum(item) ? Object.prototype.hasOwnProperty.call(container, String(item)) : false;
  if (container === null || container === undefined) throw new TemplateFault(`argument of type '${typeName(container)}' is not iterable`);
  if (typeof container === 'object') return (item as PropertyKey) in container;
  throw new TemplateFault(`argument of type '${typeName(container)}' is not iterable`);
}

/** What Python would iterate: list items, dict keys, string characters. */
export function pyIter(v: unknown, what = 'value'): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return Object.keys(v);
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)];
  throw new TemplateFault(`${what} of type '${typeName(v)}' is not iterable`);
}
