// List filters: set operations (by value, order kept), first/last/length, min/max/sort,
// flatten/zip/product/sum/join, and the higher-order map/select/reject/selectattr/rejectattr.

import { TemplateFault } from '../errors.js';
import { isDict, pyCompare, pyEqual, pyIter, pyStr, truthy, typeName } from '../pyvalues.js';
import { getAttr } from './access.js';
import { arg, type FilterFn, type Kw, type Registry } from './types.js';
import { asBigInt, normInt } from '../pyint.js';

function list(v: unknown, filter: string): unknown[] {
  try {
    return pyIter(v, `${filter} input`);
  } catch {
    throw new TemplateFault(`${filter} needs a list, got ${typeName(v)}`);
  }
}

function uniq(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of items) if (!out.some((y) => pyEqual(x, y))) out.push(x);
  return out;
}
const has = (items: unknown[], x: unknown) => items.some((y) => pyEqual(x, y));

function sortKey(caseSensitive: boolean, attr: unknown) {
  return (x: unknown): unknown => {
    let v = attr === undefined || attr === null ? x : getAttr(x, attr);
    if (v === undefined) throw new TemplateFault(`item ${pyStr(x)} has no attribute '${String(attr)}'`);
    if (!caseSensitive && typeof v === 'string') v = v.toLowerCase();
    return v;
  };
}

function minmax(v: unknown, a: unknown[], kw: Kw, dir: 1 | -1, name: string): unknown {
  const items = list(v, name);
  if (!items.length) throw new TemplateFault(`${name} of an empty list`);
  const key = sortKey(truthy(kw.case_sensitive), kw.attribute);
  return items.reduce((best, x) => (pyCompare(key(x), key(best)) * dir < 0 ? x : best));
}

