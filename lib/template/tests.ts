// Jinja and Ansible tests: `x is defined`, `v is version('1.15', '>=')`, `r is failed`, ...
// `defined`/`undefined` see undefined values (the compiler makes their operand soft);
// every other test gets a real value.

import { TemplateFault } from './errors.js';
import { arg, type Kw, type TestFn } from './filters/types.js';
import { isDict, pyCompare, pyContains, pyEqual, truthy, typeName } from './pyvalues.js';
import { pyMatch, pyRegex, pySearch } from './pyregex.js';
import { versionCompare } from './version.js';

function regexTest(kind: 'match' | 'search') {
  return (value: unknown, args: unknown[], kw: Kw): boolean => {
    if (typeof value !== 'string') throw new TemplateFault(`${kind} needs a string, got ${typeName(value)}`);
    const re = pyRegex(arg(args, kw, 0, 'pattern'), {
      ignorecase: truthy(arg(args, kw, 1, 'ignorecase', false)),
      multiline: truthy(arg(args, kw, 2, 'multiline', false)),
    });
    return (kind === 'match' ? pyMatch(re, value) : pySearch(re, value)) !== null;
  };
}

function resultDict(v: unknown, test: string): Record<string, unknown> {
  if (!isDict(v)) throw new TemplateFault(`the '${test}' test expects a task result (a dict), got ${typeName(v)}`);
  return v;
}

const eq: TestFn = (v, a) => pyEqual(v, a[0]);

export const TESTS: Record<string, TestFn> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  number: (v) => typeof v === 'number' || typeof v === 'bigint',
  integer: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  string: (v) => typeof v === 'string',
  mapping: (v) => isDict(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string' || isDict(v),
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || isDict(v),
  callable: (v) => typeof v === 'function',
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  odd: (v) => Number(v) % 2 === 1 || Number(v) % 2 === -1,
  even: (v) => Number(v) % 2 === 0,
  divisibleby: (v, a) => Number(v) % Number(a[0]) === 0,
  sameas: (v, a) => v === a[0],
  eq, equalto: eq, '==': eq,
  ne: (v, a) => !pyEqual(v, a[0]), '!=': (v, a) => !pyEqual(v, a[0]),
  lt: (v, a) => pyCompare(v, a[0]) < 0, '<': (v, a) => pyCompare(v, a[0]) < 0, lessthan: (v, a) => pyCompare(v, a[0]) < 0,
  le: (v, a) => pyCompare(v, a[0]) <= 0, '<=': (v, a) => pyCompare(v, a[0]) <= 0,
  gt: (v, a) => pyCompare(v, a[0]) > 0, '>': (v, a) => pyCompare(v, a[0]) > 0, greaterthan: (v, a) => pyCompare(v, a[0]) > 0,
  ge: (v, a) => pyCompare(v, a[0]) >= 0, '>=': (v, a) => pyCompare(v, a[0]) >= 0,
  in: (v, a) => pyContains(a[0], v),
  contains: (v, a) => pyContains(v, a[0]),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: (v, a, kw) => {
    const kind = String(arg(a, kw, 3, 'match_type', 'search'));
    return regexTest(kind === 'match' ? 'match' : 'search')(v, a, kw);
  },
  version: (v, a, kw) => versionCompare(v, arg(a, kw, 0, 'version'), arg(a, kw, 1, 'operator', 'eq'),
    truthy(arg(a, kw, 2, 'strict', false)), arg(a, kw, 3, 'version_type')),
  subset: (v, a) => {
    if (!Array.isArray(v) || !Array.isArray(a[0])) throw new TemplateFault('subset compares two lists');
    return v.every((x) => (a[0] as unknown[]).some((y) => pyEqual(x, y)));
  },
  superset: (v, a) => {
    if (!Array.isArray(v) || !Array.isArray(a[0])) throw new TemplateFault('superset compares two lists');
    return (a[0] as unknown[]).every((x) => v.some((y) => pyEqual(x, y)));
  },
  truthy: (v, a, kw) => (truthy(arg(a, kw, 0, 'convert_bool', false)) ? toBoolLoose(v) : truthy(v)),
  falsy: (v, a, kw) => !(truthy(arg(a, kw, 0, 'convert_bool', false)) ? toBoolLoose(v) : truthy(v)),
  // task results
  failed: (v) => truthy(resultDict(v, 'failed').failed),
  succeeded: (v) => !truthy(resultDict(v, 'succeeded').failed),
  success: (v) => !truthy(resultDict(v, 'success').failed),
  changed: (v) => truthy(resultDict(v, 'changed').changed),
  change: (v) => truthy(resultDict(v, 'change').changed),
  skipped: (v) => truthy(resultDict(v, 'skipped').skipped),
  skip: (v) => truthy(resultDict(v, 'skip').skipped),
  unreachable: (v) => truthy(resultDict(v, 'unreachable').unreachable),
  reachable: (v) => !truthy(resultDict(v, 'reachable').unreachable),
};
TESTS.version_compare = TESTS.version!;
TESTS.abs = (v) => typeof v === 'string' && v.startsWith('/');

function toBoolLoose(v: unknown): boolean {
  if (typeof v === 'string') return ['y', 'yes', 'on', '1', 'true', 't'].includes(v.trim().toLowerCase());
  if (typeof v === 'number') return v === 1;
  return truthy(v);
}

