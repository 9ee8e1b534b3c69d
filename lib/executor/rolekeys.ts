import type { RoleInstance } from '../dsl/types.js';
import { didYouMean } from '../util/suggest.js';

// `tsc` rejects `myapp.with({ myapp_prot: 9000 })`, but a run does not type-check: without this
// the misspelled key would be carried along unused and the default silently win. Every key of
// params, defaults and role vars must be a variable the role declares.

/** The role's declared variable names, or undefined when its schema admits any key. */
function declared(role: RoleInstance): string[] | undefined {
  const json = role.spec.vars?.json as { properties?: Record<string, unknown>; additionalProperties?: unknown } | undefined;
  if (!json?.properties || (json.additionalProperties !== undefined && json.additionalProperties !== false)) return undefined;
  return Object.keys(json.properties);
}

function check(keys: string[], names: string[], where: (key: string) => string, role: string, what: string): string[] {
  const known = new Set(names);
  return keys
    .filter((k) => !known.has(k))
    .map((k) => `${where(k)}: role '${role}' has no variable '${k}' (in ${what})${didYouMean(k, names)} (a role takes only the variables its roleVars declare)`);
}

/** Problems with one role instance's keys, each naming file:line, role and key. */
export function unknownRoleKeys(role: RoleInstance): string[] {
  const names = declared(role);
  if (!names) return [];
  const defined = (): string => role.definedAt ?? `role ${role.name} (${role.dir})`;
  return [
    ...check(Object.keys(role.params), names, (k) => role.paramsAt?.[k] ?? defined(), role.name, `.with({...})`),
    ...check(Object.keys(role.spec.defaults ?? {}), names, defined, role.name, 'defaults'),
    ...check(Object.keys(role.spec.roleVars ?? {}), names, defined, role.name, 'roleVars'),
  ];
}
