// The functions compiled templates call (as env.tsplay.*). Every lookup, operator, filter and
// test goes through here so that undefined values and Python semantics are handled in one place,
// and every failure becomes a TemplateError naming the template file and line.

import { LazyValue } from './default-value.js';
import { TemplateError, TemplateFault, errorReason } from './errors.js';
import {
  isDict, pyCompare, pyContains, pyEqual, pyIter, pyRepr, pyStr, truthy, typeName,
} from './pyvalues.js';
import { pyMethod } from './pymethods.js';
import { pyPercent } from './pystring.js';
import { asBigInt, normInt, type PyNum } from './pyint.js';
import { MAX_RENDERED_CHARS } from './limits.js';
import { Namespace } from './namespace.js';
import { splitKw, type FilterFn, type Kw, type Registry, type TestFn } from './filters/types.js';

/** Where the render's variables live inside nunjucks' context (a copy would defeat laziness). */
export const VARS_KEY = '__tsplay_vars__';
export const NATIVE_KEY = '__tsplay_native__';
/** the name errors give for the string being rendered, for templates compiled without one */
export const NAME_KEY = '__tsplay_name__';

const hasOwn = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

interface Frame { lookup(name: string): unknown }
interface Context { ctx: Record<string, unknown> }

const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, none: null };

/**
 * Ansible's STRING_TYPE_FILTERS (by the name as written): their result, when it is a whole
 * template's result, stays text (NativeJinjaText) instead of being read back as a literal.
 */
const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

export class Helpers implements Registry {
  /** the text the last string-type filter returned (see STRING_TYPE_FILTERS) */
  stringFilterOut: string | undefined;

  constructor(
    private readonly filters: Record<string, FilterFn>,
    private readonly tests: Record<string, TestFn>,
    private readonly globals: Record<string, unknown>,
  ) {}

  // ---- registry, for filters that call filters/tests (map, select, ...) ----
  filter(name: string, value: unknown, args: unknown[], kw: Kw): unknown {
    const f = this.filters[name];
    if (!f) throw new TemplateFault(`no filter named '${name}'`);
    return f(value, args, kw, this);
  }

  test(name: string, value: unknown, args: unknown[], kw: Kw): boolean {
    const t = this.tests[name];
    if (!t) throw new TemplateFault(`no test named '${name}'`);
    return t(value, args, kw, this);
  }

  hasFilter(name: string): boolean { return hasOwn(this.filters, name); }

  // ---- lookups ----
  sym(line: number, file: string, context: Context, frame: Frame, name: string, soft: boolean): unknown {
    let v = frame.lookup(name);
    if (v !== undefined) return v;
    const ctx = context.ctx;
    if (hasOwn(ctx, name)) {
      v = ctx[name];
      if (v !== undefined) return v;
    }
    const vars = ctx[VARS_KEY] as Record<string, unknown> | undefined;
    if (vars && (hasOwn(vars, name) || (name in vars && !(name in Object.prototype)))) {
      v = this.guard(line, file, () => vars[name]);
      if (v !== undefined) return v;
    }
    if (hasOwn(this.globals, name)) return this.globals[name];
    if (hasOwn(CONSTANTS, name)) return CONSTANTS[name];
    if (soft) return undefined;
    throw new TemplateError(`undefined variable '${name}'`, file, line);
  }

  /** A name the compiler bound to a JS variable (loop var, macro argument). */
  local(line: number, file: string, value: unknown, name: string, soft: boolean): unknown {
    if (value === undefined && !soft) throw new TemplateError(`undefined variable '${name}'`, file, line);
    return value;
  }

