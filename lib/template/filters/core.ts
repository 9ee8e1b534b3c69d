// Value filters: default, bool, int, float, string, ternary, mandatory, type_debug, round, abs.

import { LazyValue } from '../default-value.js';
import { TemplateFault } from '../errors.js';
import { normInt } from '../pyint.js';
import { pyStr, truthy, typeName } from '../pyvalues.js';
import { arg, type FilterFn } from './types.js';

/** Ansible's `bool` filter: yes/on/1/true (any case) and the number 1 are true; None stays None. */
export function ansibleBoolFilter(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  return false;
}

function toInt(v: unknown, dflt: unknown, base: number): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : dflt;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') {
    let s = v.trim().replace(/_/g, '');
    let b = base;
    const neg = s.startsWith('-');
    if (neg || s.startsWith('+')) s = s.slice(1);
    const prefix = /^0([xob])/i.exec(s);
    if (prefix && (b === 0 || b === { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x' | 'o' | 'b'])) {
      b = { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x' | 'o' | 'b'];
      s = s.slice(2);
    }
    if (b === 0) b = 10;
    const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
    if (s && [...s.toLowerCase()].every((c) => digits.includes(c))) {
      const n = parseInt(s, b);
      // beyond 2^53 parseInt rounds: parse exactly (Python ints have no limit)
      if (!Number.isSafeInteger(n)) {
        let big = 0n;
        for (const c of s.toLowerCase()) big = big * BigInt(b) + BigInt(digits.indexOf(c));
        return normInt(neg ? -big : big);
      }
      return neg ? -n : n;
    }
    if (b === 10) {
      const f = Number(v.trim().replace(/_/g, ''));
      if (v.trim() !== '' && Number.isFinite(f)) return Math.trunc(f);
    }
    return dflt;
  }
  return dflt;
}

function toFloat(v: unknown, dflt: unknown): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
    if (t === '-inf' || t === '-infinity') return -Infinity;
    if (t === 'nan') return NaN;
    const f = Number(t.replace(/_/g, ''));
    return t !== '' && !Number.isNaN(f) ? f : dflt;
  }
  return dflt;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number, digits: number): number {
  const m = 10 ** digits;
  const y = x * m;
  const r = Math.round(y);
  const isHalf = Math.abs(y % 1) === 0.5;
  return (isHalf ? (r % 2 === 0 ? r : r - 1) : r) / m;
}

export const CORE_FILTERS: Record<string, FilterFn> = {
  default: (v, a, kw) => {
    const boolean = truthy(arg(a, kw, 1, 'boolean', false));
    if (!(v === undefined || (boolean && !truthy(v)))) return v;
    // the compiler passes the value as a LazyValue: evaluated only now that it is used
    const dflt: unknown = arg(a, kw, 0, 'default_value', '');
    return dflt instanceof LazyValue ? dflt.get() : dflt;
  },
  mandatory: (v, a, kw) => {
    if (v === undefined) throw new TemplateFault(String(arg(a, kw, 0, 'msg', 'Mandatory variable not defined.')));
    return v;
  },
  bool: (v) => ansibleBoolFilter(v),
  int: (v, a, kw) => toInt(v, arg(a, kw, 0, 'default', 0), Number(arg(a, kw, 1, 'base', 10))),
  float: (v, a, kw) => toFloat(v, arg(a, kw, 0, 'default', 0)),
  string: (v) => (v === null ? 'None' : pyStr(v)),
  ternary: (v, a, kw) => {
    const noneVal = arg(a, kw, 2, 'none_val', undefined);
    if (v === null && noneVal !== undefined) return noneVal;
    return truthy(v) ? arg(a, kw, 0, 'true_val') : arg(a, kw, 1, 'false_val');
  },
  type_debug: (v) => typeName(v),
  abs: (v) => {
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v !== 'number') throw new TemplateFault(`bad operand type for abs(): '${typeName(v)}'`);
    return Math.abs(v);
  },
  round: (v, a, kw) => {
    const n = Number(v);
    if (typeof v !== 'number' && Number.isNaN(n)) throw new TemplateFault(`cannot round a ${typeName(v)}`);
    const precision = Number(arg(a, kw, 0, 'precision', 0));
    const method = String(arg(a, kw, 1, 'method', 'common'));
    const m = 10 ** precision;
    if (method === 'ceil') return Math.ceil(n * m) / m;
    if (method === 'floor') return Math.floor(n * m) / m;
    if (method !== 'common') throw new TemplateFault("method must be 'common', 'ceil' or 'floor'");
    return roundHalfEven(n, precision);
  },
  safe: (v) => v,
};
CORE_FILTERS.d = CORE_FILTERS.default!;
