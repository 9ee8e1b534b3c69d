// Python's str.split/strip/format and printf-style '%' formatting, which templates rely on
// and which differ from JS (split() with no separator splits on runs of whitespace, etc.).

import { TemplateFault } from './errors.js';
import { isKw } from './filters/types.js';
import { pyRepr, pyStr, typeName } from './pyvalues.js';

export function pySplit(s: string, sep?: string | null, maxsplit?: number, fromRight = false): string[] {
  const max = maxsplit === undefined || maxsplit < 0 ? Infinity : maxsplit;
  if (sep === undefined || sep === null) {
    const words = s.trim() === '' ? [] : s.trim().split(/\s+/);
    if (words.length - 1 <= max) return words;
    if (!fromRight) {
      // keep the remainder (with its inner whitespace) as the last item, like Python
      const out: string[] = [];
      let rest = s.replace(/^\s+/, '');
      for (let i = 0; i < max; i++) {
        const m = /\s+/.exec(rest)!;
        out.push(rest.slice(0, m.index));
        rest = rest.slice(m.index + m[0].length);
      }
      out.push(rest.replace(/\s+$/, ''));
      return out;
    }
    const out: string[] = [];
    let rest = s.replace(/\s+$/, '');
    for (let i = 0; i < max; i++) {
      const m = /\s+(?=\S*$)/.exec(rest)!;
      out.unshift(rest.slice(m.index + m[0].length));
      rest = rest.slice(0, m.index);
    }
    out.unshift(rest.replace(/^\s+/, ''));
    return out;
  }
  if (sep === '') throw new TemplateFault('empty separator');
  const parts = s.split(sep);
  if (parts.length - 1 <= max) return parts;
  if (!fromRight) return [...parts.slice(0, max), parts.slice(max).join(sep)];
  const keep = parts.length - max;
  return [parts.slice(0, keep).join(sep), ...parts.slice(keep)];
}

export function pyStrip(s: string, chars: string | undefined | null, side: 'both' | 'left' | 'right'): string {
  const set = chars === undefined || chars === null ? null : new Set(chars);
  const strip = (c: string) => (set ? set.has(c) : /\s/.test(c));
  let a = 0;
  let b = s.length;
  if (side !== 'right') while (a < b && strip(s[a]!)) a++;
  if (side !== 'left') while (b > a && strip(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** str.format with {} / {0} / {name} fields; specs: [<>][0][width][x|X|d|o|b]. */
export function pyFormat(fmt: string, args: unknown[]): string {
  const kw = (args.length && isKw(args[args.length - 1]) ? args.pop() : {}) as Record<string, unknown>;
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::([^{}]*))?\}/g, (m, field: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const key = field ?? '';
    const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kw[key];
    const sm = spec ? /^([<>^])?(0)?(\d+)?([xXdob])?$/.exec(spec) : null;
    if (spec && !sm) throw new TemplateFault(`unsupported format spec {:${spec}}: tsplay knows [<>][0][width][x|X|d|o|b]`);
    const conv = sm?.[4];
    let out = conv ? intText(v, conv, { x: 16, X: 16, d: 10, o: 8, b: 2 }[conv]!) : pyStr(v);
    if (conv === 'X') out = out.toUpperCase();
    if (sm?.[3]) {
      const w = Number(sm[3]);
      const numeric = typeof v === 'number' || typeof v === 'bigint';
      if (sm[2] && !sm[1]) out = out.startsWith('-') ? '-' + out.slice(1).padStart(w - 1, '0') : out.padStart(w, '0');
      else out = sm[1] === '>' || (!sm[1] && numeric) ? out.padStart(w) : out.padEnd(w);
    }
    return out;
  });
}

/**
 * An int in `base`, exactly: BigInts (ints beyond 2^53) and numbers alike; a float is truncated
 * as Python's %d does; anything else is Python's TypeError.
 */
function intText(v: unknown, conv: string, base: number): string {
  if (typeof v === 'bigint') return v.toString(base);
  const n = typeof v === 'boolean' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TemplateFault(`%${conv} format: an integer is required, not ${typeName(v)}`);
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t.toString(base) : BigInt(t).toString(base);
}

/** printf-style formatting: "%s:%d" % (host, port). */
export function pyPercent(fmt: string, arg: unknown): string {
  const args = Array.isArray(arg) ? [...arg] : [arg];
  let i = 0;
  const out = fmt.replace(/%(?:\(([^)]+)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifrxXoeEgG%])/g,
    (_m, name: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const v = name !== undefined ? (arg as Record<string, unknown>)[name] : args[i++];
      let s: string;
      switch (conv) {
        case 's': s = pyStr(v); break;
        case 'r': s = pyRepr(v); break;
        case 'd': case 'i': s = intText(v, conv, 10); break;
        case 'f': s = Number(v).toFixed(prec !== undefined ? Number(prec) : 6); break;
        case 'x': s = intText(v, conv, 16); break;
        case 'X': s = intText(v, conv, 16).toUpperCase(); break;
        case 'o': s = intText(v, conv, 8); break;
        default: s = String(v);
      }
      if (width) {
        const w = Number(width);
        s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
      }
      return s;
    });
  if (countMismatch(i, args, arg)) throw new TemplateFault('not all arguments converted during string formatting');
  return out;
}

function countMismatch(used: number, args: unknown[], arg: unknown): boolean {
  return used > 0 && Array.isArray(arg) && used < args.length;
}