  member(line: number, file: string, obj: unknown, key: unknown, soft: boolean, desc: string, targetDesc: string): unknown {
    const missing = (why: string): undefined => {
      if (soft) return undefined;
      throw new TemplateError(`undefined variable '${desc}' (${why})`, file, line);
    };
    if (obj === undefined) return missing(`'${targetDesc}' is undefined`);
    if (obj === null) return missing(`'${targetDesc}' is None`);
    if (typeof key === 'number' || (typeof key === 'boolean')) {
      const k = Number(key);
      if (Array.isArray(obj) || typeof obj === 'string') {
        const i = k < 0 ? obj.length + k : k;
        if (Number.isInteger(i) && i >= 0 && i < obj.length) return this.guard(line, file, () => obj[i]);
        return missing(`index ${k} is out of range: '${targetDesc}' has ${obj.length} item${obj.length === 1 ? '' : 's'}`);
      }
    }
    const name = typeof key === 'string' ? key : typeof key === 'number' ? String(key) : undefined;
    if (name === undefined) return missing(`a ${typeName(key)} cannot be used as a key`);
    if (Array.isArray(obj) || typeof obj === 'string') {
      const m = pyMethod(obj, name);
      return m ?? missing(`a ${typeName(obj)} has no attribute '${name}'`);
    }
    if (typeof obj !== 'object' && typeof obj !== 'function') return missing(`${typeName(obj)} ${pyRepr(obj)} has no attribute '${name}'`);
    const o = obj as Record<string, unknown>;
    if (hasOwn(o, name) || (!isDict(o) && name in o && !(name in Object.prototype))) {
      const v = this.guard(line, file, () => o[name]);
      if (v !== undefined) return typeof v === 'function' && !isDict(o) ? (v as (...a: unknown[]) => unknown).bind(o) : v;
    }
    const m = pyMethod(obj, name);
    if (m) return m;
    return missing(`'${targetDesc}' has no key '${name}'`);
  }

  callMethod(line: number, file: string, obj: unknown, name: string, args: unknown[], desc: string, targetDesc: string): unknown {
    const method = pyMethod(obj, name);
    const fn = method ?? this.member(line, file, obj, name, false, desc, targetDesc);
    if (typeof fn !== 'function') throw new TemplateError(`'${desc}' is a ${typeName(fn)}, not something to call`, file, line);
    return this.guard(line, file, () => (fn as (...a: unknown[]) => unknown)(...args), `${desc}()`);
  }

  /** name(...) for a global function or a macro, called as nunjucks does (the context as `this`). */
  callFn(line: number, file: string, fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
    if (typeof fn !== 'function') throw new TemplateError(`'${name}' is a ${typeName(fn)}, not something to call`, file, line);
    return this.guard(line, file, () => (fn as (...a: unknown[]) => unknown).apply(context, args));
  }

  slice(line: number, file: string, obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
    if (!Array.isArray(obj) && typeof obj !== 'string') throw new TemplateError(`cannot slice a ${typeName(obj)}`, file, line);
    const n = obj.length;
    const st = step === null || step === undefined ? 1 : Number(step);
    if (st === 0) throw new TemplateError('slice step cannot be zero', file, line);
    const norm = (v: unknown, dflt: number, lo: number, hi: number) => {
      if (v === null || v === undefined) return dflt;
      let x = Number(v);
      if (x < 0) x += n;
      return Math.min(Math.max(x, lo), hi);
    };
    const items = typeof obj === 'string' ? [...obj] : obj;
    const out: unknown[] = [];
    if (st > 0) {
      for (let i = norm(start, 0, 0, n); i < norm(stop, n, 0, n); i += st) out.push(items[i]);
    } else {
      for (let i = norm(start, n - 1, -1, n - 1); i > norm(stop, -1, -1, n - 1); i += st) out.push(items[i]);
    }
    return typeof obj === 'string' ? out.join('') : out;
  }

  // ---- filters and tests at a call site ----
  callFilter(line: number, file: string, name: string, ...raw: unknown[]): unknown {
    if (!hasOwn(this.filters, name)) throw new TemplateError(`no filter named '${name}'`, file, line);
    const [args, kw] = splitKw(raw);
    const out = this.guard(line, file, () => this.filter(name, args[0], args.slice(1), kw), `filter '${name}'`);
    if (typeof out === 'string' && STRING_TYPE_FILTERS.has(name)) this.stringFilterOut = out;
    return out;
  }

