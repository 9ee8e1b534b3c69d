import { dirname } from 'node:path';
import type { RoleInstance, RoleSpec } from './types.js';
import { callerLocation } from './source.js';

/**
 * Declare a role. Its vars type comes from `vars` (a schema built with `roleVars`), so a wrong
 * name or type in defaults, params (`role.with({...})`) or a task's `h.vars` is a compile error.
 */
export function defineRole<V extends object>(spec: RoleSpec<V>): RoleInstance<V> {
  const dir = spec.dir ?? dirname(callerLocation()?.file ?? process.cwd());
  return makeInstance(spec, {}, dir);
}

function makeInstance<V extends object>(spec: RoleSpec<V>, params: Partial<V>, dir: string): RoleInstance<V> {
  return {
    kind: 'role',
    name: spec.name,
    spec,
    params,
    dir,
    with: (more: Partial<V>) => makeInstance(spec, { ...params, ...more }, dir),
  };
}
