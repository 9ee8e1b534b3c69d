import { dirname } from 'node:path';
import type { RoleInstance, RoleSpec } from './types.js';
import { callerLocation, formatLocation } from './source.js';

/**
 * Declare a role. Its vars type comes from `vars` (a schema built with `roleVars`), so a wrong
 * name or type in defaults, params (`role.with({...})`) or a task's `h.vars` is a compile error.
 */
export function defineRole<V extends object>(spec: RoleSpec<V>): RoleInstance<V> {
  const here = callerLocation();
  const dir = spec.dir ?? dirname(here?.file ?? process.cwd());
  return makeInstance(spec, {}, dir, formatLocation(here), {});
}

function makeInstance<V extends object>(
  spec: RoleSpec<V>,
  params: Partial<V>,
  dir: string,
  definedAt: string | undefined,
  paramsAt: Readonly<Record<string, string>>,
): RoleInstance<V> {
  return {
    kind: 'role',
    name: spec.name,
    spec,
    params,
    dir,
    definedAt,
    paramsAt,
    with: (more: Partial<V>) => {
      // where each param was given, so a misspelled one is reported at its `.with` call
      const at = formatLocation(callerLocation());
      const added = at === undefined ? {} : Object.fromEntries(Object.keys(more).map((k) => [k, at]));
      return makeInstance(spec, { ...params, ...more }, dir, definedAt, { ...paramsAt, ...added });
    },
  };
}