  callTest(line: number, file: string, name: string, ...raw: unknown[]): boolean {
    if (!hasOwn(this.tests, name)) throw new TemplateError(`no test named '${name}'`, file, line);
    const [args, kw] = splitKw(raw);
    return this.guard(line, file, () => this.test(name, args[0], args.slice(1), kw), `test '${name}'`);
  }

  /** `| default(value)`'s value, evaluated when the filter needs it (compile.ts) */
  lazy(thunk: () => unknown): LazyValue { return new LazyValue(thunk); }

  // ---- output and truthiness ----
  out(line: number, file: string, v: unknown): string {
    if (v === undefined || v === null) return '';
    return this.guard(line, file, () => pyStr(v));
  }

  truthy(_line: number, _file: string, v: unknown): boolean { return truthy(v); }

  and(_line: number, _file: string, a: unknown, b: () => unknown): unknown { return truthy(a) ? b() : a; }

  or(_line: number, _file: string, a: unknown, b: () => unknown): unknown { return truthy(a) ? a : b(); }

  iter1(line: number, file: string, v: unknown): unknown[] {
    return this.guard(line, file, () => pyIter(v, 'loop over a value'));
  }

  iterN(line: number, file: string, v: unknown): unknown {
    if (Array.isArray(v) || isDict(v)) return v;
    return this.iter1(line, file, v);
  }

  // ---- operators ----
  cmp(line: number, file: string, first: unknown, ops: unknown[]): boolean {
    return this.guard(line, file, () => {
      let left = first;
      for (let i = 0; i < ops.length; i += 2) {
        const op = ops[i] as string;
        const right = ops[i + 1];
        let ok: boolean;
        switch (op) {
          case '==': case '===': ok = pyEqual(left, right); break;
          case '!=': case '!==': ok = !pyEqual(left, right); break;
          case '<': ok = pyCompare(left, right) < 0; break;
          case '>': ok = pyCompare(left, right) > 0; break;
          case '<=': ok = pyCompare(left, right) <= 0; break;
          case '>=': ok = pyCompare(left, right) >= 0; break;
          default: throw new TemplateFault(`unknown comparison ${op}`);
        }
        if (!ok) return false;
        left = right;
      }
      return true;
    });
  }

  contains(line: number, file: string, item: unknown, container: unknown): boolean {
    return this.guard(line, file, () => pyContains(container, item));
  }

  concat(line: number, file: string, a: unknown, b: unknown): string {
    return this.guard(line, file, () => pyStr(a) + pyStr(b));
  }

  neg(line: number, file: string, a: unknown): number {
    const n = typeof a === 'boolean' ? Number(a) : a;
    if (typeof n !== 'number') throw new TemplateError(`bad operand type for unary -: '${typeName(a)}'`, file, line);
    return -n;
  }

  arith(line: number, file: string, op: string, a: unknown, b: unknown): unknown {
    return this.guard(line, file, () => arith(op, a, b));
  }

  dict(line: number, file: string, flat: unknown[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < flat.length; i += 2) {
      const k = flat[i];
      if (k !== null && typeof k === 'object') throw new TemplateError(`unhashable type: '${typeName(k)}' used as a dict key`, file, line);
      out[typeof k === 'string' ? k : pyStr(k)] = flat[i + 1];
    }
    return out;
  }

  /** {% set obj.key = value %}: only a namespace() takes attributes, as in Jinja. */
  setAttr(line: number, file: string, obj: unknown, key: unknown, value: unknown): void {
    if (!(obj instanceof Namespace)) throw new TemplateError(`cannot assign attribute on non-namespace object (a ${typeName(obj)})`, file, line);
    obj[String(key)] = value;
  }

  /** Runs fn; any failure that is not yet a TemplateError gets this file and line. */
  guard<T>(line: number, file: string, fn: () => T, what?: string): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw new TemplateError(what ? `${what}: ${errorReason(e)}` : errorReason(e), file, line);
    }
  }
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  return undefined;
}