function flatten(items: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of items) {
    if (skipNulls && (x === null || x === 'None')) continue;
    if (Array.isArray(x) && (levels === null || levels > 0)) out.push(...flatten(x, levels === null ? null : levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

/** The test a select-style filter applies: a named test with args, or plain truthiness. */
function selector(reg: Registry, testArgs: unknown[], kw: Kw, what: string) {
  if (!testArgs.length) return (x: unknown) => truthy(x);
  const [name, ...rest] = testArgs;
  if (typeof name !== 'string') throw new TemplateFault(`${what}: test name must be a string`);
  return (x: unknown) => {
    if (x === undefined && name !== 'defined' && name !== 'undefined') throw new TemplateFault(`${what}: the attribute is undefined on an item (test '${name}')`);
    return reg.test(name, x, rest, kw);
  };
}

function selectAttr(keep: boolean, name: string): FilterFn {
  return (v, a, kw, reg) => {
    const [attr, ...testArgs] = a;
    if (attr === undefined) throw new TemplateFault(`${name} needs an attribute name`);
    const t = selector(reg, testArgs, kw, name);
    return list(v, name).filter((x) => t(getAttr(x, attr)) === keep);
  };
}

function select(keep: boolean, name: string): FilterFn {
  return (v, a, kw, reg) => {
    const t = selector(reg, a, kw, name);
    return list(v, name).filter((x) => t(x) === keep);
  };
}

export const LIST_FILTERS: Record<string, FilterFn> = {
  unique: (v) => uniq(list(v, 'unique')),
  union: (v, a) => uniq([...list(v, 'union'), ...list(a[0], 'union')]),
  intersect: (v, a) => { const b = list(a[0], 'intersect'); return uniq(list(v, 'intersect').filter((x) => has(b, x))); },
  difference: (v, a) => { const b = list(a[0], 'difference'); return uniq(list(v, 'difference').filter((x) => !has(b, x))); },
  symmetric_difference: (v, a) => {
    const x = list(v, 'symmetric_difference'); const y = list(a[0], 'symmetric_difference');
    const both = uniq([...x, ...y]);
    return both.filter((e) => !(has(x, e) && has(y, e)));
  },
  first: (v) => {
    const items = list(v, 'first');
    if (!items.length) throw new TemplateFault('first of an empty list');
    return items[0];
  },
  last: (v) => {
    const items = list(v, 'last');
    if (!items.length) throw new TemplateFault('last of an empty list');
    return items[items.length - 1];
  },
  length: (v) => {
    if (typeof v === 'string' || Array.isArray(v)) return [...(typeof v === 'string' ? v : v)].length;
    if (isDict(v)) return Object.keys(v).length;
    throw new TemplateFault(`object of type '${typeName(v)}' has no len()`);
  },
  min: (v, a, kw) => minmax(v, a, kw, 1, 'min'),
  max: (v, a, kw) => minmax(v, a, kw, -1, 'max'),
  sort: (v, a, kw) => {
    const reverse = truthy(arg(a, kw, 0, 'reverse', false));
    const key = sortKey(truthy(arg(a, kw, 1, 'case_sensitive', false)), arg(a, kw, 2, 'attribute'));
    const items = [...list(v, 'sort')].map((x) => ({ x, k: key(x) }));
    items.sort((p, q) => pyCompare(p.k, q.k) * (reverse ? -1 : 1));
    return items.map((p) => p.x);
  },
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...list(v, 'reverse')].reverse()),
  list: (v) => [...list(v, 'list')],
  flatten: (v, a, kw) => {
    const levels = arg<number | null>(a, kw, 0, 'levels', null);
    return flatten(list(v, 'flatten'), levels === null ? null : Number(levels), truthy(arg(a, kw, 1, 'skip_nulls', true)));
  },
  zip: (v, a) => {
    const lists = [list(v, 'zip'), ...a.map((x) => list(x, 'zip'))];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  },
  zip_longest: (v, a, kw) => {
    const lists = [list(v, 'zip_longest'), ...a.map((x) => list(x, 'zip_longest'))];
    const n = Math.max(...lists.map((l) => l.length));
    const fill = kw.fillvalue ?? null;
    return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
  },
  product: (v, a) => {
    const lists = [list(v, 'product'), ...a.map((x) => list(x, 'product'))];
    return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]);
  },
  sum: (v, a, kw) => {
    const attr = arg(a, kw, 0, 'attribute');
    let total: unknown = arg(a, kw, 1, 'start', 0);
    for (const x of list(v, 'sum')) {
      const y = attr === undefined || attr === null ? x : getAttr(x, attr);
      if (Array.isArray(total) && Array.isArray(y)) total = [...total, ...y];
      else if ((typeof total === 'bigint' || typeof y === 'bigint') && asBigInt(total) !== undefined && asBigInt(y) !== undefined) total = normInt(asBigInt(total)! + asBigInt(y)!);
      else if (typeof total === 'number' && (typeof y === 'number' || typeof y === 'boolean')) {
        const t = total + Number(y);
        // ints past 2^53: exact, as Python's sum
        total = Number.isSafeInteger(t) || !Number.isInteger(total) || !Number.isInteger(Number(y)) ? t : normInt(BigInt(total) + BigInt(Number(y)));
      }
      else throw new TemplateFault(`unsupported operand type(s) for +: '${typeName(total)}' and '${typeName(y)}'`);
    }
    return total;
  },
  join: (v, a, kw) => {
    const sep = pyStr(arg(a, kw, 0, 'd', ''));
    const attr = arg(a, kw, 1, 'attribute');
    return list(v, 'join').map((x) => pyStr(attr === undefined || attr === null ? x : getAttr(x, attr))).join(sep);
  },
  map: (v, a, kw, reg) => {
    const items = list(v, 'map');
    if (Object.prototype.hasOwnProperty.call(kw, 'attribute')) {
      const hasDefault = Object.prototype.hasOwnProperty.call(kw, 'default');
      return items.map((x) => {
        const y = getAttr(x, kw.attribute);
        if (y !== undefined) return y;
        if (hasDefault) return kw.default;
        throw new TemplateFault(`map: item ${pyStr(x)} has no attribute '${String(kw.attribute)}'`);
      });
    }
    const [name, ...rest] = a;
    if (typeof name !== 'string') throw new TemplateFault("map needs a filter name or attribute='...'");
    return items.map((x) => reg.filter(name, x, rest, kw));
  },
  select: select(true, 'select'),
  reject: select(false, 'reject'),
  selectattr: selectAttr(true, 'selectattr'),
  rejectattr: selectAttr(false, 'rejectattr'),
  batch: (v, a, kw) => {
    const n = Number(arg(a, kw, 0, 'linecount'));
    const fill = arg(a, kw, 1, 'fill_with');
    const items = list(v, 'batch');
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out[out.length - 1];
    if (fill !== undefined && last) while (last.length < n) last.push(fill);
    return out;
  },
  groupby: (v, a, kw) => {
    const attr = arg(a, kw, 0, 'attribute');
    const groups: [unknown, unknown[]][] = [];
    for (const x of list(v, 'groupby')) {
      const k = getAttr(x, attr);
      if (k === undefined) throw new TemplateFault(`groupby: item ${pyStr(x)} has no attribute '${String(attr)}'`);
      const g = groups.find(([gk]) => pyEqual(gk, k));
      if (g) g[1].push(x);
      else groups.push([k, [x]]);
    }
    return groups.sort((p, q) => pyCompare(p[0], q[0]));
  },
  extract: (v, a, kw) => {
    const container = arg(a, kw, 0, 'container');
    let out = getAttr(container, v);
    if (out === undefined) throw new TemplateFault(`extract: ${pyStr(v)} not found in the container`);
    const more = arg(a, kw, 1, 'morekeys');
    for (const k of more === undefined || more === null ? [] : Array.isArray(more) ? more : [more]) {
      const next = getAttr(out, k);
      if (next === undefined) throw new TemplateFault(`extract: key ${pyStr(k)} not found under ${pyStr(v)}`);
      out = next;
    }
    return out;
  },
};
LIST_FILTERS.count = LIST_FILTERS.length!;
