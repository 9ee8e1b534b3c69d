// Shapes shared by filters and tests. Jinja passes positional and keyword arguments; a filter
// gets both, already split, plus a way to call other filters/tests (map, select, ...).

export type Kw = Record<string, unknown>;

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
export function isKw(v: unknown): v is Kw {
  return !!v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, '__keywords');
}

/** Positional arguments and keyword arguments (without the marker). */
export function splitKw(args: unknown[]): [unknown[], Kw] {
  const last = args[args.length - 1];
  if (!isKw(last)) return [args, {}];
  const kw: Kw = { ...last };
  delete kw.__keywords;
  return [args.slice(0, -1), kw];
}

export interface Registry {
  filter(name: string, value: unknown, args: unknown[], kw: Kw): unknown;
  test(name: string, value: unknown, args: unknown[], kw: Kw): boolean;
}

export type FilterFn = (value: unknown, args: unknown[], kw: Kw, reg: Registry) => unknown;
export type TestFn = (value: unknown, args: unknown[], kw: Kw, reg: Registry) => boolean;

/** Argument `index`, or keyword `name`, or `dflt`: Python's calling convention. */
export function arg<T = unknown>(args: unknown[], kw: Kw, index: number, name: string, dflt?: T): T {
  if (index < args.length) return args[index] as T;
  if (Object.prototype.hasOwnProperty.call(kw, name)) return kw[name] as T;
  return dflt as T;
}