/** Integer arithmetic beyond 2^53, exact as in Python; undefined when an operand is not an int. */
function bigArith(op: string, a: unknown, b: unknown): PyNum | undefined {
  if (typeof a !== 'bigint' && typeof b !== 'bigint') return undefined;
  const x = asBigInt(a);
  const y = asBigInt(b);
  if (x === undefined || y === undefined) return undefined;
  switch (op) {
    case '+': return normInt(x + y);
    case '-': return normInt(x - y);
    case '*': return normInt(x * y);
    case '//': case '%': {
      if (y === 0n) throw new TemplateFault('integer division or modulo by zero');
      // Python floors (toward -inf); BigInt division truncates
      let q = x / y;
      if ((x % y !== 0n) && ((x < 0n) !== (y < 0n))) q -= 1n;
      return normInt(op === '//' ? q : x - q * y);
    }
    case '**': return y >= 0n ? normInt(x ** y) : Number(x) ** Number(y);
    case '/':
      if (y === 0n) throw new TemplateFault('division by zero');
      return Number(x) / Number(y);
  }
  return undefined;
}

function arith(op: string, a: unknown, b: unknown): unknown {
  if (!(op === '%' && typeof a === 'string')) {
    const big = bigArith(op, a, b);
    if (big !== undefined) return big;
    // a BigInt with a float: Python gives a float
    if (typeof a === 'bigint' && typeof b === 'number') return arith(op, Number(a), b);
    if (typeof b === 'bigint' && typeof a === 'number') return arith(op, a, Number(b));
  }
  const x = num(a);
  const y = num(b);
  const bad = () => new TemplateFault(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  switch (op) {
    case '+':
      if (x !== undefined && y !== undefined) return exact(x + y, x, y, (p, q) => p + q);
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      throw bad();
    case '*':
      if (x !== undefined && y !== undefined) return exact(x * y, x, y, (p, q) => p * q);
      if ((typeof a === 'string' || Array.isArray(a)) && y !== undefined && a.length * y > MAX_RENDERED_CHARS) {
        // checked before the repeat: 'x' * 10**9 must not allocate first
        throw new TemplateFault(`${typeName(a)} * ${y} would have ${a.length * y} ${typeof a === 'string' ? 'characters' : 'items'}, more than the ${MAX_RENDERED_CHARS} a value may have`);
      }
      if (typeof a === 'string' && y !== undefined) return a.repeat(Math.max(0, y));
      if (Array.isArray(a) && y !== undefined) return Array.from({ length: Math.max(0, y) }, () => a).flat();
      throw bad();
    case '%':
      if (typeof a === 'string') return pyPercent(a, b);
      if (x !== undefined && y !== undefined) {
        if (y === 0) throw new TemplateFault('integer division or modulo by zero');
        return ((x % y) + y) % y;
      }
      throw bad();
  }
  if (x === undefined || y === undefined) throw bad();
  switch (op) {
    case '-': return exact(x - y, x, y, (p, q) => p - q);
    case '/':
      if (y === 0) throw new TemplateFault('division by zero');
      return x / y;
    case '//':
      if (y === 0) throw new TemplateFault('integer division or modulo by zero');
      return Math.floor(x / y);
    case '**': return Number.isInteger(x) && Number.isInteger(y) && y >= 0 ? exact(x ** y, x, y, (p, q) => p ** q) : x ** y;
  }
  throw new TemplateFault(`unknown operator ${op}`);
}

/** int op int whose result left the safe range: redo it with BigInt (Python ints do not round). */
function exact(r: number, x: number, y: number, big: (p: bigint, q: bigint) => bigint): PyNum {
  if (Number.isSafeInteger(r) || !Number.isInteger(x) || !Number.isInteger(y) || !Number.isFinite(r)) return r;
  return normInt(big(BigInt(x), BigInt(y)));
}

